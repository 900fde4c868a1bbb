"""One report, reviewed: extraction → checks → (narrative) → risk.

    import reviewer
    rv = reviewer.review("corpus/seeds/003_ddff5fd3e69ced26.txt")
    rv.risk.score, [f.code for f in rv.findings]
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .checks import run_checks
from .checks.base import Coverage
from .config import Config, load_config
from .extract import extract
from .model import Finding, Report
from .risk import Risk, risk_of


@dataclass
class Review:
    report: Report
    findings: list[Finding]
    coverage: dict[str, Coverage]
    risk: Risk
    profile: str = "default"
    rules: str = ""  # fingerprint of the effective rules
    narrative_backend: str = ""
    notes: list[str] = field(default_factory=list)  # e.g. "the LLM failed; the heuristic reviewed the text"

    def counts(self) -> dict[str, int]:
        out = {"high": 0, "medium": 0, "low": 0}
        for f in self.findings:
            out[f.severity] += 1
        return out


def review(source: str | Path | Report, config: Config | None = None, narrative=None) -> Review:
    """Review one report: a path, its text, or an already extracted `Report`.

    `narrative` is a narrative reviewer (reviewer.narrative); None runs the rule checks only.
    """
    config = config or load_config()
    report = source if isinstance(source, Report) else extract(source)
    ctx = run_checks(report, config)
    notes: list[str] = []
    backend = ""
    if narrative is not None:
        result = narrative.review(report, ctx)
        backend = result.backend
        notes += result.notes
        for f in result.findings:
            ctx.findings.append(f)
    findings = sorted(ctx.findings, key=lambda f: f.sort_key())
    return Review(
        report=report, findings=findings, coverage=ctx.coverage, risk=risk_of(findings, config),
        profile=config.profile, rules=config.fingerprint(), narrative_backend=backend, notes=notes,
    )
