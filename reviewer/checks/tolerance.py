"""Rounding-aware comparison (RULES.md §0, §10).

A figure printed as 1.7 stands for anything in [1.65, 1.75].  A recomputation carries the
interval of its inputs through; a stated figure agrees with it when their intervals overlap.
So a rounding difference is never a finding, whatever precision the table prints.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..model import Value
from .common import TO_YUAN

EPS = 1e-9


def half_unit(v: Value | None, default_decimals: int = 2) -> float:
    d = v.decimals if v is not None and v.decimals is not None else default_decimals
    return 0.5 * 10 ** (-d)


@dataclass(frozen=True)
class Interval:
    lo: float
    hi: float

    @classmethod
    def of(cls, v: Value, slack: float = 1.0, decimals: int | None = None) -> "Interval":
        """The values a printed figure can stand for; `decimals` overrides its own precision
        with the table's (a "10" among "2.04"s means 10.00)."""
        d = v.decimals if decimals is None or (v.decimals is not None and v.decimals > decimals) else decimals
        h = 0.5 * 10 ** (-(d if d is not None else 2)) * slack
        return cls(v.number - h, v.number + h)

    @classmethod
    def exact(cls, x: float) -> "Interval":
        return cls(x, x)

    @property
    def mid(self) -> float:
        return (self.lo + self.hi) / 2

    @property
    def width(self) -> float:
        return self.hi - self.lo

    def __add__(self, other: "Interval") -> "Interval":
        return Interval(self.lo + other.lo, self.hi + other.hi)

    def __sub__(self, other: "Interval") -> "Interval":
        return Interval(self.lo - other.hi, self.hi - other.lo)

    def scale(self, k: float) -> "Interval":
        a, b = self.lo * k, self.hi * k
        return Interval(min(a, b), max(a, b))

    def __truediv__(self, other: "Interval") -> "Interval":
        if other.lo <= 0 <= other.hi:
            raise ZeroDivisionError("interval contains zero")
        qs = [self.lo / other.lo, self.lo / other.hi, self.hi / other.lo, self.hi / other.hi]
        return Interval(min(qs), max(qs))

    def clamp_max(self, cap: float) -> "Interval":
        return Interval(min(self.lo, cap), min(self.hi, cap))

    def overlaps(self, other: "Interval") -> bool:
        return self.lo <= other.hi + EPS and other.lo <= self.hi + EPS

    def contains(self, x: float) -> bool:
        return self.lo - EPS <= x <= self.hi + EPS


def precision(values) -> int | None:
    """The finest precision printed among related figures (one table's amounts, one table's scores)."""
    ds = [v.decimals for v in values if v is not None and v.number is not None and v.decimals is not None]
    return max(ds) if ds else None


def total(values: list[Value], decimals: int | None = None) -> Interval:
    """Sum of printed figures (blanks count as 0, exactly)."""
    out = Interval.exact(0.0)
    for v in values:
        if v is not None and v.number is not None:
            out = out + Interval.of(v, decimals=decimals)
    return out


def agrees(stated: Value, recomputed: Interval, slack: float = 1.0, decimals: int | None = None) -> bool:
    return Interval.of(stated, slack, decimals).overlaps(recomputed)


def printed_amount(raw: str, unit: str = "元", zero_exact: bool = False) -> Interval:
    """The amounts in 元 a figure printed in the text may stand for: "2106.66" 万元 is 21,066,550–21,066,650 元.
    `zero_exact`: a printed 0 ("0万元", a part of a breakdown or a change) is nothing, not a rounded figure."""
    d = len(raw.split(".")[1]) if "." in raw else 0
    x = float(raw.replace(",", ""))
    h = 0.5 * 10 ** (-d) if x or not zero_exact else 0.0
    return Interval(x - h, x + h).scale(TO_YUAN.get(unit, 1.0))


def printed_rate(raw: str) -> Interval:
    """The rates a printed percentage may stand for: one unit of its last decimal either way (RULES §0: ±0.01
    percentage points for two decimals, ±0.1 for one), so a rate rounded or cut off (95.457% printed 95.45%) agrees."""
    d = len(raw.split(".")[1]) if "." in raw else 0
    x, unit = float(raw.replace(",", "")), 10 ** (-d)
    return Interval(x - unit, x + unit)


def rate_severity(stated: float, computed: float, slip: float) -> str:
    """A printed rate off by at most `slip` percentage points is a slip to correct (medium); more is an error."""
    return "medium" if abs(stated - computed) <= slip else "high"
