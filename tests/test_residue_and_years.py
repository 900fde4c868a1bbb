"""Template residue and years (issue 22 families 1 and 2): each rule on a real case and a clean counter-case."""
from __future__ import annotations

from pathlib import Path

import pytest

import reviewer

from conftest import seed_path

ROOT = Path(__file__).resolve().parents[1] / "corpus"
HEAD = "玉溪市财政局2023年度部门决算情况说明\n一、收入支出决算总体情况\n"  # what makes a snippet a 决算's 说明


def _doc(folder: str, prefix: str) -> Path:
    (path,) = sorted((ROOT / folder).glob(f"{prefix}_*.txt"))
    return path


def _rules(source) -> dict[str, list]:
    """Every finding of a review by its rule, merged findings counted through their items."""
    out: dict[str, list] = {}
    for f in reviewer.review(source).occurrences:
        out.setdefault(f.evidence.get("rule", ""), []).append(f)
    return out


@pytest.fixture(scope="module")
def clean_budget():
    """A real 部门预算 (万里街道 2024) that prints no template residue and no year but its own."""
    return _rules(_doc("real", "001"))


def test_alternatives_left_in_a_final_accounts_are_found(clean_budget):
    found = _rules(_doc("labelled", "022"))["TP-01"]
    messages = " ".join(f.message for f in found)
    assert "“大小于”" in messages  # '决算数大小于预算数': 决算 19,044.27 < 年初 21,864.85, 小于 was meant
    assert "“减增加”" in messages  # '比 2024 年度减' / '增加 21.90 万元': the line break joined before matching
    assert {f.evidence["quotes"][0].line for f in found} == {648, 892}
    assert {f.severity for f in found} == {"medium"} and "TP-01" not in clean_budget


def test_a_heading_of_changes_is_no_alternative():
    text = HEAD + "三、收入支出增减变化情况\n本年收入增加10.00万元，增长5.00%。\n"
    assert "TP-01" not in _rules(text)
    assert "TP-01" in _rules(text.replace("增加10.00万元", "增加（减少）10.00万元"))


def test_placeholders_and_instructions_of_a_template_are_found_and_a_form_head_is_not(clean_budget):
    # a 决算 that kept its template's '上海市普陀区XX局' in a title, and one that kept the instruction under its empty
    # tables ('无政府性基金预算财政拨款收入支出的，仍保留该表格式，并在本表下方作下述说明：', two places)
    (placeholder,) = _rules(_doc("labelled", "024"))["TP-02"]
    assert "“XX”" in placeholder.message and placeholder.evidence["quotes"][0].line == 104
    (instruction,) = _rules(_doc("labelled", "026"))["TP-03"]
    assert "（2 处）" in instruction.message and "仍保留该表格式" in instruction.message
    # the blank template itself (上海 决算 template, 上海市XX局 throughout): one finding says it is a template
    template = _rules(_doc("real", "009"))
    assert not {"TP-01", "TP-02", "TP-03"} & set(template) and "JS-08e" in template
    assert "TP-02" not in clean_budget and "TP-03" not in clean_budget
    # 四川's 自评表 prints "对照年度目标，说明相关任务目标的完成情况(100字以内)" as a column head: the form, not residue
    assert "TP-03" not in _rules(_doc("heldout", "102"))
    assert "TP-03" in _rules(HEAD + "二、绩效目标完成情况\n对照年度目标，说明相关任务目标的完成情况（100字以内）\n")


def test_an_unfinished_sentence_is_found():
    path = _doc("real", "001")
    text = path.read_text(encoding="utf-8")
    assert "比2023年预算执行数减少57.14%。主要原因是：项目调整。" in text
    assert "TP-04" not in _rules(text)
    (f,) = _rules(text.replace("主要原因是：项目调整。", "主要原因是：。", 1))["TP-04"]
    assert "主要原因是：。" in f.message


def test_a_change_and_level_in_one_breath(clean_budget):
    (f,) = _rules(_doc("labelled", "020"))["DR-01"]
    assert "减少为0.00万元，与2024年持平" in f.message and f.code == "narrative_contradiction"
    assert "DR-01" not in clean_budget
    # two items in one sentence: one grew, the other stayed level
    assert "DR-01" not in _rules(HEAD + "收入增加10.00万元，支出与上年持平。\n")
    assert "DR-01" in _rules(HEAD + "收入增加10.00万元，与上年持平。\n")


def test_a_heading_of_another_year_is_found_and_the_report_year_is_the_bodys():
    report = reviewer.extract(_doc("labelled", "014"))  # 目录 '第二部分 2022年度单位决算情况说明', body 2023
    assert report.year == 2023
    (f,) = _rules(_doc("labelled", "014"))["YR-01"]
    assert "2022年度单位决算情况说明" in f.message and f.evidence["stated"] == 2022
    assert "YR-01" not in _rules(_doc("labelled", "018"))  # 永川 2024 单位决算: every title 2024


def test_a_broken_year_is_found(clean_budget):
    (f,) = _rules(_doc("labelled", "020"))["YR-02"]  # 目录: '上海市普陀区生态环境局 202 年度部门决算情况说明'
    assert "“202年度”少一位数字" in f.message and "2025" in f.message
    assert "YR-02" not in clean_budget and "YR-02" not in _rules(_doc("labelled", "021"))


def test_a_retired_subject_name_is_found_in_a_report_of_a_later_year(clean_budget):
    text = _doc("real", "001").read_text(encoding="utf-8")
    assert "卫生健康支出" in text and "YR-03" not in clean_budget
    (f,) = _rules(text.replace("卫生健康支出", "医疗卫生与计划生育支出"))["YR-03"]
    assert "卫生健康支出" in f.message and "2019" in f.message


def test_the_seeds_form_prompts_keep_their_rule():
    found = _rules(seed_path("002"))["TP-03"]
    assert any("= > < ≥ ≤" in f.message for f in found)


def test_the_readme_lists_every_code_and_rule():
    import tomllib

    rules = tomllib.loads((ROOT.parent / "reviewer" / "rules.toml").read_text(encoding="utf-8"))
    readme = (ROOT.parent / "README.md").read_text(encoding="utf-8")
    assert not [c for c in rules["codes"] if f"| `{c}` |" not in readme]
    assert not [r for r, name in rules["rule_names"].items() if f"| {r} | {name} |" not in readme]


def test_the_same_projects_carry_less_money_at_self_evaluation_without_a_reason():
    """022: 编报绩效目标 48 projects 7,589.42万元, 跟踪 and 自评 the same 48 at 4,974.93万元, every one 优, 0 problems;
    031 carries its 43 projects' 12,339.45万元 through every stage: nothing to say."""
    (f,) = _rules(_doc("labelled", "022"))["PM-01"]
    assert f.code == "budget_adjusted" and "少 2614.49万元，34.4%" in f.message and "发现问题 0 个" in f.message
    assert "PM-01" not in _rules(_doc("real", "031"))
    text = _doc("labelled", "022").read_text(encoding="utf-8")
    assert "涉及预算金额4,974.93万元；绩效自评" in text
    assert "PM-01" not in _rules(text.replace("涉及预算金额4,974.93万元；绩效自评",
                                                "涉及预算金额4,974.93万元（年中调减项目预算）；绩效自评"))


def test_a_cutoff_date_of_another_year_is_found():
    """024 (a 2024 决算): '截至 2023年 12 月 31 日' for its assets; its twin 023 and the 2025 决算 say their own year;
    a 2025 budget counts its assets 截至2024年8月31日, the day before its year (not a finding), 2022 would be."""
    (f,) = _rules(_doc("labelled", "024"))["YR-04"]
    assert "“截至2023年12月31日”" in f.message and "2024 年 12 月 31 日" in f.message
    for folder, prefix in (("labelled", "023"), ("labelled", "021"), ("real", "031"), ("real", "002")):
        assert "YR-04" not in _rules(_doc(folder, prefix)), prefix
    budget = _doc("real", "002").read_text(encoding="utf-8")
    assert "截至2024年8月31日" in budget
    assert "YR-04" in _rules(budget.replace("截至2024年8月31日", "截至2022年8月31日"))


def test_a_comparison_with_another_year_than_the_one_before():
    """YR-05: a 2025 决算 compares with 2024 (020 does, 8 times); one '与 2023 年度相比' left from last year's text is
    found, and every comparison of the clean budgets and final accounts is with their year before."""
    text = _doc("labelled", "020").read_text(encoding="utf-8")
    assert "YR-05" not in _rules(text)
    old = "一般公共预算财政拨款支出 4733.14 万元，占本年支出合计\n的 100.00%。与 2024 年度相比"
    (f,) = _rules(text.replace(old, old.replace("2024", "2023")))["YR-05"]
    assert f.message == "“与2023年度相比”：2025 年度决算应与上年（2024 年）相比，文中比较的是 2023 年。"
    for folder, prefix in (("real", "001"), ("real", "005"), ("labelled", "021"), ("labelled", "022")):
        assert "YR-05" not in _rules(_doc(folder, prefix))
    # a 决算 set against its own year's 预算 ('与2025年度预算相比, 增加…'): a comparison of its own, not a wrong year
    assert "YR-05" not in _rules(text.replace(old, old.replace("与 2024 年度相比", "与 2025 年度预算相比")))


@pytest.mark.parametrize("folder, prefix, unit", [
    ("labelled", "026", "中共上海市普陀区委社会工作部"),  # cover '中共上海市普陀区委' / '社会工作部 2024 年度' / '部门决算'
    ("labelled", "019", "大竹县农业技术推广中心"),  # cover '2024年度' / '大竹县农业技术推广中心' / '单位决算'
    ("labelled", "018", "重庆市永川区农机推广站"),  # a web page's '标题: | 重庆市永川区农机推广站2024年度决算公开说明'
    ("heldout", "117", "乌鲁木齐市政务服务中心"),  # '烏魯木齊市政務服務中心2023年度部門決算公開說明' (traditional)
])
def test_the_unit_is_taken_from_a_title_however_it_is_printed(folder, prefix, unit):
    """Family 9: memos said （未注明单位） of documents that name their unit in their title, broken over lines, year
    first, in a page's 标题 field, or followed by '公开说明'."""
    assert reviewer.extract(_doc(folder, prefix)).department == unit


def test_a_filled_table_whose_note_says_it_is_empty():
    """TP-06: 万里 2024's 三公 table prints 47.91 … 443.18 above '注:本部门2024年无“三公”经费和机关运行经费预算，故本表为
    空表。' (an auditor found it; the note is the template's); its empty 政府性基金 and 国有资本 tables carry the same note
    rightly, and the 2025 budget's filled 三公 table has none."""
    (f,) = _rules(_doc("real", "001"))["TP-06"]
    assert f.message.startswith("部门“三公”经费和机关运行经费预算表填有数字，表下却注明“注:本部门2024年无“三公”经费")
    assert "TP-06" not in _rules(_doc("real", "002"))
