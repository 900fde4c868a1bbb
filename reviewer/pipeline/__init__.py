"""The pipeline: one report through the stages (report.py: read → extract → checks → narrative, then settle),
and many reports in two passes with the comparison with peers between them (passes.py), on disk and resumable
(batch.py) or in memory for the evaluation (memory.py), fanned out over worker processes (workers.py), with
what a batch keeps while it runs (store.py)."""
from ..inputs import find_reports
from .batch import UNFINISHED, BatchSummary, run_batch
from .memory import review_corpus
from .report import Outcome, examine, extract_each, guarded, review

__all__ = ["BatchSummary", "Outcome", "UNFINISHED", "examine", "extract_each", "find_reports", "guarded", "review",
           "review_corpus", "run_batch"]
