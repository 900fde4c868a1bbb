"""Issue 23, families 3–5: text from documents, file names and reviewers never acts in an output — no live formula in
a workbook or CSV, no raw control or direction character in a text output or on the terminal — and the marks a
reviewer types into 问题清单.xlsx come back as typed, filed by finding id, the bad rows said and skipped."""
from __future__ import annotations

import csv
import json
import shutil

import openpyxl
import pytest

from reviewer.config import load_config
from reviewer.marks import COMMENT_HEADER, ID_HEADER, MARK_HEADER, REPORT_HEADER, WORKBOOK
from reviewer.pipeline import run_batch

from conftest import seed_path

FORMULA_NAME = '=HYPERLINK("http:evil.example","click").txt'
CONTROL_NAME = "a\x1b]0;pwned\x07b\rc\u202etxt.exe.txt"


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("names")
    (folder / "in").mkdir()
    text = seed_path("003").read_text(encoding="utf-8")
    (folder / "in" / FORMULA_NAME).write_text(text, encoding="utf-8")
    (folder / "in" / CONTROL_NAME).write_text(text, encoding="utf-8")
    out = folder / "out"
    summary = run_batch(sorted((folder / "in").iterdir()), out, load_config(), jobs=1, quiet=True)
    return folder, out, summary


def test_a_name_that_is_a_formula_is_text_in_the_workbook_and_the_csv_files(batch):
    _, out, _ = batch
    ws = openpyxl.load_workbook(out / WORKBOOK).worksheets[0]
    header = [c.value for c in ws[1]]
    reports = [row[header.index(REPORT_HEADER)] for row in ws.iter_rows(min_row=2)]
    named = [c for c in reports if c.value == FORMULA_NAME]
    assert named and all(c.data_type == "s" and c.quotePrefix for c in named)  # its value unchanged, shown as text
    rows = list(csv.DictReader((out / "summary.csv").open(encoding="utf-8-sig")))
    assert "'" + FORMULA_NAME in {r["report"] for r in rows}  # OWASP: a leading apostrophe in a CSV
    features = (out / "features.csv").read_text(encoding="utf-8-sig")
    assert "\n=" not in features and ",=" not in features


def test_control_and_direction_marks_in_a_name_are_shown_never_acted_on(batch):
    _, out, _ = batch
    for path in [out / "summary.csv", out / "index.html", *out.glob("*/memo.md"), *out.glob("*/memo.html")]:
        body = path.read_text(encoding="utf-8-sig")
        assert not any(ch in body for ch in "\x1b\x07\u202e"), path
        assert "\r" not in body.replace("\r\n", ""), path
    rows = {r["report"] for r in csv.DictReader((out / "summary.csv").open(encoding="utf-8-sig"))}
    assert "a\\x1b]0;pwned\\x07b\\x0dc\\u202etxt.exe.txt" in rows


def test_marks_typed_in_the_workbook_come_back_as_typed_and_bad_rows_are_said(batch, tmp_path):
    folder, out, _ = batch
    out2 = tmp_path / "out"
    shutil.copytree(out, out2)
    book = out2 / WORKBOOK
    wb = openpyxl.load_workbook(book)
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    col = {h: header.index(h) + 1 for h in (ID_HEADER, REPORT_HEADER, MARK_HEADER, COMMENT_HEADER)}
    ids = [ws.cell(r, col[ID_HEADER]).value for r in (2, 3, 4)]
    ws.cell(2, col[MARK_HEADER]).value = "驳回"
    comment = ws.cell(2, col[COMMENT_HEADER])
    comment.value, comment.data_type = "=SUM(A1) 不是问题", "s"  # a comment that starts with "="
    ws.cell(3, col[MARK_HEADER]).value = '="确认"'  # a mark typed as a formula of its text
    ws.cell(4, col[MARK_HEADER]).value = "待核"
    ws.cell(4, col[REPORT_HEADER]).value = "另一份报告.pdf"  # an edited 报告 cell files nothing elsewhere
    ws.cell(5, col[MARK_HEADER]).value = "同意"  # no mark of the three
    last = ws.max_row + 1
    ws.cell(last, col[ID_HEADER]).value = "../../etc/passwd"  # an id no finding has
    ws.cell(last, col[MARK_HEADER]).value = "驳回"
    wb.save(book)
    summary = run_batch(sorted((folder / "in").iterdir()), out2, load_config(), jobs=1, quiet=True)
    marks = {}
    for line in (out2 / "marks.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        marks[d["id"]] = d
    assert marks[ids[0]]["mark"] == "驳回" and marks[ids[0]]["comment"] == "=SUM(A1) 不是问题"
    assert marks[ids[1]]["mark"] == "确认"
    findings = {json.loads(x)["id"]: json.loads(x) for x in (out2 / "findings.jsonl").read_text("utf-8").splitlines()}
    assert marks[ids[2]]["mark"] == "待核" and marks[ids[2]]["report"] == findings[ids[2]]["report"]
    assert "../../etc/passwd" not in marks and len(marks) == 3
    said = "\n".join(summary.mark_problems)
    assert "复核标记“同意”无效" in said and "编号“../../etc/passwd”不是本次输出中任何问题的编号" in said
