"""The words of 绩效自评表 templates (forms.toml), and the one way a printed label is compared with them.

    field_of("全年执行数(B)", FUNDS_COLUMNS)     # "executed"
    field_of("其中:本年财政拨款", FUNDS_ROWS)     # "current"
"""
from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

from .values import compact

with open(Path(__file__).with_name("forms.toml"), "rb") as _fh:
    FORMS = tomllib.load(_fh)

FUNDS_HEADERS: list[str] = FORMS["funds"]["headers"]
GOAL_HEADERS: list[str] = FORMS["funds"]["goal_headers"]
ANALYSIS: dict[str, list[str]] = FORMS["analysis"]
FUNDS_ROWS: dict[str, list[str]] = FORMS["funds"]["rows"]
FUNDS_COLUMNS: dict[str, list[str]] = FORMS["funds"]["columns"]
INDICATOR_HEADERS: list[str] = FORMS["indicators"]["headers"]
INDICATOR_COLUMNS: dict[str, list[str]] = FORMS["indicators"]["columns"]
LEVEL1: list[str] = FORMS["indicators"]["levels"]["level1"]
LEVEL2: dict[str, str] = FORMS["indicators"]["levels"]["level2"]
GRADES: list[str] = FORMS["grades"]["names"]

_BRACKETS = str.maketrans("（）【】：", "()[]:")
_LETTERS = re.compile(r"\((?:[A-Za-z](?:/[A-Za-z])?|[A-Za-z]\s*[/÷]\s*[A-Za-z])\)")  # (A) (B/A): column letters


@lru_cache(maxsize=1 << 16)
def label_key(text: str) -> str:
    """A label as it is compared: no spaces, ASCII brackets, no (A)/(B/A), no leading 其中, no trailing colon."""
    t = _LETTERS.sub("", compact(text).translate(_BRACKETS))
    t = re.sub(r"^其中[:：\-—]?", "", t)
    return t.rstrip(":")


def _ordered(table: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(synonym, field), longest synonym first: "年初预算数" is tried before "预算数"."""
    return sorted(((label_key(s), f) for f, names in table.items() for s in names), key=lambda p: -len(p[0]))


_ORDERED: dict[int, list[tuple[str, str]]] = {}


def field_of(text: str, table: dict[str, list[str]], contains: bool = True) -> str | None:
    """The field a printed label names: equal to a synonym, starting with one, or (contains) holding one."""
    key = label_key(text)
    if not key:
        return None
    memo = (key, id(table), contains)
    if memo in _FOUND:
        return _FOUND[memo]
    if len(_FOUND) > _FOUND_MAX:  # labels repeat across a batch; the cache stays bounded
        _FOUND.clear()
    _FOUND[memo] = found = _field(key, table, contains)
    return found


_FOUND: dict[tuple, str | None] = {}
_FOUND_MAX = 1 << 16


def _field(key: str, table: dict[str, list[str]], contains: bool) -> str | None:
    pairs = _ORDERED.get(id(table))
    if pairs is None:
        pairs = _ORDERED[id(table)] = _ordered(table)
    for test in (str.__eq__, str.startswith) + ((str.__contains__,) if contains else ()):
        for synonym, field in pairs:
            if test(key, synonym):
                return field
    return None
