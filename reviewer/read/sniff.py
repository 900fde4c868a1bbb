"""A file's format from its bytes (magic numbers), never from its name."""
from __future__ import annotations

import io
import re
import zipfile

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGES = [(b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"),
           (b"GIF87a", "GIF"), (b"GIF89a", "GIF"), (b"BM", "BMP")]
_HTML_HEAD = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)[\s>]",
                        re.I | re.S)
_HTML_TAGS = re.compile(r"<(?:html|body|head|meta\s+http-equiv)[\s>]", re.I)


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def sniff(data: bytes) -> str:
    """pdf, xlsx, docx, xls, doc, zip, ole, image:<KIND>, rtf, or text (HTML is told apart after decoding)."""
    if _is_pdf(data):
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        return _zip_kind(data)
    if data[:8] == OLE_MAGIC:
        if _utf16("EncryptedPackage") in data:
            return "encrypted-ooxml"
        if _utf16("WordDocument") in data:
            return "doc"
        if _utf16("Workbook") in data or _utf16("Book") in data:
            return "xls"
        return "ole"
    for magic, kind in _IMAGES:
        if data.startswith(magic) and (kind != "BMP" or len(data) > 26):
            return f"image:{kind}"
    if data.lstrip()[:5] == b"{\\rtf":
        return "rtf"
    return "text"


_OBJECT = re.compile(rb"\d+\s+\d+\s+obj\b")


def _is_pdf(data: bytes) -> bool:
    """A PDF: its header first, or within the first KB (as viewers accept) with a PDF's structure behind it — an
    object header, or the trailer's startxref / %%EOF — so that a text report saying "附件格式 %PDF-1.4" stays text."""
    at = data.find(b"%PDF-", 0, 1024)
    if at < 0:
        return False
    if at == 0:
        return True
    tail = data[-2048:]
    return b"%%EOF" in tail or b"startxref" in tail or _OBJECT.search(data, at, at + 8192) is not None


def _zip_kind(data: bytes) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except zipfile.BadZipFile:
        return "zip-broken"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "content.xml" in names and "mimetype" in names:
        return "odf"
    return "zip"


def looks_like_html(text: str) -> bool:
    """A saved web page, as opposed to a text file with some HTML pasted into it: a page whose lines are mostly
    tab-separated text without a tag is a text report with a stray <html> or <body> line (read as text, the
    HTML regions in it read as tables), not a page whose text would run together."""
    head = text[:4096]
    if not (_HTML_HEAD.match(head) or _HTML_TAGS.search(head)):
        return False
    lines = [line for line in text.split("\n", 5000)[:5000] if line.strip()]
    tabbed = sum(1 for line in lines if "\t" in line and "<" not in line)
    return not (tabbed >= 5 and tabbed >= 0.5 * len(lines))
