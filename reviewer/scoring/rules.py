"""The scoring rules, once (RULES SC-03…SC-05, RT-01): which way an indicator counts, what score its own figures
allow, and the grade a total falls in.  The reader settling a row with a surplus cell (extract/project.py), the
indicator check (checks/scores.py) and the 评分复核表 (rescore.py) all ask here, so the memo's table and its
findings can never disagree.

    rule = allowed(indicator)
    rule.lo, rule.hi, rule.rule, rule.met   # None: the figures cannot say (qualitative, negative, no number)
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Indicator, Value

_UNIT_ALIASES = {"万": "万元", "百分比": "%", "％": "%"}
REVERSE_NAME_RE = re.compile(r"成本|费用|经费|支出|差错|投诉|事故|失误|违规|违纪|超支|时长|耗时|周期")


def unit_key(unit: str) -> str:
    u = (unit or "").strip()
    return _UNIT_ALIASES.get(u, u)


def units_compatible(a: Value, b: Value) -> bool:
    ka, kb = unit_key(a.unit), unit_key(b.unit)
    return not ka or not kb or ka == kb


def direction(ind: Indicator) -> str:
    """'up' (≥: more is better) or 'down' (≤: cost, complaints, time)."""
    op = ind.op if ind.op != "定性" else ""
    if op in ("≥", ">"):
        return "up"
    if op in ("≤", "<"):
        return "down"
    reverse = ind.level2.startswith("成本") or bool(REVERSE_NAME_RE.search(ind.level3))
    if op == "=":
        # templates use "=" loosely (满意度 = 90 with 92 achieved); an exact target is only
        # meaningful downwards (投诉率 = 0) or for reverse indicators
        return "down" if ind.target.number == 0 or reverse else "up"
    return "down" if reverse else "up"


MONEY_UNITS = ("万元", "元", "万")


def is_cost_ceiling(ind: Indicator) -> bool:
    """A cost indicator with an upper limit: 成本指标 (经济成本), or a money amount to stay under."""
    if direction(ind) != "down":
        return False
    return ind.level2.startswith("成本") or ind.level1.startswith("成本") or \
        any(u in (ind.target.unit or ind.unit or "") for u in MONEY_UNITS)


@dataclass(frozen=True)
class Allowed:
    """The scores the rules allow an indicator, from its target and actual value."""

    lo: float
    hi: float
    rule: str  # SC-03 (met), SC-04 (positive, not met), SC-05 (reverse, not met)
    met: bool
    keeps_own: bool = False  # a cost ceiling kept: spending less earns nothing, the unit's own score stands


def allowed(ind: Indicator) -> Allowed | None:
    """What the rules allow `ind`, or None when its figures cannot say: no weight, no number on either side,
    units that do not compare, or a negative target or actual value (差错率 −12.5%: whether it was met can be
    told, but no proportion of a negative number is a score, so a rule is applied only when it is met)."""
    w, t, a = ind.weight.number, ind.target.number, ind.actual.number
    if w is None or t is None or a is None or not units_compatible(ind.target, ind.actual):
        return None
    way = direction(ind)
    eps = abs(t) * 1e-9 + 1e-9
    met = (a >= t - eps) if way == "up" else (a <= t + eps)
    if met:
        keeps = way == "down" and is_cost_ceiling(ind)
        return Allowed(w, w, "SC-03", True, keeps_own=keeps)
    if t < 0 or a < 0:
        return None
    if way == "up":
        if t == 0:
            return None
        x = w * a / t
        return Allowed(x, x, "SC-04", False)
    if t == 0:  # a zero ceiling (投诉 0 次) exceeded: A = 分值 × 0 ÷ 实际 = 0, and B's limit is 0
        return Allowed(0.0, 0.0, "SC-05", False)
    a_rule = w * t / a  # A: 分值 × 指标值 ÷ 实际值
    b_rule = w * max(0.0, 1 - (a - t) / t)  # B: 分值 × (1 − 超出比例)
    return Allowed(min(a_rule, b_rule), max(a_rule, b_rule), "SC-05", False)


def band_of(score: float, bands: list) -> str:
    for name, floor in bands:
        if score >= floor:
            return name
    return bands[-1][0]
