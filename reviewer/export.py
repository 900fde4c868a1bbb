"""Extraction output: one JSON per report (the whole record, with provenance) and two CSVs for spreadsheets.

CSV files are written as UTF-8 with a BOM so that Excel opens the Chinese text correctly.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

from .model import Indicator, Project, Report, to_jsonable

PROJECT_COLUMNS = [
    "report", "project", "department", "implementer", "year", "unit",
    "budget_initial", "budget_full", "allocated", "executed", "execution_rate",
    "execution_weight", "execution_score", "total_weight", "total_score", "grade",
    "indicators", "blank_template", "line",
]
INDICATOR_COLUMNS = [
    "report", "project", "level1", "level2", "level3", "operator",
    "target_raw", "target_value", "target_unit", "actual_raw", "actual_value", "actual_unit",
    "weight", "score", "deviation", "line",
]


def report_json(report: Report) -> dict:
    data = to_jsonable(report)
    data["line_count"] = len(report.lines)
    return data


def write_report_json(report: Report, path: Path) -> None:
    path.write_text(json.dumps(report_json(report), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _num(v) -> float | str:
    return v.number if v is not None and v.number is not None else ""


def project_row(report: Report, p: Project, blank: bool = False) -> dict:
    t = p.funds.total
    return {
        "report": report.source,
        "project": p.name,
        "department": p.department or report.department,
        "implementer": p.implementer,
        "year": p.year or report.year or "",
        "unit": p.funds.unit or p.unit,
        "budget_initial": _num(t.budget_initial) if t else "",
        "budget_full": _num(t.budget_full) if t else "",
        "allocated": _num(t.allocated) if t else "",
        "executed": _num(t.executed) if t else "",
        "execution_rate": _num(t.rate) if t else "",
        "execution_weight": _num(t.weight) if t else "",
        "execution_score": _num(t.score) if t else "",
        "total_weight": _num(p.total_weight),
        "total_score": _num(p.total_score),
        "grade": p.grade.raw if p.grade else "",
        "indicators": len(p.indicators),
        "blank_template": "yes" if blank else "",
        "line": p.line or "",
    }


def indicator_row(report: Report, subject: str, ind: Indicator) -> dict:
    return {
        "report": report.source,
        "project": subject,
        "level1": ind.level1,
        "level2": ind.level2,
        "level3": ind.level3,
        "operator": ind.op,
        "target_raw": ind.target.raw,
        "target_value": _num(ind.target),
        "target_unit": ind.target.unit or ind.unit,
        "actual_raw": ind.actual.raw,
        "actual_value": _num(ind.actual),
        "actual_unit": ind.actual.unit or ind.unit,
        "weight": _num(ind.weight),
        "score": _num(ind.score),
        "deviation": ind.deviation.text,
        "line": ind.line or "",
    }


def project_rows(report: Report) -> list[dict]:
    rows = [project_row(report, p) for p in report.projects]
    rows += [project_row(report, p, blank=True) for p in report.blank_templates]
    return sorted(rows, key=lambda r: (r["line"] or 0))


def indicator_rows(report: Report) -> list[dict]:
    rows = [indicator_row(report, p.name, i) for p in report.projects for i in p.indicators]
    if report.department_part:
        rows += [indicator_row(report, "部门整体", i) for i in report.department_part.indicators]
    return rows


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
