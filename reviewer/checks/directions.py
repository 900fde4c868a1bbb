"""A reason given in a sentence of its own for a change the text stated the other way (RULES DR-03; FINDINGS
`narrative_contradiction`): "…公务接待费支出决算减少0.47万元。…公务接待费支出增加的主要原因是…" — the reason explains an
increase of what the text said decreased.

The change a reason speaks of is the last one stated of the same item before it (its name's noun, four characters
or more in common, within REACH characters); only an increase against a decrease (or the reverse) is a finding —
"持平" beside a rounding change is not.
"""
from __future__ import annotations

import re

from ..model import SUBJECT_DEPARTMENT
from .base import Context
from .common import DOWN, UP, compact

S = SUBJECT_DEPARTMENT
_DIR = "增加|减少|增长|下降|上升|降低"
REASON = re.compile(rf"(?P<subj>[^，,。；;：:\d\s]{{2,24}}?)(?P<dir>{_DIR})的?主要原因")
CHANGE = re.compile(rf"(?P<dir>{_DIR})\s*\d[\d,.]*\s*(?:万元|元|%)?")  # with its amount or rate: "减少0.47万元"
REACH = 400  # characters before a reason where the change it explains is stated
NEAR = 24  # characters from the item's name to its change
KEY = 4  # characters of the item's name a statement must share


def check(ctx: Context) -> None:
    text, line_of = ctx.text
    for r in REASON.finditer(text):
        noun = _noun(r.group("subj"))
        if len(noun) < KEY:
            continue
        found = _stated(text, noun, max(0, r.start() - REACH), r.start())
        if found is None:
            continue
        named, stated = found
        ctx.checked("reason_direction", "原因所说的增减与所述变动方向一致")
        said, why = stated.group("dir"), r.group("dir")
        if (said in UP and why in DOWN) or (said in DOWN and why in UP):
            ctx.finding(S, "narrative_contradiction", "medium",
                        f"前文说“{compact(text[named:stated.end()])}…”，随后却写“"
                        f"{compact(r.group(0))}”：原因所说的方向与所述变动相反。", check="reason_direction",
                        table="文字说明", at=[line_of[stated.start()], line_of[r.start()]], rule="DR-03")


def _noun(words: str) -> str:
    """The item a reason names, without the words around every item ("支出", "决算", "费用" …)."""
    s = compact(words)
    s = re.sub(r"^(?:其中|另外|同时|而|但)?[:：]?", "", s)
    return re.sub(r"(?:支出|收入)?(?:决算|预算)?(?:数)?$", "", s)


def _stated(text: str, noun: str, start: int, end: int) -> tuple[int, re.Match] | None:
    """The last change stated of the item in text[start:end]: where its name is (KEY characters of the noun) and,
    within NEAR characters after it, a direction with a figure."""
    found: tuple[int, re.Match] | None = None
    window = text[start:end]
    keys = {noun[i:i + KEY] for i in range(len(noun) - KEY + 1)}
    for key in keys:
        for k in re.finditer(re.escape(key), window):
            change = CHANGE.search(text, start + k.end(), min(end, start + k.end() + NEAR))
            if change and (found is None or change.start() > found[1].start()):
                found = start + k.start(), change
    return found
