"""Parsing must not depend on layout: a seed re-rendered in another layout gives the same records."""
import json

import pytest

import reviewer
from reviewer.read import read
from reviewer.read.text import render_rows
from reviewer.model import to_jsonable

from conftest import seed_path


def _records(report):
    """The extracted content without provenance (line numbers differ between layouts)."""
    def strip(obj):
        if isinstance(obj, dict):
            return {k: strip(v) for k, v in obj.items() if k not in ("line", "end_line", "raw", "table_line", "loc", "placeholder_lines")}
        if isinstance(obj, list):
            return [strip(v) for v in obj]
        return obj

    data = to_jsonable(report)
    keep = {k: data[k] for k in ("projects", "blank_templates", "department_part", "accounts", "department", "year")}
    for t in keep["accounts"]:
        t.pop("frame_raw", None)
    return strip(keep)


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
@pytest.mark.parametrize("layout", ["tsv", "cell-per-line", "html"])
def test_rerendered_seed_gives_same_records(seed, layout):
    text = seed_path(seed).read_text(encoding="utf-8")
    original = reviewer.extract(text)
    rerendered = reviewer.extract(render_rows(read(text).rows(), layout))
    assert rerendered.layout == layout
    assert json.dumps(_records(rerendered), ensure_ascii=False, sort_keys=True) == json.dumps(
        _records(original), ensure_ascii=False, sort_keys=True
    )


def test_cell_per_line_headers_broken_across_lines():
    text = "\t项目资金\n（万元）\n\t\n\t年初预算数\n\t全年预算数\n\n\t\n\t年度资金总额\n\t11\n\t11\n"
    doc = read(text)
    rows, layout = doc.rows(), doc.layout
    assert layout == "cell-per-line"
    assert rows[0].texts == ["项目资金\n（万元）", "", "年初预算数", "全年预算数"]
    assert rows[1].texts == ["", "年度资金总额", "11", "11"] and rows[1].line == 7


def test_html_table_with_colspan_and_p_cells():
    html = """<html><body><p>2023年度项目支出绩效自评表</p>
<table>
<tr><td>项目名称</td><td colspan="3">测试项目</td></tr>
<tr><td>主管部门</td><td>某局</td><td>实施单位</td><td>某中心</td></tr>
<tr><td>项目资金(万元)</td><td>年初预算数</td><td>全年预算数</td><td>全年执行数</td><td>分值</td><td>执行率</td><td>得分</td></tr>
<tr><td>年度资金总额</td><td>10.00</td><td>10.00</td><td>5.00</td><td>10</td><td><p>50.00%</p></td><td>5.00</td></tr>
</table></body></html>"""
    report = reviewer.extract(html)
    assert report.layout == "html"
    (p,) = report.projects
    assert (p.name, p.department, p.implementer, p.year) == ("测试项目", "某局", "某中心", 2023)
    assert (p.funds.total.executed.number, p.funds.total.rate.number) == (5.0, 50.0)


def test_gb18030_file(tmp_path):
    src = seed_path("004").read_text(encoding="utf-8")
    path = tmp_path / "gbk_report.txt"
    path.write_bytes(src.encode("gb18030"))
    report = reviewer.extract(path)
    assert report.encoding == "gb18030"
    assert [p.name for p in report.projects] == [p.name for p in reviewer.extract(src).projects]


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_a_seed_laid_out_with_spaces_gives_the_same_findings(seed):
    """The seed as a PDF's text copied with its layout kept (cells padded with spaces, blank cells only more
    spaces): every finding the same, word for word; the 自评表 seeds' records identical.  Where a row's fields
    cannot each have a column (two 决算 tables whose headers are printed out of line with their figures), the
    row's figures are named as not read (部分读取), never checked in a guessed column."""
    text = seed_path(seed).read_text(encoding="utf-8")
    original = reviewer.extract(text)
    spaced = reviewer.extract(render_rows(read(text).rows(), "aligned"))
    assert spaced.layout == "aligned"
    same = lambda r: sorted((f.code, f.subject, f.message) for f in reviewer.review(r).findings)
    assert same(spaced) == same(original)
    if seed in ("000", "003", "004"):
        assert spaced.status == "完整读取"
        assert json.dumps(_records(spaced), ensure_ascii=False, sort_keys=True) == json.dumps(
            _records(original), ensure_ascii=False, sort_keys=True)
    else:
        assert spaced.status == "部分读取" and len(spaced.accounts) == len(original.accounts)


def test_space_aligned_columns_keep_blank_cells():
    from reviewer.read import aligned
    text = ("项目支出绩效自评表\n"
            "    项目资金（万元）  年初预算数  全年预算数  全年执行数  分值  执行率  得分\n"
            "    年度资金总额      11          11          1.7         10    15.45   1.5\n"
            "    上年结转资金                                          —             —\n"
            "    填列单位（公章）：（ 2021   年度）\n")
    lines = text.split("\n")
    # the last line, one field at the table's left edge with nothing after it, is text, not a row
    assert aligned.spans(lines, 0, len(lines)) == [(0, 1, False), (1, 4, True), (4, 6, False)]
    rows = read(text).rows()
    assert rows[2].texts == ["年度资金总额", "11", "11", "1.7", "10", "15.45", "1.5"]
    assert rows[3].texts == ["上年结转资金", "", "", "", "—", "", "—"]  # blanks stay blanks: — is 分值's
    assert rows[4].texts == ["填列单位（公章）：（ 2021   年度）"]


def test_prose_with_double_spaces_is_not_a_table():
    text = "一、部门基本情况\n  本部门  共有  三个  科室。\n二、收支情况\n  收入  100万元。\n"
    assert read(text).layout != "aligned"


@pytest.mark.parametrize("seed,reread", [("000", 3), ("001", 4), ("002", 0), ("003", 7), ("004", 3)])
def test_a_seed_whose_cells_ran_together_with_single_spaces_is_partly_read_never_misread(seed, reread):
    """The seed as a PDF's text without its layout (each row one line, cells parted by one space, blank cells
    gone): a 自评表 is read again with every space a cell boundary only where its own 执行率 and 总分 confirm the
    cut (these counts of its forms), the rest said unread (never "a blank template"); a 决算 row with fewer figures
    than columns is compared only in its first column.  Every finding is one the tab-separated seed gives too, or
    a true one worded apart (a section named by another heading, a count over another of the same forms)."""
    text = seed_path(seed).read_text(encoding="utf-8")
    rows = read(text).rows()
    single = "\n".join(" ".join(c.text.replace("\n", "") for c in r.cells if c.text.strip()) for r in rows) + "\n"
    original, loose = reviewer.review(reviewer.extract(text)), reviewer.review(reviewer.extract(single))
    assert loose.report.status == "部分读取" and not loose.report.blank_templates
    assert len(loose.report.projects) == reread
    assert all(any("按空格拆分" in w for w in p.warnings) for p in loose.report.projects)
    found = {(f.code, f.message) for f in original.findings}
    extra = [(f.code, f.message) for f in loose.findings if (f.code, f.message) not in found]
    assert not [x for x in extra if x[0] in ("missing", "cross_table", "rate_mismatch", "total_mismatch")], extra
    assert len(extra) <= 2


def test_a_spaced_form_is_taken_only_where_its_identities_confirm_the_cut():
    """One figure changed so the 执行率 no longer is 执行数 ÷ 预算数: the cut is not confirmed, the form not read."""
    text = seed_path("001").read_text(encoding="utf-8")
    rows = read(text).rows()
    single = "\n".join(" ".join(c.text.replace("\n", "") for c in r.cells if c.text.strip()) for r in rows) + "\n"
    line = next(x for x in single.splitlines() if x.startswith("年度资金总额 20.00 15.46 15.46"))
    broken = single.replace(line, line.replace("15.46 15.46", "15.46 12.46", 1))
    report = reviewer.extract(broken)
    assert len(report.projects) == 3
    assert any("未能拆分成单元格读取" in i.reason for i in report.issues)
