"""Spreadsheet cells as a person sees them: a value rendered through its number format.

A cell holding 0.0112 formatted `0.00%` is read as "1.12%", 1234.5 formatted `#,##0.00` as "1,234.50",
a date as 2023-06-30 (or 2023年6月30日 where the format says so).  The checks then see the same text the
report printed, with its displayed precision, whatever the file format.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

_QUOTED = re.compile(r'"([^"]*)"')
_BRACKETS = re.compile(r"\[[^\]]*\]")
_ESCAPED = re.compile(r"\\(.)")


def _general(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.10g}"
    return text if "e" not in text else f"{value:.6E}"


def _section(fmt: str, value: float) -> tuple[str, float]:
    """The format section that applies (positive;negative;zero;text) and the value it shows."""
    sections = fmt.split(";")
    if len(sections) >= 3 and value == 0:
        return sections[2], value
    if len(sections) >= 2 and value < 0:
        return sections[1], -value  # the negative section prints its own sign, if any
    return sections[0], value


def _round(value: float, decimals: int) -> Decimal:
    q = Decimal(1).scaleb(-decimals)
    return Decimal(repr(value)).quantize(q, rounding=ROUND_HALF_UP)


def _number(value: float, code: str) -> str:
    literal_parts: list[str] = []

    def keep(m: re.Match) -> str:  # literal text ("元", \%) is set aside so it is not read as a code
        literal_parts.append(m.group(1))
        return f"\x00{len(literal_parts) - 1}\x00"

    body = _ESCAPED.sub(keep, _QUOTED.sub(keep, code))
    body = _BRACKETS.sub("", body)
    body = body.replace("_)", "").replace("*", "")
    percent = body.count("%")
    scaled = value * (100 ** percent)
    m = re.search(r"[0#?][0#?,]*(?:\.[0#?]*)?|\.[0#?]+", body)
    if not m:
        text = body
    else:
        spec = m.group(0)
        decimals = len(spec.split(".")[1]) if "." in spec else 0
        thousands = "," in spec.split(".")[0]
        rounded = _round(scaled, decimals)
        digits = f"{rounded:,.{decimals}f}" if thousands else f"{rounded:.{decimals}f}"
        if spec.split(".")[0].strip(",") and set(spec.split(".")[0].replace(",", "")) <= {"#"} and digits.startswith("0"):
            digits = digits[1:]  # "#.00" prints .50, not 0.50
        text = body[: m.start()] + digits + body[m.end():]
    for k, lit in enumerate(literal_parts):
        text = text.replace(f"\x00{k}\x00", lit)
    return text.strip()


def _date(value: dt.datetime | dt.date | dt.time, code: str) -> str:
    code = _BRACKETS.sub("", code.split(";")[0]).lower()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S" if "s" in code else "%H:%M")
    d = value if isinstance(value, dt.datetime) else dt.datetime(value.year, value.month, value.day)
    if "年" in code:
        text = f"{d.year}年{d.month}月" + (f"{d.day}日" if "d" in code else "")
    else:
        text = f"{d.year:04d}-{d.month:02d}-{d.day:02d}"
    if ("h" in code or isinstance(value, dt.datetime) and "y" not in code) and (d.hour or d.minute):
        text += f" {d.hour:02d}:{d.minute:02d}"
    return text


def display(value, fmt: str | None) -> str:
    """What a spreadsheet shows for `value` under number format `fmt` (General when None)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return _date(value, fmt or "yyyy-mm-dd")
    if not isinstance(value, (int, float)):
        return str(value)
    value = float(value)
    fmt = (fmt or "General").strip()
    if fmt.lower() in ("general", "@", ""):
        return _general(value)
    code, shown = _section(fmt, value)
    if code.lower() in ("general", ""):
        text = _general(shown)
    else:
        text = _number(shown, code)
    if value < 0 and fmt.count(";") == 0:
        text = "-" + text if not text.startswith("-") else text
    return text

