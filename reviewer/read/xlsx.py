"""Excel workbooks (.xlsx with openpyxl, .xls with xlrd): every sheet, as a person sees it.

Values are rendered through their number formats (0.0112 formatted 0.00% reads "1.12%"); merged ranges
keep their text in the top-left cell; every cell is located as `Sheet1!C7`.  A formula whose result was
never calculated (a file written by a program, not saved by Excel) cannot be seen: it is reported.
"""
from __future__ import annotations

import html
import io
import re
import zipfile

import xlrd

from ..errors import ReadError
from . import damage, limits
from .document import Document, DocumentBuilder, Location
from .numfmt import display
from .registry import register



def covered(merges) -> dict[tuple[int, int], str]:
    """The cells merges cover, all but each one's top-left, with where their text is ("up" or "left"):
    merges as (first row, last row, first column, last column), inclusive."""
    out = {}
    for r0, r1, c0, c1 in merges:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                out[(r, c)] = "up" if r > r0 else "left"
        del out[(r0, c0)]
    return out


def add_sheet(b: DocumentBuilder, title: str, grid: list[list[str]], hidden: bool, marks) -> None:
    b.table(grid, lambda r, c: Location(sheet=title, row=r + 1, col=c + 1),
            lambda r: Location(sheet=title, row=r + 1), "sheet", Location(sheet=title),
            note="隐藏的工作表" if hidden else "", covered=marks)


_MERGE = re.compile(rb'<mergeCell\b[^>]*?\bref="([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})"')


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _too_large(data: bytes) -> str:
    """What makes a workbook too large to open, checked in its zip before openpyxl builds anything: parts that
    unpack beyond max_unzipped_mb, or merged ranges covering more than max_cells_per_sheet (openpyxl makes an
    object for every cell a merge covers, inside load_workbook)."""
    bounds = limits.current()
    if why := damage.office_zip(data, "xlsx", bounds.max_unzipped_mb):
        return why
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                covered_cells = sum((_column(c1) - _column(c0) + 1) * (int(r1) - int(r0) + 1)
                                    for c0, r0, c1, r1 in _MERGE.findall(z.read(info)))
                if covered_cells > bounds.max_cells_per_sheet:
                    return (f"Excel 工作表的合并单元格共覆盖 {covered_cells} 个单元格，超过上限 "
                            f"{bounds.max_cells_per_sheet}，未读取")
    return ""


@register("xlsx", cached=True)
def read_xlsx(data: bytes, name: str) -> Document:
    try:
        why = _too_large(data)
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise ReadError(f"Excel 文件无法打开（{type(exc).__name__}），文件可能已损坏") from None
    if why:
        raise ReadError(why)
    try:
        import openpyxl  # here, not at the top: a batch of text reports need not pay its import

        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise ReadError(f"Excel 文件无法打开（{type(exc).__name__}），文件可能已损坏") from None
    b = DocumentBuilder(name, "xlsx")
    for ws in wb.worksheets:
        if (ws.max_row or 0) * (ws.max_column or 0) > limits.current().max_cells_per_sheet:
            b.issue("工作表", ws.title, f"工作表过大（{ws.max_row} 行 × {ws.max_column} 列），未读取", ws.title)
            continue
        hidden_by_merge = covered((m.min_row, m.max_row, m.min_col, m.max_col) for m in ws.merged_cells.ranges)
        rows = list(ws.iter_rows())
        grid = [["" if (cell.row, cell.column) in hidden_by_merge else display(cell.value, cell.number_format).strip()
                 for cell in row] for row in rows]
        marks = [[hidden_by_merge.get((cell.row, cell.column), "") for cell in row] for row in rows]
        add_sheet(b, ws.title, grid, ws.sheet_state != "visible", marks)
    for where in _formulas_without_results(data)[:20]:
        b.issue("单元格", where, "公式没有计算结果（文件未经 Excel 保存），该单元格为空")
    return b.build(pages=len(wb.worksheets))


_SHEET = re.compile(r'<sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"')
_REL = re.compile(r'<Relationship\b[^>]*?Id="([^"]*)"[^>]*?Target="([^"]*)"|'
                  r'<Relationship\b[^>]*?Target="([^"]*)"[^>]*?Id="([^"]*)"')
# a cell with a formula and no <v> result: <c r="B5"><f>SUM(B2:B4)</f></c>
_NO_RESULT = re.compile(r'<c\b[^>]*?\br="([A-Z]+\d+)"[^>]*>\s*<f\b[^>]*(?:/>|>[^<]*</f>)\s*(?:<v>\s*</v>\s*)?</c>')


def _formulas_without_results(data: bytes) -> list[str]:
    """Cells whose formula was never calculated: openpyxl reads them as empty, Excel would show a number."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = {n for n in z.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")}
        book = z.read("xl/workbook.xml").decode("utf-8", "replace")
        rels_path = "xl/_rels/workbook.xml.rels"
        rels = z.read(rels_path).decode("utf-8", "replace") if rels_path in z.namelist() else ""
        targets = {}
        for m in _REL.finditer(rels):
            rid, target = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
            targets[rid] = "xl/" + target.lstrip("/").removeprefix("xl/")
        out = []
        for sheet, rid in _SHEET.findall(book):
            path = targets.get(rid)
            if path in names:
                xml = z.read(path).decode("utf-8", "replace")
                if "<f" in xml:
                    out += [f"{html.unescape(sheet)}!{ref}" for ref in _NO_RESULT.findall(xml)]
    return out


@register("xls", cached=True)
def read_xls(data: bytes, name: str) -> Document:
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, ragged_rows=True)
    except Exception as exc:  # xlrd raises many types for broken files
        raise ReadError(f"Excel 97-2003（.xls）文件无法打开（{type(exc).__name__}），文件可能已损坏或加密") from None
    b = DocumentBuilder(name, "xls")
    bounds = limits.current()
    for sheet in book.sheets():
        merged = sum((r1 - r0) * (c1 - c0) for r0, r1, c0, c1 in sheet.merged_cells)
        if sheet.nrows * sheet.ncols > bounds.max_cells_per_sheet or merged > bounds.max_cells_per_sheet:
            b.issue("工作表", sheet.name, f"工作表过大（{sheet.nrows} 行 × {sheet.ncols} 列，合并单元格覆盖 {merged} 个），"
                                        "未读取", sheet.name)
            continue
        hidden_by_merge = covered((r0, r1 - 1, c0, c1 - 1) for r0, r1, c0, c1 in sheet.merged_cells)  # half-open
        grid = [["" if (r, c) in hidden_by_merge else _xls_text(book, sheet, r, c) for c in range(sheet.row_len(r))]
                for r in range(sheet.nrows)]
        marks = [[hidden_by_merge.get((r, c), "") for c in range(sheet.row_len(r))] for r in range(sheet.nrows)]
        add_sheet(b, sheet.name, grid, sheet.visibility != 0, marks)
    return b.build(pages=book.nsheets)


def _xls_text(book, sheet, r: int, c: int) -> str:
    cell = sheet.cell(r, c)
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return ""
    if cell.ctype == xlrd.XL_CELL_TEXT:
        return cell.value.strip()
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERR")
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if cell.value else "FALSE"
    fmt = book.format_map.get(book.xf_list[cell.xf_index].format_key)
    code = fmt.format_str if fmt else None
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return display(xlrd.xldate_as_datetime(cell.value, book.datemode), code)
        except (ValueError, OverflowError):
            return str(cell.value)
    return display(cell.value, code).strip()
