"""What is unusual relative to peers: the corpus model and the stat findings it adds.

Peer groups go from the narrowest with enough data (the department; its region and year) to the
corpus, and to the reference distributions shipped with the tool when the corpus is too small —
so a corpus of one report still gets a baseline.  Stat findings carry the features that made them
fire, the peer group, and the peer median.
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..config import Config, StatsRules
from ..findings import FindingBook
from ..model import SUBJECT_DEPARTMENT, Project
from .detectors import IForest, RobustZ
from .features import FEATURES, project_features, report_features

FULL_MARKS = 99.5  # a self-score counted as full marks (100, however it is rounded)
REFERENCE = Path(__file__).with_name("reference.json")
ENRICH = {
    "high_score_low_exec": ["exec_rate", "self_score", "justified_score", "score_gap"],
    "target_too_low": ["max_over_ratio"],
    "satisfaction_ceiling": ["satisfaction", "full_mark_share"],
    "qualitative": ["qualitative_share", "goal_similarity"],
    "budget_adjusted": ["budget_ratio", "exec_rate"],
}
FEATURE_LABELS = {
    "exec_rate": "执行率(%)", "self_score": "自评总分", "justified_score": "按表内数字应得分", "score_gap": "自评分高出应得分",
    "full_mark_share": "满分指标占比", "qualitative_share": "定性指标分值占比", "max_over_ratio": "最大超额倍数",
    "satisfaction": "满意度(%)", "budget_ratio": "全年/年初预算", "log_budget": "预算规模(对数，万元)",
    "n_indicators": "指标个数", "narrative_chars": "完成情况文字长度", "goal_similarity": "完成情况与目标相似度",
}


@lru_cache(maxsize=1)
def reference() -> dict:
    """Median and robust scale of each feature over the reference corpus (seeds + synthetic)."""
    if REFERENCE.exists():
        return json.loads(REFERENCE.read_text(encoding="utf-8"))
    return {"features": {}, "perfect_share": 0.3}


class Baselines:
    """Robust z per feature with the narrowest peer group that has enough data."""

    def __init__(self, frame: pd.DataFrame, cfg: StatsRules) -> None:
        ref = reference()["features"]
        kw = {"min_group": cfg.min_group, "floors": cfg.floors, "reference": ref}
        self.frame = frame
        self.by_dept = RobustZ(FEATURES, **kw).fit(frame, frame["department"])
        self.region_key = frame["region"].astype(str) + "|" + frame["year"].astype(str)
        self.by_region = RobustZ(FEATURES, **kw).fit(frame, self.region_key)
        # plain arrays: per-project lookups through pandas indexing dominate on large corpora
        self.values = {f: frame[f].to_numpy() for f in FEATURES}
        self.dept = frame["department"].astype(str).to_numpy()
        self.region = self.region_key.to_numpy()

    def z_any(self, idx, feature: str, sign: int) -> tuple[float, float, str]:
        """The more extreme of the peer-group z and the corpus z, in the direction `sign`: a project
        can be ordinary in a department of big projects and still stand out in the corpus."""
        narrow = self.z(idx, feature)
        med, scale, where = self.by_dept.baseline(feature, None)
        name = {"corpus": "本批全部项目", "reference": "工具自带的参考分布"}.get(where, "无")
        wide = (_z(self.values[feature][idx], med, scale), med, name)
        cands = [c for c in (narrow, wide) if not math.isnan(c[0])]
        return max(cands, key=lambda c: c[0] * sign) if cands else narrow

    def z(self, idx, feature: str) -> tuple[float, float, str]:
        """(z, peer median, peer group) of one project's feature."""
        x = self.values[feature][idx]
        for det, group, label in ((self.by_dept, self.dept[idx], "同部门项目"),
                                  (self.by_region, self.region[idx], "同地区同年度项目")):
            med, scale, where = det.baseline(feature, str(group))
            if where.startswith("group:"):
                return _z(x, med, scale), med, f"{label}（{group}）"
        med, scale, where = self.by_dept.baseline(feature, None)
        name = {"corpus": "本批全部项目", "reference": "工具自带的参考分布"}.get(where, "无")
        return _z(x, med, scale), med, name


def _z(x, med, scale) -> float:
    if x is None or med is None or any(isinstance(v, float) and math.isnan(v) for v in (x, med, scale)):
        return math.nan
    return (x - med) / scale


class CorpusModel:
    """What comparing one report with its peers needs from the whole batch, fitted once: the features frame,
    the peer baselines, the isolation-forest ranks and the corpus totals.  `score(rv)` then works on one
    review at a time, so a batch can be scored as a stream (reviewer.pipeline)."""

    def __init__(self, frame: pd.DataFrame, config: Config) -> None:
        self.config = config
        self.cfg = cfg = config.stats
        self.frame = frame = frame.reset_index(drop=True)
        self.empty = frame.empty
        if self.empty:
            return
        self.base = Baselines(frame, cfg)
        ranks = pd.Series(math.nan, index=frame.index)
        if len(frame) >= cfg.min_group:
            forest = IForest(cfg.iforest_features).fit(frame)
            ranks = forest.decision_scores_["iforest_rank"]
        frame["iforest_rank"] = ranks
        self.base.values["iforest_rank"] = ranks.to_numpy()
        self.corpus = _CorpusTotals(frame, cfg)

    @staticmethod
    def prepare() -> None:
        """What fitting will need, loaded ahead (a batch does it while its workers read)."""
        IForest.prepare()

    def compare(self, rv) -> None:
        """Add the corpus-relative occurrences to one examined review and enrich the stat occurrences its checks
        raised (the review is settled after this, once: reviewer.settle)."""
        if self.empty:
            return
        ctx = FindingBook(rv.report, self.config, prior=rv.occurrences)
        index = self.corpus.projects(rv.report.source)
        _enrich(rv, self.base, index)
        for p in rv.report.projects:
            idx = index.get(p.name)
            # a table not read to its end, or whose indicators were not read at all, is not compared with peers (the
            # model's features say so: a review a batch stored keeps no indicators, only its projects' names)
            if idx is not None and not p.incomplete and self.base.values["n_indicators"][idx] > 0:
                _outlier(ctx, p, idx, self.base, self.cfg)
                _score_gap(ctx, rv, p, idx, self.base, self.cfg)
        _department(ctx, rv, self.corpus, self.cfg)
        rv.occurrences = sorted(rv.occurrences + ctx.findings, key=lambda f: f.sort_key())
        rv.coverage.update(ctx.coverage)


def _evidence(base: Baselines, idx, features: list[str]) -> dict:
    feats, zs, meds, group = {}, {}, {}, ""
    for f in features:
        z, med, group = base.z(idx, f)
        feats[FEATURE_LABELS[f]] = _round(base.values[f][idx])
        zs[FEATURE_LABELS[f]] = _round(z)
        meds[FEATURE_LABELS[f]] = _round(med)
    return {"features": feats, "z": zs, "peer_group": group, "peer_median": meds}


def _round(x):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), 4)


def _enrich(rv, base: Baselines, index: dict) -> None:
    for f in rv.occurrences:
        feats = ENRICH.get(f.code)
        idx = index.get(f.subject)
        if feats and idx is not None and "peer_group" not in f.evidence:
            f.evidence.update(_evidence(base, idx, feats))


def _outlier(ctx: FindingBook, p: Project, idx, base: Baselines, cfg: StatsRules) -> None:
    subject = p.name
    ctx.checked("outlier", "与同类项目相比无异常", subject)
    rank = base.values["iforest_rank"][idx]
    hits = []
    for f, sign in cfg.outlier_features:
        z, med, group = base.z_any(idx, f, sign)
        if math.isnan(z) or z * sign <= 0:
            continue
        already = {"budget_ratio": "budget_adjusted", "n_indicators": "missing"}.get(f)
        if already and any(x.subject == subject and x.code == already for x in ctx.so_far()):
            continue  # the rule finding says it already; its evidence carries the peer comparison
        unusual = abs(z) >= cfg.outlier_z_alone or (
            abs(z) >= cfg.outlier_z and not math.isnan(rank) and rank >= cfg.outlier_rank)
        if unusual:
            hits.append((f, z, med, group))
    if not hits:
        return
    hits.sort(key=lambda h: -abs(h[1]))
    f, z, med, group = hits[0]
    value = base.values[f][idx]
    shown = f"{math.exp(value):,.2f}万元（同类中位数 {math.exp(med):,.2f}万元）" if f == "log_budget" else \
        f"{value:.4g}（同类中位数 {med:.4g}）"
    ev = _evidence(base, idx, [h[0] for h in hits])
    ev["iforest_rank"] = _round(rank)
    ctx.finding(subject, "outlier", "medium",
                f"{FEATURE_LABELS[f]}为 {shown}，偏离{group}{abs(z):.1f} 个稳健标准差"
                + ("" if math.isnan(rank) else f"，孤立森林异常排名前 {max(0.1, (1 - rank) * 100):.1f}%") + "。",
                check="outlier", table="统计", source="stats", extra=ev, at=[p.line], rule="ST-01")


def _score_gap(ctx: FindingBook, rv, p: Project, idx, base: Baselines, cfg: StatsRules) -> None:
    subject, v = p.name, base.values
    gap = v["score_gap"][idx]
    if math.isnan(gap) or gap < cfg.score_gap_points:
        return
    z, med, group = base.z(idx, "score_gap")
    if math.isnan(z) or z < cfg.score_gap_z:
        return
    if any(f.subject == subject and f.code == "high_score_low_exec" for f in rv.occurrences):
        return  # the rules already raised it; its evidence was enriched
    ctx.finding(subject, "high_score_low_exec", "medium",
                f"自评总分 {v['self_score'][idx]:.2f}，按表内执行率和指标完成值应得约 "
                f"{v['justified_score'][idx]:.2f}，高出 {gap:.2f} 分，{group}的中位差距为 {med:.2f} 分。",
                check="score_vs_exec", table="统计", source="stats", at=[p.line], rule="PL-01",
                extra=_evidence(base, idx, ENRICH["high_score_low_exec"]))


class _CorpusTotals:
    """Per-report row ranges and corpus totals, computed once: "the other reports" of each report is the
    corpus minus its own rows (counts subtract exactly; the satisfaction median of a large corpus is
    taken over the whole corpus).  A report's projects are consecutive rows of the frame."""

    def __init__(self, frame: pd.DataFrame, cfg: StatsRules) -> None:
        reports = frame["report"].to_numpy()
        self.rows: dict[str, tuple[int, int]] = {}
        for i, name in enumerate(reports):
            start, _ = self.rows.get(name, (i, i))
            self.rows[name] = (start, i + 1)
        self.reports = reports
        self.names = frame["project"].to_numpy()
        self.sat = frame["satisfaction"].to_numpy(dtype=float)
        self.score = frame["self_score"].to_numpy(dtype=float)
        scores = self.score[~np.isnan(self.score)]
        self.scores_n, self.perfect_n = int(scores.size), int((scores >= FULL_MARKS).sum())
        self.sats = self.sat[~np.isnan(self.sat)]
        self.sat_median = float(np.median(self.sats)) if len(self.sats) else math.nan
        self.min_group = cfg.min_group

    def projects(self, report: str) -> dict[str, int]:
        """Project name → frame row, for one report (the last row of a name printed twice)."""
        start, stop = self.rows.get(report, (0, 0))
        out: dict[str, int] = {}
        for i in range(start, stop):
            out[self.names[i]] = i
        return out

    def mine(self, column: np.ndarray, report: str) -> np.ndarray:
        """One report's values of a column, blanks dropped."""
        start, stop = self.rows[report]
        part = column[start:stop]
        return part[~np.isnan(part)]

    def peer_satisfaction(self, report: str) -> tuple[float, str]:
        mine = self.mine(self.sat, report)
        n = len(self.sats) - len(mine)
        if n < self.min_group:
            return reference()["features"].get("satisfaction", {}).get("median", math.nan), "工具自带的参考分布"
        if len(mine) * 20 < len(self.sats):
            return self.sat_median, "本批其他报告"
        others = self.sat[self.reports != report]
        return float(np.median(others[~np.isnan(others)])), "本批其他报告"

    def peer_perfect_share(self, report: str) -> tuple[float, str]:
        mine = self.mine(self.score, report)
        n = self.scores_n - len(mine)
        if n < self.min_group:
            return reference().get("perfect_share", math.nan), "工具自带的参考分布"
        return (self.perfect_n - int((mine >= FULL_MARKS).sum())) / n, "本批其他报告"


def _department(ctx: FindingBook, rv, corpus: _CorpusTotals, cfg: StatsRules) -> None:
    """Patterns of a whole report against the corpus: every satisfaction at 100%, every project at 100."""
    if rv.report.source not in corpus.rows or any(i.scope == "项目" for i in rv.report.issues):
        return  # a form not read, or not to its end: what "all" or "every" of its projects did is not known
    ctx.checked("department_pattern", "部门各项目的满意度和得分与同类报告相比无异常")
    sats = corpus.mine(corpus.sat, rv.report.source)
    peer_med, where = corpus.peer_satisfaction(rv.report.source)
    if len(sats) >= 3 and (sats >= 100).all() and not math.isnan(peer_med) and peer_med < 100 and \
            not any(f.subject == SUBJECT_DEPARTMENT and f.code == "satisfaction_ceiling" for f in rv.occurrences):
        ctx.finding(SUBJECT_DEPARTMENT, "satisfaction_ceiling", "medium",
                    f"本报告 {len(sats)} 个项目的满意度全部为 100%，{where}项目满意度的中位数为 {peer_med:.1f}%。",
                    check="department_pattern", table="统计", source="stats", rule="ST-02",
                    extra={"features": {"满意度为100%的项目数": int(len(sats))}, "peer_group": where,
                           "peer_median": {"满意度(%)": round(peer_med, 4)}})
    scores = corpus.mine(corpus.score, rv.report.source)
    if len(scores) >= cfg.perfect_min_projects:
        perfect = scores >= FULL_MARKS
        share = float(perfect.mean())
        peer_share, where = corpus.peer_perfect_share(rv.report.source)
        if share >= cfg.perfect_share and not math.isnan(peer_share) and \
                peer_share < cfg.perfect_peer_share:
            # the basis named, since it may be the tool's reference rather than this batch; no range of
            # execution rates ("0.0%–100.0%" told a reader nothing)
            ctx.finding(SUBJECT_DEPARTMENT, "outlier", "low",
                        f"本报告 {len(scores)} 个项目中 {int(perfect.sum())} 个（{share:.0%}）自评满分 100，"
                        f"{where}中这一比例为 {peer_share:.0%}。",
                        check="department_pattern", table="统计", source="stats", rule="ST-02",
                        extra={"features": {"满分项目占比": round(share, 4), "项目数": int(len(scores))},
                               "peer_group": where, "peer_median": {"满分项目占比": round(peer_share, 4)}})


__all__ = ["CorpusModel", "project_features", "report_features", "FEATURES", "reference"]
