"""The 部门整体支出绩效自评 part: the narrative (情况, sections 一…七) and the 自评表.

Narrative rows come as `一、部门基本情况 │ (一) 部门概况 │ text` or as `<p>（一）部门概况</p> │ <p>text</p>`
with the 一、 heading missing; numbering restarting at (一) opens the next section.
"""
from __future__ import annotations

import re

from ..model import Department, DepartmentFundsRow, KeyTask, Section, Text, Value, YearGoal
from ..read.document import Cell, Row
from .indicators import IndicatorLayout, IndicatorReader, is_header_row
from .segment import Part
from .values import cell_value, cells_text, clean_text, compact, parse_value
from .vocab import FUNDS_HEADERS, GRADES, label_key

SECTION_RE = re.compile(r"^([一二三四五六七八九十]+)[、.．]\s*(.*)$", re.S)
SUBSECTION_RE = re.compile(r"^[（(]\s*([一二三四五六七八九十]+)\s*[)）]\s*(.*)$", re.S)
ITEM_RE = re.compile(r"^(\d+)\s*[.．、]\s*(\S.{0,14})$")
CN_NUM = "一二三四五六七八九十"
SECTION_KEYS = [
    ("basic_info", ("基本情况",)),
    ("self_evaluation", ("自评工作情况", "绩效自评工作")),
    ("conclusion", ("评价情况分析", "综合评价结论", "评价结论")),
    ("problems", ("存在的问题", "存在问题")),
    ("application", ("结果应用",)),
    ("experience", ("经验", "做法")),
    ("other", ("其他需说明", "其他需要说明")),
]
# The standard outline, for sections whose 一、 heading the conversion dropped.
STANDARD_SECTIONS = ["部门基本情况", "绩效自评工作情况", "评价情况分析及综合评价结论", "存在的问题和整改情况",
                     "绩效自评结果应用", "主要经验及做法", "其他需说明的情况"]
SUBSECTION_KEYS = [
    ("overview", ("部门概况",)),
    ("goal_setting", ("绩效目标的设立", "绩效目标设立")),
    ("income_expenditure", ("整体收支",)),
    ("budget_management", ("预算管理制度",)),
    ("sangong", ("三公",)),
    ("purpose", ("自评的目的", "评价目的")),
    ("process", ("组织过程",)),
    ("analysis", ("评价情况分析",)),
    ("conclusion_text", ("综合评价结论",)),
]


def _key(title: str, table: list) -> str:
    t = compact(title)
    for key, needles in table:
        if any(n in t for n in needles):
            return key
    return ""


_text = cells_text


# --- narrative -----------------------------------------------------------------------------


def parse_narrative(part: Part, dept: Department) -> None:
    current: Section | None = None
    sub: Section | None = None
    for row in part.rows:
        cells = row.nonempty()
        if not cells:
            continue
        first = clean_text(cells[0].text)
        if first.startswith("备注") or compact(first).startswith("公开") and len(cells) == 1:
            continue
        if m := re.match(r"^部门(?:名称)?\s*[:：]\s*(\S.*)$", first):
            dept.name = dept.name or m.group(1).strip()
            continue
        rest = list(cells)
        while rest:
            t = clean_text(rest[0].text)
            if (m := SECTION_RE.match(t)) and len(t) <= 40:
                current = Section(_key(m.group(2), SECTION_KEYS), m.group(1) + "、", m.group(2).strip(), line=rest[0].line)
                dept.sections.append(current)
                sub = None
                rest = rest[1:]
                continue
            if (m := SUBSECTION_RE.match(t)) and len(t) <= 40:
                if current is None or (m.group(1) == "一" and current.subsections):
                    current = _implicit_section(dept, rest[0].line)
                sub = Section(_key(m.group(2), SUBSECTION_KEYS), f"（{m.group(1)}）", m.group(2).strip(), line=rest[0].line)
                current.subsections.append(sub)
                rest = rest[1:]
                continue
            if (m := ITEM_RE.match(t)) and len(rest) > 1:
                holder = sub or current or _implicit_section(dept, rest[0].line)
                item = Section("", m.group(1) + ".", m.group(2).strip(), line=rest[0].line)
                holder.subsections.append(item)
                item.text = _text(rest[1:])
                rest = []
                continue
            break
        if not rest:
            continue
        holder = sub or current or _implicit_section(dept, rest[0].line)
        text = _text(rest)
        if holder.text:
            holder.text = Text(holder.text.text + "\n" + text.text, holder.text.line, text.end_line, holder.text.loc)
        else:
            holder.text = text


def _implicit_section(dept: Department, line: int) -> Section:
    n = len(dept.sections)
    title = STANDARD_SECTIONS[n] if n < len(STANDARD_SECTIONS) else ""
    number = (CN_NUM[n] if n < len(CN_NUM) else str(n + 1)) + "、"
    section = Section(_key(title, SECTION_KEYS), number, title, line=line)
    dept.sections.append(section)
    return section


# --- 部门整体支出绩效自评表 ------------------------------------------------------------------


def parse_department_table(part: Part, dept: Department, default_year: int | None) -> None:
    dept.table_line = part.line
    state = ""
    ind_header: list[Row] = []
    reader: IndicatorReader | None = None
    task_header: list[Row] = []
    funds_header: Row | None = None
    for row in part.rows:
        cells = row.nonempty()
        if not cells:
            continue
        label = compact(cells[0].text)
        if label.startswith("部门名称"):
            if len(cells) > 1:
                dept.name = dept.name or clean_text(cells[1].text)
            continue
        if label == "部门总体目标" or label in ("部门职责", "总体绩效目标"):
            _duties_row(row, dept)
            continue
        if any(label_key(label).startswith(h) for h in FUNDS_HEADERS) and state != "indicators":
            funds_header, state = row, "funds"
            continue
        if is_header_row(row) and state != "indicators":  # the 绩效指标 table without a numbered heading
            state = "indicators"
        if label in ("总分", "合计") and state == "indicators":
            _total_row(row, dept)
            state = ""
            continue
        if re.match(r"^[一二三四五六七八九十]+、", label) or label in ("部门整体支出绩效指标", "部门年度目标"):
            if "年度目标" in label:
                state = "goals"
                if len(cells) > 1:  # 部门年度目标 │ text (single-goal layout)
                    dept.year_goals.append(YearGoal(default_year, _text(cells[1:]), Text(), row.line))
            elif "重点工作任务" in label:
                state = "tasks"
            elif "绩效指标" in label:
                state = "indicators"
            continue
        if label.startswith("其他需说明") or label.startswith("其他需要说明"):
            dept.notes = _text(cells[1:])
            state = ""
            continue
        if label.startswith("备注") or re.match(r"^\d+[.、](?!\d)", label) and state not in ("tasks",):
            continue
        if state == "funds":
            dept.funds.append(_funds_row(row, funds_header))
        elif state == "goals":
            if label == "财年":
                continue
            if re.fullmatch(r"(19|20)\d{2}", label):
                texts = cells[1:]
                dept.year_goals.append(YearGoal(int(label), _text(texts[:1]), _text(texts[1:]), row.line))
        elif state == "tasks":
            if label.startswith("任务名称") or label in ("总额", "财政拨款"):
                task_header.append(row)
                continue
            task = _task_row(row, task_header)
            if task is None:
                continue  # a row whose cells ran together: which figure is which is unknown
            if task.name:
                dept.key_tasks.append(task)
            elif dept.key_tasks_total is None:
                dept.key_tasks_total = task
        elif state == "indicators":
            if is_header_row(row):
                ind_header.append(row)
                continue
            if reader is None:
                reader = IndicatorReader(IndicatorLayout.from_header(ind_header))
            ind = reader.read(row)
            if ind is not None:
                dept.indicators.append(ind)


def _total_row(row: Row, dept: Department) -> None:
    """总分 │ 100 │ 98 (│ 优): the first figure is the 分值, the next the 得分, a grade word the 等级."""
    values = [cell_value(c) for c in row.nonempty()[1:]]
    numbers = [v for v in values if v.is_number]
    if numbers:
        dept.total_weight = numbers[0]
    if len(numbers) > 1:
        dept.total_score = numbers[1]
    dept.grade = next((v for v in values if compact(v.raw) in GRADES), dept.grade)


def _duties_row(row: Row, dept: Department) -> None:
    cells = row.nonempty()
    for k, c in enumerate(cells):
        t = compact(c.text)
        if t == "部门职责" and k + 1 < len(cells):
            dept.duties = _text([cells[k + 1]])
        elif t == "总体绩效目标" and k + 1 < len(cells):
            dept.overall_goal = _text([cells[k + 1]])


def _funds_row(row: Row, header: Row | None) -> DepartmentFundsRow:
    """Row labels may spread over two cells (基本支出 │ 年度资金总额); the figures follow the last label,
    in the header's order (leading blanks are conversion artefacts)."""
    columns = []
    if header is not None:
        hc = header.nonempty()
        if hc and any(label_key(hc[0].text).startswith(h) for h in FUNDS_HEADERS):
            hc = hc[1:]  # the row's own label (年度预算(万元)), not a column
        columns = [compact(c.text) for c in hc if any(w in compact(c.text) for w in ("预算", "执行", "调整", "说明"))]
        columns = [c for c in columns if not c.startswith("部门预算资金")]
    labels, last = [], -1
    for k, c in enumerate(row.cells):
        t = c.text.strip()
        if t and parse_value(t).kind == "text":
            labels.append(compact(t))
            last = k
    values = row.cells[last + 1 :]
    while values and not values[0].text.strip():
        values = values[1:]
    out = DepartmentFundsRow("/".join(labels), line=row.line)
    for k, name in enumerate(columns):  # a row may stop early: its last cells were empty
        out.values[re.sub(r"[（(].*", "", name)] = cell_value(values[k]) if k < len(values) else Value(line=row.line)
    return out


def _task_row(row: Row, header: list[Row]) -> KeyTask | None:
    """None when the row or its header is one line of text (a PDF's text without its cells): two columns would
    share a cell, and a figure would be read under a column it is not in."""
    pos: dict[str, int] = {}
    unit = ""
    for h in header:
        for k, c in enumerate(h.cells):
            t = compact(c.text)
            if not t:
                continue
            for key, needle in (("name", "任务名称"), ("level", "项目级次"), ("content", "主要内容"),
                                ("approved_total", "总额"), ("approved_fiscal", "财政拨款"),
                                ("approved_other", "其他资金"), ("executed", "实际支出"), ("rate", "执行率"),
                                ("reason", "原因")):
                if needle in t and key not in pos:
                    pos[key] = k
            if m := re.search(r"[（(](万元|元)[)）]", t):
                unit = unit or m.group(1)
    cells = row.nonempty()
    if len(set(pos.values())) < len(pos) or len(cells) == 1 and re.search(r"\d(?:\.\d+|%)", cells[0].text):
        return None

    def cell(key: str) -> Cell:
        k = pos.get(key)
        return row.cells[k] if k is not None and k < len(row.cells) else Cell("", row.line)

    task = KeyTask(name=clean_text(cell("name").text), level=clean_text(cell("level").text), unit=unit, line=row.line)
    task.content = _text([cell("content")])
    for key in ("approved_total", "approved_fiscal", "approved_other", "executed", "rate"):
        c = cell(key)
        setattr(task, key, cell_value(c))
    task.reason = _text([cell("reason")])
    return task
