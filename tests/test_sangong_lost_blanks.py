"""A 三公 table whose text lost its blank cells (issue 21: a row realigned only when exactly one alignment is
consistent) — and the 说明's 三公 amounts against it (issue 22 family 6)."""
from __future__ import annotations

from pathlib import Path

import reviewer

LABELLED = Path(__file__).resolve().parents[1] / "corpus" / "labelled"
HEAD = ("财政拨款“三公”经费支出决算表\n单位：万元\n财政拨款“三公”经费\n公务用车购置及运行维护费\n因公出国\n"
        "合计 公务用车 公务用车 公务接待费\n（境）费 小计\n购置费 运行维护费\n"
        "预算数 决算数 预算数 决算数 预算数 决算数 预算数 决算数 预算数 决算数 预算数 决算数\n")


def _sangong(figures: str):
    report = reviewer.extract("玉溪市财政局2025年度部门决算\n" + HEAD + figures + "\n注：本表反映部门本年度“三公”经费支出预决算情况。\n")
    return report.account("sangong")


def test_the_blank_cells_go_where_the_tables_sums_hold():
    # 022 石泉路街道 2025: no 因公出国 — 10 figures for 12 cells, and only one place for the two blanks
    table = _sangong("53.93 37.35 52.40 37.35 25.00 25.00 27.40 12.35 1.53 0")
    rows = {r["item"]: (r["预算数"], r["决算数"]) for r in table.records()}
    assert all(v != v for v in rows["因公出国（境）费"])  # blank (NaN), not 0
    assert rows["公务接待费"] == (1.53, 0.0)
    assert rows["公务用车购置及运行维护费"] == (52.40, 37.35)
    assert any("唯一确定" in w for w in table.warnings)


def test_a_line_two_placements_fit_is_not_read():
    # every item 0 but the total: a blank pair fits under any item, so no place is certain
    table = _sangong("0 0 0 0 0 0 0 0 0 0")
    assert table.frame.empty and any("不符，未读取" in w for w in table.warnings)


def test_the_statement_of_a_sangong_amount_is_checked_against_the_table():
    (path,) = LABELLED.glob("022_*.txt")
    found = [f for f in reviewer.review(path).occurrences if f.code == "cross_table" and "公务接待费" in f.message]
    (f,) = found  # '公务接待费支出决算为1.53万元，完成预算的0%' while the table prints 预算 1.53, 决算 0
    assert "1.53万元" in f.message and "“决算数”为 0万元" in f.message and f.severity == "high"


def test_a_rise_from_nothing_is_found_with_this_years_amount_from_the_table():
    """'公务接待费支出决算增加0.3万元，增长100%' names no amount of this year: the table's 决算数 0.30 is it, so last
    year's was 0 and no rate exists (TX-05); a rise smaller than this year's amount is a rate to check, not this."""
    table = "31.47 19.86 0 0 30.67 19.56 0 0 30.67 19.56 0.80 0.30"
    text = ("玉溪市财政局2025年度部门决算\n" + HEAD + table + "\n注：本表反映部门本年度“三公”经费支出预决算情况。\n"
            "七、财政拨款“三公”经费支出决算情况说明\n公务接待费支出决算增加0.3万元，增长100%。\n")
    (f,) = [f for f in reviewer.review(text).occurrences if f.evidence.get("rule") == "TX-05"]
    assert "上年为 0" in f.message and "0.3" in f.message
    smaller = text.replace("增加0.3万元，增长100%", "增加0.1万元，增长50%")
    assert not [f for f in reviewer.review(smaller).occurrences if f.evidence.get("rule") == "TX-05"]


def test_items_two_placements_dispute_are_left_unplaced_and_the_rest_read():
    """021 宜川路街道 2025: 8 figures for 12 cells.  The sums place 合计, 公务用车 (小计) and 公务接待 whichever way; the
    30.67 / 19.56 of the car could be 购置 or 运行 — those two items are not read, and said so; the rest is checked,
    and '公务接待费支出决算增加 0.3 万元，增长 100%' beside its 决算 0.30 is a rise from nothing (TX-05)."""
    table = _sangong("31.47 19.86 30.67 19.56 30.67 19.56 0.80 0.30")
    rows = {r["item"]: (r["预算数"], r["决算数"]) for r in table.records()}
    assert rows["合计"] == (31.47, 19.86) and rows["公务接待费"] == (0.80, 0.30)
    assert rows["公务用车购置及运行维护费"] == (30.67, 19.56)
    assert "公务用车购置费" not in rows and "公务用车运行维护费" not in rows
    assert [v.raw for v in table.unplaced] == ["30.67", "19.56"]
    (path,) = LABELLED.glob("021_*.txt")
    rv = reviewer.review(path)
    assert any("可归入不止一项" in i.reason for i in rv.report.issues) and rv.report.status == "部分读取"
    (f,) = [f for f in rv.occurrences if f.evidence.get("rule") == "TX-05"]
    assert "增加 0.3 万元，增长 100%" in f.message
