"""Many reports at once: one broken report never stops a batch.

Each input gives an `Outcome`: the `Report`, or the reason it could not be read.
"""
from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from .export import (INDICATOR_COLUMNS, PROJECT_COLUMNS, indicator_rows, project_rows, write_csv,
                     write_report_json)
from .extract import ExtractionError, extract
from .model import Report


@dataclass
class Outcome:
    path: Path
    report: Report | None = None
    error: str = ""

    @property
    def name(self) -> str:
        return self.path.name


def find_reports(paths: Iterable[str | Path]) -> list[Path]:
    """Files named on the command line, and every file inside a named folder (hidden ones skipped)."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found += sorted(
                f for f in p.rglob("*")
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
        else:
            found.append(p)
    return found


def extract_each(paths: Iterable[Path]) -> Iterator[Outcome]:
    for path in paths:
        if not path.exists():
            yield Outcome(path, error="no such file")
            continue
        try:
            yield Outcome(path, report=extract(path))
        except ExtractionError as exc:
            yield Outcome(path, error=str(exc))
        except Exception as exc:  # a parser bug must not cost the rest of the batch
            last = traceback.extract_tb(exc.__traceback__)[-1]
            yield Outcome(path, error=f"internal error {type(exc).__name__}: {exc} ({Path(last.filename).name}:{last.lineno})")


def write_extraction(outcomes: list[Outcome], out_dir: Path) -> dict:
    """DIR/<report>.json for each report, DIR/projects.csv, DIR/indicators.csv, DIR/errors.csv."""
    out_dir.mkdir(parents=True, exist_ok=True)
    projects, indicators, errors = [], [], []
    for o in outcomes:
        if o.report is None:
            errors.append({"report": o.name, "error": o.error})
            continue
        write_report_json(o.report, out_dir / f"{o.name}.json")
        projects += project_rows(o.report)
        indicators += indicator_rows(o.report)
        for w in o.report.warnings:
            errors.append({"report": o.name, "error": f"warning: {w}"})
    write_csv(out_dir / "projects.csv", PROJECT_COLUMNS, projects)
    write_csv(out_dir / "indicators.csv", INDICATOR_COLUMNS, indicators)
    write_csv(out_dir / "errors.csv", ["report", "error"], errors)
    return {
        "reports": sum(o.report is not None for o in outcomes),
        "failed": sum(o.report is None for o in outcomes),
        "projects": sum(1 for r in projects if not r["blank_template"]),
        "blank_templates": sum(1 for r in projects if r["blank_template"]),
        "indicators": len(indicators),
    }
