"""Years (RULES YR-01…YR-03; FINDINGS `metadata`): every part of a report is of its year — the forms and the
部门整体 table, the titles, the 目录 and the part headings ("第二部分 2022年度单位决算情况说明" in a 2023 决算); a year
printed broken ("202 年度"); a 功能科目 under a name retired before the report's year (years.toml).
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from ..model import SUBJECT_DEPARTMENT
from .base import Context

S = SUBJECT_DEPARTMENT
with open(Path(__file__).with_name("years.toml"), "rb") as _fh:
    RETIRED = tomllib.load(_fh)["retired"]
# a year with a digit missing where a title or a heading names the report's year ("202 年度部门决算")
BROKEN_YEAR = re.compile(r"(?<![\d.,，、])(20\d)\s*年度?\s*(?=部门|单位|决算|预算|绩效|项目|收支|支出|收入)")


def check(ctx: Context) -> None:
    _parts(ctx)
    _titles(ctx)
    _broken(ctx)
    _retired(ctx)


def _parts(ctx: Context) -> None:
    year = ctx.report.year
    if not year:
        return
    ctx.checked("years", "各表年度一致")
    for p in ctx.report.projects:
        if p.year and p.year != year:
            ctx.finding(p.name, "metadata", "medium", f"项目表年度为 {p.year} 年，报告其余部分为 {year} 年。",
                        check="years", table="项目支出绩效自评表", stated=p.year, recomputed=year, at=[p.line],
                        rule="YR-01")
    dept = ctx.report.department_part
    if dept and dept.year and dept.year != year:
        ctx.finding(S, "metadata", "medium", f"部门整体自评年度为 {dept.year} 年，报告其余部分为 {year} 年。",
                    check="years", table="部门整体支出绩效自评", stated=dept.year, recomputed=year, at=[dept.line],
                    rule="YR-01")


def _titles(ctx: Context) -> None:
    """A title, 目录 entry or heading naming another year than the report's (the year most titles name)."""
    year = ctx.report.year
    mentions = ctx.report.years
    if not year or len(mentions) < 2:
        return
    ctx.checked("title_years", "标题、目录与各部分标题的年度一致")
    for m in mentions:
        if int(m.value) != year:
            ctx.finding(S, "metadata", "medium", f"“{_title(m.context)}”写 {m.value} 年度，报告其余标题为 {year} 年度。",
                        check="title_years", table="标题", stated=int(m.value), recomputed=year, at=[m.line],
                        rule="YR-01")


def _broken(ctx: Context) -> None:
    ctx.checked("broken_years", "年份完整")
    hits = [(n, m) for n, line in enumerate(ctx.report.lines, 1) for m in BROKEN_YEAR.finditer(line)]
    if hits:
        n, m = hits[0]
        ctx.finding(S, "metadata", "medium",
                    f"年份残缺：“{_compact(m.group(0))}”少一位数字" + (f"（共 {len(hits)} 处）" if len(hits) > 1 else "")
                    + (f"，报告年度为 {ctx.report.year} 年" if ctx.report.year else "") + "。",
                    check="broken_years", table="标题", stated=m.group(0).strip(), at=[n for n, _ in hits[:5]],
                    rule="YR-02")


def _retired(ctx: Context) -> None:
    year = ctx.report.year
    if not year:
        return
    for old in RETIRED:
        if year < old["since"]:
            continue
        ctx.checked("retired_subjects", "功能分类科目名称为当年现行名称")
        lines = [n for n, line in enumerate(ctx.report.lines, 1) if old["name"] in line]
        if lines:
            ctx.finding(S, "metadata", "low",
                        f"{old['code']} 科目写作“{old['name']}”（{len(lines)} 处），该名称自 {old['since']} 年起已改为"
                        f"“{old['current']}”，{year} 年度的报告沿用了旧模板。", check="retired_subjects", table="科目名称",
                        stated=old["name"], recomputed=old["current"], at=lines[:5], rule="YR-03")


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _title(context: str) -> str:
    """A title as quoted: without the page number a 目录 prints after it ("…情况说明……5")."""
    return re.sub(r"[.…·．\s]*\d{1,3}$", "", _compact(context))
