"""Features per project table, computed from extracted records, as a pandas DataFrame users can export.

Every feature is a number code computed from the report; none is read from a narrative backend.
"""
from __future__ import annotations

import math
import re
from difflib import SequenceMatcher

import pandas as pd

from ..checks.common import PERCENT_NAME_RE, SATISFACTION_RE, direction, numeric
from ..scoring import rescore
from ..model import Project, Report

FEATURES = [
    "exec_rate",          # 全年执行数 / 全年预算数, percent
    "self_score",         # 总得分 as printed
    "justified_score",    # the score the project's own figures justify under the rules
    "score_gap",          # self_score − justified_score
    "full_mark_share",    # share of indicators at full marks
    "qualitative_share",  # share of indicator weight that is qualitative
    "max_over_ratio",     # largest actual/target among count indicators (≥)
    "satisfaction",       # highest satisfaction value, percent
    "budget_ratio",       # 全年预算数 / 年初预算数
    "log_budget",         # ln(全年预算数 in 万元)
    "n_indicators",
    "narrative_chars",    # length of 实际完成情况 and analysis text
    "goal_similarity",    # similarity of 实际完成情况 to 预期目标 (0–1)
]
ID_COLUMNS = ["report", "project", "department", "region", "year"]
REGION_RE = re.compile(r"^(.{2,4}?(?:省|自治区|市|州|盟|地区))")


def region_of(department: str) -> str:
    """The province or city a unit's name begins with; a party body's "中共" before it is not a place
    ("中共上海市普陀区委社会工作部" is of 上海市)."""
    m = REGION_RE.match((department or "").removeprefix("中共"))
    return m.group(1) if m else ""


def project_row(report: Report, p: Project) -> dict:
    t = p.funds.total
    row = {"report": report.source, "project": p.name, "department": p.department or report.department,
           "region": region_of(p.department or report.department), "year": p.year or report.year}
    nan = float("nan")
    rate = nan
    if t is not None and t.executed.number is not None and t.budget_full.number:
        rate = 100 * t.executed.number / t.budget_full.number
    row["exec_rate"] = rate
    row["self_score"] = p.total_score.number if p.total_score.number is not None else nan
    justified = rescore(p).justified_score
    row["justified_score"] = justified if justified is not None else nan
    row["score_gap"] = row["self_score"] - row["justified_score"]
    scored = [i for i in p.indicators if i.weight.number is not None and i.score.number is not None]
    row["full_mark_share"] = (sum(abs(i.score.number - i.weight.number) < 1e-9 for i in scored) / len(scored)
                              if scored else nan)
    weighted = [i for i in p.indicators if i.weight.number]
    row["qualitative_share"] = (sum(i.weight.number for i in weighted if i.qualitative) /
                                sum(i.weight.number for i in weighted)) if weighted else nan
    ratios = []
    for i in p.indicators:
        tv, tu = numeric(i.target)
        av, au = numeric(i.actual)
        if tv and av is not None and tv > 0 and direction(i) == "up" and "%" not in (tu, au) \
                and not PERCENT_NAME_RE.search(i.level3):
            ratios.append(av / tv)
    row["max_over_ratio"] = max(ratios) if ratios else nan
    sats = [numeric(i.actual)[0] for i in p.indicators if SATISFACTION_RE.search(i.level3)]
    sats = [s for s in sats if s is not None and s <= 100]
    row["satisfaction"] = max(sats) if sats else nan
    b0 = t.budget_initial.number if t is not None else None
    b1 = t.budget_full.number if t is not None else None
    row["budget_ratio"] = b1 / b0 if b0 and b1 is not None else nan
    k = 1e4 if p.funds.unit == "元" else 1.0
    row["log_budget"] = math.log(b1 / k) if b1 and b1 > 0 else nan
    row["n_indicators"] = len(p.indicators)
    texts = [p.outcome.text] + [x.text for x in p.analysis.values()]
    row["narrative_chars"] = sum(len(x) for x in texts)
    a, b = p.goal.text, p.outcome.text
    row["goal_similarity"] = SequenceMatcher(None, a, b, autojunk=False).ratio() if a and b else nan
    return row


def project_features(reports) -> pd.DataFrame:
    rows = [project_row(r, p) for r in reports for p in r.projects]
    return pd.DataFrame(rows, columns=ID_COLUMNS + FEATURES)


def report_features(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per report: means over its projects, and how its scores follow execution."""
    g = frame.groupby("report", sort=True)
    out = g[["exec_rate", "self_score", "score_gap", "full_mark_share", "qualitative_share", "satisfaction"]].mean()
    out["projects"] = g.size()
    out["all_satisfaction_100"] = g["satisfaction"].apply(lambda s: bool(len(s.dropna()) >= 2 and (s.dropna() >= 100).all()))
    return out.reset_index()
