"""Rows of a 绩效指标 table into `Indicator`s.

Column positions cannot be trusted: merged 一级/二级 cells are dropped or shifted by the
conversion (a row may start one cell early or late).  So a row is read by content: the
leading cells that name an 一级 or 二级 indicator, then the 三级 name, then the values.
分值 and 得分 are the last two numbers; what lies between the name and them is the target
and the actual value (with 指标性质 and 度量单位 in the Yunnan template).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Indicator
from ..read.document import Cell, Row
from .values import cell_value, cells_text, clean_text, compact, op_symbol, value_kind
from .vocab import INDICATOR_COLUMNS, INDICATOR_HEADERS, LEVEL1, LEVEL2, field_of

LEVEL1_RE = re.compile(rf"^({'|'.join(map(re.escape, LEVEL1))})$")
LEVEL2_RE = re.compile(rf"^({'|'.join(map(re.escape, sorted(LEVEL2, key=len, reverse=True)))}|"
                       r"经济成本|社会成本|生态环境成本)(指标)?等?$")
COST_LEVEL2_RE = re.compile(r"^(经济|社会|生态环境)成本指标?$")
PLACEHOLDER_RE = re.compile(r"^(|指标\d*[:：]?|…+|\.+|—+)$")
OPERATORS_ONLY_RE = re.compile(r"^[=<>≥≤＝＞＜]+$")
LEVEL1_OF_LEVEL2 = LEVEL2
FIGURES_PER_ROW = 4  # 年度指标值, 实际完成值, 分值, 得分: the most figures a row of the standard layout prints
# the order the 财政部 template prints a row's values in, after the 三级 name
STANDARD_ORDER = ("nature", "target", "unit", "actual", "weight", "score", "deviation")


@dataclass
class IndicatorLayout:
    """What the header says the table holds."""

    has_nature: bool = False  # 指标性质 column (≥ ≤ = 定性)
    has_unit: bool = False  # 度量单位 column
    has_score: bool = True  # 分值 / 得分 columns
    # the header's value columns in order, when they are not in the 财政部 order (分值 before 年度指标值,
    # 是否核心指标 …): the row's values are then taken in this order; () when the standard reading applies
    order: tuple[str, ...] = ()
    extra_names: tuple[str, ...] = ()  # printed names of the "extra" columns, in order

    @classmethod
    def from_header(cls, header_rows: list[Row]) -> "IndicatorLayout":
        order, names = _header_order(header_rows)
        fields = {f for r in header_rows for c in r.cells if (f := field_of(c.text, INDICATOR_COLUMNS))}
        in_order = set(order)
        standard = not names and [f for f in order if f in STANDARD_ORDER] == [f for f in STANDARD_ORDER if f in in_order]
        return cls(
            has_nature="nature" in fields,
            has_unit="unit" in fields,
            has_score="weight" in fields or "score" in fields or not fields,
            order=() if standard else tuple(order),
            extra_names=tuple(names),
        )

    @property
    def middle(self) -> int:
        """Cells between the 三级 name and 分值."""
        return 4 if self.has_nature and self.has_unit else 3 if self.has_nature or self.has_unit else 2


def _header_order(header_rows: list[Row]) -> tuple[list[str], list[str]]:
    """The value fields of the header row that names the most of them, in order, and the printed names of
    its extra columns.  Columns up to the 三级指标 (or the last level column) hold names, not values."""
    best: tuple[list[str], list[str]] = ([], [])
    for row in header_rows:
        texts = [compact(c.text) for c in row.cells if c.text.strip()]
        start = max((k + 1 for k, t in enumerate(texts) if t in ("一级指标", "二级指标", "三级指标", "指标名称")), default=0)
        order, names = [], []
        for t in texts[start:]:
            f = field_of(t, INDICATOR_COLUMNS)
            if f:
                order.append(f)
                if f == "extra":
                    names.append(t)
        if len(order) > len(best[0]):
            best = (order, names)
    return best


def is_header_row(row: Row) -> bool:
    """A row of the 绩效指标 header: 一级指标 …, or (the second row of a two-row header) three or more column names
    and no figure ("二级指标 │ 三级指标 │ 指标性质 │ 指标值 │ 度量单位")."""
    words = [compact(c.text) for c in row.nonempty()]
    if not _HEADER_WORDS.isdisjoint(words) or ("绩效指标" in words and any("指标值" in w for w in words)):
        return True
    named = sum(1 for w in words if w in _LEVEL_NAMES or field_of(w, INDICATOR_COLUMNS))
    return named >= 3 and not any(value_kind(w)[0] == "number" for w in words)


_LEVEL_NAMES = frozenset({"一级指标", "二级指标", "三级指标"})


_HEADER_WORDS = frozenset(INDICATOR_HEADERS)


def _level2_family(level2: str) -> str:
    m = LEVEL2_RE.match(level2)
    return LEVEL1_OF_LEVEL2.get(m.group(1), "") if m else ""


class IndicatorReader:
    """Reads indicator rows one by one, carrying 一级/二级 names down merged cells."""

    def __init__(self, layout: IndicatorLayout) -> None:
        self.layout = layout
        self.level1 = ""
        self.level2 = ""
        self.placeholders = 0
        self.placeholder_lines: list[int] = []  # where they are: a finding quotes the blank rows themselves

    def read(self, row: Row) -> Indicator | None:
        cells = row.cells
        i = 0
        level1 = level2 = ""
        while i < len(cells):
            t = compact(cells[i].text)
            if not t or t == "绩效指标":
                i += 1
                continue
            nxt = next((compact(c.text) for c in cells[i + 1 :] if c.text.strip()), "")
            if not level1 and not level2 and (LEVEL1_RE.match(t) or (t == "成本指标" and COST_LEVEL2_RE.match(nxt))):
                level1 = t
            elif not level2 and LEVEL2_RE.match(t):
                level2 = t
            else:
                break
            i += 1
        if level1:
            self.level1, self.level2 = level1, ""
        if level2:
            self.level2 = level2
            family = _level2_family(level2)
            if family and not level1 and self.level1 and family != self.level1 and self.level1 != "成本指标":
                self.level1 = family  # 社会效益指标 printed where 效益指标 belongs
            elif not self.level1:
                self.level1 = family
        if i >= len(cells):
            return None  # a row that only names 一级/二级 (or is empty)
        name = clean_text(cells[i].text)
        rest = cells[i + 1 :]
        if OPERATORS_ONLY_RE.match(compact(name)) or op_symbol(name):
            name, rest = "", cells[i:]  # a blank 三级 cell; this is the 指标性质 column
        ind = self._values(rest)
        if PLACEHOLDER_RE.match(compact(name)) and all(
            v.blank for v in (ind.target, ind.actual, ind.weight, ind.score)
        ):
            self.placeholders += 1
            self.placeholder_lines.append(cells[i].line or row.line)
            return None
        ind.level1, ind.level2, ind.level3 = self.level1, self.level2, name
        # the line of the 三级 name: a row regrouped with the 一级/二级 label above it (one cell per line) is
        # quoted from the indicator's own lines, not from the label's
        ind.line, ind.end_line = cells[i].line or row.line, row.end_line
        return ind

    def _values(self, rest: list[Cell]) -> Indicator:
        ind = self._read_values(rest)
        lay = self.layout
        numbers = [c for c in rest if c.text.strip() and value_kind(c.text)[0] == "number"]
        # one figure more than the header has room for (目标 实际 分值 得分 and a stray 0): each reading without one
        # of the figures is kept, and the project reader takes the one its own figures confirm, or none
        if not lay.order and lay.has_score and len(numbers) == FIGURES_PER_ROW + 1:
            ind.alternatives = [self._read_values([c for c in rest if c is not drop]) for drop in numbers]
        return ind

    def _read_values(self, rest: list[Cell]) -> Indicator:
        lay = self.layout
        if lay.order:
            return self._ordered_values(rest)
        if lay.has_nature:
            # the 三级 name sometimes sits one column early, leaving a blank before 指标性质
            k = next((k for k, c in enumerate(rest[:3]) if op_symbol(c.text)), None)
            if k and all(not c.text.strip() for c in rest[:k]):
                rest = rest[k:]
        if lay.has_score:
            pair = _weight_score(rest, lay.middle)
        else:
            pair = None
        if pair:
            w, s = pair
            middle = list(rest[:w])
            weight, score = rest[w], rest[s] if s < len(rest) else Cell("", rest[w].line)
            tail = rest[s + 1 :]
        else:
            m = lay.middle
            middle, tail = list(rest[:m]), rest[m + (2 if lay.has_score else 0) :]
            weight = rest[m] if lay.has_score and m < len(rest) else None
            score = rest[m + 1] if lay.has_score and m + 1 < len(rest) else None
        middle = _fit(middle, lay.middle)
        ind = Indicator()
        if lay.has_nature:
            op_cell, middle = middle[0], middle[1:]
            ind.op = op_symbol(op_cell.text)
        if lay.has_unit:
            target_cell, unit_cell, actual_cell = middle[0], middle[1], middle[2]
            ind.unit = clean_text(unit_cell.text)
        else:
            target_cell, actual_cell = middle[0], middle[1]
        ind.target = cell_value(target_cell)
        ind.actual = cell_value(actual_cell)
        if ind.unit:
            for v in (ind.target, ind.actual):
                if v.is_number and not v.unit:
                    v.unit = ind.unit
        if not ind.op:
            ind.op = ind.target.op or ("定性" if ind.target.kind == "text" else "")
        if weight is not None:
            ind.weight = cell_value(weight)
        if score is not None:
            ind.score = cell_value(score)
        dev = [c for c in tail if c.text.strip()]
        if dev:
            ind.deviation = cells_text(dev, " ")
        return ind


    def _ordered_values(self, rest: list[Cell]) -> Indicator:
        """Values taken in the header's order: one cell per column, surplus blanks (shifted cells) dropped."""
        lay, ind = self.layout, Indicator()
        cells = _fit(rest, len(lay.order))
        extra = iter(lay.extra_names)
        for f, cell in zip(lay.order, cells):
            if f == "nature":
                ind.op = op_symbol(cell.text)
            elif f == "unit":
                ind.unit = clean_text(cell.text)
            elif f == "deviation":
                if cell.text.strip():
                    ind.deviation = cells_text([cell], " ")
            elif f == "extra":
                ind.extra[next(extra)] = cell_value(cell)
            else:
                setattr(ind, f, cell_value(cell))
        for v in (ind.target, ind.actual):
            if ind.unit and v.is_number and not v.unit:
                v.unit = ind.unit
        if not ind.op:
            ind.op = ind.target.op or ("定性" if ind.target.kind == "text" else "")
        return ind


def _is_num(cell: Cell) -> bool:
    kind, unit, op = value_kind(cell.text)
    return kind == "number" and not op and not unit


def _weight_score(rest: list[Cell], middle: int) -> tuple[int, int] | None:
    """Index of 分值 and 得分 in `rest`: the last two adjacent plain numbers.

    When only one number closes the row (得分 left blank), it is 分值 if that puts exactly
    `middle` cells before it."""
    last = next((k for k in range(len(rest) - 1, -1, -1) if _is_num(rest[k])), None)
    if last is None:
        return None
    if last >= 1 and _is_num(rest[last - 1]):
        if last - 1 >= middle or last != middle:
            return last - 1, last
    if last == middle:
        return last, last + 1
    return None


def _fit(cells: list[Cell], n: int) -> list[Cell]:
    """Exactly n cells: drop surplus blank cells (shifted rows), pad with blanks."""
    cells = list(cells)
    while len(cells) > n:
        blank = next((k for k, c in enumerate(cells) if not c.text.strip()), None)
        if blank is None:
            # more text than columns: keep the first n-1 and merge the rest into the last
            head, tail = cells[: n - 1], cells[n - 1 :]
            cells = head + [Cell(" ".join(c.text for c in tail if c.text.strip()), tail[0].line)]
            break
        cells.pop(blank)
    line = cells[-1].line if cells else 0
    while len(cells) < n:
        cells.append(Cell("", line))
    return cells
