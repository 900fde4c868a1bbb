"""How much of a file the readers take in: the `[read]` section of rules.toml.

A hostile or broken file must cost bounded memory and time: a span bomb (`<td colspan=99999999>`), a table of a
million rows, a cell of a million characters.  Past a limit the reader keeps what fits and says, as a read issue
with the location, what it left out; the report is then 部分读取, never clean.

    with applied(Limits.of(config.read)):
        doc = reader.read(data, name)      # readers ask `current()`
"""
from __future__ import annotations

import hashlib
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import astuple, dataclass, fields
from functools import lru_cache

from ..config import ConfigError, load_config


@dataclass(frozen=True)
class Limits:
    max_colspan: int  # columns one merged cell may cover
    max_columns: int  # columns of one table row
    max_rows_per_table: int  # rows of one table; the rest is left unread (and said)
    max_cell_chars: int  # characters of one cell or paragraph; the rest is cut (and said)
    max_cells_per_sheet: int  # a worksheet larger than this is not read at all (and said)

    @classmethod
    def of(cls, section: dict) -> Limits:
        """The limits of a `[read]` section; a missing, non-integer or non-positive value is a clear error."""
        values = {}
        for f in fields(cls):
            v = section.get(f.name)
            if not isinstance(v, int) or isinstance(v, bool) or v < 1:
                raise ConfigError(f"rules.toml [read] {f.name} 须为正整数（现为 {v!r}）")
            values[f.name] = v
        return cls(**values)

    def tag(self) -> str:
        """Short and stable: part of the document cache key, since a document read under other limits differs."""
        return hashlib.sha256(repr(astuple(self)).encode()).hexdigest()[:8]


def rows_cut(most: int) -> str:
    """The read issue of a table cut at `most` rows, in whichever reader cut it."""
    return f"表格超过 {most} 行，只读取前 {most} 行，其余未经审核"


@lru_cache(maxsize=1)
def default() -> Limits:
    return Limits.of(load_config().read)


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
