"""Implausible self-evaluations (RULES PL-01…PL-06, SC-06): thresholds from rules.toml.

These findings carry the `stat` codes of FINDINGS.md; here they fire on fixed thresholds, and the
corpus statistics (reviewer.stats) add what is unusual relative to peers.
"""
from __future__ import annotations

import re

from ..model import SUBJECT_DEPARTMENT, Indicator, Project
from .base import Context
from .common import (PERCENT_NAME_RE, SATISFACTION_RE, direction, fmt_num, is_placeholder_text, numeric,
                     report_text, units_compatible)
from .tolerance import half_unit

TABLE = "绩效指标"
UNMEASURABLE_RE = re.compile(r"作用|优势|纽带|形象|影响|水平|意识|氛围|关系|成效|效应|品牌")
MEASURABLE_RE = re.compile(r"率|度$|比例|比重|数量|人数|次数|个数")


def check(ctx: Context) -> None:
    has_survey = bool(re.search(ctx.config.rules.survey_pattern, report_text(ctx.report)))
    for p in ctx.report.projects:
        _empty_indicators(ctx, p)
        _score_vs_execution(ctx, p)
        _targets(ctx, p.name, p.indicators, scored=True)
        _satisfaction(ctx, p.name, p.indicators, has_survey, p)
        _qualitative(ctx, p.name, p.indicators)
        _all_full_marks(ctx, p)
    dept = ctx.report.department_part
    if dept and dept.indicators:
        _targets(ctx, SUBJECT_DEPARTMENT, dept.indicators, scored=False)
        _satisfaction(ctx, SUBJECT_DEPARTMENT, dept.indicators, has_survey, None)
        _qualitative(ctx, SUBJECT_DEPARTMENT, dept.indicators)


def _empty_indicators(ctx: Context, p: Project) -> None:
    ctx.checked("indicators_present", "有资金的项目填报了绩效指标", p.name)
    t = p.funds.total
    money = t.budget_full if t is not None and t.budget_full.number is not None else None
    if p.indicators or money is None or money.number <= 0:
        return
    no_total = p.total_score.blank
    ctx.finding(
        p.name, "missing", "high",
        f"项目预算 {money.raw}{p.funds.unit}，绩效指标全部空白" + ("，总得分也未填" if no_total else
                                                                f"，总得分 {p.total_score.raw}") + "。",
        check="indicators_present", table=TABLE, at=[t.line, p.total_weight.line or p.end_line],
        figures={"全年预算数": money, "全年执行数": t.executed, "空白指标行": p.placeholder_indicators}, rule="ZP-05",
    )


def _score_vs_execution(ctx: Context, p: Project) -> None:
    t = p.funds.total
    if t is None or t.executed.number is None or not t.budget_full.number:
        return
    ctx.checked("score_vs_exec", "自评得分与预算执行率相称", p.name)
    rate = t.executed.number / t.budget_full.number * 100
    score, grade = p.total_score.number, p.grade.raw.strip()[:1]
    good = grade in ("优", "良") or (score is not None and score >= 80)
    high = grade == "优" or (score is not None and score >= ctx.config.rules.high_score)
    shown = f"总分 {p.total_score.raw}" + (f"、自评等级“{p.grade.raw}”" if grade else "") if score is not None else f"自评等级“{p.grade.raw}”"
    figures = {"执行率": round(rate, 4), "总分": p.total_score, "自评等级": p.grade.raw,
               "全年执行数": t.executed, "全年预算数": t.budget_full}
    if rate < ctx.config.rules.very_low_exec_rate and good:
        what = "资金一分未用" if t.executed.number == 0 else f"执行率仅 {fmt_num(rate)}%"
        ctx.finding(p.name, "high_score_low_exec", "high", f"{what}，{shown}。", check="score_vs_exec",
                    table="项目资金", at=[t.line, p.total_score.line, p.grade.line], rule="PL-01", figures=figures)
    elif rate < ctx.config.rules.low_exec_rate and high:
        ctx.finding(p.name, "high_score_low_exec", "medium",
                    f"执行率 {fmt_num(rate)}%，低于 {fmt_num(ctx.config.rules.low_exec_rate)}%，{shown}。",
                    check="score_vs_exec", table="项目资金", at=[t.line, p.total_score.line], rule="PL-01",
                    figures=figures)
    elif rate < ctx.config.rules.low_exec_rate:
        _achievement_vs_execution(ctx, p, rate, figures)


def _achievement_vs_execution(ctx: Context, p: Project, rate: float, figures: dict) -> None:
    """PL-01 by relation, not by a fixed 90: the indicators claim far more of the work done than the money
    spent allows (72 points with 1.12% spent: the outputs scored 80% of their marks).  What the unit's own
    figures justify is in the memo's 评分复核表; here only the claimed completion against execution."""
    scored = [i for i in p.indicators if i.weight.number and i.score.number is not None]
    weights = sum(i.weight.number for i in scored)
    if not scored or weights <= 0:
        return
    claimed = sum(min(i.score.number, i.weight.number) for i in scored) / weights
    if claimed - rate / 100 < ctx.config.rules.claimed_vs_exec_gap:
        return
    t = p.funds.total
    ctx.finding(p.name, "high_score_low_exec", "medium",
                f"执行率仅 {fmt_num(rate)}%，绩效指标却自评得到其分值的 {fmt_num(100 * claimed, 0)}%"
                f"（{fmt_num(claimed * weights)} / {fmt_num(weights)} 分），总分 {p.total_score.raw}：资金大部分未用，"
                "完成程度与资金使用不相称。",
                check="score_vs_exec", table="项目资金", at=[t.line, p.total_score.line], rule="PL-01",
                figures={**figures, "指标得分占分值": f"{fmt_num(100 * claimed, 1)}%"})


def _targets(ctx: Context, subject: str, indicators: list[Indicator], scored: bool) -> None:
    """SC-06: actual far above target with full marks and no explanation suggests a target set low."""
    over, far = ctx.config.rules.over_achievement_ratio, ctx.config.rules.far_over_achievement_ratio
    for ind in indicators:
        t, t_unit = numeric(ind.target)
        a, a_unit = numeric(ind.actual)
        if t is None or a is None or t <= 0 or direction(ind) != "up":
            continue
        if "%" in (t_unit, a_unit) or PERCENT_NAME_RE.search(ind.level3):
            continue  # rates are capped at 100%; their over-achievement says little about the target
        if (t_unit and a_unit and t_unit != a_unit) or not units_compatible(ind.target, ind.actual):
            continue
        ctx.checked("target_level", "实际完成值未远超目标值", subject)
        ratio = a / t
        if ratio < over or not is_placeholder_text(ind.deviation.text):
            continue
        if scored and ind.score.number is not None and ind.weight.number is not None and \
                ind.score.number < ind.weight.number - half_unit(ind.score):
            continue  # the score was already reduced (偏离度调减)
        ctx.finding(
            subject, "target_too_low", "medium" if ratio >= far else "low",
            f"指标“{ind.level3}”年度指标值 {ind.target.raw}，实际完成 {ind.actual.raw}，为目标的 {fmt_num(ratio, 1)} 倍，"
            f"未说明偏差原因" + ("，仍得满分。" if scored else "。"),
            check="target_level", table=TABLE, stated=a, recomputed=t, at=[ind.line], rule="SC-06",
            figures={"年度指标值": ind.target, "实际完成值": ind.actual, "倍数": round(ratio, 4)},
        )


def _satisfaction(ctx, subject: str, indicators: list[Indicator], has_survey: bool, p: Project | None) -> None:
    sat = [i for i in indicators if SATISFACTION_RE.search(i.level3) or i.level1.startswith("满意度")]
    if not sat:
        return
    ctx.checked("satisfaction", "满意度有调查依据、未无依据地达到 100%", subject)
    ceiling = ctx.config.rules.satisfaction_ceiling
    at_ceiling = []
    for ind in sat:
        a, unit = numeric(ind.actual)
        if not SATISFACTION_RE.search(ind.level3 + ind.actual.raw):
            continue
        if a is not None and (unit == "%" or ind.unit == "%") and a >= ceiling:
            at_ceiling.append(ind)
        elif a is None and ind.actual.kind == "text" and any(w in ind.actual.raw for w in ("满意", "认可", "较高")):
            at_ceiling.append(ind)
    if not at_ceiling or has_survey:
        return
    names = "、".join(f"“{i.level3}” {i.actual.raw}" for i in at_ceiling[:5])
    claims = []
    if p is not None:
        claims = [t for t in (p.analysis.get("satisfaction"), p.analysis.get("effect")) if t and "100%" in t.text]
    ctx.finding(
        subject, "satisfaction_ceiling", "medium",
        f"{names}：满意度/认可度达到 100% 或未量化，报告中未见问卷、样本等调查依据。",
        check="satisfaction", table=TABLE, at=[i.line for i in at_ceiling] + [c.line for c in claims],
        rule="PL-05", figures={"满格指标数": len(at_ceiling)},
    )


def _qualitative(ctx: Context, subject: str, indicators: list[Indicator]) -> None:
    """PL-06 qualitative-heavy tables; PL-03 actual values that merely restate the target."""
    if not indicators:
        return
    ctx.checked("qualitative", "指标以定量为主、完成值不照抄目标", subject)
    core = [i for i in indicators if i.level1.startswith(("产出", "效益", "成本"))]
    weighted = [i for i in core if i.weight.number]
    if weighted:
        qual = sum(i.weight.number for i in weighted if i.qualitative)
        share = qual / sum(i.weight.number for i in weighted)
        if share > ctx.config.rules.qualitative_weight_share:
            names = "、".join(f"“{i.level3}”" for i in weighted if i.qualitative)
            ctx.finding(subject, "qualitative", "medium",
                        f"产出和效益指标中定性指标占分值的 {fmt_num(share * 100, 1)}%（{names}），难以衡量。",
                        check="qualitative", table=TABLE, at=[i.line for i in weighted if i.qualitative],
                        rule="PL-06", figures={"定性分值占比": round(share, 4)})
    elif core:
        qual = [i for i in core if i.qualitative]
        if len(qual) / len(core) > ctx.config.rules.qualitative_weight_share:
            ctx.finding(subject, "qualitative", "medium",
                        f"产出和效益指标 {len(core)} 项中 {len(qual)} 项为定性表述，难以衡量。", check="qualitative",
                        table=TABLE, at=[i.line for i in qual], rule="PL-06")
    for i in indicators:
        if i.level1.startswith("效益") and "%" in (i.unit, i.actual.unit, i.target.unit) and \
                UNMEASURABLE_RE.search(i.level3) and not MEASURABLE_RE.search(i.level3):
            ctx.finding(subject, "qualitative", "low",
                        f"效益指标“{i.level3}”是定性描述，却以百分比计量（目标 {i.target.raw}，完成 {i.actual.raw}），无法测量。",
                        check="qualitative", table=TABLE, at=[i.line], rule="PL-06",
                        figures={"年度指标值": i.target, "实际完成值": i.actual})
    restated = _restated(indicators)
    with_op = [i for i in restated if i.actual.op or i.actual.raw[:1] in "≥≤><"]
    if _mostly_restated(indicators, ctx):
        # full marks on actuals copied from the targets have no basis: one issue, said here (not again as 全部满分)
        full = _all_full(indicators)
        ctx.finding(subject, "qualitative", "medium",
                    f"{len(indicators)} 项指标中 {len(restated)} 项的实际完成值与年度指标值一字不差，疑似照抄目标"
                    + ("；各项却全部得满分，得分缺乏依据。" if full else "。"),
                    check="qualitative", table=TABLE, at=[i.line for i in restated], rule="PL-03",
                    figures={"照抄项数": len(restated), "指标总数": len(indicators)})
    for i in with_op:
        ctx.finding(subject, "qualitative", "low",
                    f"指标“{i.level3}”的实际完成值“{i.actual.raw}”照抄了年度指标值（含比较符号），未填报实际数。",
                    check="qualitative", table=TABLE, at=[i.line], rule="PL-03",
                    figures={"年度指标值": i.target, "实际完成值": i.actual})


def _restated(indicators: list[Indicator]) -> list[Indicator]:
    return [i for i in indicators if i.actual.raw and i.actual.raw == i.target.raw]


def _mostly_restated(indicators: list[Indicator], ctx: Context) -> bool:
    restated = _restated(indicators)
    return len(restated) >= 3 and len(restated) / len(indicators) >= ctx.config.rules.restated_share


def _all_full(indicators: list[Indicator]) -> bool:
    scored = [i for i in indicators if i.weight.number is not None and i.score.number is not None]
    return len(scored) >= 3 and all(abs(i.score.number - i.weight.number) < 1e-9 for i in scored)


def _all_full_marks(ctx: Context, p: Project) -> None:
    scored = [i for i in p.indicators if i.weight.number is not None and i.score.number is not None]
    if len(scored) < 3:
        return
    ctx.checked("full_marks", "并非所有指标都得满分", p.name)
    if _mostly_restated(p.indicators, ctx):
        return  # the copied actual values are the issue, and its finding says the marks are full (_qualitative)
    if _all_full(p.indicators) and p.total_score.number == 100:
        ctx.finding(p.name, "satisfaction_ceiling", "low",
                    f"全部 {len(scored)} 项指标均得满分，总分 100。", check="full_marks", table=TABLE,
                    at=[p.total_score.line], rule="PL-09", figures={"指标数": len(scored)})
