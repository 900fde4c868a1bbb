"""Formats that are recognised but cannot be read: each says so in words the user can act on."""
from __future__ import annotations

from ..errors import ReadError
from .registry import register

MESSAGES = {
    "rtf": "RTF 格式暂不支持，请另存为 DOCX 或 PDF 后再审核",
    "odf": "OpenDocument（ODT/ODS）格式暂不支持，请另存为 DOCX 或 XLSX 后再审核",
    "zip": "压缩包或无法识别的 Office 文件，请解压后逐个提交报告文件",
    "zip-broken": "文件已损坏（ZIP 结构无法打开），可能是下载不完整的 Word 或 Excel 文件",
    "ole": "无法识别的 Office 97-2003 文件（不是 Word 或 Excel 文档）",
    "encrypted-ooxml": "文件已加密（设有打开密码），无法读取；请提供未加密的文件",
}


def _refuse(message: str):
    def read(data: bytes, name: str):
        raise ReadError(message)
    return read


for _fmt, _message in MESSAGES.items():
    register(_fmt)(_refuse(_message))
