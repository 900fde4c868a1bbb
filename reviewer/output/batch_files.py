"""The batch files, from every report's results in input order: findings.jsonl, summary.csv, features.csv,
index.html and 问题清单.xlsx; and the notice that says a batch folder is unfinished until they are written."""
from __future__ import annotations

import contextlib
import io
import json
import os
from pathlib import Path
from typing import Sequence

from pandas.api.types import is_numeric_dtype

from ..errors import describe_fault
from ..marks import COMMENT_HEADER, ID_HEADER, MARK_HEADER, MARKS, REPORT_HEADER, WORKBOOK
from ..memo.index import IndexTotals, index_order, render_index_stream
from ..memo.render import SEVERITY_LABEL, XML_ILLEGAL
from ..settle import UNREVIEWED, amount_at_issue
from ..stats.features import FEATURES, ID_COLUMNS
from .files import atomic_file, csv_text, csv_writer, deterministic_zip, formula_like

# one row per input file: a report read from several files has a row for each, `part_of` naming the report
SUMMARY_COLUMNS = ["report", "part_of", "memo", "department", "year", "unit_key", "read_status", "read_issues", "verdict", "reasons",
                   "risk_score", "risk_band", "risk_score_partial", "amount_at_issue", "findings",
                   "high", "medium", "low", "projects"]


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
            self.ws.append([self._text(v) if formula_like(v) else v for v in values])
            return
        cells = []
        for v in values:
            c = WriteOnlyCell(self.ws, value=v)
            c.alignment, c.font = Alignment(wrap_text=True, vertical="top"), Font(bold=True)
            cells.append(c)
        self.ws.append(cells)

    def _text(self, value: str):
        """Formula-like text as a string cell Excel shows as text (quotePrefix): never run, read back unchanged."""
        from openpyxl.cell import WriteOnlyCell

        c = WriteOnlyCell(self.ws, value=value)
        c.data_type, c.quotePrefix = "s", True
        return c

    def unread(self, name: str, status: str, why: str) -> None:
        if status != "未审核":
            self._row(["", UNREVIEWED, name, "", "", "", status, "", None, "", why, None, "", "", "", "", "", ""])

    def report(self, summary: dict, findings: list[dict]) -> None:
        for f in findings:
            ev = f["evidence"]
            items = ev.get("items") or []
            money = ev.get("materiality") or {}
            quote = (ev.get("quotes") or [{}])[0]  # as findings.jsonl has it: {line, location, text}
            places = [i.get("location", "") for i in items] or [quote.get("location", "")]
            mark = ev.get("mark") or {}
            self._row([f.get("id", ""), summary.get("verdict", ""), f["report"], summary.get("department", ""),
                       summary.get("year", ""), "、".join(ev.get("subjects") or [f["subject"]]),
                       self.config.code(f["code"]).label, SEVERITY_LABEL[f["severity"]], amount_at_issue(ev),
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
            table = frame[columns]
            texts = [c for c in columns if not is_numeric_dtype(table[c])]  # names from the documents: no formula
            table.assign(**{c: table[c].map(csv_text) for c in texts}).to_csv(fh, index=False, float_format="%.6g",
                                                                         encoding="utf-8")
    with atomic_file(out_dir / "summary.csv", scratch) as csv_fh, atomic_file(out_dir / "index.html", scratch) as html_fh:
        summary = csv_writer(csv_fh, [*SUMMARY_COLUMNS, *config.codes, "error"])
        summary.writerows({"report": name, "read_status": status, "error": why,
                           "verdict": "" if status == "未审核" else UNREVIEWED} for name, status, why in failures)
        issues = IssueList(config)
        for name, status, why in failures:
            issues.unread(name, status, why)

        def ranked():  # the index rows in triage order; each report's summary.csv and workbook rows on their way
            for i in order:
                r = results[i]
                summary.writerows(per_file(r["summary"]))
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


def per_file(row: dict) -> list[dict]:
    """A report's summary.csv rows: one per file it was read from."""
    files = row.get("files") or []
    return [{**row, "report": f, "part_of": row["report"]} for f in files] or [row]


UNFINISHED = "审核未完成.txt"


def mark_unfinished(out_dir: Path, scratch: Path) -> None:
    """Until the batch files are written, OUT says it is unfinished, and holds no batch file of an earlier run
    that would disagree with the memos this run writes (they are moved into `scratch`)."""
    with atomic_file(out_dir / UNFINISHED, scratch) as fh:
        fh.write("本文件夹的审核尚未完成：审核正在进行，或已中断。各报告的审核意见可能只写出了一部分，"
                 "汇总文件（index.html、summary.csv、findings.jsonl、features.csv）在审核完成后才写出。\n"
                 "以同样的命令再次运行即可从中断处继续；完成后本文件自动删除。\n".encode("utf-8"))
    for name in BATCH_OUTPUTS:
        with contextlib.suppress(FileNotFoundError):
            os.rename(out_dir / name, scratch / name)


def mark_finished(out_dir: Path) -> None:
    (out_dir / UNFINISHED).unlink()
