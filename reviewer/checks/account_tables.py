"""部门决算 identities (RULES §7): totals, 类/款/项 hierarchy, row identities, cross-table equalities,
三公 composition and counts against money, asset composition."""
from __future__ import annotations

import math
import tomllib
from itertools import combinations
from pathlib import Path

from ..model import SUBJECT_DEPARTMENT, AccountsTable
from ..read import ReadIssue
from .base import Context
from .common import TO_YUAN, fmt_num
from .tolerance import Interval

S = SUBJECT_DEPARTMENT

def _vocabulary() -> dict:
    with open(Path(__file__).with_name("account_tables.toml"), "rb") as fh:
        return tomllib.load(fh)


VOCAB = _vocabulary()
ROW_IDENTITIES: dict[str, dict[str, list]] = VOCAB["rows"]  # family → kind → [(target, parts)]
SG_KEYS: dict[str, list[str]] = VOCAB["sangong"]


class Amounts:
    """Printed amounts of one table, with their display precision, for rounding-aware sums."""

    def __init__(self, table: AccountsTable, ctx: Context) -> None:
        self.table, self.ctx = table, ctx
        self.half = 0.5 * 10 ** (-table.decimals)
        # RULES §0: a sum is never off by less than one unit of its last printed digit, and an amount in 元 by
        # less than 1 元 (0.34 元 apart is rounding across the table's cells, not an error)
        self.floor = max(10 ** (-table.decimals), 1.0 if table.unit == "元" else 0.0)

    def iv(self, x: float | None) -> Interval:
        if x is None or (isinstance(x, float) and math.isnan(x)):
            return Interval.exact(0.0)
        return Interval(x - self.half, x + self.half)

    def sum(self, xs) -> Interval:
        out = Interval.exact(0.0)
        for x in xs:
            out = out + self.iv(x)
        return out

    def agree(self, stated: float | None, rec: Interval, identity: bool = True) -> bool:
        """Whether a printed figure agrees with a sum; `identity` False for a look-ahead that decides nothing on
        its own (it is not counted among the table's identities, see Context.release)."""
        if identity:
            self.ctx.compared(self.table)
        return self.iv(stated).overlaps(rec) or abs((stated or 0.0) - rec.mid) <= self.floor + 1e-9


def _val(x) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def _flag(ctx: Context, table: AccountsTable, message: str, stated, rec: Interval, lines, rule: str,
          severity: str = "high", check: str = "accounts_identity") -> None:
    if table.lost:
        return  # figures of the table no row holds: a sum that fails may be a row not understood (a read issue says so)
    ctx.hold(table, lambda: ctx.finding(
        S, "arithmetic", severity, message, check=check, table=f"{table.number} {table.title}".strip(),
        stated=stated if stated is not None else 0.0, recomputed=round(rec.mid, 4),
        tolerance=round(rec.width / 2 + 0.5 * 10 ** (-table.decimals), 6), at=lines, rule=rule))


def check(ctx: Context) -> None:
    for table in ctx.report.accounts:
        if table.empty:  # no figure printed: nothing to add up (an empty table's note: metadata.py)
            continue
        _identities(ctx, table)
        ctx.release(table, "表内合计关系")
    _cross(ctx)


def _identities(ctx: Context, table: AccountsTable) -> None:
    if table.kind in ("income_expenditure", "fiscal"):
        if table.family == "决算":  # 预算's two-sided tables: checks/budget_tables.py
            _two_sided(ctx, table)
    elif "group" in table.frame.columns:  # 基本支出/项目支出 in blocks side by side
        _economic(ctx, table)
    elif table.kind in ("sangong", "sangong_gpb"):
        _sangong(ctx, table)
    elif "code" in table.frame.columns:
        _hierarchy(ctx, table)
        if ctx.trusted(table):
            _rows(ctx, table)


# --- 公开01 / 公开04 --------------------------------------------------------------------------


def _side_amount(table: AccountsTable, side: str, names: tuple[str, ...], column: str) -> tuple[float | None, int | None]:
    if column not in table.frame.columns:
        return None, None
    for r in table.records():
        if r.get("side") == side and r["name"] in names:
            return _val(r[column]), int(r["line"])
    return None, None


def _two_sided(ctx: Context, table: AccountsTable) -> None:
    am = Amounts(table, ctx)
    f = table.frame
    if not {"side", "line", "item"} <= set(f.columns):  # no row was read as 收入 or 支出: nothing to balance
        return
    income_col = "金额" if "金额" in f.columns else "决算数"
    exp_col = "金额" if "金额" in f.columns else "合计" if "合计" in f.columns else income_col
    got = lambda side, names, col: _side_amount(table, side, names, col)  # noqa: E731
    inc_total, l1 = got("收入", ("本年收入合计",), income_col)
    inc_grand, l2 = got("收入", ("总计",), income_col)
    use_surplus, _ = got("收入", ("使用专用结余", "使用非财政拨款结余", "用事业基金弥补收支差额"), income_col)
    start, _ = got("收入", ("年初结转和结余", "年初财政拨款结转和结余"), income_col)
    exp_total, l3 = got("支出", ("本年支出合计",), exp_col)
    exp_grand, l4 = got("支出", ("总计",), exp_col)
    dist, _ = got("支出", ("结余分配",), exp_col)
    end, _ = got("支出", ("年末结转和结余", "年末财政拨款结转和结余"), exp_col)
    ctx.checked("accounts_identity", "决算表内平衡关系成立")
    inc_lines = f[(f.side == "收入")]
    sources = inc_lines[inc_lines.line < l1] if l1 else inc_lines.iloc[0:0]
    items = f[(f.side == "支出") & (f.line < (l3 or 0)) & f.item.str.match(r"^[一二三四五六七八九十]+、")]
    mixed = _sides_mixed(am, table, sources, income_col, inc_total, items, exp_col, exp_total) \
        if inc_total is not None and exp_total is not None else None
    if mixed is not None:  # the two sides' sums are off by one and the same amount: rows read on the wrong side
        if mixed:
            ctx.unjudged.append(ReadIssue("表格", ctx.report.location(table.line), mixed, table.title))
        inc_total = exp_total = None  # neither side's sum is judged on a reading that mixed them
    if inc_total is not None:
        rec = am.sum(_val(x) for x in sources[income_col])
        if not am.agree(inc_total, rec):
            _flag(ctx, table, f"{table.title}：本年收入合计 {fmt_num(inc_total)}，各项收入相加为 {fmt_num(rec.mid)}。",
                  inc_total, rec, [l1], "JS-01a")
    if inc_grand is not None and inc_total is not None:
        rec = am.sum([inc_total, use_surplus, start])
        if not am.agree(inc_grand, rec):
            _flag(ctx, table, f"{table.title}：收入总计 {fmt_num(inc_grand)}，本年收入合计加结余与年初结转为 {fmt_num(rec.mid)}。",
                  inc_grand, rec, [l2], "JS-01b")
    if exp_grand is not None and exp_total is not None:
        rec = am.sum([exp_total, dist, end])
        if not am.agree(exp_grand, rec):
            _flag(ctx, table, f"{table.title}：支出总计 {fmt_num(exp_grand)}，本年支出合计加结余分配与年末结转为 {fmt_num(rec.mid)}。",
                  exp_grand, rec, [l4], "JS-01c")
    if inc_grand is not None and exp_grand is not None and not am.agree(inc_grand, am.iv(exp_grand)):
        _flag(ctx, table, f"{table.title}：收入总计 {fmt_num(inc_grand)} 与支出总计 {fmt_num(exp_grand)} 不等。",
              inc_grand, am.iv(exp_grand), [l2, l4], "JS-01d")
    if exp_total is not None:
        rec = am.sum(_val(x) for x in items[exp_col])
        if not am.agree(exp_total, rec):
            _flag(ctx, table, f"{table.title}：本年支出合计 {fmt_num(exp_total)}，各功能分类支出相加为 {fmt_num(rec.mid)}。",
                  exp_total, rec, [l3], "JS-01e")
    if table.kind == "fiscal":
        cols = [c for c in ("一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款") if c in f.columns]
        if "合计" in f.columns and cols:
            for r in f[f.side == "支出"].to_dict("records"):
                stated = _val(r["合计"])
                rec = am.sum(_val(r[c]) for c in cols)
                if stated is None and rec.mid == 0:
                    continue
                if not am.agree(stated, rec):
                    _flag(ctx, table, f"{table.title}“{r['name']}”：合计 {fmt_num(stated)}，三类财政拨款相加为 {fmt_num(rec.mid)}。",
                          stated, rec, [int(r["line"])], "JS-04b")


# --- code tables: hierarchy and row identities ------------------------------------------------


def _sides_mixed(am: Amounts, table: AccountsTable, sources, income_col: str, inc_total: float, items, exp_col: str,
                 exp_total: float) -> str | None:
    """None when the two sides' sums do not fail together by one amount.  When 本年收入合计 is short of its rows by
    d and 本年支出合计 exceeds its rows by the same d (or the other way round), rows were read on the wrong side of
    a two-sided table (a line printing one side only): "" when exactly one set of such rows of that side makes up
    d (moved, both sides balance: nothing wrong in the table), else what a person must look at."""
    inc_rows = am.sum(_val(x) for x in sources[income_col])
    exp_rows = am.sum(_val(x) for x in items[exp_col])
    if am.agree(inc_total, inc_rows, identity=False) or am.agree(exp_total, exp_rows, identity=False):
        return None
    d_inc, d_exp = inc_rows.mid - inc_total, exp_total - exp_rows.mid
    if abs(d_inc - d_exp) > 2 * am.floor + 1e-9:
        return None
    lonely = _one_sided(table)
    side_rows = sources if d_inc > 0 else items
    col = income_col if d_inc > 0 else exp_col
    candidates = [(int(r["line"]), v) for r in side_rows.to_dict("records")
                  if int(r["line"]) in lonely and (v := _val(r[col]))]
    fits = [combo for n in range(1, min(len(candidates), MIX_MAX) + 1) for combo in combinations(candidates, n)
            if abs(sum(v for _, v in combo) - abs(d_inc)) <= am.floor + 1e-9]
    if len(fits) == 1:
        return ""
    return (f"收入、支出两方的合计与各行之和相差同一金额 {fmt_num(abs(d_inc))}：疑为只印一方的行被读到了另一方，"
            "两方合计未核查，需人工核对")


MIX_MAX = 4  # at most this many rows taken for the other side's (a subset of one-sided lines whose sum is the gap)


def _one_sided(table: AccountsTable) -> set[int]:
    """Lines of a two-sided table that hold one row only (one side printed): where a side can be mistaken."""
    lines = [int(x) for x in table.frame["line"]]
    return {n for n in set(lines) if lines.count(n) == 1}


def _hierarchy(ctx: Context, table: AccountsTable) -> None:
    am = Amounts(table, ctx)
    value_cols = table.value_columns
    records = table.records()
    coded = [r for r in records if r["code"]]
    children: dict[str, list[dict]] = {}
    for r in coded:
        if len(r["code"]) > 3:
            children.setdefault(r["code"][:-2], []).append(r)
    ctx.checked("accounts_hierarchy", "功能分类 类 = Σ款、款 = Σ项、合计 = Σ类")
    wrong_by_col = {}
    for col in value_cols:
        if all(_val(r[col]) is None for r in records):
            continue
        wrong_by_col[col] = []
        for parent in coded:
            kids = children.get(parent["code"])
            if not kids or not _certain(table, col, [parent, *kids]):
                continue
            stated, rec = _val(parent[col]), am.sum(_val(k[col]) for k in kids)
            if not am.agree(stated, rec):
                wrong_by_col[col].append((parent, kids, stated, rec))
    shifted = next((col for col, wrong in wrong_by_col.items() if len(wrong) >= MISALIGNED_AT), None)
    if shifted:  # one defect: the rest of the table's arithmetic and every comparison with it would repeat it
        _misaligned(ctx, table, shifted, wrong_by_col[shifted], len(coded))
        ctx.untrusted.add(id(table))
        return
    for col, wrong in wrong_by_col.items():
        for parent, kids, stated, rec in wrong:
            if stated is not None and _explained_by_a_row(table, col, kids, stated - rec.mid, am):
                continue  # one figure printed wrong in a row below: that row's own sum says so, once
            _flag(ctx, table, f"{table.title}：{parent['code']} {parent['name']}“{table.head(col)}”为 {fmt_num(stated)}，"
                  f"下级科目合计 {fmt_num(rec.mid)}。", stated, rec,
                  [int(parent["line"])] + [int(k["line"]) for k in kids], "JS-02b", check="accounts_hierarchy")
    totals = [r for r in records if r["level"] == "合计"]
    classes = [r for r in coded if len(r["code"]) == 3]
    if totals and classes:
        _total_row_check(ctx, table, am, totals[0], classes,
                         [c for c in value_cols if _certain(table, c, [totals[0], *classes])])


def _explained_by_a_row(table: AccountsTable, col: str, kids: list[dict], gap: float, am) -> bool:
    """A parent that misses the sum of its children by `gap` because exactly one child prints its `col` off by as much
    against the child's own parts (its 合计 ≠ 基本支出 + 项目支出 by the same amount): one slip, not two."""
    for target, parts in ROW_IDENTITIES.get(table.family, {}).get(table.kind, []):
        if target != col or not _columns_known(table, target, set(parts)):
            continue
        parts = [p for p in parts if p in table.frame.columns]
        slips = []
        for k in kids:
            stated, rec = _val(k[target]), am.sum(_val(k[p]) for p in parts)
            if stated is not None and not am.agree(stated, rec, identity=False):
                slips.append(stated - rec.mid)
        return len(slips) == 1 and am.agree(-gap, am.iv(slips[0]), identity=False)
    return False


def _certain(table: AccountsTable, column: str, rows: list[dict]) -> bool:
    """Every figure of these rows in this column was read where it stands (see AccountsTable.certain)."""
    return table.certain(column, [r["line"] for r in rows])


MISALIGNED_AT = 5  # this many wrong subtotals in one column are one defect (figures off their rows), not five


def _misaligned(ctx: Context, table: AccountsTable, col: str, wrong: list, rows: int) -> None:
    first = wrong[0][0]
    listed = "、".join(f"{p['code']} {p['name']}" for p, *_ in wrong[:4]) + ("等" if len(wrong) > 4 else "")
    ctx.finding(S, "misaligned", "high",
                f"{table.title}“{table.head(col)}”列中 {len(wrong)} 个科目的数字与其下级科目之和不符（{listed}），"
                f"自“{first['code']} {first['name']}”起大面积不符，疑为数字与科目错行，全表数字不可采信。",
                check="accounts_hierarchy", table=f"{table.number} {table.title}".strip(),
                figures={f"{p['code']} {p['name']}": f"{fmt_num(stated)}（下级合计 {fmt_num(rec.mid)}）"
                         for p, _, stated, rec in wrong[:8]},
                at=[int(p["line"]) for p, *_ in wrong[:5]], rule="JS-02b")


def _total_row_check(ctx: Context, table: AccountsTable, am: Amounts, tot, classes, value_cols) -> None:
    """合计 = Σ 类, per column; a 合计 row left blank is one finding, not one per column."""
    wrong = []
    for col in value_cols:
        stated, rec = _val(tot[col]), am.sum(_val(c[col]) for c in classes)
        if not am.agree(stated, rec):
            wrong.append((col, stated, rec))
    if not wrong:
        return
    if all(stated is None for _, stated, _ in wrong):
        col, _, rec = max(wrong, key=lambda w: w[2].mid)
        cols = "、".join(table.head(c) for c, _, _ in wrong)
        _flag(ctx, table, f"{table.title}：合计行为空，而各类科目有数（{cols}；如“{table.head(col)}”合计应为 {fmt_num(rec.mid)}）。",
              None, rec, [int(tot["line"])], "JS-02b", check="accounts_hierarchy")
        return
    for col, stated, rec in wrong:
        _flag(ctx, table, f"{table.title}：合计行“{table.head(col)}”" + ("为空" if stated is None else f"为 {fmt_num(stated)}") +
              f"，各类合计 {fmt_num(rec.mid)}。", stated, rec, [int(tot["line"])], "JS-02b", check="accounts_hierarchy")


def _rows(ctx: Context, table: AccountsTable) -> None:
    identities = ROW_IDENTITIES.get(table.family, {}).get(table.kind, [])
    f = table.frame
    am = Amounts(table, ctx)
    for target, parts in identities:
        known = set(parts)
        parts = [p for p in parts if p in f.columns]
        if target not in f.columns or not parts or not _columns_known(table, target, known):
            continue
        ctx.checked("accounts_rows", "决算表各行 合计 = 各组成列之和")
        for r in table.records():
            if int(r["line"]) in table.uncertain_lines:
                continue
            stated = _val(r[target])
            rec = am.sum(_val(r[p]) for p in parts)
            if stated is None and rec.mid == 0:
                continue
            if not am.agree(stated, rec):
                label = f"{r['code']} {r['name']}".strip()
                _flag(ctx, table, f"{table.title}“{label}”：{table.head(target)} {fmt_num(stated)}，"
                      f"{'＋'.join(map(table.head, parts))} 为 {fmt_num(rec.mid)}。",
                      stated, rec, [int(r["line"])], "JS-03a", check="accounts_rows")


def _columns_known(table: AccountsTable, target: str, parts: set[str]) -> bool:
    """Whether the table prints no column beside the target that its identities do not know: a column none of them
    names (a source of money another template calls 一般公共预算拨款收入) may be a part of the sum, and the sum over
    the others would then be short.  Columns under "其中", and those of another group, are not parts."""
    known = {name for t, ps in ROW_IDENTITIES.get(table.family, {}).get(table.kind, []) for name in (t, *ps)}
    group = target.rsplit(":", 1)[0] + ":" if ":" in target else ""
    for c in table.value_columns:
        beside = c.startswith(group) if group else ":" not in c  # not of another group (年初结转和结余: …)
        if beside and c not in known and "其中" not in c:
            return False
    return True


# --- economic classification --------------------------------------------------------------------


def _economic(ctx: Context, table: AccountsTable) -> None:
    am = Amounts(table, ctx)
    ctx.checked("accounts_hierarchy", "经济分类 类 = Σ款")
    records = table.records()
    classes = [r for r in records if r["level"] == "类"]
    for c in classes:
        kids = [r for r in records if r["level"] == "款" and r["code"].startswith(c["code"])]
        if not kids or (all(_val(k["amount"]) is None for k in kids) and _val(c["amount"]) is None):
            continue
        stated, rec = _val(c["amount"]), am.sum(_val(k["amount"]) for k in kids)
        if not am.agree(stated, rec):
            _flag(ctx, table, f"{table.title}：{c['code']} {c['name']} 为 {fmt_num(stated)}，所属款级科目合计 {fmt_num(rec.mid)}。",
                  stated, rec, [int(c["line"])], "JS-06b", check="accounts_hierarchy")
    for label, total in table.totals.items():
        group = label.replace("合计", "")
        members = [c for c in classes if c["group"] == group]
        if not members:
            continue
        rec = am.sum(_val(c["amount"]) for c in members)
        if not am.agree(total.number, rec):
            _flag(ctx, table, f"{table.title}：{label} {total.raw}，{group}各类合计 {fmt_num(rec.mid)}。",
                  total, rec, [total.line], "JS-06a")


# --- 三公 ------------------------------------------------------------------------------------------

def sangong_rows(table: AccountsTable) -> dict[str, dict]:
    out = {}
    for key, names in SG_KEYS.items():
        row = next((r for r in table.records() if r["name"] in names), None)
        if row is not None:
            out[key] = row
    return out


def _sangong(ctx: Context, table: AccountsTable) -> None:
    rows = sangong_rows(table)
    am = Amounts(table, ctx)
    cols = [c for c in table.value_columns if c not in ("决算统计数",)]  # every amount column (本年预算数 …)
    for col in cols:
        value = lambda k: _val(rows[k][col]) if k in rows else None  # noqa: E731
        car_parts = am.sum(value(k) for k in ("car_buy", "car_run"))
        car_wrong = "car" in rows and not (value("car") is None and car_parts.mid == 0) and \
            not am.agree(value("car"), car_parts, identity=False)
        for parent, kids in (("car", ("car_buy", "car_run")), ("total", ("abroad", "car", "reception"))):
            if parent not in rows or any(k not in rows for k in kids):
                continue  # a part not in the table (not printed, or its figures not placed): the sum is not known
            stated = value(parent)
            rec = am.sum(value(k) for k in kids)
            if stated is None and rec.mid == 0:
                continue  # nothing printed on either side: nothing compared
            ctx.checked("sangong", "三公经费 合计 = 出国 + 公务用车 + 公务接待，公务用车 = 购置 + 运行")  # each sum compared
            if am.agree(stated, rec):
                continue
            if parent == "total" and car_wrong and am.agree(
                    stated, am.sum([value("abroad"), value("reception"), car_parts.mid]), identity=False):
                continue  # the total adds up with the car items' own sum: one wrong row, reported once
            _flag(ctx, table, f"{table.title}：“{rows[parent]['name']}”{col} {fmt_num(stated)}，组成项合计 {fmt_num(rec.mid)}。",
                  stated, rec, [int(rows[parent]["line"])], "SG-01", check="sangong")
    if "决算统计数" not in table.frame.columns:
        return
    col = "决算统计数"
    get = lambda k: _val(rows[k][col]) if k in rows else None  # noqa: E731
    line = lambda k: int(rows[k]["line"]) if k in rows else None  # noqa: E731
    pairs = [("abroad", "groups", "因公出国（境）费", "团组数"), ("reception", "batches", "公务接待费", "接待批次"),
             ("car_run", "cars_held", "公务用车运行维护费", "公务用车保有量"), ("car_buy", "cars_bought", "公务用车购置费", "购置数")]
    ctx.checked("sangong_counts", "三公经费统计数与金额相符")
    for money_key, count_key, money_label, count_label in pairs:
        money, count = get(money_key), get(count_key)
        if count_key not in rows:
            continue
        if money and money > 0 and not count:
            trips = get("trips") if money_key == "abroad" else None
            # people went while the unit sent no group: they joined another unit's, which the table should say
            joined = f"（出国人次 {fmt_num(trips)}：如随其他单位团组出访，应在说明中注明）" if trips else ""
            ctx.finding(S, "arithmetic", "medium",
                        f"{table.title}：{money_label} {fmt_num(money)}，{count_label}却为 {fmt_num(count or 0)}{joined}。",
                        check="sangong_counts", table=f"{table.number} {table.title}".strip(), stated=count or 0,
                        figures={money_label: money, count_label: count}, at=[line(money_key), line(count_key)],
                        rule="SG-03")
        elif count and count > 0 and not money and money_key in rows:
            ctx.finding(S, "arithmetic", "low",
                        f"{table.title}：{count_label} {fmt_num(count)}，{money_label}却为 0。",
                        check="sangong_counts", table=f"{table.number} {table.title}".strip(), stated=money or 0,
                        figures={money_label: money, count_label: count}, at=[line(money_key), line(count_key)],
                        rule="SG-03")
    for small, big, label in (("trips", "groups", "出国人次少于团组数"), ("people", "batches", "接待人次少于接待批次"),
                              ("fa_batches", "batches", "外事接待批次多于国内接待批次")):
        a, b = get(small), get(big)
        bad = (a is not None and b is not None and a < b) if small != "fa_batches" else (a is not None and b is not None and a > b)
        if bad:
            ctx.finding(S, "arithmetic", "medium", f"{table.title}：{label}（{fmt_num(a)} 与 {fmt_num(b)}）。",
                        check="sangong_counts", table=f"{table.number} {table.title}".strip(), at=[line(small), line(big)],
                        rule="SG-03")


# --- between 决算 tables -----------------------------------------------------------------------


def _total_row(table: AccountsTable | None, column: str) -> tuple[float | None, int | None]:
    if table is None or column not in table.frame.columns:
        return None, None
    row = next((r for r in table.records() if r.get("level") == "合计"), None)
    if row is None:
        return None, None
    return _val(row[column]), int(row["line"])


# the 三公 items of the economic classification (基本支出表) and the 三公 table's rows they are part of (SG-02)
# (公务用车购置及运行维护费 when the table does not print its two parts: each is part of it too)
SANGONG_CODES = (("30212", "因公出国（境）费用", ("abroad",)), ("30217", "公务接待费", ("reception",)),
                 ("30231", "公务用车运行维护费", ("car_run", "car")), ("31013", "公务用车购置", ("car_buy", "car")))


def _sangong_in_basic(ctx: Context) -> None:
    """三公经费 cover the 三公 spent from 基本支出 and from 项目支出 (SG-02): what the 一般公共预算财政拨款基本支出表
    prints under 30212 因公出国（境）费用, 30217 公务接待费, 30231 公务用车运行维护费 and 31013 公务用车购置 cannot exceed
    the 三公 table's item — 8.31 of 公务接待费 in 基本支出 alone, against 0.30 in the 三公 table, is a contradiction.
    One finding names every such row: they are most often one misprinted column."""
    family = "预算" if any(t.family == "预算" for t in ctx.report.accounts) else "决算"
    basic, sangong = ctx.report.account("basic_gpb", family), ctx.report.account("sangong", family)
    if not (ctx.verified(basic) and ctx.verified(sangong)) or "code" not in basic.frame.columns:
        return
    b_col = "amount" if "amount" in basic.frame.columns else "合计" if "合计" in basic.frame.columns else None
    s_col = "决算数" if family == "决算" else "预算数"
    if b_col is None or s_col not in sangong.value_columns:
        return
    rows = sangong_rows(sangong)
    k_b, k_s = TO_YUAN.get(basic.unit or "万元", 1.0), TO_YUAN.get(sangong.unit or "万元", 1.0)
    slack = 0.5 * 10 ** (-basic.decimals) * k_b + 0.5 * 10 ** (-sangong.decimals) * k_s
    over, lines, shifted = [], [], 0
    for code, name, keys in SANGONG_CODES:
        row = next((r for r in basic.records() if r.get("code") == code), None)
        item = next((rows[k] for k in keys if k in rows), None)
        amount = _val(row[b_col]) if row is not None else None
        if row is None or item is None or not amount:
            continue
        within = _val(item[s_col]) or 0.0
        ctx.checked("accounts_cross", "决算各表之间对应数字一致")
        if amount * k_b > within * k_s + slack:
            above = _row_above(basic, row)
            said = f"“{code} {name}”{fmt_num(amount)}{basic.unit}，而三公表“{item['name']}”{s_col}只有 {fmt_num(within)}{sangong.unit}"
            if above is not None and abs((_val(above[b_col]) or 0.0) * k_b - within * k_s) <= slack:
                shifted += 1
                said += f"（上一行“{above['code']} {above['name']}”为 {fmt_num(_val(above[b_col]) or 0.0)}，正是三公表之数）"
            over.append(said)
            lines += [int(row["line"]), int(item["line"])]
    if over:
        lead = ("基本支出表该列疑似错行：" if shifted == len(over) else "") + \
            f"{basic.title}中与三公经费对应的经济分类科目超过{sangong.title}"
        ctx.finding(S, "cross_table", "high",
                    f"{lead}：{'；'.join(over)}。三公经费包括基本支出和项目支出中的三公经费，基本支出所列不能超过其总数，"
                    "两表必有一误。", check="accounts_cross", table=f"{basic.title} / {sangong.title}",
                    at=sorted(set(lines)), rule="SG-02")


def _row_above(table: AccountsTable, row: dict) -> dict | None:
    """The 款 row printed before `row` in its 类 (30216 before 30217): where a figure shifted down a row came from."""
    code = str(row.get("code") or "")
    before = [r for r in table.records() if len(str(r.get("code") or "")) == len(code)
              and str(r["code"])[:3] == code[:3] and str(r["code"]) < code]
    return max(before, key=lambda r: str(r["code"])) if before else None


def _cross(ctx: Context) -> None:
    _sangong_in_basic(ctx)
    r = ctx.report
    t01, t02, t03 = r.account("income_expenditure"), r.account("income"), r.account("expenditure")
    t04, t05, t06, t07 = r.account("fiscal"), r.account("gpb"), r.account("basic_gpb"), r.account("project_gpb")
    pairs = []
    if t01 is not None:
        inc, l_inc = _side_amount(t01, "收入", ("本年收入合计",), "金额")
        exp, l_exp = _side_amount(t01, "支出", ("本年支出合计",), "金额")
        pairs.append((t02, "本年收入合计", inc, l_inc, t01, "XT-02"))
        pairs.append((t03, "本年支出合计", exp, l_exp, t01, "XT-03"))
    if t04 is not None:
        gpb_exp, l_g = _side_amount(t04, "支出", ("本年支出合计",), "一般公共预算财政拨款")
        pairs.append((t05, "本年支出:合计", gpb_exp, l_g, t04, "XT-04"))
        fin_inc, l_f = _side_amount(t04, "收入", ("本年收入合计",), "决算数")
        pairs.append((t02, "财政拨款收入", fin_inc, l_f, t04, "XT-02"))
    if t06 is not None and t06.totals:
        basic = sum(v.number for v in t06.totals.values() if v.number is not None)
        pairs.append((t05, "本年支出:基本支出", basic, next(iter(t06.totals.values())).line, t06, "XT-05"))
    if t07 is not None and not t07.empty and {"level", "amount", "line"} <= set(t07.frame.columns):
        classes = t07.frame[t07.frame.level == "类"]
        if not classes.empty:  # without 类 rows (their codes lost) there is no total to compare
            proj = float(classes.amount.fillna(0).sum())
            pairs.append((t05, "本年支出:项目支出", proj, int(classes.line.min()), t07, "XT-05"))
    for table, column, other, other_line, other_table, rule in pairs:
        stated, line = _total_row(table, column)
        if not ctx.verified(table) or not ctx.verified(other_table) or other is None or column not in table.frame.columns:
            continue
        if not table.certain(column, [line]):
            continue  # a text copy that lost the 合计 row's blank cells: which column its later figures are in is unknown
        ctx.checked("accounts_cross", "决算各表之间对应数字一致")
        am = Amounts(table, ctx)
        if stated is None and other == 0:
            continue
        if stated is None:
            continue  # a blank 合计 row is reported once, by the hierarchy check
        if not am.agree(stated, am.iv(other)):
            ctx.finding(S, "cross_table", "high",
                        f"{table.title}合计“{table.head(column)}”为 {fmt_num(stated) if stated is not None else '空'}，"
                        f"{other_table.title}对应数为 {fmt_num(other)}。",
                        check="accounts_cross", table=f"{table.number} {table.title}".strip(),
                        stated=stated if stated is not None else "空", recomputed=other, at=[line, other_line], rule=rule)
