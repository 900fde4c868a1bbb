"""The same quantity in two places of one report (RULES PE-06, DW-01, TX-01, XT-*):
project tables against the department's 重点工作任务, the 部门整体 funds against the 决算 tables,
amounts quoted in the narrative against the tables."""
from __future__ import annotations

import re

from ..model import SUBJECT_DEPARTMENT, Value
from .account_tables import _side_amount, _total_row, sangong_rows
from .base import Context
from .common import TO_YUAN, convert, fmt_num, same_project
from .tolerance import Interval, agrees

S = SUBJECT_DEPARTMENT
AMOUNT_RE = r"(\d[\d,]*(?:\.\d+)?)\s*(万元|元)"


def check(ctx: Context) -> None:
    _cost_indicators_vs_execution(ctx)
    _carryover_vs_accounts(ctx)
    _projects_vs_tasks(ctx)
    _projects_vs_spending(ctx)
    _department_funds_vs_accounts(ctx)
    _narrative_vs_accounts(ctx)


def _same(a: Value, a_unit: str, b: Value, b_unit: str, slack: float) -> bool:
    """Two printed amounts, possibly one in 元 and one in 万元, agree within both display precisions."""
    if a.number is None or b.number is None:
        return (a.number or 0.0) == (b.number or 0.0)
    ia = Interval.of(a, slack).scale(TO_YUAN.get(a_unit, 1.0))
    ib = Interval.of(b, slack).scale(TO_YUAN.get(b_unit, 1.0))
    return ia.overlaps(ib)


def _lookup(table, side: str | None, name: str, column: str | None) -> tuple[float | None, int | None]:
    """An amount of a 决算 table: a row of a two-sided table, or a column of the 合计 row."""
    return _side_amount(table, side, (name,), column) if side else _total_row(table, name)


def _confirmed(ctx: Context, kind: str):
    """The 决算 table of a kind when its own sums confirmed its rows and columns (Context.verified), else None:
    nothing is compared with a table whose structure was merely assumed."""
    table = ctx.report.account(kind)
    return table if table is not None and ctx.verified(table) else None


def _account_value(value: float, table, line: int) -> Value:
    """A 决算 amount as a printed Value, at the table's precision, for `_same`."""
    return Value(fmt_num(value), value, table.unit, "", table.decimals, "number", line)


def _projects_vs_tasks(ctx: Context) -> None:
    dept = ctx.report.department_part
    if not dept or not dept.key_tasks:
        return
    slack = ctx.config.rules.rounding_slack
    for p, task in pair_tasks(ctx.report.projects, dept.key_tasks):
        t = p.funds.total
        if task is None or t is None:
            continue
        ctx.checked("project_vs_tasks", "项目表与部门重点工作任务表数字一致", p.name)
        unit_p, unit_t = p.funds.unit or "万元", task.unit or "万元"
        # a blank against a figure is a finding in a text; in a row read from a picture, a figure perhaps not seen
        scanned = ctx.report.recognised_at(t.line) or ctx.report.recognised_at(task.line)
        differ = lambda a, b: (not (scanned and (a.number is None or b.number is None))
                               and not _same(a, unit_p, b, unit_t, slack))
        diffs = []
        if differ(t.budget_full, task.approved_total):
            diffs.append(("预算", f"全年预算数 {t.budget_full.raw}{unit_p}", f"批复金额 {task.approved_total.raw}{unit_t}"))
        if differ(t.executed, task.executed):
            diffs.append(("执行数", f"全年执行数 {t.executed.raw}{unit_p}", f"实际支出 {task.executed.raw}{unit_t}"))
        if t.rate.number is not None and task.rate.number is not None and not agrees(t.rate, Interval.of(task.rate), slack):
            diffs.append(("执行率", f"执行率 {t.rate.raw}", f"预算执行率 {task.rate.raw}"))
        if not diffs:
            continue
        what = "、".join(d[0] for d in diffs)
        detail = "；".join(f"项目表{a}，部门整体自评表“{task.name}”{b}" for _, a, b in diffs)
        ctx.finding(
            p.name, "cross_table", "high", f"项目支出绩效自评表与部门整体支出绩效自评表的{what}不一致：{detail}。",
            check="project_vs_tasks", table="项目资金 / 部门年度重点工作任务", at=[t.line, task.line], rule="XT-07",
            stated=t.rate if t.rate.number is not None else t.budget_full,
            recomputed=task.rate.number if task.rate.number is not None else task.approved_total.number,
            figures={"项目表全年预算数": t.budget_full, "项目表全年执行数": t.executed, "项目表执行率": t.rate,
                     "部门表批复金额": task.approved_total, "部门表实际支出": task.executed, "部门表执行率": task.rate},
        )


PER_UNIT_RE = re.compile(r"人均|平均|每|单价|单位|/|／")


def _cost_indicators_vs_execution(ctx: Context) -> None:
    """RULES PL-02: money 成本 indicators report what was spent; they must agree with 全年执行数."""
    for p in ctx.report.projects:
        t = p.funds.total
        if t is None or t.executed.number is None:
            continue
        unit = p.funds.unit or "万元"
        costs = [i for i in p.indicators if (i.level2.startswith("成本") or "成本" in i.level3)
                 and i.actual.number is not None and i.actual.unit in ("万元", "万", "元")
                 and not PER_UNIT_RE.search(i.level3 + i.actual.unit + i.target.raw)]
        if not costs:
            continue
        ctx.checked("cost_vs_execution", "成本指标实际值与全年执行数相符", p.name)
        spent = sum(convert(i.actual.number, "万元" if i.actual.unit in ("万元", "万") else "元", unit) for i in costs)
        e = t.executed.number
        tol = max(0.01 if unit == "万元" else 100.0, 0.02 * e)
        if spent > e + tol or (len(costs) == 1 and spent < e - tol):
            names = "、".join(f"“{i.level3}”{i.actual.raw}" for i in costs)
            also = f"（与财政下达数 {t.allocated.raw} 相同）" if t.allocated.number is not None and \
                abs(t.allocated.number - spent) <= tol else ""
            ctx.finding(p.name, "cross_table", "medium",
                        f"成本指标实际完成 {names}，合计 {fmt_num(spent)}{unit}{also}，而项目资金表全年执行数为 {t.executed.raw}。",
                        check="cost_vs_execution", table="绩效指标 / 项目资金", stated=round(spent, 4), recomputed=e,
                        tolerance=round(tol, 4), at=[i.line for i in costs] + [t.line], rule="PL-02")


def _carryover_vs_accounts(ctx: Context) -> None:
    """Carry-overs a project table reports cannot exceed the 年初结转和结余 of the 决算 (公开01)."""
    t01 = _confirmed(ctx, "income_expenditure")
    if t01 is None:
        return
    start, line = _side_amount(t01, "收入", ("年初结转和结余",), "金额")
    if line is None:
        return
    start = start or 0.0
    for p in ctx.report.projects:
        row = p.funds.carryover
        v = next((x for x in (row.budget_full, row.budget_initial) if x.number), None) if row else None
        if v is None:
            continue
        ctx.checked("carryover_vs_accounts", "项目上年结转资金不超过决算年初结转和结余", p.name)
        amount = convert(v.number, p.funds.unit or "万元", t01.unit or "万元")
        if amount > start + 0.5 * 10 ** (-t01.decimals) * 2:
            ctx.finding(p.name, "cross_table", "high",
                        f"项目表上年结转资金 {v.raw}{p.funds.unit}，而收入支出决算表年初结转和结余只有 {start:,.2f}{t01.unit}。",
                        check="carryover_vs_accounts", table="项目资金 / 公开01表", stated=v, recomputed=start,
                        at=[row.line, line], rule="XT-02")


def pair_tasks(projects, tasks):
    """(project, task) pairs: the same name first; otherwise a fuzzy match only when it is unambiguous
    both ways (two projects on one topic must not be matched to the same task)."""
    pairs, free_p, free_t = [], list(projects), list(tasks)
    for p in projects:
        t = next((t for t in free_t if t.name.strip() == p.name.strip()), None)
        if t is not None:
            pairs.append((p, t))
            free_p.remove(p)
            free_t.remove(t)
    for p in free_p:
        cands = [t for t in free_t if same_project(t.name, p.name)]
        if len(cands) == 1 and [q for q in free_p if same_project(cands[0].name, q.name)] == [p]:
            pairs.append((p, cands[0]))
    return pairs


def _stated_project_spending(ctx: Context) -> tuple[float | None, str, int | None, str]:
    """项目支出 of the year: from 公开03表 if present, else as stated in the 部门整体收支情况 narrative."""
    t03 = _confirmed(ctx, "expenditure")
    if t03 is not None:
        value, line = _total_row(t03, "项目支出")
        if line is not None:
            return (value or 0.0), t03.unit or "万元", line, f"{t03.number}{t03.title}"
    dept = ctx.report.department_part
    sec = dept.section("income_expenditure") if dept else None
    if sec and sec.text:
        m = re.search(r"(?<!上年)项目支出\s*" + AMOUNT_RE, sec.text.text)
        if m:
            return float(m.group(1).replace(",", "")), m.group(2), sec.text.line, "部门整体收支情况"
    return None, "", None, ""


def _projects_vs_spending(ctx: Context) -> None:
    """PE-06: the projects' executed amounts cannot exceed the year's 项目支出 in the 决算."""
    projects = [p for p in ctx.report.projects if p.funds.total and p.funds.total.executed.number is not None]
    if not projects:
        return
    stated, unit, line, where = _stated_project_spending(ctx)
    if stated is None:
        return
    ctx.checked("projects_vs_accounts", "各项目执行数之和不超过决算项目支出")
    fiscal = []
    for p in projects:
        f = p.funds
        rows = [r for r in (f.current, f.carryover) if r is not None and r.executed.number is not None]
        amount = sum(r.executed.number for r in rows) if rows else f.total.executed.number
        fiscal.append((p, convert(amount, f.unit or "万元", unit)))
    s = sum(a for _, a in fiscal)
    tol = 0.005 * (len(fiscal) + 1) * (1 if unit == "万元" else 100)
    if s <= stated + tol:
        return
    listing = "；".join(f"{p.name} {fmt_num(a)}" for p, a in fiscal if a)
    ctx.finding(
        S, "cross_table", "medium",
        f"各项目支出绩效自评表的全年执行数合计 {fmt_num(s)}{unit}，多于{where}所列项目支出 {fmt_num(stated)}{unit}（{listing}）。",
        check="projects_vs_accounts", table="项目支出绩效自评表 / 决算", stated=round(s, 4), recomputed=stated,
        tolerance=tol, at=[line] + [p.funds.total.line for p, _ in fiscal], rule="PE-06",
    )


def _department_funds_vs_accounts(ctx: Context) -> None:
    dept = ctx.report.department_part
    t01, t03 = _confirmed(ctx, "income_expenditure"), _confirmed(ctx, "expenditure")
    if not dept or not dept.funds or (t01 is None and t03 is None):
        return
    unit_d = "万元"
    lookups = {
        "年度资金总额": (t01, "支出", "本年支出合计"),
        "基本支出": (t03, None, "基本支出"),
        "项目支出": (t03, None, "项目支出"),
        "上年结转": (t01, "收入", "年初结转和结余"),
    }
    for row in dept.funds:
        key = next((k for k in lookups if row.label.startswith(k)), None)
        executed = row.values.get("执行数")
        if key is None or executed is None or executed.number is None:
            continue
        table, side, name = lookups[key]
        if table is None:
            continue
        value, line = _lookup(table, side, name, "金额")
        if line is None:
            continue
        value = value or 0.0
        ctx.checked("department_vs_accounts", "部门整体自评表资金与决算一致")
        if _same(executed, unit_d, _account_value(value, table, line), table.unit, ctx.config.rules.rounding_slack):
            continue
        ctx.finding(
            S, "cross_table", "high",
            f"部门整体支出绩效自评表“{row.label}”执行数 {executed.raw}万元，{table.number}{table.title}“{name}”为 "
            f"{value:,.2f}{table.unit}" + (f"（合 {convert(value, table.unit, '万元'):,.2f}万元）。" if table.unit != "万元" else "。"),
            check="department_vs_accounts", table="部门整体支出绩效自评表 / 决算", stated=executed,
            recomputed=round(convert(value, table.unit, "万元"), 4), at=[row.line, line], rule="DW-01",
        )


# Amounts the narrative quotes, and where the tables print them: (pattern, table kind, side, row name, column)
NARRATIVE_FIGURES = [
    (r"(?:总收入|收入合计|本年收入)\s*", "income_expenditure", "收入", "本年收入合计", "金额"),
    (r"(?:总支出|支出合计|本年支出)\s*", "income_expenditure", "支出", "本年支出合计", "金额"),
    (r"(?<!上年结转)基本支出\s*", "expenditure", None, "基本支出", None),
    (r"(?<!上年)项目支出\s*", "expenditure", None, "项目支出", None),
]


def _narrative_vs_accounts(ctx: Context) -> None:
    """TX-01: amounts in 部门整体收支情况 and the 三公 paragraph equal the 决算 tables."""
    dept = ctx.report.department_part
    if not dept:
        return
    sec = dept.section("income_expenditure")
    if sec and sec.text:
        for pattern, kind, side, name, column in NARRATIVE_FIGURES:
            table = _confirmed(ctx, kind)
            m = re.search(pattern + AMOUNT_RE, sec.text.text)
            if table is None or not m:
                continue
            value, line = _lookup(table, side, name, column)
            if line is None:
                continue
            _compare_quote(ctx, m, value or 0.0, table, line, sec.text.line, f"{table.title}“{name}”")
    sg = dept.section("sangong")
    table = _confirmed(ctx, "sangong") or _confirmed(ctx, "sangong_gpb")
    if sg and sg.text and table is not None:
        rows = sangong_rows(table)
        col = "决算统计数" if "决算统计数" in table.frame.columns else None
        for key, pattern in (("reception", r"公务接待费\s*(?:\d{4}年)?(?:支出)?\s*"), ("total", r"“?三公”?经费\s*(?:\d{4}年)?总?支出\s*")):
            m = re.search(pattern + AMOUNT_RE, sg.text.text)
            if key in rows and col and m:
                value = rows[key][col]
                value = 0.0 if value != value else float(value)
                _compare_quote(ctx, m, value, table, int(rows[key]["line"]), sg.text.line, f"{table.title}“{rows[key]['name']}”")


def _compare_quote(ctx: Context, m: re.Match, value: float, table, line: int, text_line: int | None, where: str) -> None:
    raw, unit = m.group(1), m.group(2)
    quoted = Value(raw, float(raw.replace(",", "")), unit, "", len(raw.split(".")[1]) if "." in raw else 0, "number", text_line)
    ctx.checked("narrative_vs_accounts", "文字说明中的金额与决算表一致")
    if _same(quoted, unit, _account_value(value, table, line), table.unit, ctx.config.rules.rounding_slack):
        return
    ctx.finding(
        S, "cross_table", "high",
        f"文字说明写“{m.group(0).strip()}”，{where}为 {value:,.2f}{table.unit}。",
        check="narrative_vs_accounts", table="部门整体支出绩效自评情况 / 决算", stated=quoted,
        recomputed=round(convert(value, table.unit, unit), 4), at=[text_line, line], rule="TX-01",
    )
