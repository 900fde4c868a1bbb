"""Deterministic checks: one module per rule family, each a `check(ctx)` function.

    ctx = run_checks(report, config)
    ctx.findings, ctx.coverage
"""
from __future__ import annotations

from ..config import Config, load_config
from ..model import Report
from . import accounts, budget, cross, funds, metadata, narrative_math, plausibility, scores, statements
from .base import Context

CHECKS = [funds, scores, plausibility, cross, accounts, budget, statements, narrative_math, metadata]


def run_checks(report: Report, config: Config | None = None) -> Context:
    ctx = Context(report, config or load_config())
    for module in CHECKS:
        module.check(ctx)
    return ctx
