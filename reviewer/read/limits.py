"""How much of a file the readers take in: the `[read]` section of rules.toml.

A hostile or broken file must cost bounded memory and time: a span bomb (`<td colspan=99999999>`), a table of a
million rows, a cell of a million characters.  Past a limit the reader keeps what fits and says, as a read issue
with the location, what it left out; the report is then 部分读取, never clean.

    with applied(config.read):
        doc = reader.read(data, name)      # readers ask `current()`
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

from ..config import ReadLimits as Limits, load_config  # the [read] section, checked when the rules are loaded


def rows_cut(most: int) -> str:
    """The read issue of a table cut at `most` rows, in whichever reader cut it."""
    return f"表格超过 {most} 行，只读取前 {most} 行，其余未经审核"


def count(raw, limit: int, zero: int = 1) -> int:
    """A span or count a file prints ("3", "2.0", "abc", "10000000"), as a whole number from 1 to `limit`: what is no
    number counts 1, what is 0 counts `zero` (an HTML rowspan of 0 runs to the table's end)."""
    try:
        n = int(float(str(raw if raw is not None else "1").strip() or 1))
    except (ValueError, OverflowError):  # "abc", "inf", "nan"
        return 1
    return zero if n == 0 else max(1, min(n, limit))


def columns_cut(most: int) -> str:
    """The read issue of a table row cut at `most` columns, in whichever reader cut it."""
    return f"表格超过 {most} 列（或合并单元格跨列过多），只读取前 {most} 列，其余未经审核"


@lru_cache(maxsize=1)
def default() -> Limits:
    return load_config().read


_CURRENT: ContextVar[Limits | None] = ContextVar("read_limits", default=None)


def current() -> Limits:
    return _CURRENT.get() or default()


@contextmanager
def applied(limits: Limits | None):
    token = _CURRENT.set(limits or default())
    try:
        yield current()
    finally:
        _CURRENT.reset(token)
