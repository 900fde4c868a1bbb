"""A report's risk score (0–100) and band from the findings that fired.

Each code has a weight (rules.toml [codes]); severity and the money involved (materiality, see
reviewer.consolidate) scale it, and each further finding of the same code counts `repeat_decay` times less, so ten boilerplate findings do not outweigh one
wrong total.  Points combine like independent risks: 100 × (1 − Π(1 − pᵢ/100)), which stays
within 0–100.  Every point is attributed to the finding that added it.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..config import Config
from ..model import Finding


@dataclass
class Risk:
    score: float
    band: str
    contributions: list[tuple[Finding, float]] = field(default_factory=list)  # (finding, points added)
    complete: bool = True  # the report was read in full: only then is the score the report's

    @property
    def shown(self) -> float | None:
        """The score as outputs give it: none for a report not read in full (what was not read is not scored)."""
        return self.score if self.complete else None


def risk_of(findings: list[Finding], config: Config, complete: bool = True) -> Risk:
    """`complete` False (the report was only partly read): the band says a person must look, whatever the score."""
    factor = config.risk.severity_factor
    decay = config.risk.repeat_decay
    money = config.risk.materiality.factor
    by_code: dict[str, list[tuple[float, Finding]]] = defaultdict(list)
    for f in findings:
        level = (f.evidence.get("materiality") or {}).get("level", "normal")
        by_code[f.code].append((config.code(f.code).weight * factor[f.severity] * money[level], f))
    weighted = []
    for items in by_code.values():
        items.sort(key=lambda x: (-x[0], x[1].sort_key()))
        weighted += [(p * decay**k, f) for k, (p, f) in enumerate(items)]
    weighted.sort(key=lambda x: (-x[0], x[1].sort_key()))
    remaining, contributions = 1.0, []
    for p, f in weighted:
        before = remaining
        remaining *= 1 - min(p, 100.0) / 100
        contributions.append((f, round(100 * (before - remaining), 2)))
    score = round(100 * (1 - remaining), 1)
    band = next(name for name, floor in config.risk.bands if score >= floor)
    return Risk(score, band if complete else config.risk.incomplete_band, contributions, complete)
