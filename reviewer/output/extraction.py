"""What `reviewer extract` writes: one JSON per report (every value with where it was read) and the CSVs of
projects, indicators and what could not be read."""
from __future__ import annotations

import json
from pathlib import Path

from ..inspect import amount_share
from ..model import Indicator, Project, Report, to_jsonable
from .files import write_csv

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


def write_extraction(outcomes: list, out_dir: Path) -> dict:
    """DIR/<report>.json for each report, DIR/projects.csv, DIR/indicators.csv, DIR/errors.csv, from the
    pipeline's outcomes (each a report, or the reason it could not be read)."""
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
