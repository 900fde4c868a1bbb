"""A total's change and its parts' changes (RULES TX-07; FINDINGS `arithmetic`): "“三公”经费…比2016年度减少0.28万元，
其中：因公出国(境)费支出决算减少0万元；公务用车购置及运行维护费支出决算减少0.29万元；公务接待费支出决算增加0.01万元"
— the parts' signed changes add up to the total's (−0.29 + 0.01 = −0.28).

Only totals whose parts are known (compositions.toml), and only when every part's change is stated: a part left out
may have changed too.  "持平" is a change of 0.
"""
from __future__ import annotations

import re

from ..model import SUBJECT_DEPARTMENT
from ..numbers import NUM
from .base import Context
from .common import COMPOSITIONS, TO_YUAN, compact, fmt_num
from .tolerance import Interval, printed_amount

S = SUBJECT_DEPARTMENT
_CHANGE = rf"(?:(?P<dir>增加|减少|增长|下降|上升|降低)\s*(?P<d>{NUM})\s*(?P<u>万元|元)|(?P<flat>持平))"
CHANGE = re.compile(_CHANGE)
THEN = re.compile(r"[^。]{0,30}?(?:。\s*)?其中[:：]?")  # the total's sentence goes on to its parts
REACH = 700  # characters: the parts of one total
PART = 160  # characters from a part's name to its change
UP = ("增加", "增长", "上升")


def check(ctx: Context) -> None:
    text, line_of = ctx.text
    for comp in COMPOSITIONS:
        head = re.compile(rf"(?P<total>{comp['total']})[^。；;]{{0,40}}?(?:比|较|与)[^。；;\d]{{0,6}}\d{{4}}[^。；;\d]{{0,16}}?"
                          + _CHANGE)
        for m in head.finditer(text):
            then = THEN.match(text, m.end())
            if then is None:
                continue
            parts = _parts(text, then.end(), comp["parts"])
            if parts is None:
                continue
            ctx.checked("change_parts", "总额的增减等于各组成部分增减之和")
            total, summed = _signed(m), Interval.exact(0.0)
            for p in parts:
                summed = summed + _signed(p)
            if total.overlaps(summed):
                continue
            k = TO_YUAN[m.group("u") or next((p.group("u") for p in parts if p.group("u")), "万元")]
            listed = "、".join(compact(p.group(0)) for p in parts)
            ctx.finding(S, "arithmetic", "high",
                        f"“{compact(m.group(0))}”，其中各项：{listed}，合计{_word(summed)} {fmt_num(abs(summed.mid) / k)}"
                        f"{'万元' if k == 1e4 else '元'}，与总额的增减不符。", check="change_parts", table="文字说明",
                        stated=round(total.mid / k, 4), recomputed=round(summed.mid / k, 4),
                        at=[line_of[m.start()]] + [line_of[p.start()] for p in parts], rule="TX-07")


def _parts(text: str, start: int, names: list[str]) -> list[re.Match] | None:
    """Each named part's first change after its name, or None when a part is not named (or named without a change)."""
    window = text[start:start + REACH]
    found, starts = [], {name: window.find(name) for name in names}
    for name in names:
        at = starts[name]
        if at < 0:
            return None
        # its change is in its own clause: before the next part's name and the next "；"
        ends = [x for x in (*starts.values(), window.find("；", at), window.find(";", at)) if x > at]
        change = CHANGE.search(window, at, min([len(window), at + PART, *ends]))
        if change is None:
            return None
        found.append(CHANGE.search(text, start + change.start()))
    return found


def _signed(m: re.Match) -> Interval:
    if m.group("flat"):
        return Interval.exact(0.0)
    iv = printed_amount(m.group("d"), m.group("u"), zero_exact=True)
    return iv if m.group("dir") in UP else iv.scale(-1)


def _word(iv: Interval) -> str:
    return "增加" if iv.mid > 0 else "减少" if iv.mid < 0 else "持平"
