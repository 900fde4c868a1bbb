"""One report through the stages: read → extract → checks → narrative (pass 1, `examine`), then settle.

    import reviewer
    rv = reviewer.review("corpus/seeds/003_ddff5fd3e69ced26.txt")
    rv.risk.score, [f.code for f in rv.findings]

`examine` is pass 1, what a batch runs in its workers before the comparison with peers; `review` examines and
settles one report on its own.  `guarded` turns whatever one report does wrong into its `Outcome`, so that one
broken report never stops a batch.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from ..checks import run_checks
from ..scoring import rescore
from ..config import Config, load_config
from ..errors import ExtractionError, describe_fault
from ..extract import extract
from ..model import Report
from ..narrative import make_narrative
from ..read import Document
from ..review import Review
from ..settle import project_money, settle


@dataclass
class Outcome:
    path: Path
    report: Report | None = None
    error: str = ""
    review: Review | None = None  # when the batch ran the review
    bug: bool = False  # the error is a fault of the tool (a traceback), not of the file

    @property
    def name(self) -> str:
        return self.path.name


def guarded(path: Path, work) -> Outcome:
    """The outcome of `work(path)`: its result, or the reason it failed (one report never stops a batch)."""
    if not path.exists():
        return Outcome(path, error="文件不存在")
    try:
        return work(path)
    except ExtractionError as exc:
        return Outcome(path, error=str(exc))
    except (MemoryError, SystemError):  # a worker's memory is bounded ([batch] max_worker_mb): this file alone
        # needed more (SystemError "error return without exception set" is what some C code makes of that)
        return Outcome(path, error="审核此文件所需内存超过每个进程的上限（见 rules.toml [batch] max_worker_mb），未能审核")
    except Exception as exc:  # a bug on one report must not cost the rest of the batch
        return Outcome(path, bug=True, error=f"程序内部错误（{describe_fault(exc)}），其余报告不受影响；请报告此问题")


def extract_each(paths: Iterable[Path], cache: bool = True) -> Iterator[Outcome]:
    """Each report read and extracted (the `extract` command), or the reason it could not be."""
    for path in paths:
        yield guarded(path, lambda p: Outcome(p, report=extract(p, cache=cache)))


def examine(source: str | Path | Document | Report, config: Config | None = None, narrative="heuristic",
            cache: bool = True) -> Review:
    """Pass 1 of one report: read and extract it (unless `source` is a `Report` already), run the checks and the
    text review.  The review's occurrences are raised, not yet settled into findings (reviewer.settle).

    `narrative` is a `reviewer.narrative.NarrativeReviewer`, a backend name ("heuristic", the offline
    default, or "openai"), or None to run the rule checks only.
    """
    config = config or load_config()
    report = source if isinstance(source, Report) else extract(source, cache=cache, limits=config.read)
    ctx = run_checks(report, config)
    if isinstance(narrative, str):
        narrative = make_narrative(narrative, config)
    rv_extra: dict = {}
    if narrative is not None:
        try:
            result = narrative.review(report, ctx)
        except Exception as exc:  # the text review's fault costs the text review, not the rule findings
            ctx.fault("文字审核", exc)
        else:
            rv_extra = {"narrative_backend": result.backend, "notes": result.notes,
                        "narrative_stats": result.stats, "dropped_claims": result.dropped, "fell_back": result.fell_back}
    occurrences = sorted(ctx.findings, key=lambda f: f.sort_key())
    return Review(report=report, findings=[], coverage=ctx.coverage, risk=None, suppressed=ctx.suppressed,
                  profile=config.profile, rules=config.fingerprint(), faults=ctx.faults, occurrences=occurrences,
                  unjudged=ctx.unjudged, structure=ctx.structure(),
                  money=project_money(report), rescores=[rescore(p, config.rules.grade_bands) for p in report.projects],
                  **rv_extra)


def review(source: str | Path | Document | Report, config: Config | None = None, narrative="heuristic",
           cache: bool = True) -> Review:
    """Review one report on its own (no peers): examine it, then settle it."""
    config = config or load_config()
    return settle(examine(source, config, narrative, cache), config)
