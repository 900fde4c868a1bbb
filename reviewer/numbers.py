"""Figures as a document prints them and as a memo shows them: one pattern, one formatter.

    NUM                        # 1,234.56 · 1234.56 · 30 (thousands grouped by threes, or not at all)
    figure(1234.5)             # "1234.5"   at most two decimals, no trailing zeros
    figure(1234.5, grouped=True)   # "1,234.5"
"""
from __future__ import annotations

NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"  # a group: safe wherever it is put


def figure(x: float, decimals: int = 2, grouped: bool = False) -> str:
    """`x` with at most `decimals` decimals and no trailing zeros, grouped in thousands if asked."""
    s = f"{x:,.{decimals}f}" if grouped else f"{x:.{decimals}f}"
    return s.rstrip("0").rstrip(".") if "." in s else s
