"""From raw text to rows of cells, whatever the layout.

Reports arrive in several shapes, all converted from Word/PDF/HTML by someone else:
- tab-separated rows (merged header cells become empty cells), sometimes with `<p>` inside cells;
- one cell per line: each cell on its own line starting with a tab, rows separated by a blank line,
  a cell's text sometimes broken over several lines ("绩\\n效\\n指\\n标");
- HTML tables (`<tr><td>`).
Every later stage works on `Row`s, so a table reads the same in every layout.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser


@dataclass
class Cell:
    text: str
    line: int


@dataclass
class Row:
    cells: list[Cell]
    line: int
    end_line: int

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]

    def nonempty(self) -> list[Cell]:
        # called for every row by every parser; cells do not change once a row is built
        cached = self.__dict__.get("_nonempty")
        if cached is None:
            cached = self.__dict__["_nonempty"] = [c for c in self.cells if c.text.strip()]
        return cached

    def joined(self) -> str:
        return "".join(c.text for c in self.cells)


_TAG_RE = re.compile(r"</?(?:p|span|div|br|strong|b|i|em|font)\b[^>]*>", re.I)


def clean_cell(text: str) -> str:
    """Strip inline HTML (<p>, <br>…) and entities from a cell, keep the words."""
    if "<" in text or "&" in text:
        text = re.sub(r"<br\s*/?>", "\n", text, flags=re.I)
        text = re.sub(r"</p>\s*<p[^>]*>", "\n", text, flags=re.I)
        text = _TAG_RE.sub("", text)
        text = html.unescape(text)
    return text.strip()


def detect_layout(text: str) -> str:
    if re.search(r"<t[dh][\s>]", text, re.I) and re.search(r"<tr[\s>]", text, re.I):
        return "html"
    lines = text.split("\n")
    tabbed = [ln for ln in lines if "\t" in ln]
    if not tabbed:
        return "plain"
    single = sum(1 for ln in tabbed if ln.startswith("\t") and ln.count("\t") == 1)
    return "cell-per-line" if single > 0.6 * len(tabbed) else "tsv"


def read_rows(text: str, layout: str | None = None) -> tuple[list[Row], str]:
    layout = layout or detect_layout(text)
    if layout == "html":
        return _html_rows(text), layout
    if layout == "cell-per-line":
        return _cell_per_line_rows(text), layout
    return _tsv_rows(text), layout


def _tsv_rows(text: str) -> list[Row]:
    rows = []
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        cells = [Cell(clean_cell(c), n) for c in line.rstrip("\r").split("\t")]
        rows.append(Row(cells, n, n))
    return rows


def _cell_per_line_rows(text: str) -> list[Row]:
    """Group one-cell-per-line text into rows.

    A blank line ends a row; a line without the leading tab continues the previous cell
    (headers broken across lines).  Some conversions also break a row in two with a blank
    line inside a cell: when a short block and the next one add up to exactly the width of
    the row before, they are one row.
    """
    blocks: list[list[Cell]] = []
    current: list[Cell] = []
    pending_blank = False
    for n, line in enumerate(text.split("\n"), 1):
        line = line.rstrip("\r")
        if line.startswith("\t"):
            if pending_blank and current:
                blocks.append(current)
                current = []
            current.append(Cell(clean_cell(line[1:]), n))
            pending_blank = False
        elif not line.strip():
            pending_blank = True
        elif current or blocks:
            target = current[-1] if current else blocks[-1][-1]
            target.text = (target.text + "\n" + clean_cell(line)).strip()
            pending_blank = False
        else:
            current.append(Cell(clean_cell(line), n))
            blocks.append(current)
            current = []
            pending_blank = False
    if current:
        blocks.append(current)
    return _merge_split_rows(blocks)


def _merge_split_rows(blocks: list[list[Cell]]) -> list[Row]:
    rows: list[list[Cell]] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if rows and i + 1 < len(blocks):
            width = len(rows[-1])
            nxt = blocks[i + 1]
            if (
                width >= 5
                and len(block) >= 2
                and len(nxt) >= 2
                and len(block) + len(nxt) == width
                and block[-1].text.strip()
                and nxt[0].text.strip()
            ):
                block = block + nxt
                i += 1
        rows.append(block)
        i += 1
    return [Row(cells, cells[0].line, cells[-1].line) for cells in rows]


class _TableParser(HTMLParser):
    """Rows from HTML: each <tr> a row, each <td>/<th> a cell (colspan repeated as empty cells);
    text outside tables becomes one-cell rows, one per block element."""

    BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "br", "table", "tr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[Row] = []
        self._row: list[Cell] | None = None
        self._cell: list[str] | None = None
        self._cell_line = 0
        self._colspan = 1
        self._row_line = 0
        self._loose: list[str] = []
        self._loose_line = 0

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        if tag == "tr":
            self._flush_loose()
            self._row, self._row_line = [], line
        elif tag in ("td", "th") and self._row is not None:
            self._cell, self._cell_line = [], line
            self._colspan = int(dict(attrs).get("colspan") or 1)
        elif self._cell is not None and tag in ("br", "p"):
            self._cell.append("\n")
        elif tag in self.BLOCKS:
            self._flush_loose()

    def handle_endtag(self, tag):
        line = self.getpos()[0]
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(Cell(clean_cell("".join(self._cell)), self._cell_line))
            self._row.extend(Cell("", self._cell_line) for _ in range(self._colspan - 1))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._row:
                self.rows.append(Row(self._row, self._row_line, line))
            self._row = None
        elif tag in self.BLOCKS:
            self._flush_loose()

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        elif self._row is None and data.strip():
            if not self._loose:
                self._loose_line = self.getpos()[0]
            self._loose.append(data)

    def _flush_loose(self):
        text = clean_cell("".join(self._loose))
        if text:
            for k, part in enumerate(t for t in text.split("\n") if t.strip()):
                self.rows.append(Row([Cell(part.strip(), self._loose_line + k)], self._loose_line, self._loose_line))
        self._loose = []


def _html_rows(text: str) -> list[Row]:
    parser = _TableParser()
    parser.feed(text)
    parser.close()
    parser._flush_loose()
    return parser.rows


def render_rows(rows: list[Row], layout: str) -> str:
    """Write rows back out in a layout: used to prove that parsing does not depend on layout."""
    if layout == "tsv":
        return "\n\n".join("\t".join(c.text.replace("\n", " ") for c in r.cells) for r in rows) + "\n"
    if layout == "cell-per-line":
        out = []
        for r in rows:
            out.append("\n".join("\t" + c.text for c in r.cells))
        return "\n\n".join(out) + "\n"
    if layout == "html":
        out = ["<html><body>"]
        for r in rows:
            if len(r.cells) == 1:
                out.append(f"<p>{html.escape(r.cells[0].text)}</p>")
            else:
                tds = "".join(f"<td>{html.escape(c.text).replace(chr(10), '<br>')}</td>" for c in r.cells)
                out.append(f"<table><tr>{tds}</tr></table>")
        out.append("</body></html>")
        return "\n".join(out) + "\n"
    raise ValueError(f"unknown layout {layout!r}")
