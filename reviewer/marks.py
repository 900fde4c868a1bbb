"""The review loop: a reviewer's marks on findings (确认 / 驳回 / 待核, with a comment), kept in OUT/marks.jsonl.

A mark is made in the 复核标记 and 复核意见 columns of OUT/问题清单.xlsx, or with `reviewer mark OUT ID 驳回 --comment
…`.  The next `reviewer review … --out OUT` takes the workbook's marks in first (those newer than the file's
last change), then every memo shows its findings' marks; a rejected finding leaves the risk score and the
verdict.  A mark refers to a finding's stable id (reviewer.consolidate.finding_id), so it survives re-runs.
`reviewer mark OUT --labels FILE` turns the marks into eval labels: the eval set grows from real use.

marks.jsonl is the reviewer's own record (one line per mark, the last line for an id wins): never generated
output, never removed by a run, not even by --fresh.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from datetime import datetime, timezone
from pathlib import Path

from .errors import MarkError
from .inputs import visible

MARKS_FILE = "marks.jsonl"
WORKBOOK = "问题清单.xlsx"
MARKS = ("确认", "驳回", "待核")
ID_HEADER, REPORT_HEADER, MARK_HEADER, COMMENT_HEADER = "编号", "报告", "复核标记", "复核意见"


def _latest(out: Path) -> dict[str, dict]:
    """id → the last line of OUT/marks.jsonl about it (a cleared mark too: its `mark` is "")."""
    marks: dict[str, dict] = {}
    path = Path(out) / MARKS_FILE
    if path.is_file():
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
            except json.JSONDecodeError:
                raise MarkError(f"{path} 第 {n} 行不是有效的 JSON，请更正或删除该行") from None
            marks[d["id"]] = d
    return marks


def load(out: Path) -> dict[str, dict]:
    """id → {mark, comment, report, at} of every finding marked in OUT (a cleared mark is left out)."""
    return {k: v for k, v in _latest(out).items() if v.get("mark")}


def by_report(marks: dict[str, dict]) -> dict[str, dict[str, dict]]:
    out: dict[str, dict[str, dict]] = {}
    for fid, m in marks.items():
        out.setdefault(m.get("report", ""), {})[fid] = {"mark": m["mark"], "comment": m.get("comment", "")}
    return out


def digest(report_marks: dict[str, dict] | None) -> str:
    """Part of a memo's reuse key: a memo is written again when its report's marks change."""
    if not report_marks:
        return ""
    return hashlib.sha256(json.dumps(report_marks, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:12]


def record(out: Path, entries: list[dict]) -> None:
    """Append marks ({id, report, mark, comment, at, via}) to OUT/marks.jsonl."""
    if not entries:
        return
    Path(out).mkdir(parents=True, exist_ok=True)
    with open(Path(out) / MARKS_FILE, "a", encoding="utf-8") as fh:
        for e in entries:
            fh.write(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


STAMP = "%Y-%m-%dT%H:%M:%S.%fZ"  # to the microsecond: a mark and a workbook saved in the same second are ordered


def _now() -> str:
    return datetime.now(timezone.utc).strftime(STAMP)


def mark(out: Path, fid: str, value: str, comment: str = "") -> dict:
    """`reviewer mark OUT ID 确认|驳回|待核|清除`: the finding must be one of OUT's (a typo is an error, not a mark)."""
    if value not in (*MARKS, "清除"):
        raise MarkError(f"复核标记只能是 {'、'.join(MARKS)} 或 清除（现为 {value!r}）")
    finding = _findings(out).get(fid)
    if finding is None:
        raise MarkError(f"{out} 的 findings.jsonl 中没有编号为 {fid} 的问题（编号见审核意见或问题清单.xlsx）")
    entry = {"id": fid, "report": finding["report"], "mark": "" if value == "清除" else value,
             "comment": comment, "at": _now(), "via": "reviewer mark"}
    record(out, [entry])
    return entry


def absorb_workbook(out: Path) -> tuple[int, list[str]]:
    """The marks made in OUT/问题清单.xlsx since it was written, recorded in marks.jsonl: how many changed, and
    what could not be taken (a row by row account, in Chinese; the review goes on whatever the workbook holds).

    A mark belongs to the finding its 编号 names, whatever the row's 报告 cell says (an edited cell files nothing
    elsewhere); an 编号 no finding of OUT has, or a mark that is none of 确认/驳回/待核, is skipped and said.  A workbook
    mark wins over marks.jsonl when the workbook was saved after that mark was recorded (a later `reviewer mark`
    wins over an older workbook)."""
    book = Path(out) / WORKBOOK
    if not book.is_file():
        return 0, []
    saved = datetime.fromtimestamp(book.stat().st_mtime, timezone.utc).strftime(STAMP)
    known = _latest(out)
    path = Path(out) / "findings.jsonl"
    findings = _findings(out) if path.is_file() else {}
    changed, problems = [], []
    try:
        rows = list(_workbook_marks(book))
    except MarkError as exc:
        return 0, [str(exc)]
    for n, fid, value, comment in rows:
        if fid not in findings:
            problems.append(f"{WORKBOOK} 第 {n} 行：编号“{_shown(fid)}”不是本次输出中任何问题的编号，该行复核标记未读入")
            continue
        if value and value not in MARKS:
            problems.append(f"{WORKBOOK} 第 {n} 行：复核标记“{_shown(value)}”无效（只能是 {'、'.join(MARKS)}），该行未读入")
            continue
        old = known.get(fid, {})
        if (old.get("mark", ""), old.get("comment", "")) == (value, comment) or old.get("at", "") >= saved:
            continue
        changed.append({"id": fid, "report": findings[fid].get("report", ""), "mark": value, "comment": comment,
                        "at": saved, "via": WORKBOOK})
    record(out, changed)
    return len(changed), problems


def _shown(text: str) -> str:
    return visible(text[:40])


def _workbook_marks(book: Path):
    """(row number, 编号, 复核标记, 复核意见) of every row with an 编号.  A cell typed as a formula of text (="驳回")
    counts as its text; a comment the workbook holds as text is taken as it is, a leading "=" included."""
    import openpyxl  # here: only a batch with a workbook pays the import

    try:
        wb = openpyxl.load_workbook(book, read_only=True, data_only=False)
    except Exception as exc:  # a workbook the reviewer broke must not stop the review; say so
        raise MarkError(f"无法读取 {book}（{type(exc).__name__}）：复核标记未能读入；请修复或删除该文件后重试") from None
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows()
        header = [str(c.value or "").strip() for c in next(rows, ())]
        try:
            at = [header.index(h) for h in (ID_HEADER, MARK_HEADER, COMMENT_HEADER)]
        except ValueError:
            raise MarkError(f"{book} 的第一行缺少“{ID_HEADER}”“{MARK_HEADER}”等列：复核标记未能读入") from None
        for n, row in enumerate(rows, 2):
            fid, value, comment = (_cell_text(row[i]) if i < len(row) else "" for i in at)
            if fid:
                yield n, fid, value, comment
    finally:
        wb.close()


def _cell_text(cell) -> str:
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    text = str(value).strip()
    if getattr(cell, "data_type", "") == "f":  # ="驳回": a formula whose result is that text
        quoted = re.fullmatch(r'=\s*"((?:[^"]|"")*)"\s*', text)
        return quoted.group(1).replace('""', '"').strip() if quoted else ""
    return text


def _findings(out: Path) -> dict[str, dict]:
    path = Path(out) / "findings.jsonl"
    if not path.is_file():
        raise MarkError(f"{out} 中没有 findings.jsonl：请先运行 reviewer review … --out {out}")
    found = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            found[d.get("id", "")] = d
    return found


def labels(out: Path) -> list[dict]:
    """Eval labels from OUT's marks: 确认 → a label per subject of the finding, 驳回 → a rejected label (a false
    alarm), 待核 and the unmarked findings of a marked report → unsure (counted neither way)."""
    marks = load(out)
    marked_reports = {m["report"] for m in marks.values()}
    out_labels = []
    for fid, f in sorted(_findings(out).items()):
        if f["report"] not in marked_reports:
            continue
        m = marks.get(fid, {})
        kind = {"确认": {}, "驳回": {"rejected": True}}.get(m.get("mark", ""), {"unsure": True})
        subjects = f["evidence"].get("subjects") or [f["subject"]]
        for s in subjects:
            out_labels.append({"report": f["report"], "subject": s, "code": f["code"], **kind,
                               "note": m.get("comment") or f"复核标记：{m.get('mark') or '未标记'}（编号 {fid}）"})
    return out_labels


def write_labels(out: Path, path: Path) -> int:
    """The labels of `labels(out)` as a JSONL file `reviewer eval` reads; how many."""
    rows = labels(out)
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in rows), encoding="utf-8")
    return len(rows)
