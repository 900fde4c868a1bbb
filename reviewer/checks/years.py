"""Years (RULES YR-01…YR-05; FINDINGS `metadata`): every part of a report is of its year — the forms and the
部门整体 table, the titles, the 目录 and the part headings ("第二部分 2022年度单位决算情况说明" in a 2023 决算); a year
printed broken ("202 年度"); a 功能科目 under a name retired before the report's year (years.toml); a cut-off date of
another year; a comparison with another year than the one before ("与2022年度相比" in a 2024 决算).
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from ..model import SUBJECT_DEPARTMENT
from .base import Context
from .common import compact

S = SUBJECT_DEPARTMENT
with open(Path(__file__).with_name("years.toml"), "rb") as _fh:
    RETIRED = tomllib.load(_fh)["retired"]
# a year with a digit missing where a title or a heading names the report's year ("202 年度部门决算")
BROKEN_YEAR = re.compile(r"(?<![\d.,，、])(20\d)\s*年度?\s*(?=部门|单位|决算|预算|绩效|项目|收支|支出|收入)")


# "截至2024年12月31日": the date a 决算's asset and vehicle counts stand at (its own year's end), or the date before
# its year a 预算's do (截至2024年8月31日 in a 2025 budget)
CUTOFF = re.compile(r"截[至止]\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


# "与2023年度相比", "比2023年预算执行数", "较2022年度决算": the year a 决算's or 预算's figures are compared with (a date,
# "比2023年12月", is not one)
COMPARED = re.compile(r"(?:与|比|较)(?:上年|去年)?\s*(\d{4})\s*年度?\s*(?P<base>预算|决算)?(?:执行数|决算数|预算数)?\s*"
                      r"(?:相比|同期|比较)?(?!\s*\d{1,2}\s*月)")


def check(ctx: Context) -> None:
    _parts(ctx)
    _titles(ctx)
    _broken(ctx)
    _retired(ctx)
    _cutoffs(ctx)
    _comparisons(ctx)


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
                    f"年份残缺：“{compact(m.group(0))}”少一位数字" + (f"（共 {len(hits)} 处）" if len(hits) > 1 else "")
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



def _title(context: str) -> str:
    """A title as quoted: without the page number a 目录 prints after it ("…情况说明……5")."""
    return re.sub(r"[.…·．\s]*\d{1,3}$", "", compact(context))


def _cutoffs(ctx: Context) -> None:
    """A 决算 of year Y counts its assets 截至Y年12月31日; a 预算 of year Y 截至 a day of Y−1 (or of Y)."""
    year, kind = ctx.report.year, ctx.report.kind
    if not year or not re.search(r"[预决]算", kind):
        return
    final = "决算" in kind
    expected = f"{year} 年 12 月 31 日" if final else f"{year - 1} 年的某一日"
    text, line_of = ctx.text  # a date a line break cut ("截至 2025 年 12" / "月 31 日")
    for m in CUTOFF.finditer(text):
        ctx.checked("cutoff_years", "截至日期与报告年度相符")
        y = int(m.group(1))
        if (y != year and (m.group(2), m.group(3)) == ("12", "31")) if final else y not in (year - 1, year):
            ctx.finding(S, "metadata", "medium",
                        f"“{compact(m.group(0))}”与报告年度不符：{year} 年度{'决算' if final else '预算'}应截至 {expected}。",
                        check="cutoff_years", table="文字说明", stated=y, recomputed=year if final else year - 1,
                        at=[line_of[m.start()]], rule="YR-04")


def _comparisons(ctx: Context) -> None:
    """A 决算 or 预算 of year Y compares its figures with year Y−1 (上年), a 决算 also with its own year's 预算 ("与2021
    年度预算相比" in a 2021 决算): "与2022年度相比" in a 2024 决算 is a year left from last year's text."""
    year, kind = ctx.report.year, ctx.report.kind
    if not year or not re.search(r"[预决]算", kind):
        return
    text, line_of = ctx.text
    wrong: dict[int, list[re.Match]] = {}
    for m in COMPARED.finditer(text):
        ctx.checked("comparison_years", "比较年度为上一年度")
        y = int(m.group(1))
        own_budget = y == year and m.group("base") == "预算" and "决算" in kind  # a 决算 against its own year's 预算
        if y != year - 1 and not own_budget and 2000 <= y <= year + 1:
            wrong.setdefault(y, []).append(m)
    for y, hits in sorted(wrong.items()):
        quoted = compact(hits[0].group(0))
        ctx.finding(S, "metadata", "medium",
                    f"“{quoted}”{f'（{len(hits)} 处）' if len(hits) > 1 else ''}：{year} 年度"
                    f"{'决算' if '决算' in kind else '预算'}应与上年（{year - 1} 年）相比，文中比较的是 {y} 年。",
                    check="comparison_years", table="文字说明", stated=y, recomputed=year - 1,
                    at=[line_of[m.start()] for m in hits[:5]], rule="YR-05")
