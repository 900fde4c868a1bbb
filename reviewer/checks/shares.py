"""Structure shares the text states (RULES TX-04; FINDINGS `arithmetic`): "一般公共预算财政拨款支出2940.05万元，主要
用于以下方面：一般公共服务支出（类）2106.66万元，占71.73%；…" — each "X万元，占Y%" is X ÷ the total it belongs to, and
the shares of a complete breakdown add up to 100.

What the total is must be certain before a share is judged: the amount the breakdown hangs from (in its sentence,
before the first item) when the items add up to it or most of their shares agree with it; else the items' own sum
when the shares add up to 100.  A share whose base the text names ("占一般公共预算支出的3.26%") is another
breakdown's, and only a minority of shares can be wrong: when most disagree, the base was not understood.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import SUBJECT_DEPARTMENT
from ..numbers import NUM
from .base import Context
from .common import COMPOSITIONS, compact, fmt_num
from .tolerance import Interval, printed_amount, printed_rate, rate_severity

S = SUBJECT_DEPARTMENT
AMOUNT = re.compile(rf"(?P<a>{NUM})\s*(?P<u>万元|元)")
# "X万元，占Y%" / "X万元，占比Y%"; what lies between 占 and the figure names the base when it is not 比/比重
ITEM = re.compile(rf"(?P<a>{NUM})\s*(?P<u>万元|元)\s*[，,、]?\s*占(?P<of>[^\d%。；;，,\n]{{0,20}}?)\s*"
                  r"(?P<p>\d+(?:\.\d+)?)\s*[%％]")
OWN_BASE = re.compile(r"^(?:比|比重|比例)?(?:为|是)?$")
GAP = 120  # characters between two items of one breakdown, and from its total to its first item
CHANGE_WORD = re.compile(r"(?:增加|减少|增长|下降|上升|降低|比|较)\s*$")


@dataclass(frozen=True)
class Share:
    match: re.Match

    @property
    def amount(self) -> Interval:
        return printed_amount(self.match.group("a"), self.match.group("u"), zero_exact=True)

    @property
    def printed(self) -> Interval:
        return printed_rate(self.match.group("p"))


def check(ctx: Context) -> None:
    text, line_of = ctx.text
    for head, items in _breakdowns(text):
        base = _base(head, items, text)
        if base is None:
            continue
        ctx.checked("narrative_shares", "文字中的结构占比计算正确")
        wrong = [s for s in items if not _agrees(s, base)]
        if not wrong or (2 * len(wrong) >= len(items) and base != _sum(items)):
            continue  # all agree, or most disagree with a printed total: then it is not their base (the items' own
            # sum, certain by itself, is: there every share is judged, two swapped ones included)
        total = sum(float(s.match.group("p")) for s in items)
        complete = head is None or _sum(items).overlaps(printed_amount(head.group("a"), head.group("u"), zero_exact=True))
        rounding = sum(0.5 * 10 ** -_decimals(s.match.group("p")) for s in items)  # each share rounded (RULES TX-04)
        summed = f"；所列各项占比合计 {fmt_num(total)}%" if complete and abs(total - 100) > rounding + 1e-9 else ""
        of = head.group(0) if head else f"各项合计 {fmt_num(_sum(items).mid / 1e4)}万元"
        for s in wrong:
            share = (s.amount / base).scale(100)
            p = s.match.group("p")
            ctx.finding(S, "arithmetic", rate_severity(float(p), share.mid, ctx.config.rules.rate_slip),
                        f"“{_label(text, s.match)}{compact(s.match.group(0))}”：{s.match.group('a')}{s.match.group('u')} ÷ "
                        f"{compact(of)} = {fmt_num(share.mid)}%，文中写 {p}%{summed}。", check="narrative_shares",
                        table="文字说明", stated=float(p), recomputed=round(share.mid, 4), rule="TX-04",
                        at=list(dict.fromkeys([line_of[s.match.start()], line_of[s.match.start("p")]] +
                                              ([line_of[head.start()]] if head else []))),
                        correction=f"{p}% 应为 {fmt_num(share.mid)}%")


def _breakdowns(text: str):
    """Runs of shares of one breakdown: items close together with no other amount between them, and the amount
    their sentence names before the first (None when there is none)."""
    run: list[Share] = []
    for m in ITEM.finditer(text):
        if not OWN_BASE.match(m.group("of").strip()):
            yield from _closed(text, run)
            run = []
            continue
        if run:
            gap = text[run[-1].match.end():m.start()]
            if len(gap) > GAP or AMOUNT.search(gap):
                yield from _closed(text, run)
                run = []
        run.append(Share(m))
    yield from _closed(text, run)


def _closed(text: str, run: list[Share]):
    if len(run) < 2:
        return
    first = run[0].match.start()
    window = text[max(0, first - GAP):first]
    window = window[window.rfind("。") + 1:]  # the total is in the breakdown's own sentence
    heads = [h for h in AMOUNT.finditer(window) if not CHANGE_WORD.search(window[:h.start()])]
    head = None
    if heads:
        h = heads[-1]
        head = AMOUNT.match(text, first - len(window) + h.start())  # the same match, placed in the whole text
    yield head, run


def _base(head: re.Match | None, items: list[Share], text: str) -> Interval | None:
    """The total the shares are of, when it is certain: the amount the breakdown hangs from, when the items add up to
    it or most shares agree with it; else the items' own sum, when their shares add up to 100 or they name every part
    of a known composition (出国, 公务用车, 公务接待 of 三公)."""
    whole = _sum(items)
    if head is not None:
        total = printed_amount(head.group("a"), head.group("u"), zero_exact=True)
        if total.lo > 0 and (whole.overlaps(total) or 2 * sum(_agrees(s, total) for s in items) > len(items)):
            return total
    units = sum(10 ** -_decimals(s.match.group("p")) for s in items)
    if whole.lo > 0 and (abs(sum(float(s.match.group("p")) for s in items) - 100) <= units or _every_part(text, items)):
        return whole
    return None


def _every_part(text: str, items: list[Share]) -> bool:
    """The items name every part of a known composition, each once (compositions.toml)."""
    labels = [_label(text, s.match) for s in items]
    return any(len(c["parts"]) == len(items) and all(sum(p in label for label in labels) == 1 for p in c["parts"])
               for c in COMPOSITIONS)


def _agrees(s: Share, base: Interval) -> bool:
    return (s.amount / base).scale(100).overlaps(s.printed)


def _sum(items: list[Share]) -> Interval:
    out = Interval.exact(0.0)
    for s in items:
        out = out + s.amount
    return out


def _decimals(figure: str) -> int:
    return len(figure.split(".")[1]) if "." in figure else 0


def _label(text: str, m: re.Match) -> str:
    """The item's name before its amount: "一般公共服务支出（类）"."""
    before = compact(text[max(0, m.start() - 30):m.start()])  # a PDF wraps "一般公共服务支出" / "（类）"
    return re.split(r"[，,；;：:。、]", before)[-1]
