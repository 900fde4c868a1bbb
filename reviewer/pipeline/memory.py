"""A batch in memory: the same two passes as the batch on disk, each report's whole review kept and returned.
What the evaluation runs (reviewer.evaluate); nothing is written.  Each file is reviewed on its own, as the
labels are per file: the batch on disk joins the files that are parts of one report (grouping.py).

    outcomes = review_corpus(paths, config)       # [Outcome(path, report, review)], in input order
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from ..config import Config, load_config
from ..progress import Progress
from ..stats import CorpusModel, project_features
from .passes import ExamineInMemory, Reviewer, compare_and_settle
from .report import Outcome
from .workers import Bounds, fan_out


def review_corpus(paths: Iterable[Path], config: Config | None = None, narrative="heuristic", jobs: int = 1,
                  stats: bool = True, cache: bool = True) -> list[Outcome]:
    """Review every report, compare each with its peers (reviewer.stats), and settle it.

    With jobs > 1 and a narrative backend given by name (or None), reports are examined in forked workers; the
    result is the same, in the same order.  A reviewer already built is used here, in this process."""
    config = config or load_config()
    paths = list(paths)
    parallel = narrative is None or isinstance(narrative, str)
    first = ExamineInMemory(Reviewer(config, narrative, cache=cache))
    # workers only where there are several and each may be bounded ([batch]); one job at a time runs here, unbounded
    bounds = (Bounds(config.batch.max_worker_mb, config.batch.max_seconds_per_report) if parallel and jobs > 1
              else Bounds())
    outcomes = list(fan_out(first, paths, jobs, Progress(len(paths), "审核", quiet=True), bounds))
    reviews = [o.review for o in outcomes if o.review is not None]
    model = CorpusModel(project_features([rv.report for rv in reviews]), config) if stats else None
    for rv in reviews:
        compare_and_settle(rv, model, config)
    return outcomes
