"""`read()`: sniff a file's bytes and hand them to the reader registered for that format.

    from reviewer.read import read
    doc = read("report.pdf")        # a Document: blocks of rows of located cells
    doc = read("项目名称\\t…")        # text given directly
"""
from __future__ import annotations

from pathlib import Path

from ..errors import ReadError
from . import cache as doc_cache
from . import docx, pdf, text, unsupported, xlsx  # noqa: F401  (each registers its readers)
from .document import Document
from .registry import READERS
from .sniff import sniff


def is_path(source) -> bool:
    return isinstance(source, Path) or (
        isinstance(source, str) and "\n" not in source and len(source) < 1024 and Path(source).is_file())


def read(source: str | Path | bytes, name: str | None = None, cache: bool = True) -> Document:
    """A Document from a path, the bytes of a file, or a report's text itself."""
    if isinstance(source, str) and not is_path(source):
        return text.read_string(source, name or "<text>")
    if isinstance(source, bytes):
        data, name = source, name or "<bytes>"
    else:
        path = Path(source)
        data, name = path.read_bytes(), name or path.name
    return read_bytes(data, name, cache)


def read_bytes(data: bytes, name: str, cache: bool = True) -> Document:
    fmt = sniff(data)
    reader = READERS.get(fmt.split(":")[0])
    if reader is None:
        raise ReadError(f"无法识别的文件格式（{fmt}）")
    key = doc_cache.key(data, reader.format) if cache and reader.cached else None
    if key and (found := doc_cache.load(key)) is not None:
        found.source = name
        return found
    document = reader.read(data, name)
    if key:
        doc_cache.store(key, document)
    return document
