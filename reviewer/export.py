"""Every file the tool writes, in one place: extraction output (one JSON per report, CSVs for spreadsheets)
and review output (a memo folder per report, then the batch files: findings.jsonl, summary.csv,
features.csv, index.html).

CSV files are written as UTF-8 with a BOM so that Excel opens the Chinese text correctly.  Files are written
whole or not at all (a temporary name, then a rename), so a batch killed at any moment leaves no half file.
"""
from __future__ import annotations

import contextlib
import csv
import io
import itertools
import json
import os
import re
import shutil
import zipfile
from pathlib import Path
from typing import Iterable, Sequence

from .errors import describe_fault
from .inspect import amount_share
from .marks import COMMENT_HEADER, ID_HEADER, MARK_HEADER, MARKS, REPORT_HEADER, WORKBOOK
from .memo.render import (SEVERITY_LABEL, XML_ILLEGAL, IndexTotals, index_order, index_row, render_index_stream, render_memo,
                          summary_row, zip_entry)
from .model import Indicator, Project, Report, to_jsonable
from .settle import UNREVIEWED, first_quote
from .stats.features import FEATURES, ID_COLUMNS

PROJECT_COLUMNS = [
    "report", "project", "department", "implementer", "year", "unit",
    "budget_initial", "budget_full", "allocated", "executed", "execution_rate",
    "execution_weight", "execution_score", "total_weight", "total_score", "grade",
    "indicators", "blank_template", "line",
]
INDICATOR_COLUMNS = [
    "report", "project", "level1", "level2", "level3", "operator",
    "target_raw", "target_value", "target_unit", "actual_raw", "actual_value", "actual_unit",
    "weight", "score", "deviation", "line",
]


def report_json(report: Report) -> dict:
    data = to_jsonable(report)
    data["line_count"] = len(report.lines)
    return data


def write_report_json(report: Report, path: Path) -> None:
    path.write_text(json.dumps(report_json(report), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _num(v) -> float | str:
    return v.number if v is not None and v.number is not None else ""


def project_row(report: Report, p: Project, blank: bool = False) -> dict:
    t = p.funds.total
    return {
        "report": report.source,
        "project": p.name,
        "department": p.department or report.department,
        "implementer": p.implementer,
        "year": p.year or report.year or "",
        "unit": p.funds.unit or p.unit,
        "budget_initial": _num(t.budget_initial) if t else "",
        "budget_full": _num(t.budget_full) if t else "",
        "allocated": _num(t.allocated) if t else "",
        "executed": _num(t.executed) if t else "",
        "execution_rate": _num(t.rate) if t else "",
        "execution_weight": _num(t.weight) if t else "",
        "execution_score": _num(t.score) if t else "",
        "total_weight": _num(p.total_weight),
        "total_score": _num(p.total_score),
        "grade": p.grade.raw if p.grade else "",
        "indicators": len(p.indicators),
        "blank_template": "yes" if blank else "",
        "line": p.line or "",
    }


def indicator_row(report: Report, subject: str, ind: Indicator) -> dict:
    return {
        "report": report.source,
        "project": subject,
        "level1": ind.level1,
        "level2": ind.level2,
        "level3": ind.level3,
        "operator": ind.op,
        "target_raw": ind.target.raw,
        "target_value": _num(ind.target),
        "target_unit": ind.target.unit or ind.unit,
        "actual_raw": ind.actual.raw,
        "actual_value": _num(ind.actual),
        "actual_unit": ind.actual.unit or ind.unit,
        "weight": _num(ind.weight),
        "score": _num(ind.score),
        "deviation": ind.deviation.text,
        "line": ind.line or "",
    }


def project_rows(report: Report) -> list[dict]:
    rows = [project_row(report, p) for p in report.projects]
    rows += [project_row(report, p, blank=True) for p in report.blank_templates]
    return sorted(rows, key=lambda r: (r["line"] or 0))


def indicator_rows(report: Report) -> list[dict]:
    rows = [indicator_row(report, p.name, i) for p in report.projects for i in p.indicators]
    if report.department_part:
        rows += [indicator_row(report, "部门整体", i) for i in report.department_part.indicators]
    return rows


@contextlib.contextmanager
def atomic_file(path: Path, scratch: Path | None = None):
    """A binary file handle whose file appears at `path` whole when the block ends, or not at all.  The file is
    written first in `scratch` (by default beside `path`; the same file system), where a killed process leaves
    its half-written files for the next run to clear."""
    tmp = (scratch or path.parent) / f".{path.name}.{os.getpid()}.tmp"
    try:
        with open(tmp, "wb") as fh:
            yield fh
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)


@contextlib.contextmanager
def atomic_folder(path: Path, scratch: Path):
    """A new folder whose files appear at `path` together when the block ends, or not at all.  A folder already
    at `path` is replaced whole (no file of an earlier run is left beside the new ones) and moved into `scratch`,
    which the batch removes when it has written everything: ext4 without a journal (this project's machines)
    makes every new file step over the inodes freed in the last seconds, so deleting while creating costs
    time that grows with the batch."""
    tmp = scratch / f".{path.name}.{os.getpid()}.new"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    try:
        os.rename(path, scratch / f".replaced.{os.getpid()}.{next(_REPLACED)}")
    except FileNotFoundError:
        pass
    os.rename(tmp, path)


_REPLACED = itertools.count()


def _write(path: Path, text: str) -> None:
    with open(path, "wb") as fh:
        fh.write(text.encode("utf-8"))


def write_csv(path: Path, columns: list[str], rows: Iterable[dict]) -> None:
    with atomic_file(path) as fh:
        _csv_writer(fh, columns).writerows(rows)


def _csv_writer(fh, columns: list[str]) -> csv.DictWriter:
    """A CSV writer into a binary file: UTF-8 with a BOM, so that Excel opens the Chinese text correctly."""
    fh.write("\ufeff".encode("utf-8"))
    text = _Utf8(fh)
    writer = csv.DictWriter(text, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    return writer


class _Utf8:
    """Text written into a binary file as UTF-8 (csv writes through its `write`)."""

    def __init__(self, fh) -> None:
        self.fh = fh

    def write(self, text: str) -> int:
        return self.fh.write(text.encode("utf-8"))


# --- review output ----------------------------------------------------------------------------------

SUMMARY_COLUMNS = ["report", "memo", "department", "year", "read_status", "read_issues", "verdict", "reasons",
                   "risk_score", "risk_band", "findings",
                   "high", "medium", "low", "projects"]


def findings_payload(rv, findings: list[dict]) -> dict:
    """DIR/<report>/findings.json: the reading status, what was not checked, the findings and the risk."""
    r = rv.report
    return {
        "report": r.source, "department": r.department, "year": r.year,
        "read_status": r.status, "read_issues": [to_jsonable(i) for i in r.issues],
        "not_judged": [to_jsonable(i) for i in rv.unjudged],
        "not_checked": rv.suppressed,
        "verdict": rv.verdict.label, "verdict_reasons": rv.verdict.reasons,
        "risk_score": rv.risk.score, "risk_band": rv.risk.band, "profile": rv.profile, "rules": rv.rules,
        "narrative_backend": rv.narrative_backend, "notes": rv.notes, "narrative_stats": rv.narrative_stats,
        "dropped_claims": rv.dropped_claims, "faults": rv.faults,
        "risk_contributions": [{"id": f.id, "code": f.code, "subject": f.subject, "points": pts}
                               for f, pts in rv.risk.contributions],
        "findings": findings,  # rv.findings as dicts
    }


def write_review_files(rv, config, view, out_dir: Path, scratch: Path, name: str) -> dict:
    """DIR/<report>/{memo.md, memo.html, findings.json, scatter.svg}; returns what the batch files need of this
    report: its summary.csv row, its index row, its findings.jsonl lines."""
    md, html, svg, docx = render_memo(rv, config, view)
    findings = [f.to_dict() for f in rv.findings]
    with atomic_folder(out_dir / name, scratch) as folder:
        _write(folder / "memo.md", md)
        _write(folder / "memo.html", html)
        (folder / "memo.docx").write_bytes(docx)
        if svg:
            _write(folder / "scatter.svg", svg + "\n")
        _write(folder / "findings.json", json.dumps(findings_payload(rv, findings), ensure_ascii=False, indent=1) + "\n")
    return {"summary": {**summary_row(rv, list(config.codes)), "memo": f"{name}/memo.html"},
            "index": index_row(rv, config, f"{name}/memo.html"),
            "findings": [json.dumps(f, ensure_ascii=False) for f in findings]}


BATCH_OUTPUTS = ("findings.jsonl", "summary.csv", "features.csv", "index.html", WORKBOOK)  # what write_batch_files writes

# 问题清单.xlsx: one row per finding, the reviewer's mark and comment in the last two columns (reviewer.marks)
ISSUE_COLUMNS = [("序号", 6), (ID_HEADER, 12), ("审核结论", 14), (REPORT_HEADER, 30), ("单位", 24), ("年度", 7),
                 ("项目", 28), ("问题类型", 22), ("严重程度", 9), ("涉及金额（万元）", 12), ("金额重大", 9),
                 ("说明", 60), ("处数", 6), ("位置", 24), ("原文", 50), ("依据", 24), ("建议向单位询问", 40),
                 (MARK_HEADER, 10), (COMMENT_HEADER, 30)]
EXCEL_ROWS = 1_048_575  # a sheet holds no more; the rest is in findings.jsonl (said in the last row)


class IssueList:
    """问题清单.xlsx, written a row at a time (openpyxl's write-only mode: bounded memory at any batch size)."""

    def __init__(self, config) -> None:
        import openpyxl
        from openpyxl.worksheet.datavalidation import DataValidation

        self.config, self.rows = config, 0
        self.wb = openpyxl.Workbook(write_only=True)
        self.ws = self.wb.create_sheet("问题清单")
        self.ws.freeze_panes = "A2"
        for k, (_, width) in enumerate(ISSUE_COLUMNS):
            self.ws.column_dimensions[_letter(k)].width = width
        self.validation = DataValidation(type="list", formula1='"' + ",".join(MARKS) + '"', allow_blank=True,
                                         errorTitle="复核标记", error="请选择 确认、驳回 或 待核")
        self.ws.data_validations.append(self.validation)
        self._append([name for name, _ in ISSUE_COLUMNS], bold=True)

    def _append(self, values: list, bold: bool = False) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font

        # a control character (a form feed from a PDF's text, a damaged byte) is no character of a worksheet
        values = [XML_ILLEGAL.sub("", v) if isinstance(v, str) else v for v in values]
        if not bold:  # plain values: a styled cell costs openpyxl a style lookup, 6 ms a report at 19 columns
            self.ws.append(values)
            return
        cells = []
        for v in values:
            c = WriteOnlyCell(self.ws, value=v)
            c.alignment, c.font = Alignment(wrap_text=True, vertical="top"), Font(bold=True)
            cells.append(c)
        self.ws.append(cells)

    def unread(self, name: str, status: str, why: str) -> None:
        if status != "未审核":
            self._row(["", UNREVIEWED, name, "", "", "", status, "", None, "", why, None, "", "", "", "", "", ""])

    def report(self, summary: dict, findings: list[dict]) -> None:
        for f in findings:
            ev = f["evidence"]
            items = ev.get("items") or []
            money = ev.get("materiality") or {}
            quote = first_quote(ev)
            places = [i.get("location", "") for i in items] or [quote.get("location", "")]
            mark = ev.get("mark") or {}
            self._row([f.get("id", ""), summary.get("verdict", ""), f["report"], summary.get("department", ""),
                       summary.get("year", ""), "、".join(ev.get("subjects") or [f["subject"]]),
                       self.config.code(f["code"]).label, SEVERITY_LABEL[f["severity"]], money.get("amount"),
                       "是" if money.get("level") == "major" else "", f["message"], len(items) or 1,
                       "、".join(p for p in places if p), quote.get("text", ""),
                       self.config.rule_label(ev["rule"]) if ev.get("rule") else "", ev.get("ask", ""),
                       mark.get("mark", ""), mark.get("comment", "")])

    def _row(self, values: list) -> None:
        if self.rows >= EXCEL_ROWS - 2:
            if self.rows == EXCEL_ROWS - 2:
                self._append([None, "", "", "", "", "", "", "", "", None, "", "工作表已满：其余问题见同一文件夹的 findings.jsonl"])
                self.rows += 1
            return
        self.rows += 1
        self._append([self.rows, *values])

    def save(self, fh) -> None:
        last = _letter(len(ISSUE_COLUMNS) - 1)
        self.ws.auto_filter.ref = f"A1:{last}{self.rows + 1}"
        mark_col = _letter(len(ISSUE_COLUMNS) - 2)
        self.validation.add(f"{mark_col}2:{mark_col}{max(2, self.rows + 1)}")
        buf = io.BytesIO()
        self.wb.save(buf)
        fh.write(deterministic_zip(buf.getvalue()))


def _letter(k: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(k + 1)


_W3CDTF = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def deterministic_zip(data: bytes) -> bytes:
    """An Office file with its clock removed (zip entry times, created/modified): the same review, the same
    bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _W3CDTF.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", body)
            zip_entry(dst, info.filename, body)
    return out.getvalue()


def write_batch_files(out_dir: Path, results: Sequence[dict], failures: list[tuple[str, str, str]], frame, config,
                      view, scratch: Path | None = None) -> dict:
    """DIR/findings.jsonl, summary.csv, features.csv and index.html from each report's results (input order).

    `results` may read each report's results from disk on access: it is gone through twice (findings in
    input order, then summary and index rows in triage order), holding one report's results at a time."""
    keys, totals, findings, faulted = [], IndexTotals(), 0, 0
    with atomic_file(out_dir / "findings.jsonl", scratch) as fh:
        for i in range(len(results)):
            r = results[i]
            fh.write("".join(line + "\n" for line in r["findings"]).encode("utf-8"))
            findings += len(r["findings"])
            faulted += bool(r["summary"]["error"])
            totals.add(r["index"])
            keys.append((index_order(r["index"]), i))
    order = [i for _, i in sorted(keys)]
    columns = [c for c in ID_COLUMNS + FEATURES if frame is not None and c in frame.columns]
    with atomic_file(out_dir / "features.csv", scratch) as fh:
        fh.write("\ufeff".encode("utf-8"))
        if frame is not None:
            frame[columns].to_csv(fh, index=False, float_format="%.6g", encoding="utf-8")
    with atomic_file(out_dir / "summary.csv", scratch) as csv_fh, atomic_file(out_dir / "index.html", scratch) as html_fh:
        summary = _csv_writer(csv_fh, [*SUMMARY_COLUMNS, *config.codes, "error"])
        summary.writerows({"report": name, "read_status": status, "error": why,
                           "verdict": "" if status == "未审核" else UNREVIEWED} for name, status, why in failures)
        issues = IssueList(config)
        for name, status, why in failures:
            issues.unread(name, status, why)

        def ranked():  # the index rows in triage order; each report's summary.csv and workbook rows on their way
            for i in order:
                r = results[i]
                summary.writerow(r["summary"])
                try:
                    issues.report(r["summary"], [json.loads(line) for line in r["findings"]])
                except Exception as exc:  # one report's rows must not cost the batch its workbook
                    issues.unread(r["summary"]["report"], "程序错误",
                                  f"该报告的问题未能写入问题清单（{describe_fault(exc)}），见其审核意见和 findings.jsonl")
                yield r["index"]

        rows = ranked()
        for chunk in render_index_stream(rows, failures, totals, config, view):
            html_fh.write(chunk.encode("utf-8"))
        for _ in rows:  # the reports the index does not list: their summary.csv rows
            pass
    with atomic_file(out_dir / WORKBOOK, scratch) as fh:
        issues.save(fh)
    return {"reports": len(results), "findings": findings, "partial": totals.partial, "faulted": faulted}


def write_extraction(outcomes: list, out_dir: Path) -> dict:
    """DIR/<report>.json for each report, DIR/projects.csv, DIR/indicators.csv, DIR/errors.csv, from the
    pipeline's outcomes (each a report, or the reason it could not be read)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    projects, indicators, errors = [], [], []
    amounts = [0, 0]
    for o in outcomes:
        if o.report is None:
            errors.append({"report": o.name, "error": f"未能读取：{o.error}"})
            continue
        write_report_json(o.report, out_dir / f"{o.name}.json")
        projects += project_rows(o.report)
        indicators += indicator_rows(o.report)
        got, printed = amount_share(o.report)
        amounts[0] += got
        amounts[1] += printed
        for issue in o.report.issues:
            errors.append({"report": o.name, "error": f"部分读取：{issue}"})
        for w in o.report.warnings:
            errors.append({"report": o.name, "error": f"提示：{w}"})
    write_csv(out_dir / "projects.csv", PROJECT_COLUMNS, projects)
    write_csv(out_dir / "indicators.csv", INDICATOR_COLUMNS, indicators)
    write_csv(out_dir / "errors.csv", ["report", "error"], errors)
    return {
        "reports": sum(o.report is not None for o in outcomes),
        "failed": sum(o.report is None for o in outcomes),
        "projects": sum(1 for r in projects if not r["blank_template"]),
        "blank_templates": sum(1 for r in projects if r["blank_template"]),
        "indicators": len(indicators),
        "partial": sum(o.report is not None and not o.report.complete for o in outcomes),
        "amounts_read": amounts[0],
        "amounts": amounts[1],
    }
