"""A 科目's purpose copied from its neighbour (RULES CP-01; FINDINGS `boilerplate`): in a 决算's list of items
("住房保障支出（类）住房改革支出（款）住房公积金（项）。主要用于：事业单位医疗保险支出"), the 主要用于 line names the
neighbouring item ("事业单位医疗（项）") and nothing of its own.

Both must hold before it is said: the purpose contains the whole 项 name of the item before or after it, and no word (two
characters) of its own item's 款 and 项 names that the neighbour's names do not share.  A purpose in other words ("保障机关正常运转" for 行政运行)
is not a copy.
"""
from __future__ import annotations

import re

from ..model import SUBJECT_DEPARTMENT
from .base import Context
from .common import compact, item_paths

S = SUBJECT_DEPARTMENT
PURPOSE = re.compile(r"主要用于[:：]?\s*(?P<w>[^。；;\n]{2,80})")
GENERIC = set("支出 其他 事务 管理 单位 行政 事业 机关 经费 费用 资金 一般 工作 项目 服务 保障".split())
KEY = 4  # characters a neighbour's 项 name must have to be told apart in a purpose


def check(ctx: Context) -> None:
    text, line_of = ctx.text
    items = item_paths(text)
    for i, item in enumerate(items):
        end = items[i + 1].start() if i + 1 < len(items) else min(len(text), item.end() + 300)
        purpose = PURPOSE.search(text, item.end(), end)
        if purpose is None:
            continue
        ctx.checked("copied_purpose", "各科目“主要用于”说明与本科目相符")
        words = compact(purpose.group("w"))
        for other in (items[i - 1] if i else None, items[i + 1] if i + 1 < len(items) else None):
            name = other and compact(other.group("l3"))
            if not name or len(name) < KEY or name == compact(item.group("l3")) or name not in words:
                continue
            # its own words are those its neighbour's names do not share (two items of one 款 share the 款's name)
            if _own_words(item, other) & _pairs(words):
                continue
            ctx.finding(S, "boilerplate", "medium",
                        f"“{compact(item.group('l3'))}（项）”的用途写作“主要用于{words}”，说的是相邻科目“{name}（项）”，"
                        "与本科目无关：多半是照抄上一条未改，请据实写明本科目的用途。", check="copied_purpose",
                        table="文字说明", at=[line_of[purpose.start()], line_of[other.start()]], rule="CP-01")
            break


def _pairs(text: str) -> set[str]:
    text = compact(text)
    return {text[k:k + 2] for k in range(len(text) - 1)} - GENERIC


def _own_words(item: re.Match, other: re.Match) -> set[str]:
    """The two-character words of an item's 款 and 项 names that its neighbour's names do not hold."""
    mine = _pairs(item.group("l3")) | _pairs(item.group("l2") or "")
    return mine - _pairs(other.group("l3")) - _pairs(other.group("l2") or "")
