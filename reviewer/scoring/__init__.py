"""The scoring rules, once: which way an indicator counts, what score its own figures allow, the grade a total falls
in (rules.py), and the score a project's own figures justify (rescore.py: the memo's 评分复核表).  The reader, the
checks, the corpus features and the memo all ask here, so they can never disagree."""
from .rescore import PartRescore, ProjectRescore, rescore
from .rules import MONEY_UNITS, allowed, band_of, direction, is_cost_ceiling, unit_key, units_compatible

__all__ = ["MONEY_UNITS", "PartRescore", "ProjectRescore", "allowed", "band_of", "direction", "is_cost_ceiling",
           "rescore", "unit_key", "units_compatible"]
