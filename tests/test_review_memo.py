"""The review as a person reads it: memo, index, summary; untrusted text stays inert."""
import csv
import json

import reviewer
from reviewer.cli import main
from reviewer.config import load_config
from reviewer.memo import render_memo_html, render_memo_md

from conftest import ROOT, SEEDS, seed_path


def test_review_is_deterministic():
    a = reviewer.review(seed_path("003"))
    b = reviewer.review(seed_path("003"))
    dump = lambda rv: json.dumps([f.to_dict() for f in rv.findings], ensure_ascii=False)  # noqa: E731
    assert dump(a) == dump(b) and a.risk.score == b.risk.score


def test_risk_score_is_explained_by_findings():
    rv = reviewer.review(seed_path("000"))
    assert 0 < rv.risk.score <= 100
    assert abs(sum(p for _, p in rv.risk.contributions) - rv.risk.score) < 0.1
    top = rv.risk.contributions[0][0]
    assert top.severity == "high"


def test_memo_reads_like_a_reviewer_note():
    rv = reviewer.review(seed_path("003"))
    md = render_memo_md(rv, load_config())
    head = md.split("\n## 一、发现的问题")[0]
    # the verdict first, with the three findings that decide it; the index names the same ones
    assert "**审核结论：建议退回重报**" in head and head.count("\n1. ") == 1 and "\n3. 文字说明与数字" in head
    assert "（同类问题已合并：59 处归为 15 项）" in head
    assert "### 高（" in md and "整改建议第 3 条" in md  # each finding points to its request to the unit
    assert "> 原文（第2450行）：总分 │ 100 │ 72.45" in md  # the quoted source line of the wrong total
    assert "| 外事接待费 | 高 | 总得分填报 72.45，预算执行率得分与各指标得分相加为 74.49。 | 第2450行 |" in md
    assert "同类问题共 9 处" in md  # 满意度 100% in nine projects: one finding listing them
    assert "## 二、整改建议" in md and "\n3. 请补充缺失内容，或说明未填报的原因。（必填内容缺失：因公出国（境）费、" in md
    assert "## 三、评分复核表" in md and "| 对台工作特费 | 8 万元 | 0.09 | 1.12% | 72.13 | 72.48 | -0.35 | — | 中 |" in md
    assert "## 四、已核查且未发现问题的事项" in md and "单位名称前后一致（1 处）" in md
    assert "## 五、风险评分说明" in md
    # no internal keys, raw floats or empty fields where a reader looks
    for leak in ("narrative：", "funds_present", "high_score_low_exec", "79.9375", "自评等级 ；", "核查 1 处，17 处"):
        assert leak not in md, leak


def test_document_text_is_escaped(tmp_path):
    text = seed_path("004").read_text(encoding="utf-8").replace(
        "合作交流工作业务费", "<script>alert(1)</script>[点我](http://evil.example)", 1)
    rv = reviewer.review(text)
    html = render_memo_html(rv, load_config())
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    md = render_memo_md(rv, load_config())
    assert "<script>" not in md and "](http" not in md


def test_review_cli_writes_memos_index_and_summary(tmp_path):
    (tmp_path / "in").mkdir()
    for p in SEEDS.glob("*.txt"):
        (tmp_path / "in" / p.name).write_bytes(p.read_bytes())
    (tmp_path / "in" / "broken.txt").write_bytes(b"\x00\x01binary")
    out = tmp_path / "out"
    assert main(["review", str(tmp_path / "in"), "--out", str(out), "-q"]) == 0
    for p in SEEDS.glob("*.txt"):
        for name in ("memo.md", "memo.html", "findings.json"):
            assert (out / p.name / name).is_file()
    lines = (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()
    codes = {json.loads(line)["code"] for line in lines}
    assert {"total_mismatch", "rate_mismatch", "exec_score", "cross_table", "metadata"} <= codes
    with open(out / "summary.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    scored = [r for r in rows if not r["error"] and r["risk_score"]]
    assert [float(r["risk_score"]) for r in scored] == sorted((float(r["risk_score"]) for r in scored), reverse=True)
    assert any(r["report"] == "broken.txt" and "二进制" in r["error"] for r in rows)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.index(scored[0]["report"]) < index.index(scored[-1]["report"])
    assert 'id="code"' in index and "broken.txt" in index and "003_ddff5fd3e69ced26.txt/memo.html" in index


def test_no_scatter_is_drawn_without_a_point_to_draw():
    """Issue 24: a batch whose projects carry no execution rate or score (决算 rows, forms not scored) draws no
    execution-vs-score chart in its index; one drawable project does."""
    import pandas as pd

    from reviewer.memo.render import BatchView

    nothing = pd.DataFrame({"report": ["a", "b"], "project": ["p", "q"], "exec_rate": [float("nan"), 50.0],
                            "self_score": [float("nan"), float("nan")]})
    assert BatchView(nothing).n == 0
    assert BatchView(nothing.assign(self_score=[float("nan"), 90.0])).n == 1


def test_the_index_says_what_needs_attention_in_one_line(tmp_path):
    """Issue 24: 最需关注 is one short line — the finding that adds most to the risk, its kind and the figure as it
    should read — with the verdict's reasons in full as its title."""
    import re
    from pathlib import Path

    from reviewer.config import load_config
    from reviewer.memo.index import TOP_CHARS
    from reviewer.pipeline import run_batch

    real = Path(__file__).resolve().parents[1] / "corpus" / "labelled" / "020_shanghai_putuo_sthjj_2025_bmjs.txt"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "020.txt").write_text(real.read_text(encoding="utf-8").replace("万元，占 79.07%", "万元，占 79.70%"),
                                            encoding="utf-8")
    run_batch([tmp_path / "in" / "020.txt"], tmp_path / "out", load_config(), jobs=1, quiet=True)
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    (title, top), = re.findall(r'<span class="top" title="([^"]*)">([^<]*)</span>', page)
    assert top == "数字计算错误：79.70% 应为 79.07%" and len(top) <= TOP_CHARS
    assert "3742.47万元 ÷ 4733.14万元" in title  # the reasons in full, on hover


def test_a_party_bodys_region_is_the_place_after_its_prefix():
    """026 names itself 中共上海市普陀区委社会工作部: its region in the index and the peer groups is 上海市, not 中共上海市."""
    from reviewer.stats.features import region_of

    assert region_of("中共上海市普陀区委社会工作部") == "上海市"
    assert region_of("上海市普陀区财政局") == "上海市" and region_of("中共中央办公厅") == ""


def test_a_report_not_read_in_full_has_no_risk_score_in_any_output(tmp_path):
    """labelled 023 (a 上海 决算) leaves two pages' tables unread: summary.csv's risk_score is empty and
    findings.json's null, the score of what was read kept apart as risk_score_partial — a triager sorting by
    risk never reads a partial score as the report's."""
    source = ROOT / "corpus" / "labelled" / "files" / "023_shanghai_putuo_czj_2024_bmjs.pdf"
    out = tmp_path / "out"
    assert main(["review", str(source), "--out", str(out), "-q", "--no-evidence"]) == 0
    with open(out / "summary.csv", encoding="utf-8-sig") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["read_status"] == "部分读取" and row["risk_score"] == "" and row["risk_band"] == "需人工复核"
    found = json.loads((out / source.name / "findings.json").read_text(encoding="utf-8"))
    assert found["risk_score"] is None and found["risk_score_partial"] == float(row["risk_score_partial"]) > 0


def test_places_of_one_table_not_judged_for_one_reason_are_said_once_with_their_rows():
    """As a scan of seed 001 gave them: a recognised 决算 table whose columns were placed wrong failed 30 sums, each
    held as not judged; the memo says the table once, with its rows, and keeps the places that differ."""
    from reviewer.memo.render import gathered
    from reviewer.read.document import ReadIssue

    why = "——该表含文字识别所得的内容，合计或表间数字不符可能是识别误差（如漏读一行、错读一栏），未作为问题，请核对原件"
    held = [ReadIssue("表格", f"第10页表1第{row}行", f"一般公共预算财政拨款收入支出决算表第{row}行：合计 —{why}")
            for row in (6, 7, 7, 8)]
    other = ReadIssue("表格", "第40页表2第4行", f"全年预算数：年度资金总额填报 13.00，但其中各行合计为 0。{why}")
    low = ReadIssue("表格", "第10页表1第1行", "文字识别置信度低（0.84，低于 0.85），其中的数字可能误读，不作为问题依据，请对照原件核对")
    out = gathered([low, *held[:2], other, *held[2:]])
    assert [str(i) for i in out] == [
        str(low),
        f"第10页表1：4 处（第6、7、8行），如第6行：一般公共预算财政拨款收入支出决算表第6行：合计 —{why}",
        str(other)]
    assert gathered(held[:2] + [other]) == held[:2] + [other]  # two places are said each
