"""自评表 templates read by the meaning of their labels (tests/fixtures/templates/README.md): the layout of
each is a real template's, the figures are made up."""
from __future__ import annotations

import json

import pytest

import reviewer
from conftest import FIXTURES
from reviewer.read import read
from support.render import render

TEMPLATES = FIXTURES / "templates"


def project_of(name: str):
    (p,) = reviewer.extract(TEMPLATES / name).projects
    return p


def funds_of(p) -> list[tuple]:
    return [(r.label, r.budget_initial.raw, r.budget_full.raw, r.executed.raw, r.rate.raw, r.weight.raw, r.score.raw)
            for r in p.funds.rows()]


def indicators_of(p) -> list[tuple]:
    return [(i.level1, i.level2, i.level3, i.op, i.target.raw, i.unit, i.actual.raw, i.weight.raw, i.score.raw)
            for i in p.indicators]


def test_sichuan_form():
    p = project_of("sichuan_2023_barred.txt")
    assert (p.year, p.department, p.implementer) == (2023, "临江县交通运输局部门", "临江县交通运输局")
    assert funds_of(p)[0] == ("总额", "50.00", "60.00", "48.00", "80.00%", "10", "8")
    assert [r.label for r in p.funds.sources] == ["财政专户管理资金", "单位资金"]
    assert "追加" in p.funds.total.reason.text
    assert (p.goal.text, p.outcome.text) == ("完成乡村道路养护120公里。", "完成乡村道路养护118公里。")
    assert indicators_of(p)[0] == ("产出指标", "数量指标", "养护里程", "≥", "120", "公里", "118", "40", "39")
    assert (p.total_weight.raw, p.total_score.raw) == ("100", "97")
    assert p.analysis["conclusion"].text.startswith("项目自评得分97分")
    # 8 + 39 + 20 + 20 + 10 = 97, the adjustment explained in 原因: nothing to report
    assert reviewer.review(TEMPLATES / "sichuan_2023_barred.txt").findings == []


def test_sichuan_form_printed_a_cell_a_line_reads_the_same():
    a, b = project_of("sichuan_2023_barred.txt"), project_of("sichuan_2023_cell_a_line.txt")
    assert funds_of(a) == funds_of(b) and indicators_of(a) == indicators_of(b)
    assert (a.goal.text, a.outcome.text, a.total_score.raw) == (b.goal.text, b.outcome.text, b.total_score.raw)


@pytest.mark.parametrize("fmt", ["html", "xlsx", "docx", "pdf"])
def test_sichuan_form_reads_the_same_in_every_format(fmt, tmp_path):
    path = render(read(TEMPLATES / "sichuan_2023_barred.txt").rows(), fmt, tmp_path, "sichuan")
    a, b = project_of("sichuan_2023_barred.txt"), reviewer.extract(path).projects[0]
    assert funds_of(a) == funds_of(b) and indicators_of(a) == indicators_of(b)


def test_mof_form_exported_from_a_spreadsheet():
    p = project_of("mof_spreadsheet_labels.txt")
    assert [r.label for r in p.funds.rows()] == ["年度资金总额:", "其中:本年财政拨款", "上年结转资金", "其他资金"]
    assert funds_of(p)[0][1:] == ("100.00", "100.00", "62.50", "62.50%", "10", "6.25")
    codes = [f.code for f in reviewer.review(TEMPLATES / "mof_spreadsheet_labels.txt").findings]
    assert codes == ["high_score_low_exec"]  # 执行率 62.5% and 优


def test_framework_indicators_with_weight_before_target():
    p = project_of("yinchuan_framework.txt")
    assert [i.level1 for i in p.indicators][:6] == ["决策", "决策", "决策", "过程", "过程", "产出"]
    late = next(i for i in p.indicators if i.level3 == "完成及时率")
    assert (late.target.raw, late.actual.raw, late.weight.raw, late.score.raw, late.deviation.text) == \
        ("100%", "90%", "10", "9", "部分服务延期")
    assert (p.total_weight.raw, p.total_score.raw, p.grade.raw) == ("100", "98.5", "优")


def test_department_table_with_core_flags_and_score_coefficients():
    rv = reviewer.review(TEMPLATES / "chongqing_dept_overall.txt")
    d = rv.report.department_part
    assert d.name == "重庆市临江区城管局"
    assert {k: v.raw for k, v in d.indicators[1].extra.items()} == {"是否核心指标": "否", "指标得分系数": "0.9"}
    assert (d.total_weight.raw, d.total_score.raw) == ("100", "99")  # 30 + 19 + 30 + 20
    (wrong,) = [f for f in rv.findings if f.code == "indicator_score"]
    assert "0.9" in wrong.message and "18" in wrong.message and "19" in wrong.message  # 20 × 0.9 = 18
    assert json.dumps([f.code for f in rv.findings if f.code == "total_mismatch"]) == "[]"


@pytest.mark.parametrize("title, kind", [
    ("部门预算项目支出绩效自评表(2023年度)", "project"),
    ("财政支出项目绩效自评表（2022年度）", "project"),
    ("项目绩效自评表", "project"),
    ("重庆市临江区城管局2023年部门整体支出绩效自评表", "department_table"),
    ("2023年度部门整体绩效自评表", "department_table"),
    ("2015年桂林市司法局部门“三公”经费情况统计表", "accounts:sangong"),
    ("9.2025年单位“三公”经费和机关运行经费预算表", None),  # an entry of a table of contents, numbered
])
def test_titles_of_the_templates(title, kind):
    from reviewer.extract.segment import title_kind
    from reviewer.read.document import Cell, Row
    found = title_kind(Row([Cell(title, 1)], 1, 1))
    assert (found[0] if found else None) == kind
