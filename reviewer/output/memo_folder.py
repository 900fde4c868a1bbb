"""One report's memo folder: memo.md, memo.html, memo.docx, findings.json (and scatter.svg), written together
or not at all; returns what the batch files need of the report."""
from __future__ import annotations

import json
from pathlib import Path

from ..memo.annotate import marked_copies
from ..memo.evidence import EVIDENCE_DIR, gather
from ..memo.index import index_row, summary_row
from ..memo.render import render_memo
from ..model import to_jsonable
from .files import atomic_folder, write_text

def findings_payload(rv, findings: list[dict]) -> dict:
    """DIR/<report>/findings.json: the reading status, what was not checked, the findings and the risk."""
    r = rv.report
    return {
        "report": r.source, "department": r.department, "year": r.year,
        "read_status": r.status, "read_issues": [to_jsonable(i) for i in r.issues],
        "not_judged": [to_jsonable(i) for i in rv.unjudged],
        "not_checked": rv.suppressed,
        "verdict": rv.verdict.label, "verdict_reasons": rv.verdict.reasons,
        "risk_score": rv.risk.shown, "risk_band": rv.risk.band, "risk_score_partial": rv.risk.score, "profile": rv.profile, "rules": rv.rules,
        "narrative_backend": rv.narrative_backend, "notes": rv.notes, "narrative_stats": rv.narrative_stats,
        "dropped_claims": rv.dropped_claims, "faults": rv.faults,
        "risk_contributions": [{"id": f.id, "code": f.code, "subject": f.subject, "points": pts}
                               for f, pts in rv.risk.contributions],
        "findings": findings,  # rv.findings as dicts
    }


def write_review_files(rv, config, view, out_dir: Path, scratch: Path, name: str, sources: dict | None = None) -> dict:
    """DIR/<report>/{memo.md, memo.html, memo.docx, findings.json, scatter.svg, evidence/*.png, 标注.pdf};
    returns what the batch files need of this report: its summary.csv row, its index row, its findings.jsonl
    lines.  `sources`: the report's files by the name its locations give them (None: its only file), for the
    crops and the annotated copy ([batch] evidence); without them a memo shows the rows about each place."""
    sources = (sources or {}) if config.batch.evidence else {}
    exhibits = gather(rv.findings, sources)
    md, html, svg, docx = render_memo(rv, config, view, exhibits)
    labels = {f.code: config.code(f.code).label for f in rv.findings}
    copies = marked_copies(rv.findings, labels, exhibits, sources) if sources else {}
    findings = [f.to_dict() for f in rv.findings]
    with atomic_folder(out_dir / name, scratch) as folder:
        write_text(folder / "memo.md", md)
        write_text(folder / "memo.html", html)
        (folder / "memo.docx").write_bytes(docx)
        crops = [x for xs in exhibits.values() for x in xs if x.image]
        if crops:
            (folder / EVIDENCE_DIR).mkdir()
            for x in crops:
                (folder / EVIDENCE_DIR / x.name).write_bytes(x.image)
        for file_name, data in copies.items():
            (folder / file_name).write_bytes(data)
        if svg:
            write_text(folder / "scatter.svg", svg + "\n")
        write_text(folder / "findings.json", json.dumps(findings_payload(rv, findings), ensure_ascii=False, indent=1) + "\n")
    return {"summary": {**summary_row(rv, list(config.codes)), "memo": f"{name}/memo.html"},
            "index": index_row(rv, config, f"{name}/memo.html"),
            "findings": [json.dumps(f, ensure_ascii=False) for f in findings]}
