"""Bad input gets a clear error and loses nothing; the rest of the batch is still extracted."""
import csv
import json

import pytest

import reviewer
from reviewer import pipeline
from reviewer.cli import main

from conftest import seed_path


def test_empty_file(tmp_path):
    f = tmp_path / "empty.txt"
    f.write_text("   \n\n")
    with pytest.raises(reviewer.ExtractionError, match="空文件"):
        reviewer.extract(f)


def test_binary_file(tmp_path):
    f = tmp_path / "data.bin"
    f.write_bytes(b"\x00\x01\x02" + bytes(range(256)) * 20)
    with pytest.raises(reviewer.ExtractionError, match="二进制"):
        reviewer.extract(f)


def test_broken_pdf(tmp_path):
    f = tmp_path / "broken.pdf"
    f.write_bytes(b"%PDF-1.4\x00\x01\x02" + bytes(range(256)) * 20)
    with pytest.raises(reviewer.ExtractionError, match="PDF 文件已损坏"):
        reviewer.extract(f)


def test_text_that_is_no_report(tmp_path):
    f = tmp_path / "letter.txt"
    f.write_text("关于召开2023年度工作会议的通知\n请各单位于周五前报送材料。\n", encoding="utf-8")
    with pytest.raises(reviewer.ExtractionError, match="未识别出报告内容"):
        reviewer.extract(f)


def test_truncated_table_gives_partial_extraction_with_warning():
    text = seed_path("004").read_text(encoding="utf-8").split("\n")
    cut = "\n".join(text[:20])  # ends in the middle of the first indicator block
    report = reviewer.extract(cut)
    (p,) = report.projects
    assert p.name == "合作交流工作业务费"
    assert p.funds.total.executed.number == 506745.04
    assert len(p.indicators) == 4
    assert p.incomplete == "表格在“总分”行之前结束（可能被截断）"
    assert any("合作交流工作业务费" in w and "截断" in w for w in report.warnings)
    (issue,) = report.issues
    assert (issue.scope, issue.subject, issue.where) == ("项目", "合作交流工作业务费", "第3行")  # the table starts at its title
    assert report.status == "部分读取"


def test_truncated_table_is_never_rated_low_and_its_totals_are_not_checked():
    text = "\n".join(seed_path("004").read_text(encoding="utf-8").split("\n")[:20])
    rv = reviewer.review(text)
    assert rv.risk.band == "需人工复核"
    # the 分值 read so far do not add to 100, and no 总分 was read: neither is a finding, both are named
    assert not [f for f in rv.findings if f.code in ("weights", "total_mismatch", "missing")]
    assert {"分值合计为 100", "总分 = 预算执行率得分 + 各指标得分"} <= set(rv.suppressed["合作交流工作业务费"])
    # what was read is still checked: the execution rate of the funds block
    assert "exec_rate" in rv.coverage and rv.coverage["exec_rate"].checked


def test_batch_keeps_going_and_reports_each_failure(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a_empty.txt").write_text("")
    (tmp_path / "in" / "b_binary.bin").write_bytes(b"\x00\xff" * 100)
    (tmp_path / "in" / "c_report.txt").write_text(seed_path("003").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "in" / "d_notice.txt").write_text("通知\n", encoding="utf-8")
    out = tmp_path / "out"
    code = main(["extract", str(tmp_path / "in"), "--out", str(out)])
    assert code == 0
    err = capsys.readouterr().err
    assert "a_empty.txt：空文件" in err and "b_binary.bin：二进制" in err and "d_notice.txt" in err
    with open(out / "errors.csv", encoding="utf-8-sig") as fh:
        errors = {r["report"]: r["error"] for r in csv.DictReader(fh)}
    assert set(errors) == {"a_empty.txt", "b_binary.bin", "d_notice.txt"}
    data = json.loads((out / "c_report.txt.json").read_text(encoding="utf-8"))
    assert len(data["projects"]) == 12


def test_exit_code_nonzero_only_when_nothing_extracted(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("")
    assert main(["extract", str(bad), "--out", str(tmp_path / "o")]) == 1
    assert main(["extract", str(bad), str(seed_path("004")), "--out", str(tmp_path / "o2")]) == 0


def test_internal_error_in_one_report_is_contained(tmp_path, monkeypatch):
    good = seed_path("004")
    calls = []

    def flaky(path, cache=True):
        calls.append(path)
        if len(calls) == 1:
            raise KeyError("boom")
        return reviewer.extract(path, cache=cache)

    monkeypatch.setattr(pipeline.report, "extract", flaky)
    outcomes = list(pipeline.extract_each([good, good]))
    assert outcomes[0].report is None and "程序内部错误（KeyError" in outcomes[0].error
    assert outcomes[1].report is not None
