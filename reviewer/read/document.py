"""The document model: what a file prints, whatever its format, before anyone interprets it.

A `Document` is an ordered list of blocks (runs of text lines, and tables) made of `Row`s of `Cell`s.
Merged cells are resolved: the text sits in the top-left cell of the merge and the cells it covers are
empty, as a person reading the grid would place it.  Every cell keeps its `Location`: page and line for
PDF, `Sheet1!C7` for spreadsheets, table/row/column or paragraph for Word and web pages, the line for
text files.  `lines` are the document's display lines, what a memo quotes: for a text file its own
lines, for other formats one line per paragraph or table row.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from . import limits


# What a user reads for a format or a layout (memos, `reviewer inspect`).
FORMAT_LABEL = {"text": "文本", "html": "网页", "pdf": "PDF", "xlsx": "Excel（xlsx）", "xls": "Excel（xls）",
                "docx": "Word（docx）", "doc": "Word（doc）", "image": "图片（文字识别）", "mixed": "多种格式"}
LAYOUT_LABEL = {"tsv": "制表符分隔", "cell-per-line": "每行一格", "plain": "纯文本", "html": "网页表格",
                "sheet": "工作表", "docx": "Word 表格", "doc": "转换文本", "pdf": "PDF 文字", "ruled": "PDF 框线表格",
                "words": "PDF 对齐文字", "scan-pdf": "扫描件文字（OCR）", "scan-ruled": "扫描件框线表格（OCR）",
                "scan-words": "扫描件对齐文字（OCR）", "pipe": "竖线分隔", "pipe-cells": "每行一格（竖线）",
                "aligned": "空格对齐"}


def column_letter(col: int) -> str:
    """1 → A, 27 → AA (spreadsheet column names)."""
    out = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


@dataclass(frozen=True, slots=True)
class Location:
    """Where something is printed.  `str()` gives the label a user can find it by."""

    page: int | None = None  # PDF page, from 1
    line: int | None = None  # line of a text file, or of a PDF page
    sheet: str | None = None  # spreadsheet sheet name
    table: int | None = None  # n-th table of the document (Word, web page) or of the page (PDF)
    row: int | None = None  # row of that table or sheet
    col: int | None = None  # column of that table or sheet
    paragraph: int | None = None  # n-th paragraph (Word, web page)
    image: int | None = None  # n-th picture of a Word document, read by text recognition (a scan pasted in)
    # a document read from several files: which one (None: the report's own file, the only one)
    file: str | None = None
    # on a PDF page: where the characters are, (x0, top, x1, bottom) in points from the top left of the page as shown
    box: tuple[float, float, float, float] | None = None
    # read by text recognition (a scan): how sure it is of what is printed there, the least over its table or line
    # (None: read from the file's own text)
    conf: float | None = None

    def __str__(self) -> str:
        return f"{self.file} {self.in_file}" if self.file else self.in_file

    @property
    def in_file(self) -> str:
        """Where in its file, without the file's name (第3页表1第4行第2列)."""
        if self.sheet is not None:
            if self.col is not None:
                return f"{self.sheet}!{column_letter(self.col)}{self.row}"
            return f"{self.sheet}!第{self.row}行" if self.row is not None else self.sheet
        out = f"第{self.page}页" if self.page else f"图片{self.image}" if self.image else ""
        if self.table:
            out += f"表{self.table}"
        if self.row:
            out += f"第{self.row}行"
        elif self.line:
            out += f"第{self.line}行"
        if self.col:
            out += f"第{self.col}列"
        if self.paragraph:
            out += f"第{self.paragraph}段"
        return out


@dataclass(slots=True)
class Cell:
    text: str
    line: int  # display line (1-based index into Document.lines)
    loc: Location | None = None
    # inside a merged cell, where its text is: "up" (in a row above), "left" (to the left in this row);
    # "" not covered; None unknown (text layouts, where merges left only blanks)
    covered: str | None = None


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
        try:
            return self._nonempty
        except AttributeError:
            self._nonempty = [c for c in self.cells if c.text.strip()]
            return self._nonempty

    def joined(self) -> str:
        return "".join(c.text for c in self.cells)


@dataclass
class Block:
    """A run of text lines (`kind` "text"), one table ("table"), or page furniture ("furniture": page
    numbers, kept so the document holds everything printed, but not content to interpret)."""

    kind: str
    rows: list[Row]
    layout: str  # tsv, cell-per-line, plain, html, sheet, docx, ruled, words, doc
    loc: Location | None = None
    columns: int = 0  # width of a table's grid
    note: str = ""  # e.g. 隐藏的工作表


@dataclass
class ReadIssue:
    """Something in the file that could not be read: where, why, and what it concerns."""

    scope: str  # 文档 | 页 | 工作表 | 表格 | 项目 | 单元格
    where: str  # the location label
    reason: str  # in Chinese, for the user
    subject: str = ""  # the table title or project name it concerns

    def __str__(self) -> str:
        what = f"“{self.subject}”" if self.subject else ""
        return f"{self.where}{what}：{self.reason}"


@dataclass
class Document:
    source: str
    format: str  # text, html, pdf, xlsx, xls, docx, doc
    blocks: list[Block] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    line_locs: list[Location] | None = None  # None: line n is Location(line=n)
    encoding: str = ""
    pages: int = 0  # PDF pages, spreadsheet sheets
    recognised: int = 0  # of them, pages read from a picture by text recognition (OCR)
    issues: list[ReadIssue] = field(default_factory=list)
    files: tuple[str, ...] = ()  # read from several files (reviewer.read.combine): their names, in reading order

    def rows(self) -> list[Row]:
        """The rows of content, in reading order (page furniture left out)."""
        return [r for b in self.blocks if b.kind != "furniture" for r in b.rows]

    def location(self, line: int | None) -> Location | None:
        if line is None or not 1 <= line <= len(self.lines):
            return None
        return self.line_locs[line - 1] if self.line_locs is not None else Location(line=line)

    @property
    def layout(self) -> str:
        """The layout most rows were read in."""
        counts = Counter()
        for b in self.blocks:
            counts[b.layout] += len(b.rows)
        return counts.most_common(1)[0][0] if counts else ""


class DocumentBuilder:
    """Assembles a Document block by block, numbering display lines (one per text line or table row)."""

    def __init__(self, source: str, fmt: str, encoding: str = "") -> None:
        self.doc = Document(source=source, format=fmt, encoding=encoding, line_locs=[])

    def _line(self, text: str, loc: Location) -> int:
        self.doc.lines.append(text.replace("\n", " "))
        self.doc.line_locs.append(loc)
        return len(self.doc.lines)

    def text(self, text: str, loc: Location, layout: str, furniture: bool = False) -> None:
        """One line or paragraph of running text (or a page number, `furniture`)."""
        text = text.strip()
        if not text:
            return
        n = self._line(text, loc)
        row = Row([Cell(text, n, loc)], n, n)
        kind = "furniture" if furniture else "text"
        blocks = self.doc.blocks
        if blocks and blocks[-1].kind == kind and blocks[-1].layout == layout:
            blocks[-1].rows.append(row)
        else:
            blocks.append(Block(kind, [row], layout, loc))

    def table(self, grid: list[list[str]], cell_loc, row_loc, layout: str, loc: Location, note: str = "",
              covered: list[list[str]] | None = None) -> None:
        """A table from its resolved grid (covered cells hold ""); `cell_loc(r, c)` and `row_loc(r)` locate
        grid positions (0-based); `covered[r][c]` says where a covered cell's text is ("up", "left", "").
        Empty rows are skipped and trailing empty cells trimmed (but not those a merged cell covers)."""
        rows = []
        width = 0
        most = limits.current().max_rows_per_table
        for r, texts in enumerate(grid):
            marks = covered[r] if covered is not None and r < len(covered) else []
            if not any(t.strip() for t in texts):
                continue
            if len(rows) == most:
                self.issue("表格", loc, limits.rows_cut(most))
                break
            end = len(texts)  # trailing empty cells go, unless a merged cell covers them
            while end and not texts[end - 1].strip() and not (end - 1 < len(marks) and marks[end - 1]):
                end -= 1
            width = max(width, end)
            n = self._line("\t".join(t.replace("\t", " ") for t in texts[:end]).rstrip("\t"), row_loc(r))
            rows.append(Row([Cell(texts[c], n, cell_loc(r, c), marks[c] if c < len(marks) else "")
                             for c in range(end)], n, n))
        if rows:
            self.doc.blocks.append(Block("table", rows, layout, loc, width, note))

    def issue(self, scope: str, where, reason: str, subject: str = "") -> None:
        self.doc.issues.append(ReadIssue(scope, str(where), reason, subject))

    def build(self, **attrs) -> Document:
        for k, v in attrs.items():
            setattr(self.doc, k, v)
        return self.doc
