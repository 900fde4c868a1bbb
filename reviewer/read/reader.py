"""`read()`: sniff a file's bytes and hand them to the reader registered for that format.

    from reviewer.read import read
    doc = read("report.pdf")        # a Document: blocks of rows of located cells
    doc = read("项目名称\\t…")        # text given directly
"""
from __future__ import annotations

from pathlib import Path

from ..errors import ReadError
from . import cache as doc_cache
from . import damage
from . import docx, image, pdf, text, unsupported, xlsx  # noqa: F401  (each registers its readers)
from . import limits as read_limits
from .document import Document, ReadIssue
from .registry import READERS
from .sniff import sniff


def is_path(source) -> bool:
    return isinstance(source, Path) or (
        isinstance(source, str) and "\n" not in source and len(source) < 1024 and Path(source).is_file())


def read(source: str | Path | bytes, name: str | None = None, cache: bool = True,
         limits: read_limits.Limits | None = None) -> Document:
    """A Document from a path, the bytes of a file, or a report's text itself, read within `limits` (the
    `[read]` section of the rules; the default rules when None)."""
    if isinstance(source, str) and not is_path(source):
        with read_limits.applied(limits) as bounds:
            return bounded(text.read_string(source, name or "<text>"), bounds)
    if isinstance(source, bytes):
        data, name = source, name or "<bytes>"
    else:
        path = Path(source)
        data, name = path.read_bytes(), name or path.name
    return read_bytes(data, name, cache, limits)


def read_bytes(data: bytes, name: str, cache: bool = True, limits: read_limits.Limits | None = None) -> Document:
    fmt = sniff(data)
    reader = READERS.get(fmt.split(":")[0])
    if reader is None:
        raise ReadError(f"无法识别的文件格式（{fmt}）")
    with read_limits.applied(limits) as bounds:
        key = doc_cache.key(data, f"{reader.format}.{bounds.tag()}") if cache and reader.cached else None
        if key and (found := doc_cache.load(key)) is not None:
            found.source = name
            return found
        try:
            document = bounded(reader.read(data, name), bounds)
        except ReadError:
            raise
        except Exception as exc:  # a parser's complaint about the file is the file's problem, not the tool's
            why = damage.reason(exc, reader.format)
            if why is None:
                raise
            raise ReadError(why) from exc
    if key:
        doc_cache.store(key, document)
    return document


def bounded(doc: Document, bounds: read_limits.Limits) -> Document:
    """Cells cut to `max_cell_chars` (a cell that long is no report's), each cut named as a read issue: every
    later pattern meets bounded text."""
    most, cut = bounds.max_cell_chars, []
    for block in doc.blocks:
        for row in block.rows:
            for cell in row.cells:
                if len(cell.text) > most:
                    cut.append((cell, len(cell.text)))
                    cell.text = cell.text[:most]
    for cell, n in cut[:20]:
        doc.issues.append(ReadIssue("单元格", str(cell.loc or f"第{cell.line}行"),
                                    f"内容过长（{n} 字），只读取前 {most} 字，其余未经审核"))
    if len(cut) > 20:
        doc.issues.append(ReadIssue("单元格", "其他", f"另有 {len(cut) - 20} 个过长的单元格被截断"))
    return doc
