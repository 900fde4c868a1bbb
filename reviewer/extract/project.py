"""One 项目支出绩效自评表 into a `Project`.

The table is read top to bottom by its row labels: 项目名称, 主管部门/实施单位, the 项目资金 block,
年度总体目标, the 绩效指标 rows, 其他需要说明的事项, 总分 and, in some templates, the 项目绩效分析
paragraphs.  Column positions are taken from the row's own label cell, not from the header,
because merged cells shift rows by one or two cells.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..scoring import allowed
from ..model import FundsRow, Project, Text, Value
from ..read.document import Row
from .indicators import IndicatorLayout, IndicatorReader, is_header_row
from .segment import Part
from .values import YEAR_RE, cell_value, cells_text, clean_text, compact, parse_value, value_kind
from .vocab import (ANALYSIS, FUNDS_COLUMNS, FUNDS_HEADERS, FUNDS_ROWS, GOAL_HEADERS, GRADES, INDICATOR_COLUMNS, field_of,
                    label_key)

UNIT_IN_LABEL_RE = re.compile(r"[（(]\s*(万元|千元|元)\s*[)）]")


def _recognised(cell) -> bool:
    """Read from a picture: there a label and the name beside it may stay in one box (a text's line "项目名称 某某"
    is a row whose cells ran together, read otherwise)."""
    return cell.loc is not None and cell.loc.conf is not None


# the whole cell one label and one name: a row run together ("项目名称 某某 主管部门 某某") is not one
_NAME_IN_LABEL = re.compile(r"^\s*项目名称\s*(?:[:：]\s*|\s)\s*(\S{2,40})\s*$")


def _label(row: Row) -> str:
    cells = row.nonempty()
    return compact(cells[0].text) if cells else ""


def _after(row: Row, pos: int) -> list:
    return row.cells[pos + 1 :]


@lru_cache(maxsize=1 << 14)
def _funds_key(text: str) -> str | None:
    """total, current, carryover or other: the row of the 项目资金 block a label names (年度资金总额:,
    其中:本年财政拨款, 上年结转)."""
    key = label_key(text)
    return field_of(key, FUNDS_ROWS, contains=False) if 0 < len(key) <= 12 else None


@lru_cache(maxsize=1 << 14)
def _funds_column(text: str) -> str | None:
    return field_of(text, FUNDS_COLUMNS)


@lru_cache(maxsize=1 << 14)
def _is_funds_header(label: str) -> bool:
    return label_key(label).startswith(tuple(FUNDS_HEADERS))


@lru_cache(maxsize=1 << 14)
def _analysis_key(text: str) -> str | None:
    t = compact(text)
    if len(t) > 20:  # a label, not a paragraph that mentions 存在问题
        return None
    return next((key for key, needles in ANALYSIS.items() if any(n in t for n in needles)), None)


def _is_goal_header(row: Row) -> bool:
    keys = [label_key(c.text) for c in row.nonempty()[:4]]
    return any(k.startswith(_GOAL_STARTS) for k in keys) and not any(_funds_key(k) for k in keys)


_GOAL_STARTS = tuple(GOAL_HEADERS)


_text_of = cells_text


class ProjectParser:
    def __init__(self, part: Part, default_unit: str = "") -> None:
        self.part = part
        self.project = Project(line=part.line, end_line=part.end_line)
        self.default_unit = default_unit
        self.state = "head"
        self.ind_header: list[Row] = []
        self.reader: IndicatorReader | None = None
        self.goal_header: Row | None = None
        self.paired: dict[int, str] = {}  # value position → funds column, where labels and figures alternate
        self.unsettled: list[tuple[int, str]] = []  # funds rows whose cells could not be placed, and why

    def parse(self) -> Project:
        p = self.project
        if m := YEAR_RE.search(compact(self.part.title)):
            p.year = int(m.group(1))
        rows = self.part.rows
        i = 0
        while i < len(rows):
            i = self._row(rows, i)
        if self.reader:
            p.placeholder_indicators = self.reader.placeholders
            p.placeholder_lines = list(self.reader.placeholder_lines)
        self._finish()
        return p

    # Each handler returns the index of the next row to read.
    def _form(self) -> str:
        """目标表 when the indicator header names no 实际完成值 and no 得分, and no row reports money spent: a
        绩效目标表 (申报表) sets targets and scores nothing, so nothing in it can be checked as a self-evaluation."""
        fields = _header_fields(self.ind_header)
        spent = any(r.executed.is_number for r in self.project.funds.rows())
        titled = "自评" in compact(self.part.title)  # 绩效目标自评表: a self-evaluation, whatever its header kept
        if self.ind_header and not fields & {"actual", "score"} and not spent and not titled:
            return "目标表"
        return "自评表"

    def _row(self, rows: list[Row], i: int) -> int:
        row, p = rows[i], self.project
        cells = row.nonempty()
        if not cells:
            return i + 1
        label = _label(row)
        if p.year is None and len(cells) <= 2 and "年度" in (joined := row.joined()) and (m := YEAR_RE.search(compact(joined))):
            p.year = int(m.group(1))
        if label != "项目名称" and len(cells) == 1 and _recognised(cells[0]) and (m := _NAME_IN_LABEL.match(cells[0].text)):
            p.name = clean_text(m.group(1))  # a scan's "项目名称 某某": label and name in one box, not split
            return i + 1
        if label == "项目名称":
            p.name = clean_text(cells[1].text) if len(cells) > 1 else ""
            if not p.name and i + 1 < len(rows) and _lone_value(rows[i + 1]):
                p.name = clean_text(rows[i + 1].nonempty()[0].text)  # the name printed on the line below its label
                return i + 2
            return i + 1
        if label in ("主管部门", "实施单位"):
            self._units(row)
            return i + 1
        if _is_funds_header(label) and self.state in ("head", "goal", "after_goal"):
            self._funds_header(row)
            return i + 1
        if self.state == "funds" and not p.funds.columns and not self.paired and _is_column_row(row):
            self._funds_header(row, columns_only=True)  # the header's column names on a row of their own
            return i + 1
        # the state first: most rows are indicator rows, for which neither test can matter
        key = next((k for c in row.cells[:4] if (k := _funds_key(c.text))), None) if self.state in ("funds", "head") else None
        if key:
            self._funds_row(row, key)
            return i + 1
        if self.state not in ("indicators", "tail") and _is_goal_header(row):
            self.goal_header, self.state = row, "goal"
            return i + 1
        if is_header_row(row):
            self.ind_header.append(row)
            self.state = "indicators"
            return i + 1
        if label.startswith("其他需要说明") or label.startswith("其他需说明"):
            p.notes = _text_of(row.cells[row.cells.index(cells[0]) + 1 :])
            self.state = "tail"
            return i + 1
        if label == "总分" or label == "合计":
            return self._total(rows, i)
        if self.state == "goal":
            self._goal(row)
            self.state = "after_goal"
            return i + 1
        if self.state == "indicators":
            self._indicator(row)
            return i + 1
        akey = next((k for c in cells if (k := _analysis_key(c.text))), None)
        if akey:
            self._analysis(row, akey)
            return i + 1
        return i + 1

    def _units(self, row: Row) -> None:
        cells = row.nonempty()
        for k, c in enumerate(cells):
            t = compact(c.text)
            if t in ("主管部门", "实施单位") and k + 1 < len(cells):
                nxt = cells[k + 1].text
                if compact(nxt) in ("主管部门", "实施单位"):
                    continue
                if t == "主管部门":
                    self.project.department = clean_text(nxt)
                else:
                    self.project.implementer = clean_text(nxt)

    def _funds_header(self, row: Row, columns_only: bool = False) -> None:
        """The 项目资金 header: its unit (项目资金(万元)) and its column names; `columns_only` for a row that
        holds the column names under a heading row of their own."""
        funds = self.project.funds
        cells = row.nonempty()
        m = UNIT_IN_LABEL_RE.search(compact(row.joined()))
        unit_note = "项目资金未注明单位"
        if m:
            funds.unit = m.group(1)
            self.project.warnings = [w for w in self.project.warnings if not w.startswith(unit_note)]
        elif not columns_only:
            funds.unit = self.default_unit or "万元"
            self.project.warnings.append(f"{unit_note}，按{funds.unit}处理")
        self.project.unit = funds.unit
        # a group heading carrying the unit (年度预算数(万元)) stands over the amount columns, not beside them
        names = cells if columns_only else cells[1:]
        funds.columns = [compact(c.text) for c in names if not UNIT_IN_LABEL_RE.search(compact(c.text))]
        funds.line = row.line
        self.state = "funds"
        self.paired = _pairs(row)
        if self.paired:  # 预算数： │ 100 │ 执行数： │ 95 — the figures of the total on the header row itself
            funds.columns = []
            funds.total = self._paired_row(row, "年度资金总额")

    def _paired_row(self, row: Row, label: str) -> FundsRow:
        fr = FundsRow(label=label, line=row.line)
        for pos, attr in self.paired.items():
            if pos < len(row.cells) and getattr(fr, attr).blank:
                setattr(fr, attr, cell_value(row.cells[pos]))
        return fr

    def _funds_row(self, row: Row, key: str) -> None:
        funds = self.project.funds
        pos = next(k for k, c in enumerate(row.cells) if _funds_key(c.text))
        if self.paired:
            self._set_row(key, self._paired_row(row, compact(row.cells[pos].text)))
            return
        values = _after(row, pos)
        columns = funds.columns or ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
        fr = _funds_values(compact(row.cells[pos].text), row.line, columns, values)
        filled = [c for c in values if c.text.strip()]
        figures = [c for c in filled if value_kind(c.text)[0] == "number"]
        if len(filled) > len(columns) and figures:
            # more cells than the header has columns: the readings whose 执行率 and 得分 their own amounts confirm;
            # what they agree on is read, what they do not is left unread (never a finding on a guessed column)
            readings = [_funds_values(fr.label, row.line, columns, [c for c in values if c is not drop])
                        for drop in figures]
            fr, doubt = settle(fr if not readings else readings[0], [r for r in readings if _funds_confirmed(r)],
                               FUNDS_FIELDS)
            if doubt:
                self.unsettled.append((row.line, f"项目资金比表头多一格，{doubt}"))
        self._set_row(key, fr)

    def _set_row(self, key: str, fr: FundsRow) -> None:
        if key == "sources":
            self.project.funds.sources.append(fr)
        else:
            setattr(self.project.funds, key, fr)

    def _goal(self, row: Row) -> None:
        cells = row.nonempty()
        p = self.project
        header = self.goal_header
        actual_pos = None
        if header is not None:
            actual_pos = next((k for k, c in enumerate(header.cells) if "实际完成" in compact(c.text)), None)
        if len(cells) >= 2:
            p.goal = _text_of([cells[0]])
            p.outcome = _text_of(cells[1:])
        elif len(cells) == 1:
            pos = row.cells.index(cells[0])
            if actual_pos is not None and pos >= actual_pos:
                p.outcome = _text_of(cells)
            else:
                p.goal = _text_of(cells)

    def _indicator(self, row: Row) -> None:
        p = self.project
        if self.reader is None:
            self.reader = IndicatorReader(IndicatorLayout.from_header(self.ind_header))
        cells = row.nonempty()
        if cells and all((k := value_kind(c.text))[0] == "number" and not k[1] for c in cells):
            if len(cells) == 2:  # an unlabelled subtotal (分值, 得分) of the indicator block
                p.subtotals.append((cell_value(cells[0]), cell_value(cells[1])))
                return
        ind = self.reader.read(row)
        if ind is not None:
            p.indicators.append(ind)

    def _total(self, rows: list[Row], i: int) -> int:
        p = self.project
        row = rows[i]
        first = row.nonempty()[0]
        cells = _after(row, row.cells.index(first))
        words = [compact(c.text) for c in cells if c.text.strip()]
        nxt = i + 1
        if words and all(not parse_value(w).is_number for w in words) and i + 1 < len(rows):
            # labels 总分值 │ 总得分 │ 自评等级 here, the figures on the next row
            cells = [c for c in rows[i + 1].cells]
            nxt = i + 2
        while cells and not cells[0].text.strip():
            cells = cells[1:]
        slots = [cell_value(c) for c in cells]
        if len(slots) > 2 and slots[0].is_number and slots[1].blank:
            # 总分 │ │ │ 100 │ │ │ 98.5 │ 优: the score stands under its own column, further along
            k = next((k for k in range(2, len(slots)) if slots[k].is_number), None)
            if k is not None:
                slots = [slots[0], slots[k]] + slots[k + 1:]
        if slots:
            p.total_weight = slots[0]
        if len(slots) > 1:
            p.total_score = slots[1]
        for v in slots[2:]:
            if v.blank:
                continue
            if compact(v.raw) in GRADES or "等级" in v.raw:
                p.grade = v
            else:
                p.analysis["total_remark"] = Text(v.raw, v.line, v.line, v.loc)
        self.state = "tail"
        return nxt

    def _analysis(self, row: Row, key: str) -> None:
        cells = row.cells
        pos = max(k for k, c in enumerate(cells) if _analysis_key(c.text))
        self.project.analysis[key] = _text_of(cells[pos + 1 :]) if any(c.text.strip() for c in cells[pos + 1 :]) else Text(line=row.line, loc=row.cells[0].loc)

    def _finish(self) -> None:
        """What a named table lacks is not read, never taken as clean: it makes the project incomplete."""
        p = self.project
        p.form = self._form()
        doubts = settle_surplus_rows(p) + self.unsettled
        p.unread_cells = [f"第{line}行{why}，未核查" for line, why in sorted(doubts)]
        if not p.name:
            return
        missing = []
        doubted = {line for line, _ in doubts}
        if any(i.weight.blank or i.score.blank for i in p.indicators if i.line in doubted) or \
                any(r.line in doubted and (r.weight.blank or r.score.blank) for r in p.funds.rows()):
            missing.append("有行的分值或得分所属的列无法确定，分值合计、总分等不能作为整体核查")
        if not p.funds.rows():
            missing.append("未找到项目资金表")
        if not self.ind_header:
            missing.append("未找到绩效指标表头")
        if p.total_weight.blank and p.total_score.blank and self.state != "tail" and p.form != "目标表":
            missing.append("表格在“总分”行之前结束（可能被截断）")  # (a 绩效目标表 scores nothing: it has no 总分)
        p.warnings += missing
        p.incomplete = "；".join(missing)


def _lone_value(row: Row) -> bool:
    """A row of one cell that is no label of the form (主管部门, 项目资金 …): a value wrapped below its label."""
    cells = row.nonempty()
    if len(cells) != 1:
        return False
    key = label_key(cells[0].text)
    return bool(key) and not (key.startswith(("主管部门", "实施单位")) or _funds_key(key) or _is_funds_header(key)
                              or is_header_row(row) or parse_value(cells[0].text).is_number)


def _header_fields(rows: list[Row]) -> set[str]:
    return {f for r in rows for c in r.cells if (f := field_of(c.text, INDICATOR_COLUMNS))}


def _funds_values(label: str, line: int, columns: list[str], values: list) -> FundsRow:
    """A funds row's cells taken in the header's column order."""
    fr = FundsRow(label=label, line=line)
    for name, cell in zip(columns, values):
        attr = _funds_column(name)
        if attr == "reason":
            fr.reason = _text_of([cell]) if cell.text.strip() else fr.reason
        elif attr and getattr(fr, attr).blank:
            setattr(fr, attr, cell_value(cell))
    return fr


def _funds_confirmed(fr: FundsRow) -> bool:
    """执行率 = 全年执行数 ÷ 全年预算数 and 得分 = 分值 × 执行率 (within the printed precision): a reading of the row its
    own amounts confirm."""
    b, e, r = fr.budget_full.number, fr.executed.number, fr.rate.number
    if not b or e is None or r is None:
        return False
    if abs(100 * e / b - r) > 0.011 + 0.5 * 10 ** -(fr.rate.decimals or 0):
        return False
    w, s = fr.weight.number, fr.score.number
    return w is None or s is None or abs(w * min(r, 100.0) / 100 - s) <= 0.011 + 0.5 * 10 ** -(fr.score.decimals or 0)


FUNDS_FIELDS = ("budget_initial", "budget_full", "allocated", "executed", "weight", "rate", "score")
INDICATOR_FIELDS = ("target", "actual", "weight", "score")
FIELD_LABEL = {"budget_initial": "年初预算数", "budget_full": "全年预算数", "allocated": "财政下达数", "executed": "全年执行数",
               "weight": "分值", "rate": "执行率", "score": "得分", "target": "年度指标值", "actual": "实际完成值"}


def settle(taken, confirmed: list, names: tuple[str, ...]):
    """(the row as read, what could not be settled) from the readings of a row with a surplus cell that its own
    figures confirm: a field every confirmed reading gives alike is read; a field they differ on — or every field,
    when none is confirmed — is left blank, and named."""
    if not confirmed:
        for name in names:
            setattr(taken, name, Value())
        return taken, "没有一种读法与其自身数字相符，各数所属的列无法确定"
    first = confirmed[0]
    differ = [n for n in names if len({_key(getattr(r, n)) for r in confirmed}) > 1]
    for name in differ:
        setattr(first, name, Value())
    if not differ:
        return first, ""
    return first, "两种读法都说得通，" + "、".join(FIELD_LABEL[n] for n in differ) + "无法确定"


def _key(v: Value):
    return v.number if v.is_number else v.raw


def settle_surplus_rows(p: Project) -> list[tuple[int, str]]:
    """Indicator rows with one figure more than their header (`Indicator.alternatives`): keep what the readings
    its own figures confirm agree on — a reading is confirmed when its 得分 is what the scoring rules give and the
    scores then add up to the 总分 — and leave the rest unread.  Returns (line, what could not be settled)."""
    doubts = []
    for k, ind in enumerate(p.indicators):
        if not ind.alternatives:
            continue
        others = [i for j, i in enumerate(p.indicators) if j != k]
        settled, doubt = settle(ind, [a for a in ind.alternatives if _confirmed(a, others, p)], INDICATOR_FIELDS)
        for name in ("op", "unit", "deviation") + INDICATOR_FIELDS:
            setattr(ind, name, getattr(settled, name))
        if doubt:
            doubts.append((ind.line, "绩效指标比表头多一个数字，" + doubt))
        ind.alternatives = []
    return doubts


def _confirmed(ind, others: list, p: Project) -> bool:
    """The reading's 得分 is at most its 分值 and is what the scoring rules give (checks/scoring.py); and, where
    the table prints a 总分, the scores of every row with it add up to it."""
    w, s = ind.weight.number, ind.score.number
    if w is None or s is None or s > w + 0.01 or s < 0:
        return False
    rule = allowed(ind)
    if rule is not None and not (rule.lo - 0.01 <= s <= rule.hi + 0.01):
        return False
    total = p.total_score.number
    if total is None or any(o.score.number is None and o.weight.number is not None for o in others):
        return rule is not None
    funds = p.funds.total.score.number if p.funds.total and p.funds.total.score.number is not None else 0.0
    return abs(funds + s + sum(o.score.number or 0.0 for o in others) - total) <= 0.01 * (len(others) + 2)


def _is_column_row(row: Row) -> bool:
    """A row of funds column names (年初预算 │ 调整后预算数 │ 预算执行数 │ …), no figures."""
    cells = row.nonempty()
    named = sum(1 for c in cells if _funds_column(c.text))
    return named >= 3 and not any(parse_value(c.text).is_number for c in cells)


def _pairs(row: Row) -> dict[int, str]:
    """Positions of figures that follow a funds column label on the same row (预算数： │ 100 │ 执行数： │ 95)."""
    out = {}
    cells = row.cells
    for k in range(1, len(cells) - 1):
        attr = _funds_column(cells[k].text) if compact(cells[k].text) else None
        nxt = parse_value(cells[k + 1].text)
        if attr and (nxt.kind == "number" or nxt.blank and compact(cells[k].text).endswith((":", "："))):
            out[k + 1] = attr
    return out if len(out) >= 2 else {}


def parse_project(part: Part, default_unit: str = "") -> Project:
    return ProjectParser(part, default_unit).parse()
