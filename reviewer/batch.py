"""Many reports at once: one broken report never stops a batch.

Each input gives an `Outcome`: the `Report`, or the reason it could not be read.
"""
from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from . import stats as corpus_stats
from .config import Config, load_config
from .errors import ExtractionError, describe_fault
from .export import INDICATOR_COLUMNS, PROJECT_COLUMNS, indicator_rows, project_rows, write_csv, write_report_json
from .extract import extract
from .inputs import find_inputs
from .inspect import amount_share
from .model import Report
from .narrative import make_narrative
from .review import examine
from .settle import settle


@dataclass
class Outcome:
    path: Path
    report: Report | None = None
    error: str = ""
    review: object | None = None  # a reviewer.review.Review when the batch ran the review
    bug: bool = False  # the error is a fault of the tool (a traceback), not of the file

    @property
    def name(self) -> str:
        return self.path.name


def find_reports(paths: Iterable[str | Path]) -> list[Path]:
    """The files to review among `paths` and inside the folders among them (see reviewer.inputs: what is not a
    file to review, and why, is in `find_inputs(paths).passed_over`)."""
    return find_inputs(paths).reports


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
    for path in paths:
        yield guarded(path, lambda p: Outcome(p, report=extract(p, cache=cache)))


def _review_path(path: Path, config: Config, narrative, cache: bool = True) -> Outcome:
    def work(p: Path) -> Outcome:
        rv = examine(p, config, narrative, cache=cache)
        return Outcome(p, report=rv.report, review=rv)

    return guarded(path, work)


def examine_each(paths: Iterable[Path], config: Config | None = None, narrative="heuristic",
                cache: bool = True) -> Iterator[Outcome]:
    config = config or load_config()
    if isinstance(narrative, str):
        narrative = make_narrative(narrative, config)
    for path in paths:
        yield _review_path(path, config, narrative, cache)


def write_extraction(outcomes: list[Outcome], out_dir: Path) -> dict:
    """DIR/<report>.json for each report, DIR/projects.csv, DIR/indicators.csv, DIR/errors.csv."""
    out_dir.mkdir(parents=True, exist_ok=True)
    projects, indicators, errors = [], [], []
    amounts = [0, 0]
    for o in outcomes:
        if o.report is None:
            errors.append({"report": o.name, "error": f"未能读取：{o.error}"})
            continue
        write_report_json(o.report, out_dir / f"{o.name}.json")
        projects += project_rows(o.report)
        indicators += indicator_rows(o.report)
        got, printed = amount_share(o.report)
        amounts[0] += got
        amounts[1] += printed
        for issue in o.report.issues:
            errors.append({"report": o.name, "error": f"部分读取：{issue}"})
        for w in o.report.warnings:
            errors.append({"report": o.name, "error": f"提示：{w}"})
    write_csv(out_dir / "projects.csv", PROJECT_COLUMNS, projects)
    write_csv(out_dir / "indicators.csv", INDICATOR_COLUMNS, indicators)
    write_csv(out_dir / "errors.csv", ["report", "error"], errors)
    return {
        "reports": sum(o.report is not None for o in outcomes),
        "failed": sum(o.report is None for o in outcomes),
        "projects": sum(1 for r in projects if not r["blank_template"]),
        "blank_templates": sum(1 for r in projects if r["blank_template"]),
        "indicators": len(indicators),
        "partial": sum(o.report is not None and not o.report.complete for o in outcomes),
        "amounts_read": amounts[0],
        "amounts": amounts[1],
    }


def _review_one(args) -> Outcome:
    """One report in a worker process (the narrative backend is built there from its name)."""
    return _review_path(*args)


def review_corpus(paths: Iterable[Path], config: Config | None = None, narrative="heuristic", jobs: int = 1,
                  stats: bool = True, cache: bool = True) -> list[Outcome]:
    """Review every report, then compare each with its peers (reviewer.stats) and rescore.

    With jobs > 1 and an offline narrative backend, reports are reviewed in parallel processes;
    the result is the same, in the same order."""
    config = config or load_config()
    paths = list(paths)
    if jobs > 1 and (narrative is None or isinstance(narrative, str)) and len(paths) > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            outcomes = list(pool.map(_review_one, [(p, config, narrative, cache) for p in paths],
                                     chunksize=max(1, len(paths) // (jobs * 8))))
    else:
        outcomes = list(examine_each(paths, config, narrative, cache))
    reviews = [o.review for o in outcomes if o.review is not None]
    if stats:
        corpus_stats.apply(reviews, config)
    for rv in reviews:
        settle(rv, config)
    return outcomes
