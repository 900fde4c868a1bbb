"""reviewer: reviews budget-performance self-evaluations and departmental final accounts.

Library use, without the CLI:

    import reviewer
    report = reviewer.extract("corpus/seeds/000_25822ca1c25975cd.txt")
    rv = reviewer.review("corpus/seeds/000_25822ca1c25975cd.txt")   # findings, risk score
"""
from .config import load_config
from .errors import ExtractionError, ReadError
from .extract import extract
from .read import read
from .pipeline import review
from .review import Review

__all__ = ["read", "extract", "review", "Review", "load_config", "ExtractionError", "ReadError"]
__version__ = "0.1.0"
