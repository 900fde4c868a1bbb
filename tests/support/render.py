"""Write a document's rows back out as a web page, XLSX, XLS, DOCX or PDF, the way real reports are made.

The tests render each seed in every format and read it back: the records and findings must not change.
So the renderings use what real files use: merged cells (a label followed by an empty cell is merged
with it), numbers stored as numbers with a display format (1.12% is 0.0112 formatted 0.00%), long
cells that wrap inside ruled PDF tables, paragraphs between tables.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

from reviewer.read.document import Row
from reviewer.read.numfmt import display

_NUMBER = re.compile(r"^(-?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(%?)$")


def blocks(rows: list[Row]) -> list[tuple[str, list[list[str]]]]:
    """("text", [[line]]) and ("table", grid) blocks: runs of one-cell rows and of wider rows."""
    out: list[tuple[str, list[list[str]]]] = []
    for row in rows:
        texts = [c.text for c in row.cells]
        while len(texts) > 1 and not texts[-1].strip():
            texts.pop()
        kind = "text" if len(row.cells) == 1 else "table"
        if out and out[-1][0] == kind:
            out[-1][1].append(texts)
        else:
            out.append((kind, [texts]))
    return out


def _merges(grid: list[list[str]]) -> list[tuple[int, int, int, int]]:
    """(row, col, rowspan, colspan): every other text cell followed by an empty one is merged with it;
    a text cell of the first column with empty cells below it is merged down."""
    merges, k = [], 0
    taken = set()
    width = max(len(r) for r in grid)
    for r, row in enumerate(grid):
        for c, text in enumerate(row):
            if text.strip() and c + 1 < len(row) and not row[c + 1].strip() and (r, c + 1) not in taken:
                k += 1
                if k % 2:
                    merges.append((r, c, 1, 2))
                    taken |= {(r, c), (r, c + 1)}
    for r, row in enumerate(grid):
        if row and row[0].strip() and (r, 0) not in taken:
            down = 0
            while r + down + 1 < len(grid) and grid[r + down + 1] and not grid[r + down + 1][0].strip() \
                    and (r + down + 1, 0) not in taken and len(grid[r + down + 1]) <= width:
                down += 1
            if down:
                merges.append((r, 0, down + 1, 1))
                taken |= {(r + d, 0) for d in range(down + 1)}
    return merges


def number_and_format(text: str):
    """(value, number format) when a cell's text is a number a spreadsheet would store as one."""
    m = _NUMBER.match(text.strip())
    if not m or (m.group(2).startswith("0") and len(m.group(2)) > 1 and "," not in m.group(2)):
        return None
    sign, digits, frac, pct = m.groups()
    value = float(sign + digits.replace(",", "") + ("." + frac if frac else ""))
    fmt = ("#,##0" if "," in digits else "0") + ("." + "0" * len(frac) if frac else "")
    if pct:
        value, fmt = value / 100, fmt + "%"
    if display(value, fmt) != text.strip():
        return None
    return value, fmt


# --- web page ---------------------------------------------------------------------------------


def to_html(rows: list[Row]) -> str:
    out = ["<!DOCTYPE html>", '<html><head><meta charset="utf-8"><title>报告</title></head><body>']
    for kind, grid in blocks(rows):
        if kind == "text":
            out += [f"<p>{html.escape(line[0])}</p>" for line in grid]
            continue
        out.append(html_table(grid, _merges(grid)))
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def spans(merges: list[tuple[int, int, int, int]]) -> tuple[dict, set]:
    """(row, col) → (rowspan, colspan) of each merged cell, and the positions its span covers."""
    at = {(r, c): (rs, cs) for r, c, rs, cs in merges}
    covered = {(r + i, c + j) for (r, c), (rs, cs) in at.items() for i in range(rs) for j in range(cs)} - set(at)
    return at, covered


def html_table(grid: list[list[str]], merges: list[tuple[int, int, int, int]]) -> str:
    """A grid as an HTML table, merged cells spanning what they cover."""
    at, covered = spans(merges)
    rows = []
    for r, row in enumerate(grid):
        tds = []
        for c, text in enumerate(row):
            if (r, c) in covered:
                continue
            rs, cs = at.get((r, c), (1, 1))
            attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
            tds.append(f"<td{attrs}>{html.escape(text).replace(chr(10), '<br>')}</td>")
        rows.append("<tr>" + "".join(tds) + "</tr>")
    return '<table border="1">\n' + "\n".join(rows) + "\n</table>"


# --- spreadsheets -----------------------------------------------------------------------------


def _sheet_cells(rows: list[Row]):
    """(row, col, text) of every cell, and merges, laid out on one sheet (1-based)."""
    cells, merges, r0 = [], [], 1
    for kind, grid in blocks(rows):
        width = max(len(row) for row in grid)
        if kind == "text":
            for line in grid:
                cells.append((r0, 1, line[0]))
                merges.append((r0, 1, 1, 6))  # a title or paragraph spread over the table's width
                r0 += 1
            continue
        for r, row in enumerate(grid):
            for c, text in enumerate(row):
                cells.append((r0 + r, c + 1, text))
        merges += [(r0 + r, c + 1, rs, cs) for r, c, rs, cs in _merges(grid) if c + cs <= width]
        r0 += len(grid)
    return cells, merges


def to_xlsx(rows: list[Row], path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "自评表"
    cells, merges = _sheet_cells(rows)
    for r, c, text in cells:
        if not text:
            continue
        num = number_and_format(text)
        cell = ws.cell(row=r, column=c)
        if num:
            cell.value, cell.number_format = num
        else:
            cell.value = text
            cell.data_type = "s"  # text such as "=1次" is text, not a formula
    for r, c, rs, cs in merges:
        if rs > 1 or cs > 1:
            ws.merge_cells(start_row=r, start_column=c, end_row=r + rs - 1, end_column=c + cs - 1)
    wb.create_sheet("说明")  # an empty second sheet: every sheet is read, empty ones add nothing
    wb.save(path)
    return path


def to_xls(rows: list[Row], path: Path) -> Path:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("自评表")
    cells, merges = _sheet_cells(rows)
    styles: dict[str, xlwt.XFStyle] = {}
    spans = {(r, c): (rs, cs) for r, c, rs, cs in merges if rs > 1 or cs > 1}
    covered = {(r + i, c + j) for (r, c), (rs, cs) in spans.items() for i in range(rs) for j in range(cs)} - set(spans)
    values = {(r, c): text for r, c, text in cells}
    for (r, c), text in values.items():
        if (r, c) in covered:
            continue
        num = number_and_format(text) if text else None
        style = None
        value = text
        if num:
            value, fmt = num
            style = styles.setdefault(fmt, _xls_style(fmt))
        if (r, c) in spans:
            rs, cs = spans[(r, c)]
            args = (r - 1, r + rs - 2, c - 1, c + cs - 2, value)
            ws.write_merge(*args, style) if style else ws.write_merge(*args)
        elif text:
            ws.write(r - 1, c - 1, value, style) if style else ws.write(r - 1, c - 1, value)
    wb.save(str(path))
    return path


def _xls_style(fmt: str):
    import xlwt

    style = xlwt.XFStyle()
    style.num_format_str = fmt
    return style


# --- Word -------------------------------------------------------------------------------------


def to_docx(rows: list[Row], path: Path) -> Path:
    import docx

    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    d = docx.Document()
    section = d.sections[0]  # A4 landscape, as wide forms are printed: a PDF made from the file reads like one
    section.orientation, section.page_width, section.page_height = WD_ORIENT.LANDSCAPE, Mm(297), Mm(210)
    for kind, grid in blocks(rows):
        if kind == "text":
            for line in grid:
                d.add_paragraph(line[0])
            continue
        width = max(len(r) for r in grid)
        table = d.add_table(rows=len(grid), cols=width)
        table.style = "Table Grid"  # ruled, as every published form is
        cells = table._cells  # the grid once: table.cell() rebuilds it on every call
        for r, row in enumerate(grid):
            for c, text in enumerate(row):
                if text:
                    cells[r * width + c].text = text
        for r, c, rs, cs in _merges(grid):  # merges never overlap, so the cells above stay valid
            if c + cs <= width:
                cells[r * width + c].merge(cells[(r + rs - 1) * width + c + cs - 1])
    d.save(str(path))
    return path


# --- PDF --------------------------------------------------------------------------------------


def to_pdf(rows: list[Row], path: Path) -> Path:
    """Ruled tables (text wraps inside cells) and paragraphs, in a CJK font, on tall landscape pages."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cell", fontName="STSong-Light", fontSize=8, leading=10, wordWrap="CJK")
    text_style = ParagraphStyle("text", parent=style, fontSize=9, leading=12, spaceAfter=6)
    page = (842, 4000)
    usable = page[0] - 72
    story = []
    for kind, grid in blocks(rows):
        if kind == "text":
            story += [Paragraph(_markup(line[0]), text_style) for line in grid]
            continue
        width = max(len(r) for r in grid)
        data = [[Paragraph(_markup(t), style) for t in row] + [""] * (width - len(row)) for row in grid]
        commands = [("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "TOP")]
        for r, c, rs, cs in _merges(grid):
            if c + cs <= width:
                commands.append(("SPAN", (c, r), (c + cs - 1, r + rs - 1)))
        story += [Table(data, colWidths=[usable / width] * width, style=TableStyle(commands)), Spacer(1, 8)]
    SimpleDocTemplate(str(path), pagesize=page, leftMargin=36, rightMargin=36, topMargin=36,
                      bottomMargin=36).build(story)
    return path


def _markup(text: str) -> str:
    return html.escape(text).replace("\n", "<br/>")


def render(rows: list[Row], fmt: str, folder: Path, stem: str) -> Path:
    """Write rows in `fmt` (html, xlsx, xls, docx, pdf) into folder/stem.<fmt>; returns the path."""
    path = folder / f"{stem}.{fmt}"
    if fmt == "html":
        path.write_text(to_html(rows), encoding="utf-8")
        return path
    return {"xlsx": to_xlsx, "xls": to_xls, "docx": to_docx, "pdf": to_pdf}[fmt](rows, path)
