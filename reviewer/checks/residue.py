"""Template residue anywhere in a document, tables and titles included (RULES TP-01…TP-04; FINDINGS `metadata`):
alternatives left unresolved ("增加（减少）", "大小于", "减增加"), placeholders (XX局, ××, 某某), the template's
instructions ("（200字以内）", "仍保留该表格式"), sentences begun and not finished ("主要原因是。"); and a change said
to go one way and to stay level in one breath ("减少为0.00万元，与2024年持平", DR-01).

The patterns are data (residue.toml).  They are matched on the document's text with a line break inside a sentence
joined (a PDF wraps "决算数大" / "小于预算数"), and each finding names the lines it is printed on.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..model import SUBJECT_DEPARTMENT
from .base import Context
from .common import blank_template, compact

S = SUBJECT_DEPARTMENT


@dataclass(frozen=True)
class Residue:
    rule: str
    pattern: re.Pattern
    what: str
    severity: str
    text_only: bool = False  # not in a table's cells, where a form may print it as its column head


with open(Path(__file__).with_name("residue.toml"), "rb") as _fh:
    RESIDUES = [Residue(e["rule"], re.compile(e["pattern"]), e["what"], e["severity"], e.get("text_only", False))
                for e in tomllib.load(_fh)["residue"]]

_DIRECTION = "增加|减少|增长|下降|上升|降低"
# "减少为0.00万元，与2024年持平": a change and "level" in the next clause of one sentence, that clause with no
# subject of its own ("支出与上年持平" after "收入增加…" is two items, not a contradiction)
LEVEL_AND_CHANGE = re.compile(rf"(?:{_DIRECTION})[^，,。；;]{{0,30}}[，,]\s*(?:与|和|较|同)?\s*"
                              r"(?:\d{4}\s*年度?|上年度?|去年)(?:相比|同期)?\s*(?:基本)?持平")
TABLE_LINE = re.compile(r"[\t│|]")  # a display line of a table's cells
SHOWN = 3  # different wordings quoted in a finding's message; every place is in its locations


def check(ctx: Context) -> None:
    if blank_template(ctx.report):
        return  # a template nobody filled in: one finding says so (metadata JS-08e), not one per prompt it prints
    lines = ctx.report.lines
    text, line_of = ctx.text
    ctx.checked("template", "未残留模板提示文字")
    for residue in RESIDUES:
        hits = [m for m in residue.pattern.finditer(text)
                if not (residue.text_only and TABLE_LINE.search(lines[line_of[m.start()] - 1]))]
        if hits:
            _say(ctx, residue, hits, text, line_of)
    ctx.checked("level_and_change", "增减与持平的表述不自相矛盾")
    for m in LEVEL_AND_CHANGE.finditer(text):
        ctx.finding(S, "narrative_contradiction", "medium",
                    f"“{compact(m.group(0))}”：同一句中既说{re.match(_DIRECTION, m.group(0)).group(0)}又说持平，二者必有一误。",
                    check="level_and_change", table="文字说明", at=[line_of[m.start()]], rule="DR-01")
    _placeholder_rows(ctx)


def _say(ctx: Context, residue: Residue, hits: list[re.Match], text: str, line_of: list[int]) -> None:
    # the message names what is printed, the same in every form of the document; where, and the lines around it,
    # are in the finding's locations and quotes
    lines = sorted({line_of[m.start()] for m in hits})  # places: the lines it is printed on
    printed = list(dict.fromkeys(compact(m.group(0)) for m in hits))
    quoted = "、".join(f"“{t}”" for t in printed[:SHOWN]) + ("等" if len(printed) > SHOWN else "")
    ctx.finding(S, "metadata", residue.severity, f"{residue.what}（{len(lines)} 处）：{quoted}。", check="template",
                table="模板", at=lines[:5], rule=residue.rule, figures={"处数": len(lines)})


def _placeholder_rows(ctx: Context) -> None:
    """Indicator rows the template numbers ("指标3：") left blank, and a blank form attached."""
    for p in ctx.report.projects:
        if p.indicators and p.placeholder_indicators:
            ctx.finding(p.name, "metadata", "low",
                        f"绩效指标表中残留 {p.placeholder_indicators} 行空白模板行（如“指标3：”“……”）。",
                        check="template", table="绩效指标", at=p.placeholder_lines[:2] or [p.line], rule="TP-03")
    for blank in ctx.report.blank_templates:
        ctx.finding(S, "missing", "low",
                    "报告中附有一张未填写的项目支出绩效自评表（空白模板），请确认是否遗漏项目或应删除。",
                    check="template", table="项目支出绩效自评表", at=[blank.line], rule="TP-05")

