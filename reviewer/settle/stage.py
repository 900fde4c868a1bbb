"""Settling a review: from what the checks, the text review and the comparison with peers raised (the occurrences)
to what a memo states — one finding per issue (consolidate.py), the risk (risk.py) and the verdict (verdict.py).
Run once per report, after the corpus pass, and again only when a reviewer's marks change."""
from __future__ import annotations

from ..config import Config
from .consolidate import consolidate
from .risk import risk_of
from .verdict import decide, rejected


def settle(rv, config: Config, marks: dict | None = None):
    """The findings of `rv` (a reviewer.review.Review) from its occurrences, each with the reviewer's mark if it has
    one (`marks`: finding id → {mark, comment}); the risk from the findings not rejected; the verdict."""
    rv.findings = consolidate(rv.occurrences, rv.money, config)
    for f in rv.findings:
        if marks and f.id in marks:
            f.evidence["mark"] = dict(marks[f.id])
    rv.risk = risk_of([f for f in rv.findings if not rejected(f)], config, rv.checked_whole)
    ranked = [f for f, _ in rv.risk.contributions]
    rv.verdict = decide(ranked, rv.risk.score, len(rv.report.issues), len(rv.faults), rv.checks_made(config), config,
                        len(rv.unjudged))
    return rv
