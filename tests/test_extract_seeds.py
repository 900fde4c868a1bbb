"""Golden values read off the five seed reports by hand."""
import math

from conftest import project


def test_project_counts(seeds):
    assert {k: len(r.projects) for k, r in seeds.items()} == {"000": 4, "001": 4, "002": 0, "003": 12, "004": 4}
    assert [len(r.blank_templates) for r in seeds.values()] == [0, 0, 1, 0, 0]


def test_layouts_are_detected_from_content(seeds):
    assert seeds["003"].layout == "cell-per-line"
    assert {seeds[k].layout for k in ("000", "001", "002", "004")} == {"tsv"}


def test_003_taiwan_fund_low_execution(seeds):
    p = project(seeds["003"], "对台工作特费")
    t = p.funds.total
    assert (t.budget_initial.number, t.budget_full.number, t.executed.number) == (8, 8, 0.09)
    assert t.rate.number == 1.12 and t.rate.unit == "%"
    assert t.score.number == 0.07 and t.weight.number == 10
    assert p.total_score.number == 72.13 and p.total_weight.number == 100
    assert p.department == "大同市人民政府外事办公室" and p.year == 2021 and p.unit == "万元"
    assert len(p.indicators) == 12
    first = p.indicators[0]
    assert (first.level1, first.level2, first.level3) == ("产出指标", "数量指标", "指标1：接待台湾商团批次")
    assert (first.op, first.target.number, first.actual.number, first.weight.number, first.score.number) == ("≥", 8, 1, 6.25, 0.7)
    cost = p.indicators[7]
    assert cost.target.raw == "1万/批次" and cost.target.unit == "万/批次" and cost.actual.number == 0.09
    assert p.analysis["output"].text == "按预定进度完成"


def test_003_rate_printed_without_percent_sign(seeds):
    t = project(seeds["003"], "宣传交流工作经费").funds.total
    assert t.rate.raw == "15.45" and t.rate.number == 15.45


def test_003_row_split_by_a_blank_line_is_one_indicator(seeds):
    p = project(seeds["003"], "宣传交流工作经费")
    ind = next(i for i in p.indicators if "预定进度" in i.level3)
    assert (ind.target.raw, ind.actual.raw, ind.weight.number, ind.score.number) == ("是", "是", 5, 5)
    assert p.analysis["total_remark"].text.startswith("稍有偏差")


def test_003_empty_tables_keep_money_but_no_indicators(seeds):
    p = project(seeds["003"], "因公出国（境）费")
    assert p.funds.total.budget_full.number == 73
    assert p.indicators == [] and p.placeholder_indicators == 9
    assert p.total_weight.number == 100 and p.total_score.blank


def test_000_reception_fund_allocated_column(seeds):
    p = project(seeds["000"], "外事接待专项经费")
    t = p.funds.total
    assert "财政下达数" in p.funds.columns
    assert t.allocated.number == 1.78 and t.executed.number == 10.00 and t.executed.raw == "10.00"
    assert t.rate.raw == "100.00%"
    assert p.grade.raw == "优" and p.total_score.number == 100


def test_000_yunnan_indicator_columns(seeds):
    p = project(seeds["000"], "办公场地修葺及搬迁专项经费")
    assert p.funds.total.rate.blank and p.funds.total.score.number == 10
    ind = p.indicators[2]
    assert (ind.level3, ind.op, ind.target.number, ind.unit, ind.actual.number) == ("项目实施时间", "≤", 3, "月", 2)
    assert [(w.number, s.number) for w, s in p.subtotals] == [(90, 90)]
    assert p.total_score.number == 90 and p.grade.raw == "优"
    assert "未收到额度" in p.notes.text


def test_001_budget_cut_to_execution(seeds):
    p = project(seeds["001"], "外事工作专项经费")
    t = p.funds.total
    assert (t.budget_initial.number, t.budget_full.number, t.executed.number, t.rate.number) == (20, 15.46, 15.46, 100)
    own = project(seeds["001"], "单位自有经费")
    assert own.funds.carryover.budget_initial.number == 13 and own.funds.other.budget_initial.number == 5
    assert own.grade.raw == "良" and own.total_score.number == 80
    assert own.indicators[0].deviation.text == "2024年将做好手续费返还与管理工作。"


def test_004_yuan_with_thousands_separators(seeds):
    p = project(seeds["004"], "合作交流工作业务费")
    t = p.funds.total
    assert p.unit == "元"
    assert (t.budget_initial.number, t.budget_full.number, t.executed.number) == (636500, 626500, 506745.04)
    assert t.rate.number == 80.88 and t.score.number == 8.09
    assert p.implementer == "上海市人民政府驻昆明办事处"
    assert p.total_score.number == 98.09


def test_004_shifted_rows_read_by_content(seeds):
    p = project(seeds["004"], "合作交流专项工作经费")
    names = [(i.level1, i.level2, i.level3, i.weight.number) for i in p.indicators]
    assert ("产出指标", "成本指标", "费用标准", 5) in names
    assert ("效益指标", "可持续影响指标", "人员配置保障情况", 5) in names
    assert sum(i.weight.number for i in p.indicators) + p.funds.total.weight.number == 100
    q = project(seeds["004"], "驻外办驻外工作经费")
    days = next(i for i in q.indicators if i.level3 == "服务保障天数")
    assert days.actual.raw == "≥320 天" and days.actual.op == "≥"


def test_002_blank_template_is_not_a_project(seeds):
    (blank,) = seeds["002"].blank_templates
    assert blank.name == "" and blank.empty
    assert blank.funds.total.weight.number == 10


def test_department_sections(seeds):
    d = seeds["000"].department_part
    assert d.name == "玉溪市人民政府外事办公室" and d.year == 2022
    assert [s.number for s in d.sections] == ["一、", "二、", "三、", "四、", "五、", "六、", "七、"]
    assert "88.53元" in d.section("sangong").text.text
    assert "尚未开展培训工作" in d.section("problems").text.text
    tasks = {t.name: t for t in d.key_tasks}
    assert tasks["外事工作业务经费"].approved_total.number == 3425707.29 and tasks["外事工作业务经费"].unit == "元"
    assert d.key_tasks_total.approved_total.number == 4437844.91
    assert len(d.indicators) == 7 and d.indicators[4].level1 == "效益指标"


def test_001_key_tasks_disagree_with_project_tables(seeds):
    d = seeds["001"].department_part
    task = next(t for t in d.key_tasks if t.name == "外事工作")
    assert (task.approved_total.number, task.executed.number, task.rate.number) == (20, 15.46, 77.27)
    assert "未能如期开展" in task.reason.text
    assert [g.year for g in d.year_goals] == [2023, 2024, 2025]


def test_002_department_funds_block(seeds):
    d = seeds["002"].department_part
    rows = {r.label: r for r in d.funds}
    assert rows["年度资金总额"].values["预算确定数"].number == 322.24
    assert rows["项目支出/年度资金总额"].values["执行数"].number == 3.81
    assert rows["上年结转"].values["执行率"].number == 100
    assert d.indicators[0].op == "≥" and d.indicators[0].unit == "次/年"


def test_001_accounts_tables(seeds):
    r = seeds["001"]
    kinds = [t.kind for t in r.accounts]
    assert kinds == ["income_expenditure", "income", "expenditure", "fiscal", "gpb", "basic_gpb", "project_gpb",
                     "gov_fund", "soe_capital", "sangong", "sangong_gpb", "assets"]
    assert all(t.unit == "万元" for t in r.accounts)
    t01 = r.account("income_expenditure")
    assert t01.number == "公开01表"
    income = t01.frame[(t01.frame.side == "收入") & (t01.frame.name == "本年收入合计")]
    assert income["金额"].item() == 490.30
    start = t01.frame[t01.frame.name == "年初结转和结余"]
    assert start["金额"].item() == 9.00
    t03 = r.account("expenditure").frame
    total = t03[t03.level == "合计"].iloc[0]
    assert (total["本年支出合计"], total["基本支出"], total["项目支出"]) == (490.30, 447.79, 42.51)
    assert set(t03.level) == {"合计", "类", "款", "项"}
    t05 = r.account("gpb").frame  # no 栏次 row: columns come from the group headers
    row = t05[t05.code == "201"].iloc[0]
    assert (row["本年支出:人员经费"], row["本年支出:公用经费"], row["本年支出:项目支出"]) == (286.02, 48.04, 42.51)
    t06 = r.account("basic_gpb")
    assert t06.totals["人员经费合计"].number == 397.19 and t06.totals["公用经费合计"].number == 50.60
    assert t06.frame[t06.frame.code == "30239"]["amount"].item() == 17.86
    assert r.account("gov_fund").empty and "空表" in r.account("gov_fund").notes[-1].text
    sg = r.account("sangong").frame
    assert sg[sg.name == "因公出国（境）团组数（个）"]["决算统计数"].item() == 0
    assets = r.account("assets").frame.iloc[0]
    assert (assets["资产总额"], assets["车辆:原值"], assets["无形资产:净值"]) == (52.01, 23.93, 0.82)


def test_002_accounts_in_yuan(seeds):
    r = seeds["002"]
    assert {t.unit for t in r.accounts} == {"元"}
    t02 = r.account("income").frame  # code and name printed in one cell: "201 一般公共服务支出"
    assert t02[t02.code == "2210203"]["本年收入合计"].item() == 15647.00
    t05 = r.account("gpb").frame
    assert t05[t05.level == "合计"][r.account("gpb").value_columns].isna().all().all()
    assert t05[t05.code == "201"]["本年支出:公用经费"].item() == 1766900.77
    assert r.account("project_gpb").empty


def test_department_names_and_years_are_all_kept(seeds):
    names = {m.value for m in seeds["002"].departments}
    assert {"云南省玉溪市人民政府驻北京联络处", "云南省玉溪市热门政府驻北京联络处"} <= names
    assert seeds["002"].department == "云南省玉溪市人民政府驻北京联络处"
    assert seeds["001"].year == 2023 and seeds["003"].year == 2021


def test_every_value_points_at_its_source_line(seeds):
    for r in seeds.values():
        for p in r.projects:
            for ind in p.indicators:
                for v in (ind.target, ind.actual, ind.weight, ind.score):
                    if not v.blank:
                        line = r.lines[v.line - 1]
                        assert v.raw.replace(" ", "")[:6] in line.replace(" ", ""), (r.source, v)
            t = p.funds.total
            assert t.budget_full.raw in r.lines[t.budget_full.line - 1]
        for table in r.accounts:
            for _, row in table.frame.iterrows():
                assert row["name"][:4] in r.lines[int(row["line"]) - 1].replace(" ", "") or not row["name"]


def test_accounts_amounts_are_floats(seeds):
    t = seeds["002"].account("expenditure").frame
    assert t["基本支出"].dtype == float and not math.isnan(t["基本支出"].iloc[0])
