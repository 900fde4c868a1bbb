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
from .document import Document, ReadIssue
from .registry import READERS
from .sniff import sniff


def is_path(source) -> bool:
    return isinstance(source, Path) or (
        isinstance(source, str) and "\n" not in source and len(source) < 1024 and Path(source).is_file())


def read(source: str | Path | bytes, name: str | None = None, cache: bool = True) -> Document:
    """A Document from a path, the bytes of a file, or a report's text itself."""
    if isinstance(source, str) and not is_path(source):
        return bounded(text.read_string(source, name or "<text>"))
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
    document = bounded(reader.read(data, name))
    if key:
        doc_cache.store(key, document)
    return document


MAX_CELL_CHARS = 20_000  # a cell or paragraph longer than this is no report's: cut, and said where


def bounded(doc: Document) -> Document:
    """Cells cut to MAX_CELL_CHARS, each cut named as a read issue: every later pattern meets bounded text."""
    cut = []
    for block in doc.blocks:
        for row in block.rows:
            for cell in row.cells:
                if len(cell.text) > MAX_CELL_CHARS:
                    cut.append((cell, len(cell.text)))
                    cell.text = cell.text[:MAX_CELL_CHARS]
    for cell, n in cut[:20]:
        doc.issues.append(ReadIssue("单元格", str(cell.loc or f"第{cell.line}行"),
                                    f"内容过长（{n} 字），只读取前 {MAX_CELL_CHARS} 字，其余未经审核"))
    if len(cut) > 20:
        doc.issues.append(ReadIssue("单元格", "其他", f"另有 {len(cut) - 20} 个过长的单元格被截断"))
    return doc
