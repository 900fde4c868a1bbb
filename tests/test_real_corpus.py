"""Values hand-read from the real documents of corpus/real (see its INDEX.md), across layouts and provinces:
上海 部门/单位预算 (PDF and its text), 上海 决算 (page text), 甘肃, 湖南, 浙江, 四川, 广西, 重庆, 北京 …
Each assertion is a figure as the document prints it, found by reading the document, not the tool."""
from __future__ import annotations

import math
from functools import lru_cache

import pytest

import reviewer
from conftest import REAL, real_pdf
from reviewer.checks import run_checks


def real_txt(prefix: str):
    (path,) = REAL.glob(f"{prefix}_*.txt")
    return path


@lru_cache(maxsize=None)
def report(prefix: str, pdf: bool = False):
    return reviewer.extract(real_pdf(prefix) if pdf else real_txt(prefix))


@lru_cache(maxsize=None)
def findings(prefix: str, pdf: bool = False):
    return run_checks(report(prefix, pdf)).findings


def figures(prefix: str) -> list:
    return [f for p in report(prefix).prose for f in p.figures]


def figure(prefix: str, raw: str):
    """The first figure of the document printed as `raw`."""
    found = [f for f in figures(prefix) if f.value.raw == raw]
    assert found, f"{raw} not read in {prefix}"
    return found[0]


def row(table, name: str, side: str = "") -> dict:
    rows = [r for r in table.records() if r["name"] == name and (not side or r.get("side") == side)]
    assert rows, f"{name} not in {table.title}"
    return rows[0]


# --- 上海 部门预算 / 单位预算: PDF and the text made from it ------------------------------------------

def test_shanghai_budget_pdf_finds_the_five_errors_of_its_notes():
    """001 (万里街道 2024 部门预算): its 编制说明 item on 住房公积金 says 350.35万元 then 352.67万元; the rate
    0.53% follows from 350.35, not from the 352.67 it is printed with, so it is no second finding (an auditor
    found the rate finding false, its correction wrong); 其他教育支出 grows "100%" from 0; a decrease explained by
    an increase."""
    r = report("001", pdf=True)
    assert (r.kind, r.status, r.year) == ("部门预算", "完整读取", 2024)
    assert r.department == "上海市普陀区人民政府万里街道办事处"
    assert len(r.accounts) == 9 and not any(t.unread for t in r.accounts)
    messages = [(f.code, f.message) for f in findings("001", pdf=True)]
    assert any(c == "narrative_contradiction" and "350.35" in m and "352.67" in m for c, m in messages)
    assert not any("1.19%" in m for c, m in messages)
    assert any(c == "arithmetic" and "增加100.00%" in m and "上年为 0" in m for c, m in messages)
    assert any(c == "narrative_contradiction" and "减少2.98%" in m for c, m in messages)
    # and 城管执法's purpose ("主要用于城乡社区管理事务一般行政管理事务") copied from the item before it (CP-01)
    assert any(c == "boilerplate" and "“城管执法（项）”" in m and "“一般行政管理事务（项）”" in m for c, m in messages)
    # and the 三公 table of 47.91万元 above the template's note "故本表为空表" (TP-06)
    assert any(c == "metadata" and "故本表为空表" in m for c, m in messages)
    assert len(messages) == 5


def test_shanghai_budget_pdf_sangong_table_items_across_columns():
    t = report("003", pdf=True).account("sangong", "预算")
    assert row(t, "合计")["预算数"] == 867.50
    assert row(t, "因公出国(境)费")["预算数"] == 839.00
    assert row(t, "公务接待费")["预算数"] == 28.50
    assert row(t, "机关运行经费预算数")["预算数"] == 213.28


def test_shanghai_budget_text_fiscal_table_with_a_figure_glued_to_the_next_label():
    """003 text: "一、一般公共预算资金 91,016,775.35一、一般公共服务支出 82,096,797.42 82,096,797.42"."""
    t = report("003").account("fiscal", "预算")
    assert row(t, "一般公共预算资金", "收入")["预算数"] == 91016775.35
    assert row(t, "一般公共服务支出", "支出")["合计"] == 82096797.42
    assert not [f for f in findings("003") if f.code == "arithmetic"]


def test_shanghai_budget_text_sangong_line_with_blank_cells_is_placed_by_its_sums_not_guessed():
    """003 text prints "867.50 839.00 28.50 213.28" under seven headings.  Which three are blank the text does not
    say, but only one placement makes 合计 = 出国 + 接待 + 公务用车 and 公务用车 = 购置 + 运行 hold: the PDF's own
    ruled table confirms it (因公出国 839.00, 公务接待 28.50, no 公务用车, 机关运行经费 213.28)."""
    r = report("003")
    (t,) = [t for t in r.accounts if t.kind == "sangong"]
    got = {rec["item"]: rec["预算数"] for rec in t.records()}
    assert (got["合计"], got["因公出国（境）费"], got["公务接待费"], got["机关运行经费"]) == (867.50, 839.00, 28.50, 213.28)
    assert got["公务用车购置及运行费"] != got["公务用车购置及运行费"]  # blank
    assert any("唯一确定" in w for w in t.warnings)


def test_shanghai_unit_budget_text_expenditure_by_staff_and_office_costs():
    """004 (单位预算): 一、一般公共服务支出 82,096,797.42 │ 人员经费 13,819,399.88 │ 公用经费 1,867,397.54 │ 项目 66,410,000.00."""
    t = report("004").account("income_expenditure", "预算")
    r = row(t, "一般公共服务支出", "支出")
    assert (r["合计"], r["基本支出:人员经费"], r["基本支出:公用经费"], r["项目支出"]) == \
        (82096797.42, 13819399.88, 1867397.54, 66410000.00)
    assert row(t, "财政拨款收入", "收入")["预算数"] == 91016775.35


# --- 上海 部门决算 (page text) ------------------------------------------------------------------------

def test_shanghai_final_accounts_text_tables():
    r = report("031")
    assert (r.kind, r.year) == ("部门决算", 2025)
    income = r.account("income")
    assert income.frame[income.frame.code == "2070101"]["本年收入合计"].item() == 457.86
    exp = r.account("expenditure").frame
    line = exp[exp.code == "2070101"].iloc[0]
    assert (line["本年支出合计"], line["基本支出"], line["项目支出"]) == (457.86, 454.06, 3.79)
    sg = r.account("sangong")
    assert (row(sg, "合计")["预算数"], row(sg, "合计")["决算数"]) == (11.49, 3.04)
    assert (row(sg, "公务用车运行维护费")["预算数"], row(sg, "公务用车运行维护费")["决算数"]) == (9.38, 2.64)
    assert (row(sg, "公务接待费")["预算数"], row(sg, "公务接待费")["决算数"]) == (2.11, 0.40)


def test_shanghai_final_accounts_shifted_table_is_one_finding():
    """031: in the 一般公共预算财政拨款支出决算表 the figures stand a row off their labels from 207 on (the
    real 合计 24,535.67 is printed on another row): one finding, nothing compared with that table."""
    fs = findings("031")
    # and, in its 三公 text, '公务接待费支出决算增加 0.40 万元，增长 100%' beside a table 决算 of 0.40: a rise from nothing
    assert [(f.code, f.evidence.get("rule")) for f in fs] == [("misaligned", "JS-02b"), ("arithmetic", "TX-05")]
    assert "一般公共预算财政拨款支出决算表" in fs[0].message


# --- 决算/预算 情况说明 and 三公 paragraphs of other provinces ----------------------------------------

def test_gansu_traditional_characters_page():
    """015 (甘肃天水, a mirror in traditional characters): 本單位收入為1687.45萬元,其中:財政撥款收入1516.64萬元."""
    r = report("015")
    assert r.kind == "部门决算" and any("繁体" in w for w in r.warnings)
    f = figure("015", "1687.45万元")
    assert (f.kind, f.label, f.value.unit) == ("amount", "本单位收入为", "万元")
    assert figure("015", "1516.64万元").label == "财政拨款收入"
    assert figure("015", "170.81万元").label == "事业收入"


def test_hunan_sangong_paragraph():
    """018 (湖南桃江): 决算为22.62万元 … 公务接待费为20.10万元,占88.86% … 公务用车运行维护费为2.52万元."""
    assert figure("018", "22.62万元").label == "决算为"
    assert figure("018", "20.10万元").label == "公务接待费为"
    assert figure("018", "88.86%").kind == "percent"
    assert figure("018", "2.52万元").value.number == 2.52


def test_zhejiang_citywide_sangong_paragraph():
    """019 (浙江龙泉): 决算总额2771万元 … 因公出国(境)经费决算120万元 … 公务接待费决算1033万元 …"""
    amounts = {f.value.number for f in figures("019") if f.kind == "amount"}
    assert amounts == {2771, 120, 1033, 1618, 414, 1204}


def test_sichuan_amounts_listed_with_one_unit():
    """020 (四川): 收、支总计各是4125.49,4143.91万元 … 各减少1267.86,2570.97万元."""
    a, b = figure("020", "4125.49万元"), figure("020", "4143.91万元")
    assert a.label == b.label and a.value.unit == b.value.unit == "万元"
    assert figure("020", "2570.97万元").label == figure("020", "1267.86万元").label


def test_guangxi_year_is_the_reported_one_not_the_compared_one():
    """021 (广西): "较 2022 年度决算数增加" throughout, "本单位 2023 年度总支出 125.08 万元"."""
    assert report("021").year == 2023
    assert figure("021", "8.02万元").label == "上年结转和结余"
    assert figure("021", "10.8%").kind == "percent"


def test_chongqing_final_accounts_note():
    """028 (重庆解放碑): 收入总计8013.45万元 … 收支较上年决算数减少5137.56万元,下降39.1%."""
    assert figure("028", "8013.45万元").kind == "amount"
    assert figure("028", "5137.56万元").label == "收支较上年决算数减少"
    assert figure("028", "39.1%").label == "下降"


def test_guangxi_budget_note_in_yuan():
    """041 (广西梧州): 基本支出预算881300.39元,占一般公共预算支出的96.74%."""
    f = figure("041", "881300.39元")
    assert (f.value.unit, f.label) == ("元", "基本支出预算")
    assert figure("041", "96.74%").label == "占一般公共预算支出的"


def test_guangxi_sangong_final_note():
    """048 (广西梧州): "三公"经费支出决算总额为 5.48 万元 … 公务用车购置及运行费支出决算3.98万元."""
    assert figure("048", "5.48万元").label == "经费支出决算总额为"
    assert figure("048", "3.98万元").kind == "amount"
    assert figure("048", "1.5万元").value.number == 1.5


# --- 三公 tables flattened with bars ----------------------------------------------------------------

def test_barred_sangong_table_with_its_real_error():
    """044 (广西桂林 2015): "3.公务用车费 | 0 | 0" while its sub-item 公务用车运行维护费 is 32.65."""
    t = report("044").account("sangong", "预算")
    assert row(t, "合计")["本年预算数"] == 34.35
    assert row(t, "公务用车费")["本年预算数"] == 0
    assert row(t, "公务用车运行维护费")["其中:公共预算财政拨款"] == 32.65
    fs = [f for f in findings("044") if f.code == "arithmetic"]
    assert len(fs) == 2 and all("公务用车费" in f.message and "32.65" in f.message for f in fs)


def test_barred_sangong_table_empty_cells_kept():
    """045 (四川达州 2014): "1.因公出国(境)费用 | |" is a row with nothing printed; 合计 46 = 8 + 38."""
    t = report("045").account("sangong", "预算")
    assert row(t, "合计")["本年预算数"] == 46
    assert row(t, "公务接待费")["本年预算数"] == 8
    assert row(t, "公务用车费")["本年预算数"] == 38
    assert math.isnan(row(t, "因公出国(境)费用")["本年预算数"])  # printed blank
    assert not [f for f in findings("045") if f.code == "arithmetic"]


def test_barred_sangong_table_in_traditional_characters():
    """046 (湖南岳阳县 2015, traditional with ruby glitches): 合計(jì) | 3318, 2、公務(wù)接待費(fèi) | 1372."""
    t = report("046").account("sangong")
    assert row(t, "合计")["本-预算数"] == 3318
    assert row(t, "公务接待费")["本-预算数"] == 1372
    assert row(t, "公务用车费")["本-预算数"] == 1946


def test_sangong_table_printed_a_cell_a_line():
    """047 (重庆江北 2021): "合计 |" / "4432 |" …; 39 + 323 + 4070 = 4432, 2648 + 1422 = 4070."""
    t = report("047").account("sangong", "预算")
    got = {r["name"]: r["预算数"] for r in t.records()}
    assert got == {"合计": 4432, "因公出国(境)费用": 39, "公务接待费": 323, "公务用车购置及运行维护费": 4070,
                   "公务用车运行维护费": 2648, "公务用车购置": 1422}
    assert findings("047") == []


def test_sangong_table_whose_blank_cells_were_dropped_is_not_guessed():
    """043 (上海嘉定 2017): eight figures under twelve headings; the note under it is still read."""
    r = report("043")
    assert r.accounts[0].unread and "对不齐" in r.accounts[0].unread
    assert figure("043", "22.00万元").label == "经费财政拨款支出年初预算为"
    assert figure("043", "39.86%").label == "完成预算的"


# --- 自评表 that lost their structure ---------------------------------------------------------------

def test_form_run_together_is_split_back_where_only_one_split_fits():
    """039 (四川中江 2022): "年度资金总额:202010100.00%10" is 20 │ 20 │ 10 │ 100.00% │ 10; the 产出 and 效益
    items score 10+10+20+10+10+10 + 10+10 + 10 + 执行率 10 = 110 under a 总分 of 100 (INDEX.md)."""
    r = report("039")
    (p,) = r.projects
    t = p.funds.total
    assert (t.budget_full.raw, t.executed.raw, t.weight.raw, t.rate.raw, t.score.raw) == ("20", "20", "10", "100.00%", "10")
    first = p.indicators[0]
    assert (first.level3, first.weight.raw, first.target.raw, first.actual.raw, first.score.raw) == \
        ("安装坡面水标尺", "10", "≥266米", "≥266米", "10")
    cost = next(i for i in p.indicators if i.level3 == "项目计划总投资")
    assert (cost.weight.raw, cost.target.raw, cost.actual.raw) == ("10", "20万元", "20万元")
    assert len(p.indicators) == 9 and (p.total_weight.raw, p.total_score.raw) == ("100", "100")
    # 分值 adding to 110 under a 总分 of 100, every mark given: the 总分 differs by the same excess, one issue
    (weights,) = [f for f in findings("039") if f.code == "weights"]
    assert "得分合计同为 110，与填报总分 100 不符" in weights.message
    assert "total_mismatch" not in {f.code for f in findings("039")}


def test_form_with_its_figures_stripped_says_so():
    """030 (湖北): the host removed every number: the form is recognised, nothing is scored as clean."""
    r = report("030")
    assert r.kind == "项目支出绩效自评表" and r.status == "部分读取"
    assert any("没有印出" in i.reason for i in r.issues)


def test_scrambled_pdf_text_form_is_partly_read():
    """050 (上海普陀 体育中心): values before their labels; the form is not split by guess."""
    r = report("050")
    assert r.kind == "项目支出绩效自评表" and r.status == "部分读取"
    assert any("未能拆分" in i.reason for i in r.issues)


# --- documents that are only a table of contents -----------------------------------------------------

@pytest.mark.parametrize("prefix", ["011", "013", "023", "025", "029", "033", "034", "035", "054"])
def test_table_of_contents_only(prefix):
    r = report(prefix)
    assert r.kind == "目录" and r.status == "部分读取"
    assert any("目录" in i.reason for i in r.issues)
