"""A damaged file told apart from a fault of the tool: what each parsing library raises for input it cannot parse,
as the Chinese reason a reviewer reads (未能读取).  Anything not listed here stays a program fault (程序错误, "请报告
此问题"): a bug must never pass for a broken file.

One entry per library (lxml, xml.etree/expat, zipfile, zlib, pypdfium2, pdfminer, xlrd); `reason(exc, fmt)` walks an
exception's chain, since a library may wrap what its parser raised.
"""
from __future__ import annotations

import io
import re
import zipfile
import zlib
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import ExpatError

KINDS = {"docx": "Word ", "doc": "Word ", "xlsx": "Excel ", "xls": "Excel ", "pdf": "PDF ", "html": "网页", "text": "文本"}

# lxml's messages for the limits it keeps (entity amplification, depth, node size): the file is hostile, not wrong
_XML_LIMITS = [
    (re.compile(r"amplification|entity .*loop|Detected an entity reference loop", re.I),
     "{kind}文件中的 XML 含有层层展开的实体（“实体炸弹”），已拒绝读取"),
    (re.compile(r"Excessive depth", re.I), "{kind}文件中的 XML 嵌套过深（超过 256 层），已拒绝读取"),
    (re.compile(r"too long|Resource limit|huge", re.I), "{kind}文件中有一段内容超过解析上限，已拒绝读取"),
    (re.compile(r"undefined entity|Entity '.*' not defined|external entit", re.I),
     "{kind}文件中的 XML 引用了未定义或外部的实体，已拒绝读取（外部内容不会被读取）"),
]


def office_zip(data: bytes, fmt: str, unzipped_limit_mb: int) -> str:
    """Why a DOCX or XLSX must not be opened, read from its zip before any XML library sees it ("" when it may be):
    parts that unpack beyond the limit, or a part that declares a DTD — an Office file never does, and a DTD is how
    entity bombs and external entities come in."""
    kind = KINDS.get(fmt, fmt)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        infos = z.infolist()
        unpacked = sum(i.file_size for i in infos)
        if unpacked > unzipped_limit_mb << 20:
            return f"{kind}文件解压后过大（{unpacked >> 20} MB，上限 {unzipped_limit_mb} MB），未读取"
        for info in infos:
            if info.filename.endswith((".xml", ".rels")):
                try:
                    with z.open(info) as fh:
                        head = fh.read(4096)
                except NotImplementedError:
                    continue  # an unsupported compression: the reader says so
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    return f"{kind}文件中的 XML 声明了实体（DTD，可能是实体炸弹或外部实体），已拒绝读取（外部内容不会被读取）"
    return ""


def reason(exc: BaseException, fmt: str) -> str | None:
    """The Chinese reason a file of format `fmt` could not be read, when `exc` (or what it wraps) is a parser's
    complaint about the file; None for anything else (a fault of the tool)."""
    kind = KINDS.get(fmt, fmt.upper() + " ")
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        found = _one(exc, kind)
        if found:
            return found
        exc = exc.__cause__ or exc.__context__
    return None


def _one(exc: BaseException, kind: str) -> str | None:
    text = str(exc)
    if _is_xml_error(exc):
        for pattern, said in _XML_LIMITS:
            if pattern.search(text):
                return said.format(kind=kind)
        return f"{kind}文件内容不是有效的 XML，文件可能已损坏"
    if isinstance(exc, NotImplementedError) and "compression" in text:
        return f"{kind}文件内部使用了不受支持的压缩方式，无法读取"
    if isinstance(exc, zipfile.BadZipFile):
        return f"{kind}文件的压缩包结构已损坏"
    if isinstance(exc, zlib.error):
        return f"{kind}文件中的压缩数据已损坏"
    if isinstance(exc, RecursionError):
        return f"{kind}文件的结构嵌套过深，已拒绝读取"
    if _from(exc, "pypdfium2") or _from(exc, "pdfminer"):
        return f"PDF 文件结构已损坏（{_short(text)}），无法读取"
    if _from(exc, "xlrd"):
        return f"Excel 97-2003（.xls）文件已损坏（{_short(text)}），无法读取"
    return None


def _is_xml_error(exc: BaseException) -> bool:
    if isinstance(exc, (ParseError, ExpatError)):
        return True
    try:
        from lxml import etree
    except ImportError:  # pragma: no cover - lxml is a dependency
        return False
    return isinstance(exc, etree.LxmlSyntaxError)


def _from(exc: BaseException, package: str) -> bool:
    """The exception is a class of that library (its parser's own errors, not a Python error it let through)."""
    return type(exc).__module__.split(".")[0] == package


def _short(text: str) -> str:
    return re.sub(r"\s+", " ", text)[:60] or "无说明"
