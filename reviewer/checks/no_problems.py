""""No problems" against the report's own evidence (RULES NP-01; FINDINGS `narrative_contradiction`): a report that
says its self-evaluation found no problem ("绩效自评中共发现问题0个", "存在的问题：无"), or rates every project 优 or
averages 99 and more, while elsewhere it tells of work not done or done late ("部分项目未开展完成", "项目进度拖延") or
its own figures show a project that spent less than `low_exec_rate` of its budget.  The reason an item gives for
spending a little less than its 年初预算 (short by under PE-02's material share) is no such evidence.  The words are
data (no_problems.toml).
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from ..model import SUBJECT_DEPARTMENT
from .base import Context
from ..numbers import NUM
from .common import compact, fmt_num, project_passages

S = SUBJECT_DEPARTMENT
with open(Path(__file__).with_name("no_problems.toml"), "rb") as _fh:
    _WORDS = tomllib.load(_fh)
CLAIM = re.compile("|".join(f"(?:{p})" for p in _WORDS["claims"]))
EVIDENCE = re.compile("|".join(f"(?:{p})" for p in _WORDS["evidence"]))
DEFINES, DENIES = (re.compile(p) for p in _WORDS["not_evidence"])
SENTENCE = re.compile(r"[^。；;\n]*")
# the item a reason explains: "年初预算为 450.52 万元，支出决算为 449.52 万元。决算数小于预算数的主要原因：…"
EXPLAINED = re.compile(rf"年初预算(?:数)?为\s*(?P<b>{NUM})\s*(?:万元|元)[，,]\s*(?:全年预算(?:数)?为\s*{NUM}\s*(?:万元|元)[，,]\s*)?"
                       rf"支出决算(?:数)?为?\s*(?P<a>{NUM})\s*(?:万元|元)[^。]{{0,20}}。?\s*决算数小于预算数的主要原因")
BEFORE = 160  # characters before a reason where its item's amounts stand
SHOWN = 2  # sentences quoted in the message; every place is in the finding's locations
CLAIMED = 300  # characters: the claims of one passage ("平均得分99.22分 … 发现问题0个"), quoted together


def check(ctx: Context) -> None:
    """A 决算 (or any report of running text) speaks for the whole unit: its claim against the whole document.  A
    project's form speaks for that project: its "存在问题：无" against its own words and money only; a 部门整体 part's
    claim against the whole report, its projects included."""
    dept = ctx.report.department_part
    for p in ctx.report.projects:
        text, line_of = _joined(project_passages(p))
        _judge(ctx, p.name, text, line_of, _low_execution(ctx, [p]))
    if dept is not None:
        claims = "\n".join(s.all_text() for s in dept.sections)
        if CLAIM.search(claims):
            text, line_of = ctx.text
            _judge(ctx, S, text, line_of, _low_execution(ctx, ctx.report.projects), claim_in=claims)
    elif not ctx.report.projects:
        text, line_of = ctx.text
        _judge(ctx, S, text, line_of, [])


def _judge(ctx: Context, subject: str, text: str, lines: list[int], low: list[str], claim_in: str = "") -> None:
    claims = list(CLAIM.finditer(claim_in or text))
    if not claims:
        return
    claim = claims[0]
    said_first = "".join(f"“{compact(c.group(0))}”" for c in claims if c.start() - claim.start() <= CLAIMED)
    ctx.checked("no_problems", "称未发现问题与报告所述执行和完成情况相符", subject)
    told = _told(text, claim if not claim_in else None, ctx.config.rules.budget_cut_share)
    if not told and not low:
        return
    said = [f"“{compact(s)}”" for s, _ in told[:SHOWN]] + low[:SHOWN]
    more = len(told) + len(low) - len(said)
    at = ([] if claim_in else [lines[claim.start()]]) + [lines[i] for _, i in told[:4]]
    ctx.finding(subject, "narrative_contradiction", "medium",
                f"报告称{said_first}，而同一报告写道 {'；'.join(said)}{f' 等（另 {more} 处）' if more > 0 else ''}："
                "这一自评结论与报告自述的未完成、拖延或低执行不符，请说明自评是否客观、问题是否如实列明。",
                check="no_problems", table="文字说明", at=at, rule="NP-01",
                ask="请说明报告所述未完成、延误或低执行的项目在绩效自评中如何评价，自评结论是否客观，发现的问题是否如实列明。")


def _joined(texts) -> tuple[str, list[int]]:
    """A project's passages as one text, and the line of each character."""
    parts, line_of = [], []
    for t in texts:
        if t.text:
            parts.append(t.text + "\n")
            line_of += [t.line or 0] * (len(t.text) + 1)
    return "".join(parts), line_of


def _told(text: str, claim: re.Match | None, material: float) -> list[tuple[str, int]]:
    """The sentences that tell of work not done or late: (sentence, where it starts), each sentence once."""
    out, seen = [], {_start(text, claim.start())} if claim else set()  # the claim's own sentence tells nothing
    for m in EVIDENCE.finditer(text):
        start = _start(text, m.start())
        if start in seen:
            continue
        sentence = SENTENCE.match(text, start).group(0)
        if DEFINES.search(sentence) or DENIES.search(text[start:m.start()]) or _slight(text, start, material):
            continue
        seen.add(start)
        out.append((sentence.strip()[:60], start))
    return out


def _slight(text: str, start: int, material: float) -> bool:
    """The words explain why one item spent a little less than its 年初预算 (449.52 of 450.52: "个别项目评审费未能实施"):
    a shortfall under `material` of the budget (the share PE-02 holds material) is no sign of work not done."""
    item = None
    for item in EXPLAINED.finditer(text, max(0, start - BEFORE), start + 40):
        pass
    if item is None:
        return False
    budget, spent = (float(item.group(k).replace(",", "")) for k in ("b", "a"))
    return budget > 0 and (budget - spent) / budget < material


def _start(text: str, at: int) -> int:
    return max(text.rfind(c, 0, at) for c in "。；;\n") + 1


def _low_execution(ctx: Context, projects) -> list[str]:
    """Projects whose own funds table shows less than `low_exec_rate` spent."""
    out = []
    floor = ctx.config.rules.low_exec_rate
    for p in projects:
        row = p.funds.total
        if row is None or row.budget_full.number is None or row.executed.number is None or row.budget_full.number <= 0:
            continue
        rate = row.executed.number / row.budget_full.number * 100
        if rate < floor:
            out.append(f"{p.name}执行 {fmt_num(row.executed.number)} / 预算 {fmt_num(row.budget_full.number)}"
                       f"（{fmt_num(rate)}%）")
    return out
