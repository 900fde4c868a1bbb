"""The triage index and the batch's rows of each report: summary.csv's row, the index's row (its 最需关注 line,
涉及金额 and 需人工处理 causes), the order a triager reads them in, and the page itself, written a piece at a time."""
from __future__ import annotations

import itertools
from typing import Iterator

from ..config import Config
from ..review import Review
from ..settle import AMEND, APPROVE, RETURN, UNREVIEWED, amount_at_issue, rejected, subjects_label
from ..stats.features import region_of
from .causes import causes_of, failure_cause, labels as cause_labels
from .plots import bars, histogram, scatter
from .render import ASIDE, as_view, jinja_env, shortened

def summary_row(rv: Review, codes: list[str]) -> dict:
    c = rv.counts()
    row = {"report": rv.report.source, "department": rv.report.department, "year": rv.report.year or "",
           "unit_key": rv.report.unit_key,
           "read_status": rv.report.status, "read_issues": "；".join(map(str, rv.gaps)),
           "verdict": rv.verdict.label, "reasons": "；".join(rv.verdict.reasons),
           "risk_score": "" if rv.risk.shown is None else rv.risk.shown, "risk_band": rv.risk.band,
           "risk_score_partial": rv.risk.score, "findings": len(rv.findings),
           "high": c["high"], "medium": c["medium"], "low": c["low"], "projects": len(rv.report.projects),
           "error": "；".join(rv.faults), "files": list(rv.report.files),
           "amount_at_issue": most[0] if (most := largest_amount(rv)) else ""}
    for code in codes:
        row[code] = sum(1 for f in rv.findings if f.code == code)
    return row


def index_row(rv: Review, config: Config, link: str) -> dict:
    """One report's line of the triage index, with what the index charts count (its codes)."""
    codes = sorted({f.code for f in rv.findings})
    sev = sorted({f.severity for f in rv.findings}, key=["high", "medium", "low"].index)
    per_code: dict[str, int] = {}
    for f in rv.findings:
        per_code[f.code] = per_code.get(f.code, 0) + 1
    pairs = sorted({f"{f.code}|{f.severity}" for f in rv.findings})  # a filter on code and severity: one finding
    return {"source": rv.report.source, "department": rv.report.department, "year": rv.report.year or "",
            "region": region_of(rv.report.department), "kind": rv.report.kind, "pairs": pairs,
            "unit_key": rv.report.unit_key,
            "status": rv.report.status, "complete": rv.report.complete,
            "reason": "；".join(map(str, rv.gaps[:2])),
            "score": rv.risk.score, "band": rv.risk.band, "counts": rv.counts(), "codes": codes, "severities": sev,
            "verdict": rv.verdict.label, "top": [t] if (t := _top_line(rv, config)) else [],
            "top_title": "；".join(rv.verdict.reasons[:3]), "link": link, "per_code": per_code,
            "causes": causes_of(rv.report.issues, rv.faults) if not rv.report.complete or rv.faults else [],
            **_amount(rv, config)}


def largest_amount(rv: Review) -> tuple | None:
    """The report's 涉及金额 (万元): (the largest amount_at_issue of a finding the reviewer has not rejected, that
    finding's number, the finding), the first of equals; None when no finding is about money."""
    amounts = [(a, n, f) for n, f in enumerate(rv.findings, 1) if not rejected(f) and (a := amount_at_issue(f.evidence))]
    return max(amounts, key=lambda x: (x[0], -x[1])) if amounts else None


def _amount(rv: Review, config: Config) -> dict:
    """The index's 涉及金额 cell: the amount, and which finding it is (the cell's title)."""
    most = largest_amount(rv)
    if most is None:
        return {"amount": None, "amount_title": ""}
    a, n, f = most
    return {"amount": a, "amount_title": f"问题 {n}：{config.code(f.code).label}（{subjects_label(f)}）"}


TOP_CHARS = 36  # 最需关注 on one line of the index: what, and by how much


def _top_line(rv: Review, config: Config) -> str:
    """The finding that adds most to the risk, in one line: its kind and the figure as it should read ("69% 应为
    31%"), or what is wrong; the verdict's reasons in full are the line's title."""
    live = [(f, points) for f, points in rv.risk.contributions if not rejected(f)]
    if not live:
        return shortened(rv.verdict.reasons[0], TOP_CHARS, asides=True) if rv.verdict.reasons else ""
    f = max(live, key=lambda fp: fp[1])[0]
    ev = f.evidence
    # the figure as it should read where the check knows it; else what is wrong, in the finding's words (a
    # recomputed figure is not always what the report should print: 21.07 + 21.07 against a total of 21.07)
    what = ev.get("correction") or ASIDE.sub("", f.message)
    return shortened(f"{config.code(f.code).label}：{what}", TOP_CHARS, asides=True)


def index_order(row: dict) -> tuple:
    """The triage order of index rows: reports needing a person first (partly read, or nothing checkable read:
    未能审核), then by risk."""
    return (row["complete"] and row["verdict"] != UNREVIEWED, -row["score"], row["source"])


class IndexTotals:
    """What the index counts over every report before its rows are written: codes, scores, partial reads."""

    def __init__(self) -> None:
        self.per_code: dict[str, int] = {}
        self.codes: set[str] = set()
        self.scores: list[float] = []
        self.partial = 0
        self.regions: set[str] = set()
        self.years: set[str] = set()
        self.kinds: set[str] = set()
        self.series: dict[str, int] = {}  # a unit's series (Report.unit_key) → its reports in the batch
        self.causes: dict[str, int] = {}  # why reports need a person → how many

    def add(self, row: dict) -> None:
        if row.get("unit_key"):
            self.series[row["unit_key"]] = self.series.get(row["unit_key"], 0) + 1
        self.regions.update([row["region"]] if row["region"] else [])
        self.years.update([str(row["year"])] if row["year"] else [])
        self.kinds.update([row["kind"]] if row["kind"] else [])
        for code, n in row["per_code"].items():
            self.per_code[code] = self.per_code.get(code, 0) + n
        self.codes.update(row["codes"])
        self.scores.append(row["score"])
        self.partial += not row["complete"]
        for c in row.get("causes", ()):
            self.causes[c] = self.causes.get(c, 0) + 1


def render_index_stream(ranked_rows: Iterator[dict], failures: list[tuple[str, str, str]], totals: IndexTotals,
                        config: Config, batch=None) -> Iterator[str]:
    """The triage index, piece by piece: the inputs not reviewed first ((input, status, reason): 程序错误,
    未能读取, then 未审核 — what is not a file to review), then the first `[batch] index_rows` of `ranked_rows`
    (each report's index_row in index_order) as they come, so that a batch of any size is written in bounded
    memory.  The rows not listed are left in the iterator, unread."""
    limit = config.batch.index_rows
    failed = [{"rank": rank, "source": name, "status": status, "reason": why, "department": "", "year": "",
               "region": "", "kind": "", "pairs": [], "verdict": "" if status == "未审核" else UNREVIEWED,
               "codes": [], "severities": [], "link": "", "unit_key": "", "amount": None,
               "causes": [failure_cause(status)] if status != "未审核" else []}
              for rank, (name, status, why) in enumerate(failures, 1)]
    passed_over = sum(status == "未审核" for _, status, _ in failures)
    rows = itertools.chain(failed, ({**row, "rank": rank}
                                    for rank, row in enumerate(itertools.islice(ranked_rows, limit), len(failed) + 1)))
    all_codes = sorted(totals.codes)
    labels = {c: config.code(c).label for c in all_codes}
    charts = []
    view = as_view(batch)
    if view.n:
        charts.append(scatter([], "全部项目：执行率与自评总分", "执行率（%）", "自评总分", behind=view.background))
    if len(totals.scores) >= HISTOGRAM_MIN:
        charts.append(histogram(totals.scores, "风险评分分布", "风险评分"))
    if totals.per_code:
        charts.append(bars(totals.per_code, "各类问题数量", labels))
    return jinja_env(True).get_template("index.html.j2").generate(
        rows=rows, codes=all_codes, labels=labels, regions=sorted(totals.regions), years=sorted(totals.years),
        kinds=sorted(totals.kinds), verdicts=[APPROVE, AMEND, RETURN, UNREVIEWED], total=len(totals.scores) + len(failures) - passed_over,
        # a unit with several reports in the batch (years, or 预算 and 决算): shown together, a series to read side by side
        series=[(key, _series_label(key), n) for key, n in sorted(totals.series.items()) if n > 1],
        failed=len(failures) - passed_over, passed_over=passed_over,
        causes=_cause_counts(totals, failures),
        partial=totals.partial, charts=charts, omitted=max(0, len(totals.scores) - limit))


HISTOGRAM_MIN = 5  # reports below which a distribution of scores says nothing a glance at the table does not


def _cause_counts(totals: "IndexTotals", failures: list[tuple[str, str, str]]) -> list[tuple[str, int]]:
    """(cause, reports) of every cause found, in the order of causes.toml."""
    counts = dict(totals.causes)
    for _, status, _ in failures:
        if status != "未审核":
            counts[failure_cause(status)] = counts.get(failure_cause(status), 0) + 1
    return [(c, counts[c]) for c in cause_labels() if counts.get(c)]


def _series_label(key: str) -> str:
    unit, level, family = key.split("|")
    return f"{unit}（{level}{family}）"
