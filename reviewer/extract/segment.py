"""Cutting a report into its parts by their titles and header words (never by file name).

A part starts at a title row (a row with one short cell naming a table or section) or,
for project tables that come without a title, at a 项目名称 row.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..read.document import Row
from .values import compact

# (kind, title pattern).  Order matters: the more specific titles come first, because
# "一般公共预算财政拨款收入支出决算表" also ends in "收入支出决算表".
TITLE_PATTERNS: list[tuple[str, str]] = [
    ("department_narrative", r"部门整体支出绩效自评(?:情况|报告)"),
    ("department_table", r"部门整体支出绩效自评表"),
    ("project", r"(?:财政)?项目支出绩效自评表"),
    ("accounts:basic_gpb", r"一般公共预算财政拨款基本支出决算(?:明细)?表"),
    ("accounts:project_gpb", r"一般公共预算财政拨款项目支出决算(?:明细)?表"),
    ("accounts:gpb", r"一般公共预算财政拨款(?:收入)?支出决算(?:总)?表"),
    ("accounts:sangong_gpb", r"一般公共预算[“\"]?三公[”\"]?经费(?:支出)?(?:决算)?(?:情况)?表"),
    ("accounts:gov_fund", r"政府性基金预算财政拨款(?:收入)?支出决算表"),
    ("accounts:soe_capital", r"国有资本经营预算财政拨款(?:收入)?支出决算表"),
    ("accounts:sangong", r"(?:财政拨款)?[“\"]?三公[”\"]?经费.*(?:情况|决算)表"),
    ("accounts:fiscal", r"财政拨款收入支出决算(?:总)?表"),
    ("accounts:income_expenditure", r"收入支出决算(?:总)?表"),
    ("accounts:income", r"收入决算表"),
    ("accounts:expenditure", r"支出决算表"),
    ("accounts:assets", r"国有资产(?:使用|占用)情况表"),
]
_TITLE_RES = [(kind, re.compile(rf"^{pat}$")) for kind, pat in TITLE_PATTERNS]
_PREFIX_RE = re.compile(r"^(?:#+|附件\d*[:：]?|\d{4}\s*年度?|[（(]?公开\d+表[）)]?)+")
_NUMBER_RE = re.compile(r"公开\s*\d+\s*表")


@dataclass
class Part:
    kind: str  # project, department_narrative, department_table, accounts:<kind>, preamble
    title: str
    rows: list[Row] = field(default_factory=list)
    title_line: int | None = None

    @property
    def line(self) -> int | None:
        return self.title_line or (self.rows[0].line if self.rows else None)

    @property
    def end_line(self) -> int | None:
        return self.rows[-1].end_line if self.rows else self.title_line


def title_kind(row: Row) -> str | None:
    cells = row.nonempty()
    if len(cells) != 1 or len(cells[0].text) > 60:
        return None
    text = compact(cells[0].text)
    text = _PREFIX_RE.sub("", text)
    text = _NUMBER_RE.sub("", text).strip("（）()")
    for kind, rx in _TITLE_RES:
        if rx.match(text):
            return kind
    return None


def is_project_name_row(row: Row) -> bool:
    cells = row.nonempty()
    return bool(cells) and compact(cells[0].text) == "项目名称"


def split_parts(rows: list[Row]) -> list[Part]:
    parts: list[Part] = [Part("preamble", "")]
    for row in rows:
        kind = title_kind(row)
        current = parts[-1]
        if kind:
            parts.append(Part(kind, row.nonempty()[0].text.strip().lstrip("#").strip(), [], row.line))
            continue
        if is_project_name_row(row) and (
            current.kind != "project" or any(is_project_name_row(r) for r in current.rows)
        ):
            parts.append(Part("project", "", [], None))
        parts[-1].rows.append(row)
    return [p for p in parts if p.rows or p.kind != "preamble"]
