"""Whether a document was printed to its end, and whether it holds what its kind requires.

A report is 完整读取 only when nothing it prints was left unread *and* nothing it should hold is missing:

- **Cut off**: a copy that stops at a truncation marker ("[... TRUNCATED ...]", "（未完）", "展开全文") or in the
  middle of a sentence ("2024年度收、支总计均为1523.26万", "主要用于机要文件交换、", a heading with nothing under
  it) lost what came after; what is missing cannot be reviewed.
- **Required parts**: a 项目支出绩效自评表 needs its funds, its indicators and its total; a 决算 or 预算 its tables
  (a 说明 whose tables are published elsewhere is a part of the document, not all of it).

Both become read issues (`reviewer.read.ReadIssue`), so the report is 部分读取 and never called clean.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import fields, is_dataclass
from pathlib import Path

import pandas as pd

from ..model import Report
from ..read import Document, ReadIssue
from ..read.text import front_matter_end
from .values import compact

with open(Path(__file__).with_name("titles.toml"), "rb") as _fh:
    REQUIRES: dict[str, list[str]] = tomllib.load(_fh)["requires"]
# a form found whose cells ran together into lines of text: there, not read (extract/report.py)
FORM_UNREAD = "项目支出绩效自评表的文字失去了单元格结构，未能拆分成单元格读取，表中内容未核查"

# markers a saved copy or a web page leaves where its text was cut
TRUNCATION_MARK = re.compile(
    r"TRUNCATED|\[\s*(?:\.{3}|…)|(?:\.{3}|…)\s*\]|[（(]\s*(?:未完|待续|未完待续|下转|略)\s*[)）]|未完待续|"
    r"展开全文|阅读全文|查看全文|点击(?:查看|阅读)(?:更多|全文)|余下全文|显示全部|剩余\s*\d+\s*(?:字|页)未读")
# what a complete sentence, title, signature or date line may end with
_CLOSED = set("。！？!?；;…”’」』）)】]》〉.")
_OPEN = set("，,、：:（(“‘《【[—-<>≥≤=＝＞＜")  # a comparison with nothing to compare to is cut too
_PAGE_NUMBER = re.compile(r"^[-—–\s]*(?:第\s*)?\d{1,4}\s*(?:页)?(?:\s*[/／共]\s*\d{1,4}\s*页?)?[-—–\s]*$")
_HEADING = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[.．、](?!\d))")
_DATE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?$|^\s*\d{4}[-./]\d{1,2}[-./]\d{1,2}\s*$")
_FORM_FIELD = re.compile(r"(?:^|[:：\s])[\u4e00-\u9fff（）()]{1,8}[:：]$")  # "项目负责人:财务负责人:": fields left blank
_NOTE = re.compile(r"^(?:注|说明|备注)\s*\d*\s*[:：]")  # a table's note, often printed without a full stop
_PAIRS = ("（）", "()", "《》", "“”", "【】", "[]")
PROSE_MIN = 12  # a line this long with a comma in it is running text, not a title or a signature


def ending_issue(doc: Document) -> ReadIssue | None:
    """A read issue when the document's text stops at a truncation marker or in the middle of a sentence."""
    blocks = [b for b in doc.blocks if b.kind != "furniture" and b.rows]
    rows = [r for b in blocks for r in b.rows]
    for row in rows[-3:]:  # the marker is at the end: a cut copy says so on its last lines
        text = row.joined()
        if TRUNCATION_MARK.search(text):
            where = str(row.cells[0].loc or f"第{row.line}行")
            return ReadIssue("文档", where, f"文字在此处截断（“{compact(text)[:30]}”），其后的内容缺失，未能审核")
    if not blocks or blocks[-1].kind != "text":
        return None  # a document that ends with a table ends where the table does
    last = next((r for r in reversed(blocks[-1].rows) if not _PAGE_NUMBER.match(r.joined())), None)
    if last is None:
        return None
    text = compact(last.joined())
    if not text or _DATE.search(text) or _FORM_FIELD.search(text):
        return None  # a date, a signature, or a form's fields left blank (项目负责人：财务负责人：)
    why = ""
    if _unclosed(text):
        why = "末行有未闭合的括号或引号"
    elif text[-1] in _OPEN:
        why = f"末行以“{text[-1]}”结束"
    elif text[-1] not in _CLOSED and _HEADING.match(text) and len(text) <= 30:
        why = "末行是一个标题，其下没有内容"
    elif text[-1] not in _CLOSED and len(text) >= PROSE_MIN and re.search(r"[，,、。；]", text) and not _NOTE.match(text):
        why = "末行是一句没有结束的话"
    if not why:
        return None
    where = str(last.cells[0].loc or f"第{last.line}行")
    return ReadIssue("文档", where, f"文字在句中中断（{why}：“…{text[-20:]}”），其后的内容缺失，未能审核")


def _unclosed(text: str) -> bool:
    """An opening bracket or quote of the last sentence is never closed: "(京编委[1997]"."""
    tail = re.split(r"[。！？；]", text)[-1]
    return any(tail.count(a) > tail.count(b) for a, b in _PAIRS)


PART_LABEL = {"accounts": "决算或预算表格", "department_table": "部门整体支出绩效自评表", "projects": "项目绩效表格"}


def missing_parts(report: Report) -> list[ReadIssue]:
    """What the document's kind requires (titles.toml [requires]) and it does not hold."""
    held = {"accounts": bool(report.accounts),
            "department_table": bool(report.department_part and (report.department_part.indicators
                                                                  or report.department_part.funds)),
            "projects": bool(report.projects or report.blank_templates or report.targets
                             or any(i.reason == FORM_UNREAD for i in report.issues))}
    label = {"accounts": report.accounts_label if report.accounts else
             ("预算表" if "预算" in report.kind else "决算表")}
    out = []
    said = any(i.scope == "文档" and "表格未能拆分" in i.reason for i in report.issues)
    for part in REQUIRES.get(report.kind, []):
        if not held[part] and not (part == "projects" and said):  # "its table could not be split" says it already
            what = label.get(part, PART_LABEL[part])
            out.append(ReadIssue("文档", "全文", f"是{report.kind}，但文中没有{what}（或未能识别）：只读到文字部分，"
                                             f"{what}中的数字未审核"))
    return out


# figures as a table prints them (thousands separators or decimals), as reviewer.inspect counts them
_AMOUNT = re.compile(r"(?<![\d.,])(?:\d{1,3}(?:,\d{3})+(?:\.\d{1,4})?|\d+\.\d{1,4})(?![\d.,]*\s*[%％])(?![\d.])")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_CLAUSE = re.compile(r"[，。；]")
TABLE_ROW_CHARS = 12  # a line with at most this many characters of words per figure is a table row, not prose
UNREAD_AMOUNTS = 5  # this many figures of table rows not read as numbers make the report 部分读取


def numbers_held(obj, out: set[float] | None = None) -> set[float]:
    """Every number a report's records hold, rounded to cents (what reading made of the printed figures)."""
    out = set() if out is None else out
    if isinstance(obj, pd.DataFrame):
        for col in obj.columns:
            if col not in ("line", "loc", "raw") and obj[col].dtype.kind in "if":
                out.update(round(float(x), 2) for x in obj[col].dropna())
    elif isinstance(obj, (int, float)) and not isinstance(obj, bool):
        if obj == obj:
            out.add(round(float(obj), 2))
    elif isinstance(obj, dict):
        for v in obj.values():
            numbers_held(v, out)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            numbers_held(v, out)
    elif is_dataclass(obj) and not isinstance(obj, type):
        for f in fields(obj):
            if f.name not in _NOT_RECORDS:
                numbers_held(getattr(obj, f.name), out)
    return out


_NOT_RECORDS = {"lines", "line_locs", "multiline_rows", "line", "end_line", "loc", "pos", "decimals", "issues",
                "warnings", "uncertain_lines", "total_first", "departments", "years", "units", "pages"}


def lost_figures(report: Report) -> list[ReadIssue]:
    """Figures printed among a table's rows that no row of it holds (`AccountsTable.lost`), one read issue per table:
    its rows were not all understood, so its sums are not judged (the checks leave such a table's identities)."""
    out = []
    for table in report.accounts:
        if table.unread or table.line is None:
            continue
        held = numbers_held(table.frame) | numbers_held(table.totals)
        for n in range(table.line, min(_last_line(table), len(report.lines)) + 1):
            table.lost += [(n, f) for f in _figures(report.lines[n - 1]) if round(float(f.replace(",", "")), 2) not in held]
        beside = _beside_unread_pages(report, table)
        if beside:  # rows may go on, or begin, on a page that was not read: its sums are not whole
            table.lost.append((table.line, beside))
            out.append(ReadIssue("表格", report.location(table.line), f"表格与未能读取的{beside}相邻，可能跨页延续，"
                                                                    "表内合计关系未核查", table.title))
            continue
        if table.lost:
            n, first = table.lost[0]
            out.append(ReadIssue("表格", report.location(table.line),
                                 f"表中 {len(table.lost)} 个数字未能归入所在行（如{report.location(n)}“{first}”：科目名称"
                                 "折行或编码与名称分开印出），表格结构未能确认，表内合计关系未核查", table.title))
    return out


def _beside_unread_pages(report: Report, table) -> str:
    """"第9页" when the table's first or last row stands on the page next to one that was not read (a scan)."""
    unread = {p for i in report.issues if i.scope == "页" for p in _pages_of(i.where)}
    if not unread:
        return ""
    pages = [loc.page for n in (table.line, _last_line(table)) if 0 < n <= len(report.line_locs)
             and (loc := report.line_locs[n - 1]).page]
    near = sorted({p for p in (min(pages, default=0) - 1, max(pages, default=0) + 1) if p in unread})
    return f"第{near[0]}页" if near else ""


def _pages_of(where: str) -> range:
    m = re.match(r"第(\d+)(?:–(\d+))?页", where)
    return range(int(m.group(1)), int(m.group(2) or m.group(1)) + 1) if m else range(0)


def _last_line(table) -> int:
    """The last line a table's rows or totals were read from (its part may run on into the text after it)."""
    lines = [table.line] + [v.line for v in table.totals.values() if v.line]
    if "line" in table.frame.columns and len(table.frame):
        lines.append(int(table.frame["line"].max()))
    return max(lines)


def _figures(line: str) -> list[str]:
    """The figures a display line prints; a figure wrapped inside its cell ("2,821,67 8.47" in a narrow PDF
    column) is one figure, as the reader took it."""
    if "\t" in line:
        line = "\t".join(c.replace(" ", "") if _CELL_FIGURE.fullmatch(c) else c for c in line.split("\t"))
    return _AMOUNT.findall(line)


_CELL_FIGURE = re.compile(r"\s*[\d,.]+(?:\s+[\d,.]+)+\s*")


def unread_amounts(report: Report) -> ReadIssue | None:
    """A read issue when figures printed in table rows outside every table read were not read as numbers: a table
    whose layout was not understood must not pass as reviewed."""
    read = numbers_held(report)
    start = front_matter_end(report.lines)
    inside = {n for t in report.accounts if t.line and not t.unread for n in range(t.line, _last_line(t) + 1)}
    lines, missed = [], 0
    for n, line in enumerate(report.lines[start:], start + 1):
        if n in inside:
            continue  # a table's own figures: lost_figures
        found = _figures(line)
        if len(found) < 2 or len(_CJK.findall(line)) > TABLE_ROW_CHARS * len(found) or len(_CLAUSE.findall(line)) > 1:
            continue  # prose: its figures are read by the text checks, sentence by sentence
        lost = [f for f in found if round(float(f.replace(",", "")), 2) not in read]
        if lost:
            lines.append(n)
            missed += len(lost)
    if missed < UNREAD_AMOUNTS:
        return None
    first = lines[0]
    return ReadIssue("表格", report.location(first),
                     f"{len(lines)} 行表格中的 {missed} 个数字未能读取（版式未能识别，如{report.location(first)}"
                     f"“{compact(report.lines[first - 1])[:30]}”），这些数字未核查")
