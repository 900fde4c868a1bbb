"""The families of checks and how a report goes through them: each family is a module with a `check(ctx)`, run on
the documents its family applies to (applies.toml), the tables' own identities first."""
from __future__ import annotations

import tomllib
from pathlib import Path

from ..config import Config, load_config
from ..model import Report
from . import (account_tables, budget_tables, change_parts, copied, cross, directions, form_content, funds, management, metadata, narrative_math, no_problems, plausibility,
               procurement, residue, scores, shares, text_vs_tables, years)
from .base import Context

# the tables' own identities first: a comparison with a table (cross, text_vs_tables) is made only when its rows and
# columns were confirmed by them (Context.verified)
CHECKS = [funds, scores, plausibility, account_tables, budget_tables, cross, text_vs_tables, narrative_math, shares,
          procurement, metadata, residue, years, management, no_problems, copied,
          form_content, change_parts, directions]

with open(Path(__file__).with_name("applies.toml"), "rb") as _fh:
    APPLIES: dict[str, dict] = tomllib.load(_fh)
FAMILIES = {name: entry["label"] for name, entry in APPLIES.items()}  # as a memo names them


def applies(family: str, kind: str) -> bool:
    """Whether a family of checks reads documents of this kind (applies.toml)."""
    kinds = APPLIES[family]["kinds"]
    return "*" in kinds or kind in kinds


def run_checks(report: Report, config: Config | None = None) -> Context:
    ctx = Context(report, config or load_config())
    for module in CHECKS:
        family = module.__name__.rsplit(".", 1)[-1]
        if not applies(family, report.kind):
            continue
        try:
            module.check(ctx)
        except Exception as exc:  # a fault in one family of checks costs that family, not the report
            ctx.fault(FAMILIES[family], exc)
    return ctx
