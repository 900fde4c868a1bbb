"""A report reviewed: what the pipeline (reviewer.pipeline) hands from stage to stage once the checks have run,
and what the memo and the batch files are written from.

After pass 1 (`reviewer.pipeline.examine`) a review holds the checks' occurrences; the corpus pass adds to them, and
settle (reviewer.settle) turns them into findings, a risk and a verdict.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .config import Config
from .findings import Coverage
from .model import Finding, Report
from .scoring import ProjectRescore
from .settle import Risk, Verdict


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
    rescores: list[ProjectRescore] = field(default_factory=list)  # 评分复核, per project (scoring.rescore)

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
