"""部门预算 / 单位预算 tables: the identities of the 决算 family (RULES §7) as the 预算 tables print them.

- 收支预算总表 and 财政拨款收支预算总表: each side's 总计 = Σ its 一级 items (一、二、…), an item with sub-items
  (1. 2. …) = Σ sub-items, 收入总计 = 支出总计, and in 财政拨款收支 each row's 合计 = Σ its three funds;
- across tables: 收入预算总表 合计 = 收入总计, 支出预算总表 合计 = 支出总计, each 类 of the 支出预算总表 = the same
  item of the 收支总表, 一般公共预算支出 合计 = 财政拨款支出 一般公共预算, 基本支出经济分类 合计 = 一般公共预算 基本支出.
(Code-table hierarchies, row identities and 三公 composition are the 决算 checks, run on both families.)
"""
from __future__ import annotations

import re

from ..model import SUBJECT_DEPARTMENT, AccountsTable
from .account_tables import Amounts, _flag, _val
from .base import Context
from .common import fmt_num

S = SUBJECT_DEPARTMENT
FAMILY = "预算"
TOP_RE = re.compile(r"^[一二三四五六七八九十]+、")
SUB_RE = re.compile(r"^(?:\d{1,2}[.．、]|[（(][一二三四五六七八九十\d]+[)）]|其中[:：])")
GRAND = {"收入": ("收入总计", "总计"), "支出": ("支出总计", "总计")}
FUNDS = ("一般公共预算", "政府性基金预算", "国有资本经营预算")


def check(ctx: Context) -> None:
    for table in ctx.report.accounts:
        if table.family == FAMILY and table.kind in ("income_expenditure", "fiscal") and not table.empty:
            for side in ("收入", "支出"):
                _side_sums(ctx, table, side)
            _grand_totals_agree(ctx, table)
            if table.kind == "fiscal":
                _fund_columns(ctx, table)
    _cross(ctx)


def _side_rows(table: AccountsTable, side: str) -> list[dict]:
    return [r for r in table.records() if r.get("side") == side]


def _first_column(table: AccountsTable, rows: list[dict]) -> str | None:
    """The side's amount column: the first value column holding a number on that side (预算数, 合计 …)."""
    for col in table.value_columns:
        if any(_val(r[col]) is not None for r in rows):
            return col
    return None


def _grand(rows: list[dict], side: str) -> dict | None:
    return next((r for r in rows if r["name"] in GRAND[side]), None)


def _side_sums(ctx: Context, table: AccountsTable, side: str) -> None:
    rows = _side_rows(table, side)
    col, grand = _first_column(table, rows), _grand(rows, side)
    if col is None or grand is None:
        return
    am = Amounts(table, ctx)
    ctx.checked("budget_identity", "预算表内平衡关系成立")
    tops: list[tuple[dict, list[dict]]] = []
    for r in rows:
        if r is grand:
            break
        if TOP_RE.match(r["item"]):
            tops.append((r, []))
        elif tops and SUB_RE.match(r["item"]):
            tops[-1][1].append(r)
    for top, subs in tops:
        if subs and any(_val(s[col]) is not None for s in subs):
            rec = am.sum(_val(s[col]) for s in subs)
            if not am.agree(_val(top[col]), rec):
                _flag(ctx, table, f"{table.title}：“{top['item']}”{fmt_num(_val(top[col]))}，其下各项相加为 {fmt_num(rec.mid)}。",
                      _val(top[col]), rec, [int(top["line"])] + [int(s["line"]) for s in subs], "JS-01a",
                      check="budget_identity")
    if not tops:
        return
    rec = am.sum(_val(t[col]) for t, _ in tops)
    if not am.agree(_val(grand[col]), rec):
        _flag(ctx, table, f"{table.title}：{grand['item']} {fmt_num(_val(grand[col]))}，{side}各项相加为 {fmt_num(rec.mid)}。",
              _val(grand[col]), rec, [int(grand["line"])], "JS-01b" if side == "收入" else "JS-01e",
              check="budget_identity")


def _grand_totals_agree(ctx: Context, table: AccountsTable) -> None:
    inc_rows, exp_rows = _side_rows(table, "收入"), _side_rows(table, "支出")
    inc, exp = _grand(inc_rows, "收入"), _grand(exp_rows, "支出")
    ci, ce = _first_column(table, inc_rows), _first_column(table, exp_rows)
    if not (inc and exp and ci and ce):
        return
    am = Amounts(table, ctx)
    a, b = _val(inc[ci]), _val(exp[ce])
    if a is not None and b is not None and not am.agree(a, am.iv(b)):
        _flag(ctx, table, f"{table.title}：收入总计 {fmt_num(a)} 与支出总计 {fmt_num(b)} 不等。", a, am.iv(b),
              [int(inc["line"]), int(exp["line"])], "JS-01d", check="budget_identity")


def _fund_columns(ctx: Context, table: AccountsTable) -> None:
    cols = [c for c in FUNDS if c in table.frame.columns]
    if "合计" not in table.frame.columns or not cols:
        return
    am = Amounts(table, ctx)
    for r in _side_rows(table, "支出"):
        stated, rec = _val(r["合计"]), am.sum(_val(r[c]) for c in cols)
        if stated is None and rec.mid == 0:
            continue
        if not am.agree(stated, rec):
            _flag(ctx, table, f"{table.title}“{r['item']}”：{table.head('合计')} {fmt_num(stated)}，"
                  f"{'＋'.join(map(table.head, cols))} 为 {fmt_num(rec.mid)}。",
                  stated, rec, [int(r["line"])], "JS-04b", check="budget_identity")


# --- across tables --------------------------------------------------------------------------------


def _total(table: AccountsTable | None, column: str) -> tuple[float | None, int | None]:
    """The 合计 row of a code table, in one column."""
    if table is None or column not in table.frame.columns:
        return None, None
    row = next((r for r in table.records() if r.get("level") == "合计"), None)
    return (_val(row[column]), int(row["line"])) if row else (None, None)


def _item(table: AccountsTable | None, side: str, names: tuple[str, ...]) -> tuple[float | None, int | None]:
    if table is None:
        return None, None
    rows = _side_rows(table, side)
    col = _first_column(table, rows) if side == "收入" or "合计" not in table.frame.columns else "合计"
    row = next((r for r in rows if r["name"] in names), None)
    return (_val(row[col]), int(row["line"])) if row and col else (None, None)


def _column_total(table: AccountsTable | None, side: str, column: str) -> tuple[float | None, int | None]:
    if table is None or column not in table.frame.columns:
        return None, None
    row = _grand(_side_rows(table, side), side)
    return (_val(row[column]), int(row["line"])) if row else (None, None)


def _cross(ctx: Context) -> None:
    r = ctx.report
    t01, t02, t03 = (r.account(k, FAMILY) for k in ("income_expenditure", "income", "expenditure"))
    t04, t05, t06 = (r.account(k, FAMILY) for k in ("fiscal", "gpb", "basic_gpb"))
    pairs = [  # (table, its 合计 column, what the other table says, the other table, rule)
        (t02, "合计", _item(t01, "收入", GRAND["收入"]), t01, "XT-02"),
        (t02, "财政拨款收入", _item(t01, "收入", ("财政拨款收入",)), t01, "XT-02"),
        (t03, "合计", _item(t01, "支出", GRAND["支出"]), t01, "XT-03"),
        (t05, "合计", _column_total(t04, "支出", "一般公共预算"), t04, "XT-04"),
        (t06, "合计", _total(t05, "基本支出"), t05, "XT-05"),
    ]
    for table, column, (other, other_line), other_table, rule in pairs:
        stated, line = _total(table, column)
        if stated is None or other is None or not table.certain(column, [line]):
            continue  # (a text copy that lost the 合计 row's blank cells: its later figures' columns unknown)
        _compare(ctx, table, f"合计“{table.head(column)}”", stated, line, other_table, other, other_line, rule)
    if t01 is not None and t03 is not None:
        _classes_against_items(ctx, t03, t01)


def _compare(ctx: Context, table: AccountsTable, what: str, stated: float, line: int | None,
             other_table: AccountsTable, other: float, other_line: int | None, rule: str) -> None:
    ctx.checked("budget_cross", "预算各表之间对应数字一致")
    am = Amounts(table, ctx)
    if not am.agree(stated, am.iv(other)):
        ctx.finding(S, "cross_table", "high", f"{table.title}{what}为 {fmt_num(stated)}，{other_table.title}对应数为 {fmt_num(other)}。",
                    check="budget_cross", table=table.title, stated=stated, recomputed=other,
                    at=[line, other_line], rule=rule)


def _classes_against_items(ctx: Context, expenditure: AccountsTable, summary: AccountsTable) -> None:
    """Each 类 of the 支出预算总表 against the 收支总表 item of the same name (一般公共服务支出 …)."""
    items = {r["name"]: r for r in _side_rows(summary, "支出")}
    col = _first_column(summary, _side_rows(summary, "支出"))
    if col is None or "合计" not in expenditure.frame.columns:
        return
    for row in expenditure.records():
        if row.get("level") != "类" or row["name"] not in items:
            continue
        stated, other = _val(row["合计"]), _val(items[row["name"]][col])
        if stated is None or other is None:
            continue
        _compare(ctx, expenditure, f"“{row['code']} {row['name']}”", stated, int(row["line"]), summary, other,
                 int(items[row["name"]]["line"]), "XT-03")
