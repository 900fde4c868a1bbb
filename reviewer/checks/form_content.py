"""What a 项目支出绩效自评表 must hold to be a self-evaluation at all (RULES ZP-01…ZP-03; FINDINGS `missing`):

- ZP-01 every indicator that carries 分值 is scored, and every one with a 年度指标值 has its 实际完成值, once the form
  scores or fills the others (a blank row among filled ones is a row skipped, not a template);
- ZP-02 a form that lists indicators with 实际完成值 but scores none of them and states no 总分 was not evaluated;
- ZP-03 预期目标 / 实际完成情况 hold words: a bare number ("100") says nothing of what was to be done or was done.

Only forms read to their end (Project.incomplete empty) and filled in (a blank template gets its own finding).
"""
from __future__ import annotations

import re

from ..model import Indicator, Project
from .base import Context

TABLE = "绩效指标"
SHOWN = 4  # indicator names in a message; every row is in its locations
BARE = re.compile(r"^[\s\d.,，%％万元个项次人]*$")


def check(ctx: Context) -> None:
    for p in ctx.report.projects:
        if p.incomplete or p.form != "自评表" or p.empty:
            continue
        ctx.checked("form_content", "自评表各指标已打分、已填实际完成值，目标与完成情况有文字", p.name)
        _unscored(ctx, p)
        _blank_cells(ctx, p)
        _bare_texts(ctx, p)


def _unscored(ctx: Context, p: Project) -> None:
    rows = p.indicators
    if len(rows) < 3 or p.total_score.number is not None or any(not i.weight.blank or not i.score.blank for i in rows):
        return
    if sum(1 for i in rows if not i.actual.blank) < 2:
        return  # nothing filled either: a target form or a template, said elsewhere
    ctx.finding(p.name, "missing", "medium",
                f"自评表列有 {len(rows)} 项指标及实际完成值，但各项均无分值和得分，也未填总分：未按规定打分自评。",
                check="form_content", table=TABLE, at=[rows[0].line, p.total_score.line or p.end_line], rule="ZP-02")


def _blank_cells(ctx: Context, p: Project) -> None:
    scored = [i for i in p.indicators if not i.score.blank]
    unscored = [i for i in p.indicators if i.weight.number and i.score.blank]
    if len(scored) >= 2 and unscored:
        _say(ctx, p, unscored, "有分值但未填得分")
    filled = [i for i in p.indicators if not i.actual.blank]
    empty = [i for i in p.indicators if not i.target.blank and i.actual.blank]
    if len(filled) >= 2 and empty:
        _say(ctx, p, empty, "有年度指标值但未填实际完成值")


def _say(ctx: Context, p: Project, rows: list[Indicator], what: str) -> None:
    names = "、".join(f"“{i.level3 or i.level2}”" for i in rows[:SHOWN]) + (f"等 {len(rows)} 项" if len(rows) > SHOWN else "")
    ctx.finding(p.name, "missing", "medium", f"指标{names}{what}，其余指标均已填写。", check="form_content", table=TABLE,
                at=[i.line for i in rows], rule="ZP-01", figures={"行数": len(rows)})


def _bare_texts(ctx: Context, p: Project) -> None:
    for text, name in ((p.goal, "预期目标"), (p.outcome, "实际完成情况")):
        if text.text and BARE.match(text.text) and re.search(r"\d", text.text):
            ctx.finding(p.name, "missing", "medium", f"{name}只填了“{text.text.strip()}”，没有文字说明要做什么、做成了什么。",
                        check="form_content", table="项目绩效目标", at=[text.line], rule="ZP-03")
