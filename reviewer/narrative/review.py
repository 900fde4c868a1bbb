"""The narrative review of one report, whatever the backend.

Backends sit behind one small interface — `name`, and `run(report, facts, passages) -> list[dict]`
returning raw claims — and everything else is shared: the facts code computed, injection
masking, validation of every claim, turning claims into findings, falling back to the offline
heuristic when an LLM fails.

    reviewer = make_narrative("heuristic", config)          # the offline default
    reviewer = make_narrative("openai", config, settings)   # any OpenAI-compatible endpoint
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..config import Config
from ..findings import FindingBook
from ..model import SUBJECT_DEPARTMENT, Report
from .claims import validate
from .errors import BackendError
from .facts import Passage, build_facts, build_passages
from . import heuristic, openai_backend  # noqa: F401  (each registers its backend)
from .injection import find_injections, mask
from .registry import BACKENDS

# the rule a finding of the narrative review cites (rules.toml [rule_names]), by its code
NARRATIVE_RULES = {"narrative_contradiction": "NR-01", "unsupported_claim": "NR-02", "boilerplate": "NR-03",
                   "metadata": "NR-04"}


@dataclass
class NarrativeResult:
    backend: str
    notes: list[str] = field(default_factory=list)
    stats: dict = field(default_factory=dict)  # calls, cache hits, tokens, cost, duration
    dropped: list[str] = field(default_factory=list)  # claims rejected by validation, with the reason
    fell_back: bool = False  # the backend failed and the heuristic judged the text instead


class NarrativeReviewer:
    def __init__(self, backend, fallback=None) -> None:
        self.backend = backend
        self.fallback = fallback

    @property
    def name(self) -> str:
        return self.backend.name

    def review(self, report: Report, ctx: FindingBook) -> NarrativeResult:
        facts = build_facts(report)
        passages = self._guard(report, ctx, build_passages(report))
        result = NarrativeResult(self.backend.name)
        backend = self.backend
        try:
            raw = backend.run(report, facts, passages)
            result.stats = dict(getattr(backend, "last_stats", {}) or {})
        except BackendError as exc:
            if self.fallback is None:
                raise
            result.stats = dict(getattr(backend, "last_stats", {}) or {})
            result.notes.append(f"文字审核所用模型 {backend.name} 调用失败（{exc}），本报告的文字部分改由离线启发式规则审核。")
            backend = self.fallback
            result.fell_back = True
            result.backend = f"{self.fallback.name}（{self.backend.name} 失败后回退）"
            raw = backend.run(report, facts, passages)
        by_id = {p.id: p for p in passages}
        subjects = {p.name for p in report.projects} | {SUBJECT_DEPARTMENT}
        claims, dropped = validate(raw, facts.by_id, by_id, subjects)
        result.dropped = dropped
        judged = [(c, backend) for c in claims if c.code is not None]
        if backend is not self.fallback and self.fallback is not None:
            judged += self._offline_floor(judged, report, facts, passages, by_id, subjects, result)
        for c, backend in judged:
            code = c.code
            ps = by_id[c.passage]
            cited = [facts.by_id[f] for f in c.facts]
            others = [by_id[p] for p in c.passages]
            message = c.reason or f"“{c.quote}”与所引数字不符。"
            ctx.finding(
                c.subject or ps.subject, code, c.severity, message, check="narrative", table=ps.label,
                at=[ps.line] + [f.line for f in cited] + [q.line for q in others],
                figures={f.label: f.value for f in cited[:6]}, source=backend.name, rule=NARRATIVE_RULES.get(code, ""),
                extra={"claim": c.quote, "verdict": c.verdict, "facts": [f.render() for f in cited],
                       "passages": [f"{q.id} {q.subject} / {q.label}" for q in others],
                       **({"prompt_version": backend.prompt_version} if hasattr(backend, "prompt_version") else {})},
            )
        for ps in passages:  # each passage read is a place checked
            ctx.checked("narrative", "文字说明与表内数字及其他章节一致", ps.subject)
        return result

    def _offline_floor(self, judged, report, facts, passages, by_id, subjects, result) -> list:
        """What the offline checker finds that the model did not: kept, so that a model talked out of its
        findings by the document (or simply weaker) never loses what code can establish for certain."""
        have = {(c.subject or by_id[c.passage].subject, c.code, c.passage) for c, _ in judged}
        offline, _ = validate(self.fallback.run(report, facts, passages), facts.by_id, by_id, subjects)
        added = [(c, self.fallback) for c in offline
                 if c.code is not None and (c.subject or by_id[c.passage].subject, c.code, c.passage) not in have]
        if added:
            result.notes.append(f"模型未报告离线检查确定的 {len(added)} 处文字问题，已按离线检查列出（模型遗漏，或受报告中指令性语句的影响）。")
        return added

    @staticmethod
    def _guard(report: Report, ctx: FindingBook, passages: list[Passage]) -> list[Passage]:
        """Mask sentences that speak to the reviewer; flag them once per passage."""
        out = []
        for ps in passages:
            found = find_injections(ps.text)
            if found:
                ctx.finding(ps.subject, "metadata", "medium",
                            f"“{ps.label}”中含有针对审核系统的指令性语句（“{found[0][:40]}”），已屏蔽，不影响审核结论。",
                            check="injection", table=ps.label, at=[ps.line], extra={"claim": found[0]}, rule="IN-01")
                ps = replace(ps, text=mask(ps.text))
            out.append(ps)
        return out


def make_narrative(name: str, config: Config, settings=None, use_cache: bool = True, shared=None) -> NarrativeReviewer:
    """The reviewer of the text: "heuristic" (offline), or "openai" at the endpoint of `settings` (the rules'
    [llm] otherwise), with the heuristic to fall back on; `shared`: what a batch's processes share about the
    endpoint (narrative.endpoint)."""
    if name not in BACKENDS:
        raise ValueError(f"unknown narrative backend {name!r} ({', '.join(sorted(BACKENDS))})")
    entry = BACKENDS[name]
    backend = entry.make(config, settings=settings, use_cache=use_cache, shared=shared)
    if entry.offline:
        return NarrativeReviewer(backend)
    return NarrativeReviewer(backend, fallback=BACKENDS["heuristic"].make(config))
