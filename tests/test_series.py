"""A unit's documents read together (issue 22): what the 2025 budget says of 2024 against the 2024 budget itself."""
from __future__ import annotations

import json
from pathlib import Path

import reviewer
from reviewer.config import load_config
from reviewer.pipeline import run_batch

REAL = Path(__file__).resolve().parents[1] / "corpus" / "real"
Y2024, Y2025 = "001_shanghai_putuo_wanli_street_2024_dept_budget.txt", "002_shanghai_putuo_wanli_street_2025_dept_budget.txt"


def _batch(tmp_path: Path, texts: dict[str, str]) -> tuple[list[dict], str]:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    run_batch(sorted(folder.iterdir()), out, load_config(), jobs=1, quiet=True)
    findings = [json.loads(line) for line in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()]
    return findings, (out / Y2025 / "memo.md").read_text(encoding="utf-8")


def test_the_real_pair_agrees_on_every_amount_the_later_one_states_of_the_earlier(tmp_path):
    """万里街道: the 2025 budget states eleven 2024 amounts (收入, 财政拨款支出, 一般公共预算, 三公 and its items, as
    '18,976.76万元，比2024年预算增加3,355.65万元'); the 2024 budget prints each the same."""
    findings, memo = _batch(tmp_path, {n: (REAL / n).read_text(encoding="utf-8") for n in (Y2024, Y2025)})
    assert "与同一单位上年报告所列数字一致（11 处）" in memo
    assert not [f for f in findings if f["evidence"].get("rule") == "SR-01"]


def test_a_later_report_that_misstates_the_earlier_one_is_found_citing_both(tmp_path):
    later = (REAL / Y2025).read_text(encoding="utf-8")
    assert later.count("公务接待费1.35万元。比2024年预算持平") == 1
    later = later.replace("公务接待费1.35万元。比2024年预算持平", "公务接待费1.35万元。比2024年预算增加0.35万元")
    findings, _ = _batch(tmp_path, {Y2024: (REAL / Y2024).read_text(encoding="utf-8"), Y2025: later})
    (f,) = [f for f in findings if f["evidence"].get("rule") == "SR-01"]
    assert f["report"] == Y2025 and f["code"] == "cross_table"
    assert "即 2024 年为 1万元" in f["message"] and Y2024 in f["message"] and "为 1.35万元" in f["message"]


def test_reports_of_two_levels_or_two_kinds_are_never_compared(tmp_path):
    """The same statements in a 单位 budget: a 部门 budget and its 单位 budget report different figures."""
    later = (REAL / Y2025).read_text(encoding="utf-8").replace("公务接待费1.35万元。比2024年预算持平",
                                                                "公务接待费1.35万元。比2024年预算增加0.35万元")
    unit = later.replace("部门预算", "单位预算").replace("部门收入", "单位收入").replace("部门支出", "单位支出")
    assert reviewer.extract(unit).kind == "单位预算"
    findings, _ = _batch(tmp_path, {Y2024: (REAL / Y2024).read_text(encoding="utf-8"), Y2025: unit})
    assert not [f for f in findings if f["evidence"].get("rule") == "SR-01"]


def test_the_index_shows_a_units_reports_together(tmp_path):
    """The triage index offers each unit with several reports in the batch as one choice; its rows carry the key."""
    _batch(tmp_path, {n: (REAL / n).read_text(encoding="utf-8") for n in (Y2024, Y2025)})
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    key = "上海市普陀区人民政府万里街道办事处|部门|预算"
    assert f'<option value="{key}">上海市普陀区人民政府万里街道办事处（部门预算）：2 份</option>' in index
    assert index.count(f'data-series="{key}"') == 2


FINAL = Path(__file__).resolve().parents[1] / "corpus" / "labelled"
F2025 = "020_shanghai_putuo_sthjj_2025_bmjs.txt"  # a real 部门决算 (生态环境局 2025)
# what its 说明 says the 年初预算 of four items was: a budget of that unit and year that agrees (synthetic: the corpus
# holds no 预算 of this unit)
PLANNED = [("社会保障和就业支出", "行政事业单位养老支出", "行政单位离退休", "51.50"),
           ("卫生健康支出", "行政事业单位医疗", "行政单位医疗", "78.57"),
           ("节能环保支出", "环境保护管理事务", "行政运行", "1196.07"),
           ("节能环保支出", "污染防治", "大气", "420.80")]


def _budget(planned) -> str:
    lines = ["上海市普陀区2025年区级部门预算", "预算主管部门：上海市普陀区生态环境局", "四、部门预算编制说明",
             "2025年一般公共预算财政拨款支出预算主要用于以下方面："]
    lines += [f"{i}. “{a}（类）{b}（款）{c}（项）”{x}万元，主要用于本项工作。" for i, (a, b, c, x) in enumerate(planned, 1)]
    return "\n".join(lines) + "\n"


def _pair(tmp_path: Path, planned) -> tuple[list[dict], str]:
    folder = tmp_path / "in"
    folder.mkdir(parents=True)
    (folder / F2025).write_text((FINAL / F2025).read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "sthjj_2025_budget.txt").write_text(_budget(planned), encoding="utf-8")
    out = tmp_path / "out"
    run_batch(sorted(folder.iterdir()), out, load_config(), jobs=1, quiet=True)
    findings = [json.loads(line) for line in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()]
    return findings, (out / F2025 / "memo.md").read_text(encoding="utf-8")


def test_a_final_account_against_the_budget_of_its_year_item_by_item(tmp_path):
    """SR-02: the 决算's '年初预算为 51.50 万元' of 行政单位离退休 … against the same unit's 2025 预算, item by item."""
    findings, memo = _pair(tmp_path, PLANNED)
    assert "决算所列年初预算与同一单位同年预算一致（4 处）" in memo
    assert not [f for f in findings if f["evidence"].get("rule") == "SR-02"]
    changed = PLANNED[:3] + [("节能环保支出", "污染防治", "大气", "400.80")]
    findings, _ = _pair(tmp_path / "b", changed)
    (f,) = [f for f in findings if f["evidence"].get("rule") == "SR-02"]
    assert f["report"] == F2025 and f["code"] == "cross_table"
    assert "“大气（项）”年初预算为 420.8万元" in f["message"] and "sthjj_2025_budget.txt，第8行" in f["message"]
    assert "为 400.8万元" in f["message"]
