"""Deterministic checks: one module per rule family, each a `check(ctx)` function, run on the documents its
family applies to (applies.toml, families.py); base.py is what every check gets.

    ctx = run_checks(report, config)
    ctx.findings, ctx.coverage
"""
from .families import APPLIES, CHECKS, FAMILIES, applies, run_checks

__all__ = ["APPLIES", "CHECKS", "FAMILIES", "applies", "run_checks"]
