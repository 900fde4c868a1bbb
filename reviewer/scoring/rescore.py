"""评分复核: the score a project's own figures justify under the scoring rules (RULES SC-02…SC-05, SC-07).

    r = rescore(project, config.rules.grade_bands)
    r.self_score, r.justified_score, r.gap, r.grade_justified

Per part: 预算执行率 scores 分值 × min(执行率, 1) (SC-02); a quantity indicator 分值 × min(实际 ÷ 目标, 1) (SC-04); a
reverse indicator (投诉, 时长) full marks when kept under its limit, else 分值 × 目标 ÷ 实际 (SC-05).  Two parts keep
the unit's own score, because the figures alone cannot justify more: a qualitative indicator (SC-07 needs a
person's judgement), and a cost ceiling (成本指标 ≤ X万元) kept — spending less because the work was not done is no
achievement, so a ceiling met never earns marks the unit did not claim.  The memo's 评分复核表, the score–execution
check (PL-01) and the corpus feature `justified_score` all come from here.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Indicator, Project
from .rules import allowed, band_of, direction

@dataclass
class PartRescore:
    name: str
    weight: float
    stated: float | None
    justified: float | None  # None: the figures cannot say (no score and no computable figures)
    how: str  # how `justified` was reached, in words


@dataclass
class ProjectRescore:
    name: str
    unit: str  # of the amounts, as printed (万元, 元)
    budget: float | None
    executed: float | None
    rate: float | None  # percent
    parts: list[PartRescore] = field(default_factory=list)  # 预算执行率 first, then each indicator
    self_score: float | None = None
    justified_score: float | None = None  # None unless every part could be rescored
    grade_stated: str = ""
    grade_justified: str = ""

    @property
    def gap(self) -> float | None:
        if self.self_score is None or self.justified_score is None:
            return None
        return self.self_score - self.justified_score


def indicator_by_rule(ind: Indicator) -> tuple[float | None, str]:
    """(the score this indicator's figures justify, how) — the unit's own score (capped at 分值) where the figures
    cannot say, or where the rules leave it (a cost ceiling kept); the scoring rules are checks/scoring.py's."""
    w, s = ind.weight.number, ind.score.number
    own = (min(w, s) if s is not None else None)
    rule = allowed(ind)
    if rule is None:
        return own, "定性或无数值，沿用自评"
    if rule.keeps_own:
        return own, "成本控制在上限内，不因少花钱计满分，沿用自评"
    if rule.met:
        return w, "已完成，满分" if direction(ind) == "up" else "控制在指标值内，满分"
    if rule.rule == "SC-04":
        return rule.hi, "按完成比例 实际 ÷ 目标 计分"
    return rule.hi, "指标值为 0 而超出，不得分" if rule.hi == 0 else "超出指标值，按 指标值 ÷ 实际 计分"


def rescore(p: Project, grade_bands: list | None = None) -> ProjectRescore:
    """Every part of `p` rescored; with `grade_bands` (rules.toml grade_bands) also the grade that results."""
    t = p.funds.total
    budget = t.budget_full.number if t is not None else None
    executed = t.executed.number if t is not None else None
    rate = 100 * executed / budget if budget and executed is not None else None
    out = ProjectRescore(p.name, p.funds.unit, budget, executed, rate, self_score=p.total_score.number,
                         grade_stated=p.grade.raw.strip())
    exec_w = t.weight.number if t is not None and t.weight.number is not None else 10.0
    out.parts.append(PartRescore("预算执行率", exec_w, t.score.number if t is not None else None,
                                 exec_w * min(1.0, rate / 100) if rate is not None else None,
                                 "分值 × 执行率（不超过 100%）"))
    for ind in p.indicators:
        if ind.weight.number is None:
            continue
        justified, how = indicator_by_rule(ind)
        out.parts.append(PartRescore(ind.level3 or ind.level2, ind.weight.number, ind.score.number, justified, how))
    if p.indicators and all(x.justified is not None for x in out.parts):
        out.justified_score = sum(x.justified for x in out.parts)
        if grade_bands:
            out.grade_justified = band_of(out.justified_score, grade_bands)
    return out
