"""Extraction: a report's text into a typed `Report` (see `reviewer.model`).

    from reviewer import extract
    report = extract("corpus/seeds/003_ddff5fd3e69ced26.txt")
    report.projects[0].funds.total.rate.number   # 15.45

Layout (tabs, one cell per line, HTML) is detected from the text; the parts of a report
(project tables, department sections, 决算 tables) from their titles and header words.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from ..model import Department, Mention, Report
from .accounts import parse_accounts
from .department import parse_department_table, parse_narrative
from .layout import read_rows
from .project import parse_project
from .segment import Part, split_parts
from .values import clean_text, compact


class ExtractionError(Exception):
    """The input is not a report we can read (empty, binary, not a report at all)."""


YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")
_DEPT_LABEL_STARTS = ("部门", "主管", "实施", "填列")
DEPT_LABEL_RE = re.compile(r"^(部门(?:名称)?|主管部门|实施单位|填列单位(?:（公章）)?)\s*[:：]?\s*(\S.*)?$")


def decode(data: bytes) -> tuple[str, str]:
    if not data.strip():
        raise ExtractionError("empty file")
    if b"\x00" in data[:8192]:
        raise ExtractionError("binary file (NUL bytes), not a text report")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        bad = sum(1 for ch in text[:20000] if (ord(ch) < 32 and ch not in "\t\n\r\f") or ch == "\ufffd")
        if bad > 0.02 * min(len(text), 20000):
            raise ExtractionError("binary or corrupt file: too many control characters")
        return text.replace("\r\n", "\n").replace("\r", "\n"), "utf-8" if encoding == "utf-8-sig" else encoding
    raise ExtractionError("cannot decode as UTF-8 or GB18030")


def read_source(source: str | Path) -> tuple[str, str, str]:
    """(text, encoding, report name) from a path or from the text itself."""
    if isinstance(source, Path) or ("\n" not in source and len(source) < 1024 and Path(source).is_file()):
        path = Path(source)
        text, encoding = decode(path.read_bytes())
        return text, encoding, path.name
    return source.replace("\r\n", "\n"), "text", "<text>"


def extract(source: str | Path, name: str | None = None) -> Report:
    """Read one report (a path, or the text itself) into a `Report`.

    Raises `ExtractionError` when nothing in it is recognisable as a report part.
    """
    text, encoding, source_name = read_source(source)
    if not text.strip():
        raise ExtractionError("empty file")
    rows, layout = read_rows(text)
    parts = split_parts(rows)
    report = Report(source=name or source_name, encoding=encoding, layout=layout, lines=text.split("\n"))
    for part in parts:
        _read_part(part, report)
    _collect_mentions(report, parts)
    if not (report.projects or report.blank_templates or report.department_part or report.accounts):
        raise ExtractionError(
            "no report content recognised: no 项目支出绩效自评表, 部门整体支出绩效自评 or 决算 table found"
        )
    return report


def _read_part(part: Part, report: Report) -> None:
    if part.kind == "project":
        unit = report.units[-1].value if report.units else ""
        project = parse_project(part, unit)
        project.year = project.year or _title_year(part)
        (report.blank_templates if project.empty else report.projects).append(project)
        for w in project.warnings:
            report.warnings.append(f"{project.name or '(unnamed project)'} (line {project.line}): {w}")
    elif part.kind in ("department_narrative", "department_table"):
        dept = report.department_part or Department(line=part.line)
        report.department_part = dept
        dept.year = dept.year or _title_year(part)
        if part.kind == "department_narrative":
            parse_narrative(part, dept)
        else:
            parse_department_table(part, dept, dept.year)
    elif part.kind.startswith("accounts:"):
        table = parse_accounts(part, part.kind.split(":", 1)[1])
        report.accounts.append(table)
        for w in table.warnings:
            report.warnings.append(f"{table.title} (line {table.line}): {w}")
        if table.unit:
            report.units.append(Mention(table.unit, table.title, table.line or 0))


def _title_year(part: Part) -> int | None:
    m = YEAR_RE.search(compact(part.title))
    return int(m.group(1)) if m else None


def _collect_mentions(report: Report, parts: list[Part]) -> None:
    """Every printed department name and fiscal year, with its line: they may disagree."""
    for part in parts:
        if part.title and (m := YEAR_RE.search(compact(part.title))):
            report.years.append(Mention(m.group(1), part.title, part.line or 0))
        for row in part.rows:
            cells = row.nonempty()
            if not cells:
                continue
            for k, c in enumerate(cells):
                if not c.text.lstrip().startswith(_DEPT_LABEL_STARTS):
                    continue
                m = DEPT_LABEL_RE.match(clean_text(c.text))
                if not m or len(c.text) > 80:
                    continue
                if m.group(2) and not re.match(r"^\S+?\s*[:：]", clean_text(c.text)):
                    continue  # "部门负责…" is a sentence, not a label
                value = m.group(2) or (clean_text(cells[k + 1].text) if k + 1 < len(cells) else "")
                if value and not DEPT_LABEL_RE.match(value) and "（" != value[:1]:
                    report.departments.append(Mention(value.strip(), m.group(1), c.line))
            joined = compact(row.joined())
            if len(cells) <= 2 and len(joined) < 40 and "年度" in joined and (m := YEAR_RE.search(joined)):
                if not part.title or compact(part.title) not in joined:
                    report.years.append(Mention(m.group(1), clean_text(row.joined()), row.line))
    for p in report.projects:
        if p.funds.unit:
            report.units.append(Mention(p.funds.unit, f"项目资金 {p.name}", p.funds.line or 0))
    if report.department_part:
        for task in report.department_part.key_tasks[:1]:
            if task.unit:
                report.units.append(Mention(task.unit, "部门年度重点工作任务", task.line or 0))
    names = Counter(m.value for m in report.departments if m.context.startswith("部门"))
    if not names:
        names = Counter(m.value for m in report.departments)
    report.department = names.most_common(1)[0][0] if names else ""
    if report.department_part and not report.department_part.name:
        report.department_part.name = report.department
    years = Counter(m.value for m in report.years)
    report.year = int(years.most_common(1)[0][0]) if years else None
    report.units.sort(key=lambda m: m.line)
