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
        try:
            module.check(ctx)
        except Exception as exc:  # a fault in one family of checks costs that family, not the report
            ctx.fault(FAMILIES[module.__name__.rsplit(".", 1)[-1]], exc)
    return ctx


FAMILIES = {"funds": "资金与执行率", "scores": "评分与权重", "plausibility": "指标合理性", "cross": "跨表一致",
            "accounts": "决算表勾稽", "budget": "预算表勾稽", "statements": "文字与表格一致",
            "narrative_math": "文字中的计算", "metadata": "单位、年度与模板"}  # as a memo names them
