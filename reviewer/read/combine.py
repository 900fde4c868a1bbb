"""One document read from several files: a unit's 说明 and its 表格 published as two PDFs, an Excel 附表 beside a
Word 说明.  The files' documents are joined, in the order given, into one `Document`; every place in it keeps the
file it is in (`Location.file`), so that a finding says `预算表.pdf 第3页表1第4行`.

    doc = combine("上海市某局2025年度部门预算", [("说明.pdf", read("说明.pdf")), ("预算表.pdf", read("预算表.pdf"))])
"""
from __future__ import annotations

from dataclasses import replace

from .document import Block, Cell, Document, Location, Row


def combine(name: str, parts: list[tuple[str, Document]]) -> Document:
    """The documents of `parts` ((file name, document), in reading order) as one document called `name`."""
    formats = {doc.format for _, doc in parts}
    out = Document(source=name, format=formats.pop() if len(formats) == 1 else "mixed", line_locs=[],
                   files=tuple(file for file, _ in parts),
                   encoding="、".join(dict.fromkeys(doc.encoding for _, doc in parts if doc.encoding)))
    for file, doc in parts:
        shift = len(out.lines)
        out.lines += doc.lines
        out.line_locs += [_in(file, doc.location(n)) for n in range(1, len(doc.lines) + 1)]
        out.blocks += [_block(b, file, shift) for b in doc.blocks]
        out.issues += [replace(i, where=f"{file} {i.where}") for i in doc.issues]
        out.pages += doc.pages
        out.recognised += doc.recognised
    return out


def _in(file: str, loc: Location | None) -> Location | None:
    return replace(loc, file=file) if loc is not None else None


def _block(block: Block, file: str, shift: int) -> Block:
    rows = [Row([Cell(c.text, c.line + shift, _in(file, c.loc), c.covered) for c in r.cells],
                r.line + shift, r.end_line + shift) for r in block.rows]
    return replace(block, rows=rows, loc=_in(file, block.loc))

