"""The 政府采购 paragraph of a 决算 or 预算 说明 (RULES ZC-01; FINDINGS `arithmetic`): what went to small and medium
enterprises is part of what was bought, and what went to small and micro ones part of that.

- 决算 (national and 上海 wording): 政府采购支出总额 X; 授予中小企业合同金额 G (or, by reserved and other projects,
  "在面向中小企业预留的政府采购项目中，由中小企业供应商中标或成交的，采购金额 A" + "在其他政府采购项目中，…采购金额 C"),
  so G = A + C ≤ X; 授予小微企业合同金额 (or the 小微 reserved projects' award) ≤ G; "占政府采购支出总额的p%" = amount ÷ X.
- 预算: 面向中小企业预留政府采购项目预算金额 R ≤ 政府采购预算 T; 预留给小型和微型企业的 r ≤ R.
The breakdown 货物 + 工程 + 服务 = X is a "其中" sum, checked with every other (narrative_math).
"""
from __future__ import annotations

import re

from ..model import SUBJECT_DEPARTMENT
from ..numbers import NUM
from .base import Context
from .common import TO_YUAN, compact, fmt_num
from .tolerance import Interval, printed_amount, printed_rate, rate_severity

S = SUBJECT_DEPARTMENT
_A = rf"\s*(?P<a>{NUM})\s*(?P<u>万元|元)"
_SEP = r"[，,\s]*"
TOTAL = re.compile(r"政府采购(?:支出)?(?:总额|金额|合计)(?:[（(][^）)]{0,20}[)）])?\s*(?:为|是|共计|共)?" + _A)
BUDGET = re.compile(r"政府采购预算(?:总额|金额)?\s*(?:为|是|共计|共)?" + _A)
REACH = 700  # characters: one 政府采购 passage
PARTS = {
    "sme": re.compile(r"授予中小企业合同(?:金额|总额)\s*(?:为|是)?" + _A),
    "small": re.compile(r"授予小微企业合同(?:金额|总额)\s*(?:为|是)?" + _A),
    "reserved_award": re.compile(r"在面向中小企业预留的?政府采购项目中" + _SEP + r"由中小企业供应商中标或成交的?" + _SEP +
                                 r"采购金额(?:为)?" + _A),
    "small_award": re.compile(r"在面向小微企业预留的?政府采购项目中" + _SEP + r"由小微企业供应商中标或成交的?" + _SEP +
                              r"采购金额(?:为)?" + _A),
    "other_award": re.compile(r"在其他政府采购项目中" + _SEP + r"由中小企业供应商中标或成交的?" + _SEP + r"采购金额(?:为)?" + _A),
    "reserved": re.compile(r"面向中小企业预留(?:的)?政府采购项目预算(?:金额)?\s*(?:为|是)?" + _A),
    "small_reserved": re.compile(r"(?:面向小微企业预留(?:的)?|预留给小型和微型企业的)政府采购项目预算(?:金额)?\s*(?:为|是)?" + _A),
}
SHARE = re.compile(rf"(?P<a>{NUM})\s*(?P<u>万元|元)\s*[，,]?\s*占政府采购(?:支出)?总额的\s*(?P<p>\d+(?:\.\d+)?)\s*[%％]")


def check(ctx: Context) -> None:
    text, line_of = ctx.text
    for head in [*TOTAL.finditer(text), *BUDGET.finditer(text)]:
        passage = text[head.start():head.end() + REACH]
        passage = passage[:_next_total(passage, head)]
        got = {k: m for k, rx in PARTS.items() if (m := rx.search(passage))}
        total = _money(head)
        place = lambda m: line_of[head.start() + m.start("a")]  # noqa: E731  (the line its amount is printed on)
        sme = got.get("sme")
        awarded = [got[k] for k in ("reserved_award", "other_award") if k in got]
        if sme is None and len(awarded) == 2:
            _not_over(ctx, awarded, f"政府采购{_what(head)} {_q(head)}", total, [place(m) for m in awarded] + [line_of[head.start()]],
                      "在预留项目和其他项目中由中小企业中标的金额合计")
        # a 决算's reserved budget is a budget, its total the contracts signed: only a budget's are of one kind
        for part, name in (("sme", "授予中小企业合同金额"), ("reserved", "面向中小企业预留的预算金额")):
            if part in got and (part == "sme" or head.re is BUDGET):
                _not_over(ctx, [got[part]], f"政府采购{_what(head)} {_q(head)}", total, [place(got[part]), line_of[head.start()]], name)
        small = got.get("small") or got.get("small_award")
        if small is not None and (sme is not None or awarded):
            parts = [sme] if sme is not None else awarded
            _not_over(ctx, [small], "授予中小企业的金额 " + " + ".join(_q(m) for m in parts), _sum(parts),
                      [place(small), place(parts[0])], "授予小微企业的金额")
        if "small_reserved" in got and "reserved" in got:
            _not_over(ctx, [got["small_reserved"]], f"面向中小企业预留的预算金额 {_q(got['reserved'])}",
                      _money(got["reserved"]), [place(got["small_reserved"]), place(got["reserved"])],
                      "面向小微企业预留的预算金额")
        for m in SHARE.finditer(passage):
            _share(ctx, m, head, total, [place(m), line_of[head.start()]])


def _not_over(ctx: Context, parts: list[re.Match], whole_name: str, whole: Interval, at: list[int], name: str) -> None:
    ctx.checked("procurement", "政府采购中小企业、小微企业金额不超过总额，占比计算正确")  # each comparison made
    amount = _sum(parts)
    if amount.lo <= whole.hi:
        return
    k = TO_YUAN[parts[0].group("u")]
    listed = " + ".join(_q(m) for m in parts)
    ctx.finding(S, "arithmetic", "high",
                f"政府采购：{name} {listed}{f' = {fmt_num(amount.mid / k)}' + parts[0].group('u') if len(parts) > 1 else ''}，"
                f"超过{whole_name}：部分不能大于整体，必有一数有误。", check="procurement", table="文字说明",
                stated=round(whole.mid / k, 4), recomputed=round(amount.mid / k, 4), at=at, rule="ZC-01")


def _share(ctx: Context, m: re.Match, head: re.Match, total: Interval, at: list[int]) -> None:
    if total.lo <= 0:
        return
    ctx.checked("procurement", "政府采购中小企业、小微企业金额不超过总额，占比计算正确")
    share = (_money(m) / total).scale(100)
    if share.overlaps(printed_rate(m.group("p"))):
        return
    ctx.finding(S, "arithmetic", rate_severity(float(m.group("p")), share.mid, ctx.config.rules.rate_slip),
                f"“{compact(m.group(0))}”：{_q(m)} ÷ 政府采购{_what(head)} {_q(head)} = {fmt_num(share.mid)}%，"
                f"文中写 {m.group('p')}%。", check="procurement", table="文字说明", stated=float(m.group("p")),
                recomputed=round(share.mid, 4), at=at, rule="ZC-01", correction=f"{m.group('p')}% 应为 {fmt_num(share.mid)}%")


def _next_total(passage: str, head: re.Match) -> int:
    """A passage ends where the next year's or the next unit's total begins."""
    later = [m.start() for rx in (TOTAL, BUDGET) for m in rx.finditer(passage, head.end() - head.start())]
    return min(later, default=len(passage))


def _what(head: re.Match) -> str:
    return "预算" if head.re is BUDGET else "总额"


def _q(m: re.Match) -> str:
    return f"{m.group('a')}{m.group('u')}"


def _money(m: re.Match) -> Interval:
    return printed_amount(m.group("a"), m.group("u"), zero_exact=True)


def _sum(parts: list[re.Match]) -> Interval:
    out = Interval.exact(0.0)
    for m in parts:
        out = out + _money(m)
    return out
