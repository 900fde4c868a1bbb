"""Settle: the stage after the checks and the corpus pass that turns occurrences into what a memo states.

stage.py runs it (settle); consolidate.py makes one finding per issue, weighed by money; risk.py scores the report;
verdict.py decides the 审核结论.
"""
from .consolidate import (amount_at_issue, consolidate, corrections, figures_of, finding_id, lead, places, project_money,
                          subjects_label, subjects_of)
from .risk import Risk, risk_of
from .stage import settle
from .verdict import AMEND, APPROVE, RETURN, UNREVIEWED, Verdict, decide, rejected

__all__ = ["AMEND", "APPROVE", "RETURN", "UNREVIEWED", "Risk", "Verdict", "amount_at_issue", "consolidate", "corrections",
           "decide", "figures_of",
           "finding_id", "lead", "places", "project_money", "rejected", "risk_of", "settle", "subjects_label",
           "subjects_of"]
