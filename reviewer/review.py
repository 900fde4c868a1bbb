"""One report, reviewed: extraction → checks → (narrative) → settle.

    import reviewer
    rv = reviewer.review("corpus/seeds/003_ddff5fd3e69ced26.txt")
    rv.risk.score, [f.code for f in rv.findings]

`examine` is pass 1 (what a batch runs in its workers before the comparison with peers); `review` examines and
settles one report on its own.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .checks import run_checks
from .checks.base import Coverage
from .config import Config, load_config
from .checks.rescore import ProjectRescore, rescore
from .extract import extract
from .model import Finding, Report
from .narrative import make_narrative
from .read import Document
from .settle import Risk, Verdict, project_money, settle


@dataclass
class Review:
    report: Report
    findings: list[Finding]  # one per issue (reviewer.consolidate), what memos and outputs list
    coverage: dict[str, Coverage]
    risk: Risk
    profile: str = "default"
    rules: str = ""  # fingerprint of the effective rules
    narrative_backend: str = ""
    notes: list[str] = field(default_factory=list)  # e.g. "the LLM failed; the heuristic reviewed the text"
    narrative_stats: dict = field(default_factory=dict)  # LLM calls, cache hits, tokens, cost
    dropped_claims: list[str] = field(default_factory=list)
    fell_back: bool = False  # the LLM failed; the heuristic reviewed the text (a later run tries again)
    suppressed: dict[str, list[str]] = field(default_factory=dict)  # subject → checks not run (table incomplete)
    faults: list[str] = field(default_factory=list)  # checks a program fault stopped: not finished, not clean
    unjudged: list = field(default_factory=list)  # ReadIssues: tables read whose structure the checks could not confirm
    structure: dict = field(default_factory=dict)  # {"verified": [table titles], "assumed": [...]} (Context.structure)
    occurrences: list[Finding] = field(default_factory=list)  # what the checks raised, one per place
    verdict: Verdict | None = None  # 审核结论 (reviewer.verdict)
    money: dict[str, float] = field(default_factory=dict)  # project → 全年预算数 in 万元 (materiality)
    rescores: list[ProjectRescore] = field(default_factory=list)  # 评分复核, per project (checks.rescore)

    @property
    def checked_whole(self) -> bool:
        """Everything was read and every check ran to its end: only then may the band be read as a verdict."""
        return self.report.complete and not self.faults and not self.unjudged

    @property
    def gaps(self) -> list:
        """Every place not read, or read but not judged: what the verdict and the memo name as not reviewed."""
        return self.report.issues + self.unjudged

    def checks_made(self, config: Config) -> int:
        """Figures and identities actually compared (not the name, year and template checks, which find no
        figure wrong, nor passages the text review read)."""
        skip = set(config.risk.verdict.not_substantive)
        return sum(c.checked for key, c in self.coverage.items() if key not in skip)

    def counts(self) -> dict[str, int]:
        out = {"high": 0, "medium": 0, "low": 0}
        for f in self.findings:
            out[f.severity] += 1
        return out


def examine(source: str | Path | Document | Report, config: Config | None = None, narrative="heuristic",
            cache: bool = True) -> Review:
    """Pass 1 of one report: read and extract it (unless `source` is a `Report` already), run the checks and the
    text review.  The review's occurrences are raised, not yet settled into findings (reviewer.settle).

    `narrative` is a `reviewer.narrative.NarrativeReviewer`, a backend name ("heuristic", the offline
    default, or "openai"), or None to run the rule checks only.
    """
    config = config or load_config()
    report = source if isinstance(source, Report) else extract(source, cache=cache, limits=config.read)
    ctx = run_checks(report, config)
    if isinstance(narrative, str):
        narrative = make_narrative(narrative, config)
    rv_extra: dict = {}
    if narrative is not None:
        try:
            result = narrative.review(report, ctx)
        except Exception as exc:  # the text review's fault costs the text review, not the rule findings
            ctx.fault("文字审核", exc)
        else:
            rv_extra = {"narrative_backend": result.backend, "notes": result.notes,
                        "narrative_stats": result.stats, "dropped_claims": result.dropped, "fell_back": result.fell_back}
    occurrences = sorted(ctx.findings, key=lambda f: f.sort_key())
    return Review(report=report, findings=[], coverage=ctx.coverage, risk=None, suppressed=ctx.suppressed,
                  profile=config.profile, rules=config.fingerprint(), faults=ctx.faults, occurrences=occurrences,
                  unjudged=ctx.unjudged, structure=ctx.structure(),
                  money=project_money(report), rescores=[rescore(p, config.rules.grade_bands) for p in report.projects],
                  **rv_extra)


def review(source: str | Path | Document | Report, config: Config | None = None, narrative="heuristic",
           cache: bool = True) -> Review:
    """Review one report on its own (no peers): examine it, then settle it."""
    config = config or load_config()
    return settle(examine(source, config, narrative, cache), config)
