"""A 自评表 whose cells ran together into lines of text parted by single spaces (a PDF's text copied without its
layout: "年度资金总额 11 11 1.7 10 15.45 1.5"), read again with every space as a cell boundary.

A blank cell leaves no trace in such a line, so a split is only as good as what confirms it: the form is taken
only when its own identities hold under the split — the funds total's 执行率 is its 执行数 ÷ 预算数, and the 总分
is the sum of the indicator scores and the 执行率 score — and every indicator row has its 分值 and 得分.  Otherwise
the form stays unread and is said so (extract/report.py), never read by guess.
"""
from __future__ import annotations

from dataclasses import replace

from ..model import Project
from ..read.document import Cell, Row
from .project import parse_project
from .segment import Part

RATE_SLACK = 0.6  # percentage points: a 执行率 printed to whole percents (15% for 15.45%)
SCORE_SLACK = 0.06  # points per addend: scores printed to one or two decimals


def reread(part: Part, unit: str = "") -> Project | None:
    """The form of `part` with its lines cut at every space, if the form's own identities confirm the cut."""
    rows = [Row([Cell(t, c.line, c.loc) for c in r.nonempty() for t in c.text.split()], r.line, r.end_line)
            for r in part.rows]
    project = parse_project(replace(part, rows=[r for r in rows if r.cells]), unit)
    if not confirmed(project):
        return None
    _drop_uncertain_sources(project, {r.line: len(r.cells) for r in rows})
    return project


def _drop_uncertain_sources(p: Project, fields: dict[int | None, int]) -> None:
    """The rows under 年度资金总额 (当年财政拨款, 上年结转资金 …) are confirmed by nothing: one with fewer fields
    than the total lost blank cells, and its figures may stand under the wrong column.  Then none of them is kept
    (a part of the sum kept without the others would be a false 'parts do not add up')."""
    f = p.funds
    if any(fields.get(r.line) != fields.get(f.total.line) for r in f.parts()):
        f.current = f.carryover = f.other = None
        f.sources = []
        p.warnings.append("资金来源各行拆分后单元格数与“年度资金总额”行不同，列位置无法确定，未读取")


def confirmed(p: Project) -> bool:
    total = p.funds.total
    if p.empty or total is None or not p.indicators:
        return False
    budget, spent, rate = total.budget_full.number, total.executed.number, total.rate.number
    if budget is None or spent is None or rate is None or budget <= 0 or total.score.number is None:
        return False
    if abs(spent / budget * 100 - rate) > RATE_SLACK:
        return False
    if any(i.weight.number is None or i.score.number is None for i in p.indicators):
        return False
    if p.total_score.number is None:
        return False
    summed = total.score.number + sum(i.score.number for i in p.indicators)
    return abs(summed - p.total_score.number) <= SCORE_SLACK * (len(p.indicators) + 1)
