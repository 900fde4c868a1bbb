"""One finding per issue, weighed by money: from the occurrences the checks raise to the findings a memo lists.

Checks raise one occurrence per place (满意度 100% in ten projects: ten occurrences).  An auditor wants one
finding per issue, listing every place, and severity that follows the money involved:

1. **Materiality** — each occurrence is given the amount it concerns (its project's 全年预算数, in 万元) and that
   amount's share of the report's project budgets; `[materiality]` in rules.toml turns them into a level
   (重大 / 一般 / 较小).  A score quibble (an indicator or execution score off by less than `minor_points`) is
   one step less severe; a money code on a 重大 amount one step more; the level scales the risk points.
2. **Merge** — repeats of one kind in one report merge into one finding: by code and rule (the default,
   `merge = "report"` on the code in rules.toml), by code, rule and table (`merge = "table"`), or by code and
   subject (`merge = "subject"`: each project's own issue once).  The merged finding
   keeps the most severe occurrence's message and figures, and lists every occurrence (subject, what, where)
   in `evidence.items`, every subject in `evidence.subjects`.
3. **A stable id** — `report|code|key`, hashed: a reviewer's mark on a finding survives re-runs and new
   occurrences of the same issue.
"""
from __future__ import annotations

import re

import hashlib
from collections import defaultdict

from ..config import Config
from ..model import SEVERITIES, Finding, Quote, Report

LEVEL_LABEL = {"major": "重大", "normal": "一般", "minor": "较小"}


def places(f: Finding) -> list[tuple[str, str]]:
    """(subject, severity) of each place a finding stands for: a merged finding's places, or the finding itself."""
    items = f.evidence.get("items")
    return [(i["subject"], i["severity"]) for i in items] if items else [(f.subject, f.severity)]


def subjects_of(f: Finding) -> list[str]:
    return f.evidence.get("subjects") or [f.subject]


def subjects_label(f: Finding) -> str:
    """Whom a finding concerns, in a heading: the project, or "the weightiest 等 N 个项目"."""
    subjects = subjects_of(f)
    return f.subject if len(subjects) == 1 else f"{subjects[0]}等 {len(subjects)} 个项目"


def corrections(f: Finding) -> list[str]:
    """The figures as they should read ("4.35% 应为 4.40%"), of each place a finding stands for, where known."""
    items = f.evidence.get("items")
    found = [i["correction"] for i in items if i.get("correction")] if items else [f.evidence.get("correction", "")]
    return list(dict.fromkeys(c for c in found if c))


def lead(f: Finding) -> Quote | None:
    """The place a finding leads with (None when it quotes none)."""
    quotes = f.evidence.get("quotes")
    return quotes[0] if quotes else None


def finding_id(report: str, code: str, key: str) -> str:
    return hashlib.sha256(f"{report}|{code}|{key}".encode()).hexdigest()[:10]


def consolidate(occurrences: list[Finding], money: dict[str, float], config: Config) -> list[Finding]:
    """The findings of one report, from every occurrence the checks raised (which are left unchanged);
    `money`: each project's 全年预算数 in 万元 (project_money)."""
    total = sum(money.values())
    m = config.risk.materiality
    groups: dict[tuple, list[tuple[Finding, dict]]] = defaultdict(list)
    for f in occurrences:
        weighed = _weigh(f, money.get(f.subject), total, m)
        scope = config.code(f.code).merge
        rule = f.evidence.get("rule", "")
        key = {"report": rule, "table": f"{rule}|{f.table}"}.get(scope, f.subject)
        groups[(f.code, key)].append((f, weighed))
    merged = [_merge(items, code, key) for (code, key), items in groups.items()]
    return sorted(merged, key=lambda f: f.sort_key())


def project_money(report: Report) -> dict[str, float]:
    out = {}
    for p in report.projects:
        t = p.funds.total
        if t is not None and t.budget_full.number is not None and t.budget_full.number > 0:
            out[p.name] = t.budget_full.number / (1e4 if p.funds.unit == "元" else 1.0)
    return out


_AMOUNT_CORRECTION = re.compile(r"(?<=\d)\s*(万元|元)\s*$")  # "…应为 2961.68万元": the figure corrected is money


def amount_at_issue(ev: dict) -> float | None:
    """涉及金额 (万元): the money a finding is about, one definition for the index, summary.csv and the README —
    the gap between the amount printed and the amount it should be, for a finding that corrects an amount; else
    the money left unspent (全年预算数 − 全年执行数) for a finding about execution; else the money of the
    project(s) a finding is about (全年预算数, as the findings are weighed); None for a finding about no money.
    `ev`: the finding's evidence (a Finding's, or findings.jsonl's)."""
    stated, should = ev.get("stated"), ev.get("recomputed")
    fix = ev.get("correction", "")
    if isinstance(stated, (int, float)) and isinstance(should, (int, float)) and (m := _AMOUNT_CORRECTION.search(fix)):
        return round(abs(stated - should) / (1e4 if m.group(1) == "元" else 1.0), 4)
    money = (ev.get("materiality") or {}).get("amount")  # the project's 全年预算数 in 万元, whatever its table's unit
    figures = ev.get("figures") or {}
    budget, spent = _amount(figures.get("全年预算数")), _amount(figures.get("全年执行数"))
    if money is not None and budget and spent is not None and budget > spent and len(ev.get("subjects") or [1]) == 1:
        return round(money * (budget - spent) / budget, 4)
    return money


def _amount(v) -> float | None:
    try:
        return float(str(v).replace(",", "")) if v not in (None, "") else None
    except ValueError:
        return None


def _weigh(f: Finding, amount: float | None, total: float, m: dict) -> dict:
    """The occurrence's severity after materiality, its level and amount."""
    level = "normal"
    if amount is not None:
        share = amount / total if total else 0.0
        if amount >= m.major_amount or (share >= m.major_share and amount >= m.minor_amount):
            level = "major"
        elif amount < m.minor_amount:
            level = "minor"
    step = 0
    stated, recomputed = f.evidence.get("stated"), f.evidence.get("recomputed")
    if f.code in m.score_codes and isinstance(stated, (int, float)) and isinstance(recomputed, (int, float)) \
            and abs(stated - recomputed) < m.minor_points:
        step = 1  # a fraction of a point: worth a note, not a finding to lead with
    elif f.code in m.money_codes and level == "major" and f.evidence.get("rule") not in m.form_rules:
        step = -1
    severity = SEVERITIES[max(0, min(len(SEVERITIES) - 1, SEVERITIES.index(f.severity) + step))]
    return {"severity": severity, "level": level, "amount": amount}


def _merge(items: list[tuple[Finding, dict]], code: str, key: str) -> Finding:
    items.sort(key=lambda x: (SEVERITIES.index(x[1]["severity"]), -(x[1]["amount"] or 0), x[0].sort_key()))
    first, w = items[0]
    subjects = list(dict.fromkeys(f.subject for f, _ in items))
    amounts = {f.subject: x["amount"] for f, x in items if x["amount"] is not None}
    levels = [x["level"] for _, x in items]
    level = next(lv for lv in ("major", "normal", "minor") if lv in levels)
    evidence = dict(first.evidence)
    evidence["materiality"] = {"level": level, "label": LEVEL_LABEL[level],
                               "amount": round(sum(amounts.values()), 4) if amounts else None}
    evidence["subjects"] = subjects
    evidence["occurrences"] = len(items)
    if len(items) > 1:
        evidence["items"] = [{"subject": f.subject, "severity": x["severity"], "message": f.message,
                              "location": lead(f).location if lead(f) else "",
                              "line": lead(f).line if lead(f) else None,
                              **({"correction": f.evidence["correction"]} if f.evidence.get("correction") else {})}
                             for f, x in items]
    return Finding(report=first.report, subject=first.subject, code=code, category=first.category,
                   severity=w["severity"], message=first.message, evidence=evidence, source=first.source,
                   table=first.table, id=finding_id(first.report, code, key),
                   places=_places(items) if len(items) > 1 else [])


def _places(items: list[tuple[Finding, dict]]) -> list[tuple]:
    """A merged finding's places, each once (two occurrences may rest on one line), with what each is about."""
    out: dict = {}
    for f, _ in items:
        if (q := lead(f)) is not None:
            out.setdefault((q.line, str(q.location)), (q, figures_of(f.evidence, f.message)))
    return list(out.values())


_QUOTED = re.compile(r"“([^“”]{1,20})”")  # a short phrase a finding quotes: 'XX', '下降（增长）', '大于'


def figures_of(ev: dict, message: str = "") -> tuple:
    """What an occurrence is about, most telling first: the figure as printed (stated), the one it should be, the
    other figures it names, then the short phrases its message quotes — what its place's picture boxes."""
    phrases = sorted(_QUOTED.findall(message), key=len, reverse=True)  # the longest says most: '仍保留该表格式'
    values = [ev.get("stated"), ev.get("recomputed"), *(ev.get("figures") or {}).values(), *phrases]
    return tuple(dict.fromkeys(v for v in values if v not in (None, "") and not isinstance(v, bool)))
