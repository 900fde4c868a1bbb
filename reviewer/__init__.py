"""reviewer: reviews budget-performance self-evaluations and departmental final accounts.

Library use, without the CLI:

    import reviewer
    report = reviewer.extract("corpus/seeds/000_25822ca1c25975cd.txt")
"""
from .extract import ExtractionError, extract

__all__ = ["extract", "ExtractionError"]
__version__ = "0.1.0"
