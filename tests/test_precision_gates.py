"""Every finding true (issue 19): each family of false findings and dishonest verdicts, on a real case, with a clean
counter-case.  The labelled documents (corpus/labelled, labels in evals/labelled.jsonl) hold most of them; where a
family needs a form the corpus does not print, a real seed is changed in the one place the family is about."""
from __future__ import annotations

from pathlib import Path

import pytest

import reviewer
from reviewer.scoring import rescore
from reviewer.model import Indicator, Value
from reviewer.scoring import allowed
from reviewer.settle import AMEND, APPROVE, RETURN, UNREVIEWED

from conftest import REAL, seed_path
from test_read import _pdf

LABELLED = Path(__file__).resolve().parents[1] / "corpus" / "labelled"


def labelled(prefix: str) -> Path:
    (path,) = LABELLED.glob(f"{prefix}_*.txt")
    return path


@pytest.fixture(scope="module")
def reviews():
    return {p: reviewer.review(labelled(p)) for p in ("014", "020", "021", "022", "023", "024", "025", "026")}


def _codes(rv, subject=None):
    return sorted((f.code, f.severity) for f in rv.occurrences if subject in (None, f.subject))


def _seed_004_with(old: str, new: str) -> str:
    text = seed_path("004").read_text(encoding="utf-8")
    assert text.count(old) == 1
    return text.replace(old, new)


# --- 1. a gate on structure -------------------------------------------------------------------------------

ROW = "\t产出指标\t数量指标\t任务完成率\t100%\t100%\t10\t10\t"  # seed 004, line 43


def _row_43(rv):
    (p,) = [p for p in rv.report.projects if any(i.line == 43 for i in p.indicators)]
    return p, next(i for i in p.indicators if i.line == 43)


def test_an_indicator_row_with_a_surplus_figure_is_realigned_when_one_reading_fits():
    """`100 │ 100 │ 10 │ 10 │ 0`: only the reading without the trailing 0 gives a 得分 the rules allow and a 总分 that
    adds up; it is taken, and the findings are those of the row as printed without it (not 得分 0)."""
    original, shifted = reviewer.review(seed_path("004")), reviewer.review(_seed_004_with(ROW, ROW.rstrip("\t") + "\t0"))
    p, ind = _row_43(shifted)
    assert (ind.target.raw, ind.actual.raw, ind.weight.raw, ind.score.raw) == ("100%", "100%", "10", "10")
    assert not p.incomplete and not p.unread_cells and shifted.report.complete
    assert _codes(shifted, p.name) == _codes(original, p.name)


def test_a_surplus_figure_two_readings_explain_stays_a_read_issue():
    """`50 │ 100% │ 100% │ 10 │ 10`: 年度指标值 50 or 100% both make the row complete and its score right; which
    one the table means cannot be told, so the target is not read and the row says so — never guessed."""
    rv = reviewer.review(_seed_004_with(ROW, ROW.replace("任务完成率\t100%", "任务完成率\t50\t100%")))
    p, ind = _row_43(rv)
    assert ind.target.blank and (ind.actual.raw, ind.weight.raw, ind.score.raw) == ("100%", "10", "10")
    assert p.unread_cells == ["第43行绩效指标比表头多一个数字，两种读法都说得通，年度指标值无法确定，未核查"]
    assert not rv.report.complete and rv.verdict.label != APPROVE
    assert not [f for f in rv.occurrences if f.subject == p.name and f.code == "indicator_score"]


def test_a_funds_row_with_a_surplus_cell_keeps_what_its_figures_confirm():
    """A stray cell before 年初预算数: 执行率 80.88% = 506,745.04 ÷ 626,500 and 得分 8.09 = 10 × 80.88% confirm
    全年预算数 onwards in both readings; 年初预算数 (1 or 636,500) is not read."""
    old = "\t年度资金总额\t636,500\t"
    rv = reviewer.review(_seed_004_with(old, "\t年度资金总额\t1\t636,500\t"))
    total = rv.report.projects[0].funds.total
    assert total.budget_initial.blank and (total.budget_full.raw, total.rate.raw, total.score.raw) == \
        ("626,500", "80.88%", "8.09")
    assert any("年初预算数无法确定" in str(i) for i in rv.report.issues)


def test_rows_whose_label_wrapped_round_their_figures_are_read_and_not_summed_wrong(reviews):
    """020 (PDF text): "2080506" / its name / "116.59 116.59 0.00" on three lines; 022: "二十二、灾害防治及应急管理支"
    / "98.23 98.23" / "出" in the two-sided 财政拨款收入支出决算总表.  Read as rows, the tables balance: no
    "208 合计 471.44 ≠ 460.67", no "本年支出合计 19044.27 ≠ 18946.04" (both were false high findings)."""
    t = reviews["020"].report.account("gpb")
    row = next(r for r in t.records() if r["code"] == "2080506")
    assert row["合计"] == 116.59 and not t.lost
    assert not [f for f in reviews["020"].occurrences if f.code == "arithmetic"]
    fiscal = reviews["022"].report.account("fiscal")
    assert any(r["item"] == "二十二、灾害防治及应急管理支出" and r["合计"] == 98.23 for r in fiscal.records())
    assert not [f for f in reviews["022"].occurrences if "18946.04" in f.message]


def test_economic_codes_printed_class_space_item_are_items_not_classes(reviews):
    """"301 01 基本工资 405.36": 款 30101 of 类 301, not a class 301 of 1.00."""
    rows = {r["code"]: r for r in reviews["020"].report.account("basic_gpb").records()}
    assert rows["30101"]["amount"] == 405.36 and rows["30101"]["level"] == "款" and rows["301"]["amount"] == 2857.05


def test_no_sum_is_judged_in_a_table_whose_figures_no_row_holds(reviews):
    """023 (PDF text): the 基本支出表 prints codes and names apart from their figures ("301 01 302" / "基本工资
    262.33 01 办公费 21.21"): figures no row holds, so 301 = Σ款 is not judged (it was a false high finding) and the
    table is named as not read whole.  The counter-case: 021's 302 = Σ款 fails in a table read whole — a finding."""
    t = reviews["023"].report.account("basic_gpb")
    assert t.lost and ("表格结构未能确认" in str(i) for i in reviews["023"].report.issues)
    assert not [f for f in reviews["023"].occurrences if f.evidence.get("rule") == "JS-06b"]
    (js06,) = [f for f in reviews["021"].occurrences if f.evidence.get("rule") == "JS-06b"]
    assert js06.severity == "high" and "302 商品和服务支出 为 1844.57，所属款级科目合计 3689.14" in js06.message


# --- 2. checks know what they apply to --------------------------------------------------------------------

TARGET_TABLE = """2024年项目支出绩效目标表
项目名称\t社区服务经费
主管部门\t临江街道办事处\t实施单位\t临江街道办事处
项目资金（万元）\t年度资金总额\t120.00
\t其中：财政拨款\t120.00
\t其他资金\t0
年度总体目标\t完成社区服务项目，服务居民5000人次以上。
绩效指标\t一级指标\t二级指标\t三级指标\t指标值
\t产出指标\t数量指标\t服务人次\t≥5000人次
\t产出指标\t质量指标\t服务满意度\t≥90%
\t效益指标\t社会效益指标\t居民知晓率\t≥85%
"""


def test_a_target_table_is_not_scored_as_a_self_evaluation():
    """A 绩效目标表 (targets only: no 实际完成值, no 得分, no money spent) is kept apart from the 自评表
    (Report.targets): no 分值合计 of 0, no missing 总分, no 执行率 finding — and, with nothing of it to check, the
    verdict says so rather than approving it.  The counter-case: a 自评表 of the same kind of project is scored."""
    rv = reviewer.review(TARGET_TABLE)
    r = rv.report
    assert r.kind == "绩效目标表" and not r.projects and r.targets[0].form == "目标表" and r.complete
    assert len(r.targets[0].indicators) == 3 and not rv.occurrences
    assert rv.verdict.label == UNREVIEWED
    assert any(f.code == "high_score_low_exec" for f in reviewer.review(seed_path("004")).occurrences)


def test_check_families_run_only_on_the_kinds_they_declare():
    from reviewer.checks import APPLIES, applies
    assert applies("scores", "项目支出绩效自评表") and not applies("scores", "部门预算")
    assert not applies("funds", "绩效目标表") and not applies("funds", "一种不认识的文件")
    assert applies("narrative_math", "一种不认识的文件") and applies("metadata", "一种不认识的文件")
    assert all(entry["label"] and entry["kinds"] for entry in APPLIES.values())


# --- 3. prose figures read as a reader would --------------------------------------------------------------

def test_a_breakdown_ends_at_another_and_a_list_runs_over_a_page_break(reviews):
    """014: "教职工总人数84人,其中在职在编人员77人,特岗人员6人,三支一扶1人,另外退休教师81人" (84 = 77+6+1); 021:
    "共有车辆 9 辆，其中：…执法执勤用车 5 辆…离退休干部用车 0 / === 第39页 === / 辆、其他用车 4 辆" (9 = 5+4)."""
    assert not [f for f in reviews["014"].occurrences if f.code == "arithmetic"]
    assert not [f for f in reviews["021"].occurrences if "辆" in f.message]


def test_a_thousands_comma_never_splits_a_figure_and_a_wrong_breakdown_is_still_found():
    text = ("2023年度部门决算\n基本支出214,355.48元，其中：人员经费200,000.00元，公用经费14,355.48元。\n"
            "项目支出50,000.00元，其中：培训费30,000.00元，会议费10,000.00元。\n")
    found = [f for f in reviewer.review(text).occurrences if f.code == "arithmetic"]
    assert [f.evidence["stated"] for f in found] == [50000.0]  # 30,000 + 10,000 ≠ 50,000; 214,355.48 adds up


# --- 4. tolerance and root causes -------------------------------------------------------------------------

def test_a_rate_within_one_unit_of_its_last_digit_is_not_a_finding(reviews):
    """025: 9,746.50 ÷ 10,210.34 = 95.457%, printed 95.45% (was a high finding).  021: 929.49 ÷ 21,147.70 = 4.40%,
    printed 4.35%: a slip to correct, medium, with the figure it should be."""
    assert not [f for f in reviews["025"].occurrences if "95.45" in f.message]
    (slip,) = [f for f in reviews["021"].occurrences if "4.35%" in f.message]
    assert slip.severity == "medium" and slip.evidence["correction"] == "4.35% 应为 4.4%"


def test_a_wrong_amount_and_the_rate_computed_from_it_are_one_finding(reviews):
    """024: "收入支出总计 0 万元。…减少 56.95 万元，下降 1.87%": the table's 2,995.39 gives 1.87%; one finding, on the
    amount, naming the rate (the rate was a second, false, high finding).  022: "支出决算为 245.53 万元，完成年初预算的
    93.57%" under a heading of 257.14: the amount is wrong, not the rate."""
    rv = reviews["024"]
    assert not [f for f in rv.occurrences if "100.01%" in f.message]
    (zero,) = [f for f in rv.occurrences if "收入支出总计0万元" in f.message]
    assert zero.code == "cross_table" and "按表中数字推算相符" in zero.message
    assert zero.evidence["correction"] == "“年度收入支出总计0万元”应为 2995.39万元"
    (amount,) = [f for f in reviews["022"].occurrences if "245.53" in f.message]
    assert amount.code == "narrative_contradiction" and amount.evidence["correction"] == "支出决算 245.53万元 应为 257.14万元"


def test_a_rate_another_amount_of_the_same_item_confirms_is_not_a_rate_slip():
    """001 万里街道 2024 预算: "“住房公积金（项）”350.35万元…2023年当年预算执行数为348.52万元，2024年预算安排352.67万元，
    比2023年预算执行数增加0.53%": 0.53% is right for 350.35 (the heading and the table); 352.67 is the slip, which the
    contradiction finding names.  The rate was a second, false, high finding whose correction was wrong (an auditor's
    reading); a rate no other amount explains is still one (the 减少2.98% beside it is checked and right)."""
    rv = reviewer.review(REAL / "001_shanghai_putuo_wanli_street_2024_dept_budget.txt")
    assert not [f for f in rv.occurrences if "0.53%" in f.message and f.code == "arithmetic"]
    (amounts,) = [f for f in rv.occurrences if "352.67" in f.message]
    assert amounts.code == "narrative_contradiction" and "350.35" in amounts.message
    altered = (REAL / "001_shanghai_putuo_wanli_street_2024_dept_budget.txt").read_text(encoding="utf-8").replace(
        "比2023年预算执行数增加0.53%", "比2023年预算执行数增加0.93%")
    assert [f for f in reviewer.review(altered).occurrences if "0.93%" in f.message and f.code == "arithmetic"]


def test_the_scoring_rules_are_one_function_for_the_check_and_the_rescore_table():
    """SC-05 for a reverse indicator kept over its limit, and a negative target (差错率 −12.5%): the 评分复核表 and the
    indicator check read the same rule; a negative target is judged met or not, never divided."""
    over = Indicator(level3="投诉次数", op="≤", target=Value("5", 5.0, kind="number"),
                     actual=Value("8", 8.0, kind="number"), weight=Value("10", 10.0, kind="number"),
                     score=Value("10", 10.0, kind="number"))
    rule = allowed(over)
    assert rule.rule == "SC-05" and (round(rule.lo, 4), round(rule.hi, 4)) == (4.0, 6.25)
    from reviewer.model import Project
    assert rescore(Project(name="x", indicators=[over])).parts[-1].justified == rule.hi
    negative = Indicator(level3="差错率", op="≤", target=Value("-12.5%", -12.5, unit="%", kind="number"),
                         actual=Value("-10%", -10.0, unit="%", kind="number"), weight=Value("10", 10.0, kind="number"),
                         score=Value("10", 10.0, kind="number"))
    assert allowed(negative) is None  # not met, and no proportion of a negative figure is a score
    met = Indicator(level3="差错率", op="≤", target=negative.target, actual=Value("-15%", -15.0, unit="%", kind="number"),
                    weight=negative.weight, score=negative.score)
    assert allowed(met).met


def test_a_negative_target_in_a_real_table_is_checked_without_a_fault():
    """差错率 target −12.5% (a fall of an eighth), 0% achieved, in seed 004's table: not met, and no proportion of a
    negative figure is a score, so the unit's own score stands in the 评分复核表 and no finding is made on it — it
    ended the 评分与权重 checks with ZeroDivisionError.  Met (−15%), it is full marks like any other."""
    for actual, met in (("0%", False), ("-15%", True)):
        rv = reviewer.review(_seed_004_with(ROW, ROW.replace("任务完成率\t100%\t100%", f"差错率\t≤-12.5%\t{actual}")))
        p, ind = _row_43(rv)
        assert not rv.faults and ind.target.number == -12.5 and (allowed(ind) is not None) == met
        assert not [f for f in rv.occurrences if f.code == "indicator_score" and f.subject == p.name]
        assert rescore(p).parts[1].justified == 10


# --- 5. honest reading status -----------------------------------------------------------------------------

def test_empty_tables_with_their_note_are_read_and_one_without_is_a_finding(reviews):
    """020/025/026: 政府性基金 and 国有资本经营 tables with "本年度没有…，故本表无数据" are read as empty (they were
    "未识别出数据行").  024: its 三公 table prints headers only and no note: a finding (JS-08e), not a reading gap."""
    for p in ("020", "025", "026"):
        for kind in ("gov_fund", "soe_capital"):
            t = reviews[p].report.account(kind)
            assert t.empty and not t.unread, (p, kind)
    (empty,) = [f for f in reviews["024"].occurrences if f.evidence.get("rule") == "JS-08e"]
    assert empty.code == "missing" and empty.severity == "medium" and "三公" in empty.message
    # its 说明 states a 三公 budget of 0.95: "本表无数据" would be untrue, the finding asks for the figures (an auditor's
    # reading of the held-out 024)
    assert "而说明写有“三公”经费财政拨款支出年初预算为0.95万元：表中应填列这些数字" in empty.message


def test_a_copy_cut_off_is_partly_read_and_never_approved():
    """The labelled web pages stop at "[... TRUNCATED IN SOURCE COPY ...]"; dev 010 stops mid-word
    ("收、支总计均为1523.26万"); a full document that ends with a sentence is not cut."""
    for path in [labelled(p) for p in ("011", "012", "015", "016", "017")] + \
            [REAL / "010_sichuan_quxian_agri_tech_center_2024_unit_final.txt"]:
        rv = reviewer.review(path)
        assert rv.report.status == "部分读取" and rv.verdict.label == UNREVIEWED, path.name
        assert any("截断" in i.reason or "中断" in i.reason for i in rv.report.issues)
    assert not [i for i in reviewer.extract(labelled("020")).issues if "中断" in i.reason or "截断" in i.reason]


def test_a_final_account_without_its_tables_is_partly_read(reviews):
    """014 is a 单位决算 说明 whose 附表 are not in the copy: its tables' figures were not reviewed."""
    assert any("没有决算表" in i.reason for i in reviews["014"].report.issues)


def test_pages_without_text_are_one_unread_run_and_no_table_beside_them_is_summed(tmp_path):
    text = seed_path("002").read_text(encoding="utf-8").split("\n")
    start = next(k for k, line in enumerate(text) if "一般公共预算财政拨款收入支出决算表" in line)
    page = "\n".join(t.replace("\t", "    ") for t in text[start:start + 20])
    path = _pdf(tmp_path / "gap.pdf", [("text", page), ("image", None), ("image", None), ("image", None)])
    report = reviewer.extract(path)
    assert [(i.where, i.reason) for i in report.issues if i.scope == "页"] == \
        [("第2–4页（共 3 页）", "扫描件，无文字层，无法读取")]
    rv = reviewer.review(report)
    assert not [f for f in rv.occurrences if f.code == "arithmetic"]


# --- 6. a verdict on what was read ------------------------------------------------------------------------

def test_findings_in_the_part_read_decide_the_verdict_and_the_gaps_are_named(reviews):
    rv = reviews["021"]  # partly read (PDF text that lost its blank cells), with a true high finding
    assert not rv.report.complete and rv.verdict.label in (AMEND, RETURN)
    assert rv.verdict.reasons[-1] == f"另有 {len(rv.report.issues)} 处未能读取，需人工复核"
    slip = reviews["014"]  # partly read, its 目录 names another year than its body: the slip is put to the unit
    assert slip.verdict.label == AMEND and slip.verdict.reasons[-1].startswith("另有")
    clean = reviewer.review(labelled("019"))  # partly read, nothing wrong in the part read
    assert clean.verdict.label == UNREVIEWED and clean.verdict.reasons[0].startswith("已读部分未发现需更正的问题")


def test_an_approval_never_rests_on_an_empty_list():
    """A 三公 paragraph with one sum in it (dev 018) is not enough to approve; a whole 三公 budget page whose two
    identities hold (dev 047: 39 + 323 + 4070 = 4432, 2648 + 1422 = 4070) is."""
    para = reviewer.review(REAL / "018_hunan_taojiang_2019_sangong_paragraph.txt")
    assert para.verdict.label == UNREVIEWED
    page = reviewer.review(REAL / "047_chongqing_jiangbei_2021_district_sangong_budget_table.txt")
    assert page.verdict.label == APPROVE and page.report.complete


def test_codes_before_a_unit_name_are_not_a_typo():
    text = ("2023年度项目支出绩效自评表\n项目名称\t办公经费\n主管部门\t219001-临江市农业农村局\t实施单位\t219-临江市农业农村局\n")
    assert not [f for f in reviewer.review(text).occurrences if "笔误" in f.message]


# --- the structure of a two-sided or small table, confirmed by its own identities ------------------------------

def _checked(report):
    from reviewer.checks import run_checks
    return run_checks(report)


def test_rows_read_on_the_wrong_side_of_a_two_sided_table_are_not_errors():
    """020's 收入支出决算总表 prints lines holding the 支出 side only; read on the 收入 side, 本年收入合计 is short by
    exactly what 本年支出合计 exceeds its rows by (3,851.81 = 109.34 + 3,742.47): the sides were mixed in reading,
    and the table balances with the two rows where they belong — no finding.  A 本年收入合计 printed wrong
    (4,700.00 for 4,733.14) is the counter-case: a finding."""
    r = reviewer.extract(labelled("020"))
    t = r.account("income_expenditure")
    t.frame.loc[t.frame.line.isin([115, 116]), "side"] = "收入"
    t.__dict__.pop("_records", None)
    ctx = _checked(r)
    assert not [f for f in ctx.findings if f.code == "arithmetic"] and not ctx.unjudged
    r = reviewer.extract(labelled("020"))
    t = r.account("income_expenditure")
    t.frame.loc[(t.frame.line == 131) & (t.frame.side == "收入"), "决算数"] = 4700.00
    t.__dict__.pop("_records", None)
    assert any(f.evidence.get("rule") == "JS-01a" for f in _checked(r).findings)


def test_a_table_most_of_whose_identities_fail_is_not_judged_line_by_line():
    """020's 三公 table with its figures read one item off (each pair under the item below): all four of its sums
    fail.  That is a table not understood, named once as not judged (never four high findings), and the verdict
    is not an approval; the table as printed has no finding."""
    r = reviewer.extract(labelled("020"))
    t = r.account("sangong")
    for col in ("预算数", "决算数"):
        t.frame[col] = list(t.frame[col])[1:] + list(t.frame[col])[:1]
    t.__dict__.pop("_records", None)
    rv = reviewer.review(r)
    assert not [f for f in rv.occurrences if f.code == "arithmetic"]
    (gap,) = rv.unjudged
    assert gap.subject == "财政拨款“三公”经费支出决算表" and "4 处中有 4 处不成立" in gap.reason
    # never an approval: its true slips elsewhere (a broken year, 减少…持平) are put to the unit, the table named
    assert rv.verdict.label == AMEND and "另有 1 处未作判断（表格结构未能确认，或所涉数字为文字识别所得、可能有误），需人工复核" in rv.verdict.reasons
    assert not [f for f in reviewer.review(labelled("020")).occurrences if f.code == "arithmetic"]


def test_a_table_the_contents_list_and_the_document_lacks_is_a_finding(reviews):
    """024 lists "三、支出决算表" in its 目录 and goes from 收入决算表 straight to 财政拨款收入支出决算总表; 023, the
    same document untouched, prints all nine.  A copy of only the 目录 (dev 054) is not judged: it prints no table."""
    (gone,) = [f for f in reviews["024"].occurrences if f.evidence.get("rule") == "JS-00"]
    assert gone.code == "missing" and "三、支出决算表" in gone.message and gone.evidence["quotes"][0].line == 17
    assert not [f for f in reviews["023"].occurrences if f.evidence.get("rule") == "JS-00"]
    toc = reviewer.review(REAL / "054_zhejiang_cncn_2022_dept_final_toc_dotleaders.txt")
    assert not [f for f in toc.occurrences if f.evidence.get("rule") == "JS-00"]


# --- found on documents the tool was not built from (corpus/heldout) --------------------------------------------

HELDOUT = LABELLED.parent / "heldout"


def test_a_two_row_indicator_header_and_a_form_cut_before_its_total(tmp_path):
    """云南 104: the header's second row names 指标性质, 指标值 and 度量单位 ("﹦ │ 72890 │ 元 │ 72890 │ 10.00 │ 9.00"); the
    page stops in the 满意度 row, whose 得分 and the 总分 row are missing.  Read so, the 分值 add to 100 (no false
    "合计 185") and the form is cut, not unfilled (no "总得分未填报"); its project name is on the line below its label."""
    (path,) = HELDOUT.glob("104_*.txt")
    rv = reviewer.review(path)
    (p,) = rv.report.projects
    assert p.name == "2020年省级自然资源卫片执法补助经费支出绩效自评表" and "总分" in p.incomplete
    first, last = p.indicators[0], p.indicators[-1]
    assert (first.op, first.target.raw, first.unit, first.actual.raw, first.weight.raw, first.score.raw) == \
        ("=", "72890", "元", "72890", "10.00", "9.00")
    assert (last.level3, last.weight.raw, last.score.blank) == ("满意度", "10.00", True)
    assert not [f for f in rv.occurrences if f.code in ("weights", "total_mismatch") or "总得分未填报" in f.message]
    # a 偏差原因 left blank is about the form, not money: the amount does not raise it (修改后认可, not 退回重报)
    (why,) = [f for f in rv.findings if f.evidence.get("rule") == "SC-12"]
    assert why.severity == "medium" and rv.verdict.label == AMEND and rv.report.status == "部分读取"


def test_a_comparison_with_nothing_after_it_is_a_cut():
    """110 stops at "水电气消耗比上年下降情况>": an operator with no figure after it."""
    (path,) = HELDOUT.glob("110_*.txt")
    assert any("中断" in i.reason for i in reviewer.extract(path).issues)


def test_a_table_the_contents_mark_empty_needs_no_note_and_may_be_left_out():
    """"九、国有资本经营预算财政拨款收入支出决算表（无）" in the 目录: the table, printed with headers only, is empty by
    design (no 空表 finding); left out, it is not missing (no JS-00).  Counter-case: the same 目录 without （无）."""
    text = (REAL.parent / "labelled" / "024_shanghai_putuo_czj_2024_bmjs_TESTVARIANT.txt").read_text(encoding="utf-8")
    marked = text.replace("三、支出决算表", "三、支出决算表（无）").replace("七、财政拨款“三公”经费支出决算表",
                                                                       "七、财政拨款“三公”经费支出决算表（无）")
    rv = reviewer.review(marked)
    assert not [f for f in rv.occurrences if f.evidence.get("rule") in ("JS-00", "JS-08e")]
    assert {f.evidence.get("rule") for f in reviewer.review(text).occurrences} >= {"JS-00", "JS-08e"}


def test_each_table_records_whether_its_own_sums_confirmed_it_and_only_confirmed_tables_are_compared(reviews):
    """023: the 基本支出表, whose figures stand apart from its codes, is "assumed"; the tables whose sums were
    compared are "verified" — the memo says which.  A comparison of the text with a table (024's "0 万元" against
    the 收入支出决算总表) is made only when that table is confirmed: unconfirmed, no finding rests on it."""
    s = reviews["023"].structure
    assert "一般公共预算财政拨款基本支出决算表" in s["assumed"] and "收入支出决算总表" in s["verified"]
    r = reviewer.extract(labelled("024"))
    r.account("income_expenditure").lost.append((312, "2,995.39"))  # as if a figure of it had found no row
    assert not [f for f in _checked(r).findings if "收入支出总计0万元" in f.message]
    assert [f for f in reviews["024"].occurrences if "收入支出总计0万元" in f.message]
