"""What an auditor signs and acts on (issue 13): one finding per issue weighed by money, the verdict, the 评分复核表,
the memo as DOCX, 问题清单.xlsx, and the review loop (marks read back, rejected findings leave the risk, labels)."""
from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import docx
import openpyxl
import pytest

import reviewer
from reviewer.cli import main
from reviewer.config import load_config
from reviewer.settle import consolidate, finding_id, project_money
from reviewer.evaluate import load_labels, score
from reviewer.memo import render_memo
from reviewer.settle import settle
from reviewer.settle import AMEND, APPROVE, RETURN

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "corpus" / "seeds"
S003, S004 = SEEDS / "003_ddff5fd3e69ced26.txt", SEEDS / "004_655e35476e9ed446.txt"


@pytest.fixture(scope="module")
def rv003():
    return reviewer.review(S003)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """The seeds reviewed as a batch, once: the outputs a reviewer receives."""
    out = tmp_path_factory.mktemp("batch")
    assert main(["review", str(SEEDS), "--out", str(out), "-q"]) == 0
    return out


def _findings(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()]


# --- one finding per issue ---------------------------------------------------------------------------------

def test_repeats_of_one_kind_merge_into_one_finding_listing_every_place(rv003):
    assert len(rv003.occurrences) == 59 and len(rv003.findings) == 15
    (sat,) = [f for f in rv003.findings if f.code == "satisfaction_ceiling" and f.evidence.get("rule") == "PL-05"]
    assert sat.evidence["occurrences"] == 9 and len(sat.evidence["subjects"]) == 9
    assert {i["subject"] for i in sat.evidence["items"]} >= {"对台工作特费", "外事培训费", "残疾人就业保障金"}
    assert all(str(i["location"]).startswith("第") for i in sat.evidence["items"])
    # nothing an occurrence said is lost: every (subject, code) of the occurrences is a place of a finding
    places = {(i["subject"], f.code) for f in rv003.findings for i in f.evidence.get("items", [])} | \
             {(f.subject, f.code) for f in rv003.findings}
    assert {(o.subject, o.code) for o in rv003.occurrences} <= places


def test_the_id_of_a_finding_is_stable_and_unique(rv003):
    again = reviewer.review(S003)
    assert [f.id for f in again.findings] == [f.id for f in rv003.findings]
    assert len({f.id for f in rv003.findings}) == len(rv003.findings)
    (sat,) = [f for f in rv003.findings if f.code == "satisfaction_ceiling" and f.evidence.get("rule") == "PL-05"]
    assert sat.id == finding_id(S003.name, "satisfaction_ceiling", "PL-05")


def test_materiality_follows_the_money(rv003):
    config = load_config()
    (blank,) = [f for f in rv003.findings if f.code == "missing" and f.evidence.get("rule") == "ZP-05"]
    assert blank.subject == "因公出国（境）费" and blank.evidence["materiality"] == \
        {"level": "major", "label": "重大", "amount": 80.0}  # 73 + 6 + 1 万元, led by the largest
    # full marks for 99% of a 100% target is a 0.05-point quibble: one step less severe than the rule says
    (quibble,) = [o for o in rv003.occurrences if o.code == "indicator_score" and "入户走访率" in o.message]
    assert quibble.severity == "high"
    (merged,) = [f for f in rv003.findings if f.code == "indicator_score" and f.evidence.get("rule") == "SC-04"]
    place = next(i for i in merged.evidence["items"] if "入户走访率" in i["message"])
    assert place["severity"] == "medium"
    # a budget cut to the amount spent on a project holding a third of the report's money: one step more
    rv001 = reviewer.review(SEEDS / "001_244722537de4974c.txt")
    (cut,) = [o for o in rv001.occurrences if o.code == "budget_adjusted" and o.subject == "外事工作专项经费"]
    (found,) = [f for f in rv001.findings if f.code == "budget_adjusted"]
    assert cut.severity == "medium" and found.severity == "high" and found.evidence["materiality"]["level"] == "major"
    # the same occurrences with all the money ten times larger weigh more in the risk
    bigger = consolidate(rv003.occurrences, {k: v * 10 for k, v in project_money(rv003.report).items()}, config)
    levels = [f.evidence["materiality"]["level"] for f in bigger]
    assert levels.count("major") > [f.evidence["materiality"]["level"] for f in rv003.findings].count("major")


# --- the verdict ----------------------------------------------------------------------------------------------

def test_the_verdict_is_decided_by_the_rules_and_states_its_reasons(rv003):
    assert rv003.verdict.label == RETURN and len(rv003.verdict.reasons) == 3
    assert rv003.verdict.reasons[0].startswith("必填内容缺失（因公出国（境）费等 3 个项目）：项目预算 73万元")
    rv004 = reviewer.review(S004)
    assert rv004.verdict.label == AMEND  # medium findings only: an answer is needed, not a new report
    config = load_config(overrides={"risk": {"verdict": {"amend_severities": ["high"]}}})
    assert settle(reviewer.review(S004), config).verdict.label == APPROVE
    # two high findings on ordinary amounts (a blank 合计 row, a table disagreeing with another): corrected, not
    # redone; the threshold is the rules'
    rv002 = reviewer.review(SEEDS / "002_edba66f1e8899577.txt")
    assert rv002.verdict.label == AMEND and rv002.risk.score < 60
    strict = load_config(overrides={"risk": {"verdict": {"return_high": 2}}})
    assert settle(rv002, strict).verdict.label == RETURN


def test_a_report_not_read_whole_is_never_approved():
    text = S004.read_text(encoding="utf-8")
    cut = "\n".join(text.splitlines()[:60])  # the last project's table cut short
    rv = reviewer.review(cut)
    assert not rv.report.complete and rv.verdict.label != APPROVE
    # the part that was read holds findings: the verdict follows them and names what was not read
    assert rv.verdict.label == AMEND and any(f.severity == "medium" for f in rv.findings)
    assert rv.verdict.reasons[-1] == f"另有 {len(rv.report.issues)} 处未能读取，需人工复核"


def test_memo_index_summary_and_workbook_agree_on_the_verdict(batch):
    with open(batch / "summary.csv", encoding="utf-8-sig", newline="") as fh:
        rows = {r["report"]: r for r in csv.DictReader(fh)}
    payload = json.loads((batch / S003.name / "findings.json").read_text(encoding="utf-8"))
    assert rows[S003.name]["verdict"] == payload["verdict"] == RETURN
    assert rows[S003.name]["reasons"] == "；".join(payload["verdict_reasons"])
    memo = (batch / S003.name / "memo.md").read_text(encoding="utf-8")
    assert f"**审核结论：{RETURN}**" in memo and payload["verdict_reasons"][0] in memo.replace("\\", "")
    index = (batch / "index.html").read_text(encoding="utf-8")
    assert payload["verdict_reasons"][0][:30] in index
    ws = openpyxl.load_workbook(batch / "问题清单.xlsx").active
    verdicts = {r[3]: r[2] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert verdicts[S003.name] == RETURN


# --- outputs auditors use ---------------------------------------------------------------------------------

def test_the_workbook_has_a_row_per_finding_chinese_headers_and_a_mark_column(batch):
    ws = openpyxl.load_workbook(batch / "问题清单.xlsx").active
    header = [c.value for c in ws[1]]
    assert header[:4] == ["序号", "编号", "审核结论", "报告"] and header[-2:] == ["复核标记", "复核意见"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:S{ws.max_row}"
    assert ws.max_row - 1 == len(_findings(batch))
    (dv,) = ws.data_validations.dataValidation
    assert dv.formula1 == '"确认,驳回,待核"' and str(dv.sqref) == f"R2:R{ws.max_row}"
    assert ws.column_dimensions["L"].width == 60
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[7] == "必填内容缺失" and r[10] == "是")
    assert row[9] == 80 and row[12] == 3 and "因公出国（境）费" in row[6]


def test_the_memo_as_a_word_document(batch):
    d = docx.Document(str(batch / S003.name / "memo.docx"))
    texts = [p.text for p in d.paragraphs]
    assert texts[0] == "审核意见" and texts[2] == f"审核结论：{RETURN}"
    assert "二、整改建议" in texts and "三、评分复核表" in texts and any(t.startswith("审核人：") for t in texts)
    rescore = next(t for t in d.tables if t.rows[0].cells[0].text == "项目" and len(t.columns) == 9)
    row = next(r for r in rescore.rows if r.cells[0].text == "对台工作特费")
    assert [c.text for c in row.cells][3:6] == ["1.12%", "72.13", "72.48"]
    assert d.sections[0].page_width.mm == pytest.approx(210, abs=0.5)


def test_document_text_is_escaped_in_the_word_memo(tmp_path):
    text = S004.read_text(encoding="utf-8").replace("合作交流工作业务费", "<w:p>&amp;合作</w:t>", 1)
    rv = reviewer.review(text)
    name = rv.report.projects[0].name
    assert name == "<w:p>&合作</w:t>"  # markup in a project name, as the text reader gives it
    *_, data = render_memo(rv, load_config())
    (tmp_path / "m.docx").write_bytes(data)
    d = docx.Document(str(tmp_path / "m.docx"))  # the package still parses: the name did not break the XML
    cells = [c.text for t in d.tables for r in t.rows for c in r.cells]
    assert name in cells


# --- the review loop ------------------------------------------------------------------------------------------

def _copy(batch: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(batch, out)
    return out


def test_a_rejected_finding_leaves_the_risk_and_survives_a_rerun(batch, tmp_path):
    out = _copy(batch, tmp_path)
    before = json.loads((out / S003.name / "findings.json").read_text(encoding="utf-8"))
    top = before["risk_contributions"][0]
    assert main(["mark", str(out), top["id"], "驳回", "--comment", "单位已补报"]) == 0
    assert main(["review", str(SEEDS), "--out", str(out), "-q"]) == 0
    after = json.loads((out / S003.name / "findings.json").read_text(encoding="utf-8"))
    marked = next(f for f in after["findings"] if f["id"] == top["id"])
    assert marked["evidence"]["mark"] == {"mark": "驳回", "comment": "单位已补报"}
    assert top["id"] not in {c["id"] for c in after["risk_contributions"]}
    assert after["risk_score"] < before["risk_score"]
    memo = (out / S003.name / "memo.md").read_text(encoding="utf-8")
    assert "复核标记：**驳回**（单位已补报），不计入风险评分和审核结论" in memo
    # a third run changes nothing: the mark is kept by the finding's id
    assert main(["review", str(SEEDS), "--out", str(out), "-q"]) == 0
    assert json.loads((out / S003.name / "findings.json").read_text(encoding="utf-8")) == after
    # and a clean review into a new folder knows nothing of it
    assert before["risk_score"] == json.loads((batch / S003.name / "findings.json").read_text())["risk_score"]


def test_marks_made_in_the_workbook_are_read_back(batch, tmp_path):
    out = _copy(batch, tmp_path)
    book = out / "问题清单.xlsx"
    wb = openpyxl.load_workbook(book)
    ws = wb.active
    ws.cell(row=2, column=18, value="确认")
    ws.cell(row=3, column=18, value="驳回")
    ws.cell(row=3, column=19, value="计分口径不同")
    fid2, fid3 = ws.cell(row=2, column=2).value, ws.cell(row=3, column=2).value
    wb.save(book)
    assert main(["review", str(SEEDS), "--out", str(out), "-q"]) == 0
    found = {f["id"]: f for f in _findings(out)}
    assert found[fid2]["evidence"]["mark"]["mark"] == "确认"
    assert found[fid3]["evidence"]["mark"] == {"mark": "驳回", "comment": "计分口径不同"}
    again = openpyxl.load_workbook(book).active  # the new workbook shows the marks it read
    assert [again.cell(row=3, column=c).value for c in (18, 19)] == ["驳回", "计分口径不同"]
    lines = (out / "marks.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and all(json.loads(x)["via"] == "问题清单.xlsx" for x in lines)


def test_a_bad_mark_is_a_clear_error_and_nothing_is_marked(batch, tmp_path):
    out = _copy(batch, tmp_path)
    proc = subprocess.run([sys.executable, "-m", "reviewer", "mark", str(out), "0000000000", "驳回"], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "没有编号为 0000000000 的问题" in proc.stderr and "Traceback" not in proc.stderr
    fid = _findings(out)[0]["id"]
    proc = subprocess.run([sys.executable, "-m", "reviewer", "mark", str(out), fid, "同意"], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "复核标记只能是" in proc.stderr
    assert not (out / "marks.jsonl").exists()


def test_marks_become_eval_labels(batch, tmp_path):
    out = _copy(batch, tmp_path)
    found = [f for f in _findings(out) if f["report"] == S003.name]
    confirmed, rejected = found[0], found[1]
    assert main(["mark", str(out), confirmed["id"], "确认"]) == 0
    assert main(["mark", str(out), rejected["id"], "驳回"]) == 0
    assert main(["mark", str(out), "--labels", str(tmp_path / "labels.jsonl")]) == 0
    labels = load_labels([tmp_path / "labels.jsonl"])
    assert {lab.report for lab in labels} == {S003.name}
    assert sum(not (lab.rejected or lab.unsure) for lab in labels) == len(confirmed["evidence"]["subjects"])
    assert sum(lab.rejected for lab in labels) == len(rejected["evidence"]["subjects"])
    result = score([reviewer.model.Finding(**{k: v for k, v in f.items()}) for f in found], labels,
                   {c: v.category for c, v in load_config().codes.items()})
    by = {c.code: c for c in result.codes.values()}
    assert by[confirmed["code"]].matched == by[confirmed["code"]].labels  # what was confirmed is found
    assert by[rejected["code"]].true_keys < by[rejected["code"]].finding_keys  # what was rejected is a false alarm
    assert all(f["code"] in (confirmed["code"], rejected["code"]) for f in result.false_alarms)


def test_rejected_findings_do_not_count_in_the_verdict(rv003):
    config = load_config()
    returning = [f.id for f in rv003.findings if f.severity == "high"]
    rv = settle(replace(rv003), config, {fid: {"mark": "驳回", "comment": ""} for fid in returning})
    assert rv.verdict.label != RETURN or rv.risk.score >= config.risk.verdict.return_score
    assert all(f.id not in returning for f, _ in rv.risk.contributions)


def test_every_rule_a_finding_cites_is_named_in_words():
    import re

    cited = set()  # every rule id the code or its rule files name, however it reaches a finding
    for path in [*(ROOT / "reviewer").rglob("*.py"), *(ROOT / "reviewer").rglob("*.toml")]:
        cited |= set(re.findall(r'["\']((?:JS|XT|SG|TX|PE|PL|SC|RT|DW)-\d{2}[a-z]?)["\']',
                                path.read_text(encoding="utf-8")))
    names = load_config().rule_names
    assert cited and cited <= set(names), sorted(cited - set(names))
    assert load_config().rule_label("SC-04") == "正向指标按完成比例计分（SC-04）"


def test_control_characters_of_a_document_never_break_the_workbook_or_the_word_memo(tmp_path, rv003):
    # a form feed kept from a PDF's text in a 三公 table's title: found by the 10,000-file fuzz, where one such
    # report stopped the batch before its workbook was written
    from reviewer.output import IssueList

    config = load_config()
    f = rv003.findings[0]
    bad = replace(f, message="2015年\x0c桂林市司法局部门“三公”经费情况统计表\x07：合计有误。")
    book = IssueList(config)
    book.report({"department": "曲靖市人\x0b政府", "year": 2021, "verdict": RETURN}, [bad.to_dict()])
    with open(tmp_path / "w.xlsx", "wb") as fh:
        book.save(fh)
    row = list(openpyxl.load_workbook(tmp_path / "w.xlsx").active.iter_rows(min_row=2, values_only=True))[0]
    assert row[4] == "曲靖市人政府" and row[11] == "2015年桂林市司法局部门“三公”经费情况统计表：合计有误。"
    rv = replace(rv003, findings=[bad] + rv003.findings[1:])
    *_, data = render_memo(rv, config)
    (tmp_path / "m.docx").write_bytes(data)
    assert docx.Document(str(tmp_path / "m.docx")).paragraphs[0].text == "审核意见"
