"""Scores: 分值 add to 100, 总分 = sum of scores, each indicator's score against its target, grade bands
(RULES SC-03…SC-10, SC-12, RT-01)."""
from __future__ import annotations

import re

from ..model import SUBJECT_DEPARTMENT, Department, Finding, Indicator, Project, Value
from .base import Context
from .common import direction, fmt_num, is_placeholder_text
from ..scoring import allowed, band_of
from .tolerance import Interval, agrees, half_unit, precision, total

TABLE = "绩效指标"
NEGATIVE_RE = re.compile(r"未完成|未达成|未达到|未开展|未实施|未能|没有|无法|取消")
PARTIAL_RE = re.compile(r"部分|基本|有所|较好|一般|尚可")


def check(ctx: Context) -> None:
    if ctx.report.department_part:
        _department(ctx, ctx.report.department_part)
    for p in ctx.report.projects:
        if not p.indicators:
            continue
        d = precision(_scores(p))
        over = _weights(ctx, p)
        _subtotals(ctx, p)
        _total(ctx, p, d, over)
        lost = []
        for ind in p.indicators:
            _indicator(ctx, p, ind, d)
            if ind.weight.number is not None and ind.score.number is not None:
                if ind.score.number < ind.weight.number - half_unit(ind.score) and is_placeholder_text(ind.deviation.text):
                    lost.append(ind)
        _deviation(ctx, p, lost)
        _grade(ctx, p)


COEFFICIENT = "指标得分系数"


def _department(ctx: Context, dept: Department) -> None:
    """DW-02: a 部门整体 table that scores its indicators follows SC-09/SC-10: the 权重 add to the 总分值, the
    得分 add to the 总得分; where it prints a 指标得分系数, 得分 = 权重 × 系数."""
    scored = [i for i in dept.indicators if i.weight.number is not None]
    if not scored:
        return
    table = "部门整体支出绩效指标"
    ctx.checked("weights", "分值合计为 100", SUBJECT_DEPARTMENT)
    weights = sum(i.weight.number for i in scored)
    expected = dept.total_weight.number if dept.total_weight.number is not None else 100.0
    if abs(weights - expected) > 0.011:
        ctx.finding(SUBJECT_DEPARTMENT, "weights", "high", f"部门整体绩效指标的权重合计为 {fmt_num(weights)}，总分值为 "
                    f"{fmt_num(expected)}。", check="weights", table=table, stated=expected, recomputed=round(weights, 4),
                    tolerance=0.01, at=[dept.total_weight.line], rule="DW-02")
    d = precision([i.score for i in scored] + [dept.total_score])
    for ind in scored:
        coef = ind.extra.get(COEFFICIENT)
        if coef is None or coef.number is None or ind.score.number is None:
            continue
        ctx.checked("coefficient", "得分 = 权重 × 指标得分系数", SUBJECT_DEPARTMENT)
        expected_score = ind.weight.number * coef.number
        if abs(ind.score.number - expected_score) > half_unit(ind.score) + 0.011:
            ctx.finding(SUBJECT_DEPARTMENT, "indicator_score", "high",
                        f"指标“{ind.level3}”权重 {ind.weight.raw}、指标得分系数 {coef.raw}，得分应为 "
                        f"{fmt_num(expected_score)}，表中为 {ind.score.raw}。", check="coefficient", table=table,
                        stated=ind.score, recomputed=round(expected_score, 4), at=[ind.line], rule="DW-02")
    if dept.total_score.number is None or any(i.score.number is None for i in scored):
        return
    ctx.checked("total", "总得分等于各项得分之和", SUBJECT_DEPARTMENT)
    recomputed = total([i.score for i in scored], d)
    if not agrees(dept.total_score, recomputed, ctx.config.rules.rounding_slack, d):
        ctx.finding(SUBJECT_DEPARTMENT, "total_mismatch", "high", f"部门整体绩效指标总得分填报 {dept.total_score.raw}，"
                    f"各项得分相加为 {fmt_num(recomputed.mid)}。", check="total", table=table,
                    stated=dept.total_score, recomputed=round(recomputed.mid, 4), at=[dept.total_score.line],
                    rule="DW-02")


def _scores(p: Project) -> list:
    return [i.score for i in p.indicators] + ([p.funds.total.score] if p.funds.total else []) + [p.total_score]


def _weights(ctx: Context, p: Project) -> Finding | None:
    """SC-09; the finding, if any (a 总分 that differs from Σ得分 only because every mark was given on weights that
    add up wrong is the same issue: _total names it there)."""
    ctx.checked("weights", "分值合计为 100", p.name)
    weights = [i.weight for i in p.indicators if i.weight.number is not None]
    funds_weight = p.funds.total.weight if p.funds.total else None
    parts = weights + ([funds_weight] if funds_weight is not None and funds_weight.number is not None else [])
    s = sum(v.number for v in parts)
    expected = p.total_weight.number if p.total_weight.number is not None else 100.0
    if abs(s - expected) > 0.011 or abs(expected - 100) > 0.011:
        return ctx.finding(
            p.name, "weights", "high",
            f"预算执行率分值与各指标分值合计为 {fmt_num(s)}，总分值应为 100"
            + (f"（表中总分值 {p.total_weight.raw}）" if p.total_weight.number not in (None, 100) else "") + "。",
            check="weights", table=TABLE, stated=expected, recomputed=round(s, 4), tolerance=0.01,
            at=[p.total_weight.line, p.funds.total.line if p.funds.total else None], rule="SC-09",
            figures={"预算执行率分值": funds_weight.number if funds_weight else None,
                     "指标分值合计": round(sum(v.number for v in weights), 4), "指标个数": len(weights)},
        )


def _subtotals(ctx: Context, p: Project) -> None:
    for weight, score in p.subtotals:
        ctx.checked("subtotals", "指标小计等于各指标之和", p.name)
        for label, stated, attr in (("分值小计", weight, "weight"), ("得分小计", score, "score")):
            parts = [getattr(i, attr) for i in p.indicators]
            rec = total(parts)
            if stated.number is not None and not agrees(stated, rec, ctx.config.rules.rounding_slack):
                ctx.finding(p.name, "arithmetic", "high",
                            f"绩效指标{label}填报 {stated.raw}，各指标合计为 {fmt_num(rec.mid)}。",
                            check="subtotals", table=TABLE, stated=stated, recomputed=round(rec.mid, 4),
                            at=[stated.line], rule="SC-09")


def _total(ctx: Context, p: Project, d: int | None, over: Finding | None = None) -> None:
    stated = p.total_score
    t = p.funds.total
    parts = [i.score for i in p.indicators] + ([t.score] if t is not None else [])
    label = "总分 = 预算执行率得分 + 各指标得分"
    if stated.number is None:
        if any(v.number is not None for v in parts):
            ctx.checked("total", label, p.name)
            ctx.finding(p.name, "missing", "medium", "总得分未填报，但各项已打分。", check="total", table=TABLE,
                        at=[p.total_weight.line or p.end_line], rule="SC-10")
        return
    ctx.checked("total", label, p.name)
    rec = total(parts, d)
    if agrees(stated, rec, ctx.config.rules.rounding_slack, d):
        return
    weights = [i.weight for i in p.indicators] + ([t.weight] if t is not None else [])
    if over is not None and Interval.of(Value(raw="", number=round(rec.mid, 6)), 1.0, 2).overlaps(total(weights)) \
            and all(v.number is not None for v in parts):
        # every mark given on weights that add up to more than 100: the 总分 differs only by the excess
        over.message = over.message.rstrip("。") + f"；各项按满分计，得分合计同为 {fmt_num(rec.mid)}，与填报总分 {stated.raw} 不符。"
        return
    ctx.finding(
        p.name, "total_mismatch", "high",
        f"总得分填报 {stated.raw}，预算执行率得分与各指标得分相加为 {fmt_num(rec.mid)}"
        f"（相差 {fmt_num(stated.number - rec.mid)}）。",
        check="total", table=TABLE, stated=stated, recomputed=round(rec.mid, 4),
        tolerance=round(rec.width / 2 + half_unit(stated), 4), at=[stated.line], rule="SC-10",
        figures={"预算执行率得分": t.score if t else None,
                 "指标得分合计": round(total([i.score for i in p.indicators]).mid, 4)},
    )


def _indicator(ctx: Context, p: Project, ind: Indicator, d: int | None) -> None:
    w, s = ind.weight, ind.score
    if w.number is None or s.number is None:
        return
    ctx.checked("indicator_score", "指标得分与完成情况相符", p.name)
    tols = ctx.config.rules.indicator_score_tolerance
    tol = tols[min(d if d is not None else 0, len(tols) - 1)]
    if s.number > w.number + tol:
        _flag(ctx, p, ind, "high", f"得分 {s.raw} 超过分值 {w.raw}。", "SC-08", w.number)
        return
    if ind.target.number is None or ind.actual.number is None:
        _qualitative(ctx, p, ind)
        return
    rule = allowed(ind)  # the one place the scoring rules are (checks/scoring.py), as the 评分复核表 uses them
    if rule is None:
        return
    if rule.met:
        # a unit that scored itself below what its figures justify erred on the safe side: worth a note, low;
        # a cost ceiling kept (spending less) is no achievement at all, so its low score is not questioned
        if s.number < w.number - tol and not rule.keeps_own:
            cmp = {"up": "达到", "down": "控制在"}[direction(ind)]
            _flag(ctx, p, ind, "low",
                  f"实际完成值 {ind.actual.raw} {cmp}年度指标值 {ind.target.raw}（已完成），按规则可得满分 {w.raw}，"
                  f"表中自评 {s.raw}（低于按规则所得，从严）。", "SC-03", w.number)
        return
    mid = (rule.lo + rule.hi) / 2
    missed = f"未完成指标（目标 {ind.target.raw}，实际 {ind.actual.raw}）"
    t, a = ind.target.number, ind.actual.number
    how = (f"按完成比例 {fmt_num(a)} ÷ {fmt_num(t)} × {w.raw} " if rule.rule == "SC-04" else
           "按反向指标计分（指标值为 0，超出即不得分）" if t == 0 else "按反向指标计分")
    if s.number >= w.number - 1e-9:
        _flag(ctx, p, ind, "high", f"{missed}，却得满分 {s.raw}；{how}应得 {fmt_num(rule.hi)}。", rule.rule,
              round(rule.hi, 4), correction=f"得分 {s.raw} 应为 {fmt_num(rule.hi)}")
    elif s.number > rule.hi + tol:
        _flag(ctx, p, ind, "high", f"{missed}，{how}应得 {fmt_num(rule.hi)}，表中却得 {s.raw}。", rule.rule,
              round(rule.hi, 4), correction=f"得分 {s.raw} 应为 {fmt_num(rule.hi)}")
    elif s.number < rule.lo - tol:
        _flag(ctx, p, ind, "low", f"{missed}，{how}应得 {fmt_num(mid)}，表中得 {s.raw}，扣分不合比例。", rule.rule,
              round(mid, 4))


def _qualitative(ctx: Context, p: Project, ind: Indicator) -> None:
    """SC-07 bands: 达成 [80%, 100%], 部分达成 [60%, 80%), 未达成 [0, 60%)."""
    w, s = ind.weight.number, ind.score.number
    actual = ind.actual.raw
    if not actual or actual == ind.target.raw:
        return
    if NEGATIVE_RE.search(actual) and s >= 0.6 * w + 0.01:
        _flag(ctx, p, ind, "high", f"实际完成情况为“{actual}”（未达成），得分 {ind.score.raw} 超出未达成档（60%以下）。",
              "SC-07", round(0.6 * w, 4))
    elif PARTIAL_RE.search(actual) and not PARTIAL_RE.search(ind.target.raw) and s > 0.8 * w + 0.01:
        _flag(ctx, p, ind, "medium",
              f"实际完成情况为“{actual}”（部分达成），得分 {ind.score.raw} 高于部分达成档（60%–80%）。",
              "SC-07", round(0.8 * w, 4))


def _flag(ctx: Context, p: Project, ind: Indicator, severity: str, message: str, rule: str, expected,
          correction: str = "") -> None:
    ctx.finding(
        p.name, "indicator_score", severity, f"指标“{ind.level3}”：{message}",
        check="indicator_score", table=TABLE, stated=ind.score, recomputed=expected, at=[ind.line], rule=rule,
        figures={"年度指标值": ind.target, "实际完成值": ind.actual, "分值": ind.weight, "得分": ind.score},
        correction=correction,
    )


def _deviation(ctx: Context, p: Project, lost: list[Indicator]) -> None:
    ctx.checked("deviation", "扣分指标填写了偏差原因", p.name)
    if not lost:
        return
    names = "、".join(f"“{i.level3}”（{i.score.raw}/{i.weight.raw}）" for i in lost[:6])
    more = f"等 {len(lost)} 项" if len(lost) > 6 else ""
    ctx.finding(
        p.name, "missing", "medium",
        f"{names}{more}指标被扣分，但未填写偏差原因分析及改进措施。",
        check="deviation", table=TABLE, at=[i.line for i in lost], rule="SC-12",
        figures={"扣分指标数": len(lost)},
    )


def _grade(ctx: Context, p: Project) -> None:
    grade, score = p.grade.raw.strip(), p.total_score.number
    bands = ctx.config.rules.grade_bands
    names = {b[0] for b in bands}
    if not grade or score is None:
        return
    short = grade[0] if grade[0] in names else grade
    if short not in names:
        return
    ctx.checked("grade", "自评等级与总分档次相符", p.name)
    expected = band_of(score, bands)
    if expected != short:
        ctx.finding(p.name, "grade", "high",
                    f"总分 {p.total_score.raw} 对应等级为“{expected}”，表中自评等级为“{grade}”。",
                    check="grade", table=TABLE, stated=grade, recomputed=expected, at=[p.grade.line], rule="RT-01",
                    figures={"等级标准": {b[0]: b[1] for b in bands}})
