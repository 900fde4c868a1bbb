"""What was read: a document's blocks with their locations, what each part became, and the share of its
printed amounts that were read as numbers.

    from reviewer.inspect import inspect_text, reading_summary
    print(inspect_text("report.pdf"))
"""
from __future__ import annotations

import re
from pathlib import Path

from .errors import ExtractionError
from .extract import extract
from .model import Report, to_jsonable
from .read import Document, read
from .read.document import FORMAT_LABEL, LAYOUT_LABEL
from .read.text import front_matter_end

# Amounts as a document prints them: thousands separators or decimals, not percentages (the measure of
# ../shared/tools/amount_coverage.py, so the two agree).
AMOUNT_RE = re.compile(r"(?<![\d.,])(?:\d{1,3}(?:,\d{3})+(?:\.\d{1,4})?|\d+\.\d{1,4})(?![\d.,]*\s*[%％])(?![\d.])")
FIGURE_LABEL = {"amount": "金额", "percent": "百分比", "count": "人数/个数", "score": "分数", "grade": "等级",
                "number": "其他数"}
KIND_LABEL = {"text": "文字", "table": "表格", "furniture": "页码"}


def printed_amounts(lines: list[str]) -> set[float]:
    return {round(float(m.replace(",", "")), 2) for line in lines for m in AMOUNT_RE.findall(line)}


def read_numbers(report: Report) -> set[float]:
    found: set[float] = set()

    def walk(o) -> None:
        if isinstance(o, dict):
            for v in o.values():
                walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)
        elif isinstance(o, (int, float)) and not isinstance(o, bool) and o == o:
            found.add(round(float(o), 2))

    walk(to_jsonable(report))
    return found


def amount_share(report: Report) -> tuple[int, int]:
    """(printed amounts read as numbers, printed amounts) of a report."""
    printed = printed_amounts(report.lines[front_matter_end(report.lines):])  # a collector's header is not content
    return len(printed & read_numbers(report)), len(printed)


def _size(fmt: str, pages: int, sep: str = "，") -> str:
    unit = {"pdf": "页", "xlsx": "个工作表", "xls": "个工作表"}.get(fmt)
    return FORMAT_LABEL.get(fmt, fmt) + (f"{sep}{pages} {unit}" if unit and pages else "")


def reading_summary(report: Report) -> str:
    """One line per document for `reviewer extract`: format, status, what was read, amount share."""
    return f"{_size(report.format, report.pages, ' ')}，{report.status}；{content_summary(report)}"


def content_summary(report: Report) -> str:
    """Projects, indicators, department part, 决算 tables with their rows, and the share of amounts read."""
    parts = []
    if report.projects or report.blank_templates:
        n_ind = sum(len(p.indicators) for p in report.projects)
        parts.append(f"项目支出绩效自评表 {len(report.projects)} 张（指标 {n_ind} 项）"
                     + (f"，空白模板 {len(report.blank_templates)} 张" if report.blank_templates else ""))
    if report.department_part:
        d = report.department_part
        parts.append(f"部门整体自评（章节 {len(d.sections)}，指标 {len(d.indicators)}，重点任务 {len(d.key_tasks)}）")
    if report.accounts:
        tables = "、".join(f"{t.title} {'未读取' if t.unread else f'{len(t.frame)} 行'}" for t in report.accounts)
        parts.append(f"{report.accounts_label} {len(report.accounts)} 张（{tables}）")
    got, printed = amount_share(report)
    share = f"金额读取 {got}/{printed}（{got / printed:.0%}）" if printed else "未印有金额"
    return "；".join(parts + [share])


def _preview(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _row_text(row) -> str:
    return " │ ".join(c.text.replace("\n", " ") for c in row.cells if c.text.strip())


def document_lines(doc: Document, rows_per_block: int = 3) -> list[str]:
    out = [f"== 文档：{len(doc.blocks)} 个块，{len(doc.rows())} 行"]
    for k, b in enumerate(doc.blocks, 1):
        shape = f"{len(b.rows)} 行" + (f" × {b.columns} 列" if b.kind == "table" else "")
        layout = LAYOUT_LABEL.get(b.layout, b.layout)
        note = f"，{b.note}" if b.note else ""
        out.append(f"[{k}] {KIND_LABEL.get(b.kind, b.kind)} {b.loc or ''} · {shape}（{layout}{note}）")
        shown = b.rows if rows_per_block < 0 else b.rows[:rows_per_block]
        for row in shown:
            where = row.cells[0].loc if row.cells else ""
            out.append(f"      {where}：{_preview(_row_text(row), 100)}")
        if len(shown) < len(b.rows):
            out.append(f"      …（另有 {len(b.rows) - len(shown)} 行）")
    return out


def parts_lines(report: Report) -> list[str]:
    """What each part of the document became, in document order."""
    items: list[tuple[int, str]] = []
    for p in report.projects + report.blank_templates:
        t = p.funds.total
        what = (f"项目支出绩效自评表“{p.name}”：项目资金 {len(p.funds.rows())} 行，指标 {len(p.indicators)} 项，"
                f"总分 {p.total_score.raw or '（空）'}，等级 {p.grade.raw or '（空）'}"
                + (f"，执行率 {t.rate.raw}" if t is not None and t.rate else "")) if p.name else "空白的项目支出绩效自评表"
        if p.incomplete:
            what += f"（不完整：{p.incomplete}）"
        items.append((p.line or 0, f"{report.location(p.line)} {what}"))
    for t in report.accounts:
        what = (f"未能读取（{t.unread}）" if t.unread else
                f"{len(t.frame)} 行，{len(t.value_columns)} 列数字" + (f"，单位 {t.unit}" if t.unit else ""))
        items.append((t.line or 0, f"{report.location(t.line)} {t.family}表“{t.title}”：{what}"))
    d = report.department_part
    if d:
        items.append((d.line or 0, f"{report.location(d.line)} 部门整体支出绩效自评：章节 {len(d.sections)}，"
                                   f"重点工作任务 {len(d.key_tasks)}，预算资金 {len(d.funds)} 行，指标 {len(d.indicators)} 项"))
    if report.prose:
        first = report.prose[0].text.line or 0
        figures = [f for p in report.prose for f in p.figures]
        kinds = "、".join(f"{FIGURE_LABEL.get(k, k)} {n}" for k, n in
                         sorted({k: sum(1 for f in figures if f.kind == k) for k in {f.kind for f in figures}}.items()))
        items.append((first, f"{report.location(first)} 文字说明：{len(report.prose)} 段，数字 {len(figures)} 个"
                             + (f"（{kinds}）" if kinds else "")))
    head = [f"== 识别结果（文件类型：{report.kind}）" if report.kind else "== 识别结果"]
    return head + [text for _, text in sorted(items)] if items else head + ["（无）"]


def inspect_text(path: str | Path, rows_per_block: int = 3, cache: bool = True) -> str:
    """The document model of a file and what extraction made of it, as text for a person."""
    doc = read(path, cache=cache)
    head = [f"文件：{doc.source}（{_size(doc.format, doc.pages)}）"]
    try:
        report = extract(doc)
    except ExtractionError as exc:
        return "\n".join(head + [f"读取状态：未能读取：{exc}"] + document_lines(doc, rows_per_block)) + "\n"
    out = head + [f"读取状态：{report.status}", f"读取内容：{content_summary(report)}"]
    out += document_lines(doc, rows_per_block) + parts_lines(report)
    if report.issues:
        out += ["== 未能读取"] + [f"- {i}" for i in report.issues]
    if report.warnings:
        out += ["== 提取提示"] + [f"- {w}" for w in report.warnings]
    return "\n".join(out) + "\n"
