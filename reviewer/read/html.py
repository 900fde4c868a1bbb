"""Web pages (saved .html) and HTML pasted into text files, with lxml.

Tables keep their real structure: rowspan and colspan are resolved into a grid (text in the top-left
cell, the covered cells empty), bounded so that a hostile span cannot blow the grid up.  A table that
holds other tables is page layout, not data: its cells are read as running text and the inner tables
as tables.  Text outside tables becomes one line per block element (<p>, <div>, <li>, <br> …).
"""
from __future__ import annotations

import re

import lxml.html
from lxml import etree

from ..errors import ReadError
from . import limits
from .document import Cell, Document, DocumentBuilder, Location, ReadIssue, Row

SKIP = {"script", "style", "head", "noscript", "template", "title", "meta", "link", "iframe", "object", "svg"}
BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "tr", "blockquote",
         "pre", "section", "article", "header", "footer", "center", "form", "hr", "address", "caption", "body",
         "main", "nav", "aside", "figure", "figcaption", "fieldset", "legend"}
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_SOURCE_WS = re.compile(r"[ \t]*[\r\n][\s]*")


def parse(text: str, fragment: bool = False):
    text = _XML_DECL.sub("", text)
    try:
        if fragment:
            return lxml.html.fragment_fromstring(text, create_parent="div")
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise ReadError(f"网页无法解析：{exc}") from None


class _Text:
    """Text being assembled: <br> always breaks a line, block boundaries only where none is open."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.fresh = True  # nothing on the current line yet

    def add(self, text: str | None) -> None:
        if text:
            text = _SOURCE_WS.sub(" ", text)
            self.parts.append(text)
            self.fresh = self.fresh and not text.strip()

    def hard_break(self) -> None:
        self.parts.append("\n")
        self.fresh = True

    def soft_break(self) -> None:
        if not self.fresh:
            self.hard_break()

    def take(self) -> str:
        text = "".join(self.parts)
        self.parts, self.fresh = [], True
        return text


class _Flow:
    """Walks an element tree in reading order and emits text lines and tables."""

    def __init__(self) -> None:
        self.events: list[tuple] = []  # ("text", str, sourceline) | ("table", grid, lines)
        self._text = _Text()
        self._line = 0

    def flush(self) -> None:
        for part in self._text.take().split("\n"):
            if part.strip():
                self.events.append(("text", part.strip(), self._line))

    def add(self, text: str | None, line: int) -> None:
        if text and self._text.fresh and text.strip():
            self._line = line
        self._text.add(text)

    def walk(self, el) -> None:
        for child in el:
            tag = child.tag.lower() if isinstance(child.tag, str) else ""
            if tag == "table":
                self.flush()
                if child.xpath(".//table"):  # a layout table: its cells are the page
                    for cell in child.xpath(".//td|.//th"):
                        if cell.xpath("ancestor::table[1]")[0] is child:
                            self.walk_block(cell)
                else:
                    grid, lines, marks = table_grid(child)
                    if grid:
                        self.events.append(("table", grid, lines, marks))
            elif tag == "br":
                self._text.hard_break()
            elif tag in BLOCK or tag in ("td", "th"):
                self.walk_block(child)
            elif tag and tag not in SKIP:
                self.add(child.text, child.sourceline or 0)
                self.walk(child)
            self.add(child.tail, child.sourceline or 0)

    def walk_block(self, el) -> None:
        self.flush()
        self.add(el.text, el.sourceline or 0)
        self.walk(el)
        self.flush()


def cell_text(el) -> str:
    """A cell's text: <br> and block elements break lines, source line breaks are spaces."""
    out = _Text()

    def visit(node) -> None:
        out.add(node.text)
        for child in node:
            tag = child.tag.lower() if isinstance(child.tag, str) else ""
            if tag == "br":
                out.hard_break()
            elif tag and tag not in SKIP:
                block = tag in BLOCK or tag == "table"
                if block:
                    out.soft_break()
                visit(child)
                if tag in ("td", "th"):
                    out.add(" ")
                elif block:
                    out.soft_break()
            out.add(child.tail)

    visit(el)
    return out.take().strip()


def _span(el, name: str, limit: int) -> int:
    return limits.count(el.get(name, "1"), limit, zero=limit)  # colspan="2.0" as some exporters write it; rowspan="0"


def table_grid(table) -> tuple[list[list[str]], list[list[int]], list[list[str]]]:
    """The resolved grid of a <table>, the source line of each grid cell, and where each covered cell's
    text is ("up" for a rowspan, "left" for a colspan, "" for a cell of its own)."""
    bounds = limits.current()
    # one row past the limit is kept so that the builder sees the table was longer, and says so
    trs = table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")[:bounds.max_rows_per_table + 1]
    covered: dict[int, dict[int, int]] = {}  # row → {column: source line of the merged cell covering it}
    out, out_lines, out_marks = [], [], []
    for r, tr in enumerate(trs):
        mine = covered.pop(r, {})
        row: dict[int, str] = {c: "" for c in mine}
        row_lines: dict[int, int] = dict(mine)
        marks: dict[int, str] = {c: "up" for c in mine}
        c = 0
        for td in tr.xpath("./td|./th"):
            while c in mine:
                c += 1
            if c >= bounds.max_columns:
                break
            colspan = _span(td, "colspan", min(bounds.max_colspan, bounds.max_columns - c))
            rowspan = _span(td, "rowspan", len(trs) - r)
            line = td.sourceline or tr.sourceline or 0
            row[c], row_lines[c], marks[c] = cell_text(td), line, ""
            for dc in range(1, colspan):
                row[c + dc], row_lines[c + dc], marks[c + dc] = "", line, "left"
            for dr in range(1, rowspan):
                below = covered.setdefault(r + dr, {})
                for dc in range(colspan):
                    below[c + dc] = line
            c += colspan
        width = max(row) + 1 if row else 0
        out.append([row.get(k, "") for k in range(width)])
        out_lines.append([row_lines.get(k, 0) for k in range(width)])
        out_marks.append([marks.get(k, "") for k in range(width)])
    return out, out_lines, out_marks


def _events(root) -> list[tuple]:
    flow = _Flow()
    body = root.find("body") if root.tag == "html" else None
    flow.walk_block(body if body is not None else root)
    return flow.events


def read_html(text: str, source: str, encoding: str) -> Document:
    """A saved web page: one display line per text line or table row, located by paragraph or table cell."""
    b = DocumentBuilder(source, "html", encoding)
    paragraph = table = 0
    for event in _events(parse(text)):
        if event[0] == "text":
            paragraph += 1
            b.text(event[1], Location(paragraph=paragraph), "html")
        else:
            table += 1
            t = table
            b.table(event[1], lambda r, c, t=t: Location(table=t, row=r + 1, col=c + 1),
                    lambda r, t=t: Location(table=t, row=r + 1), "html", Location(table=t), covered=event[3])
    return b.build()


def html_fragment_rows(fragment: str, first_line: int, locs: list[Location]) -> tuple[list[Row], list[ReadIssue]]:
    """Rows of HTML pasted into a text file (lines first_line… of it), located by the file's own lines, and
    what was left unread (a table past `max_rows_per_table`)."""
    def at(line: int) -> int:
        return min(max(first_line + (line or 1), 1), len(locs))

    rows: list[Row] = []
    issues: list[ReadIssue] = []
    most = limits.current().max_rows_per_table
    for event in _events(parse(fragment, fragment=True)):
        if event[0] == "text":
            n = at(event[2])
            rows.append(Row([Cell(event[1], n, locs[n - 1])], n, n))
            continue
        grid, lines, marks = event[1], event[2], event[3]
        if len(grid) > most:
            first = at(lines[0][0] if lines[0] else 0)
            issues.append(ReadIssue("表格", str(locs[first - 1]), limits.rows_cut(most)))
        for texts, cell_lines, row_marks in zip(grid[:most], lines, marks):
            if not any(t.strip() for t in texts):
                continue
            cells = [Cell(t, at(ln), locs[at(ln) - 1], m) for t, ln, m in zip(texts, cell_lines, row_marks)]
            rows.append(Row(cells, cells[0].line, max(c.line for c in cells)))
    return rows, issues
