"""The 项目资金 block: sums, 执行率, execution score, over-execution, budget cuts (RULES PE-01…04, SC-02)."""
from __future__ import annotations

from ..model import FundsRow, Project, Value
from .base import Context
from .common import fmt_num, project_texts
from .tolerance import Interval, agrees, half_unit, precision, total

TABLE = "项目资金"
COLUMNS = [("budget_initial", "年初预算数"), ("budget_full", "全年预算数"), ("allocated", "财政下达数"),
           ("executed", "全年执行数")]


def check(ctx: Context) -> None:
    for p in ctx.report.projects:
        t = p.funds.total
        ctx.checked("funds_present", "项目资金表已填报", p.name)
        if t is None:
            ctx.finding(p.name, "missing", "medium", "项目资金表缺失，无法核对预算执行情况。", check="funds_present",
                        table=TABLE, at=[p.line], rule="ZP-04")
            continue
        d = precision(getattr(r, a) for r in p.funds.rows() for a, _ in COLUMNS)
        _sub_rows(ctx, p, d)
        t = _row_with_money(ctx, p, t)
        ratio = _execution_ratio(ctx, p, t, d)
        _rate(ctx, p, t, ratio)
        _score(ctx, p, t, ratio)
        _over_execution(ctx, p, t, d)
        _budget_change(ctx, p, t, d)


def _row_with_money(ctx: Context, p: Project, t: FundsRow) -> FundsRow:
    """The row the funds checks read: the 年度资金总额 row, unless it is blank or 0 while one row under it carries the
    money (全年预算数 and 全年执行数 only on 当年财政拨款) — then that row, with the total row's 分值, 执行率 and 得分
    where it prints them; a blank total is said (PE-01), a total of 0 is already a sum that fails."""
    if t.budget_full.number or t.executed.number:
        return t
    carrying = [r for r in p.funds.parts() if r.budget_full.number or r.executed.number]
    if len(carrying) != 1:
        return t
    row = carrying[0]
    if t.budget_full.blank and t.executed.blank:
        ctx.finding(p.name, "missing", "medium",
                    f"年度资金总额行未填全年预算数和全年执行数，而“{_short(row.label)}”行填有 {row.budget_full.raw or '空'} 和 "
                    f"{row.executed.raw or '空'}：执行率和得分按该行核对。", check="funds_sum", table=TABLE,
                    at=[t.line, row.line], rule="PE-01")
    return FundsRow(row.label, row.budget_initial, row.budget_full, row.allocated, row.executed,
                    t.weight if not t.weight.blank else row.weight, t.rate if not t.rate.blank else row.rate,
                    t.score if not t.score.blank else row.score, row.reason, row.line)


def _sub_rows(ctx: Context, p: Project, d: int | None) -> None:
    f = p.funds
    subs = f.parts()
    if not subs:
        return
    filled_anywhere = any(not getattr(r, a).blank for r in subs for a, _ in COLUMNS)
    for attr, label in COLUMNS:
        stated: Value = getattr(f.total, attr)
        parts = [getattr(r, attr) for r in subs]
        if stated.blank and all(v.blank for v in parts):
            continue
        ctx.checked("funds_sum", "资金来源各行之和等于年度资金总额", p.name)
        if stated.number is None or not filled_anywhere:
            continue
        recomputed = total(parts, d)
        if agrees(stated, recomputed, ctx.config.rules.rounding_slack, d):
            continue
        severity = "high" if any(v.number for v in parts) else "medium"
        detail = "；".join(f"{_short(r.label)} {v.raw or '空'}" for r, v in zip(subs, parts))
        ctx.finding(
            p.name, "arithmetic", severity,
            f"{label}：年度资金总额填报 {stated.raw}，但其中各行（{detail}）合计为 {fmt_num(recomputed.mid)}。",
            check="funds_sum", table=TABLE, stated=stated, recomputed=round(recomputed.mid, 4),
            tolerance=round(recomputed.width / 2 + half_unit(stated), 4),
            at=[f.total.line] + [r.line for r in subs], rule="PE-01",
        )


def _short(label: str) -> str:
    return label.replace("其中：", "").replace("其中:", "")


def _execution_ratio(ctx: Context, p: Project, t: FundsRow, d: int | None) -> Interval | None:
    """全年执行数 / 全年预算数 as an interval (fraction), from the printed amounts."""
    b, e = t.budget_full, t.executed
    if e.number is None:
        return None
    if b.number is None or b.number <= 0:
        if e.number > 0:
            ctx.finding(p.name, "missing", "medium",
                        f"全年预算数为空或为 0，却有全年执行数 {e.raw}，执行率无从计算。",
                        check="exec_rate", table=TABLE, at=[t.line], rule="PE-03")
        return None
    try:
        return Interval.of(e, decimals=d) / Interval.of(b, decimals=d)
    except ZeroDivisionError:
        return None


def _rate(ctx: Context, p: Project, t: FundsRow, ratio: Interval | None) -> None:
    if ratio is None:
        return
    ctx.checked("exec_rate", "执行率 = 全年执行数 ÷ 全年预算数", p.name)
    stated = t.rate
    pct = ratio.scale(100)
    if stated.number is None:
        ctx.finding(p.name, "missing", "medium",
                    f"执行率未填报；按 {t.executed.raw} ÷ {t.budget_full.raw} 应为 {fmt_num(pct.mid)}%。",
                    check="exec_rate", table=TABLE, recomputed=round(pct.mid, 4), at=[t.line], rule="PE-03")
        return
    shown = stated
    if stated.unit != "%" and stated.number <= 1.0 and pct.mid > 1.5:  # printed as a fraction, 0.9997
        shown = Value(stated.raw, stated.number * 100, "%", "", max(0, (stated.decimals or 0) - 2), "number", stated.line)
    if agrees(shown, pct, ctx.config.rules.rounding_slack):
        return
    ctx.finding(
        p.name, "rate_mismatch", "high",
        f"执行率填报为 {stated.raw}，按全年执行数 {t.executed.raw} ÷ 全年预算数 {t.budget_full.raw} 计算应为 "
        f"{fmt_num(pct.mid)}%。",
        check="exec_rate", table=TABLE, stated=shown.number, recomputed=round(pct.mid, 4),
        tolerance=round(pct.width / 2 + half_unit(shown), 4), at=[t.line], rule="PE-03",
        figures={"全年执行数": t.executed, "全年预算数": t.budget_full},
        correction=f"执行率 {stated.raw} 应为 {fmt_num(pct.mid)}%",
    )


def _score(ctx: Context, p: Project, t: FundsRow, ratio: Interval | None) -> None:
    weight, score = t.weight, t.score
    if ratio is None or weight.number is None:
        return
    ctx.checked("exec_score", "预算执行率得分 = 分值 × min(执行率, 100%)", p.name)
    expected = ratio.clamp_max(1.0).scale(weight.number)
    if score.number is None:
        ctx.finding(p.name, "missing", "medium",
                    f"预算执行率得分未填报；按规则应为 {fmt_num(expected.mid)}。",
                    check="exec_score", table=TABLE, recomputed=round(expected.mid, 4), at=[t.line], rule="SC-02")
        return
    if agrees(score, expected, ctx.config.rules.rounding_slack):
        return
    above = score.number > expected.hi
    if not above and ctx.config.rules.exec_score_mode == "at_most_proportional":
        return
    rate_txt = f"{fmt_num(ratio.mid * 100)}%"
    message = (f"预算执行率 {rate_txt}（{t.executed.raw} ÷ {t.budget_full.raw}），分值 {weight.raw}，按规则得分应为 "
               f"{fmt_num(expected.mid)}，表中得分为 {score.raw}" + ("，高于规则得分。" if above else "（低于按规则所得，从严）。"))
    if t.executed.number == 0 and score.number > 0:
        message = f"全年执行数为 0，预算执行率得分却为 {score.raw}（满分 {weight.raw}），按规则应为 0。"
    ctx.finding(
        # a unit that scored itself below the rule erred on the safe side: worth a note, low
        p.name, "exec_score", "high" if above else "low", message,
        check="exec_score", table=TABLE, stated=score, recomputed=round(expected.mid, 4),
        tolerance=round(expected.width / 2 + half_unit(score), 4), at=[t.line], rule="SC-02",
        figures={"执行率(复核)": round(ratio.mid * 100, 4), "分值": weight, "执行率(填报)": t.rate},
        correction=f"预算执行率得分 {score.raw} 应为 {fmt_num(expected.mid)}" if above else "",
    )


def _over_execution(ctx: Context, p: Project, t: FundsRow, d: int | None) -> None:
    e = t.executed
    if e.number is None or e.number <= 0:
        return
    ctx.checked("exec_vs_budget", "全年执行数不超过全年预算数和财政下达数", p.name)
    slack = ctx.config.rules.rounding_slack
    allocated = t.allocated
    if allocated.number is not None and Interval.of(e, slack, d).lo > Interval.of(allocated, slack, d).hi:
        ctx.finding(
            p.name, "exec_exceeds_allocation", "high",
            f"财政下达数只有 {allocated.raw}，全年执行数却为 {e.raw}，执行了未到位的资金。",
            check="exec_vs_budget", table=TABLE, stated=e, recomputed=allocated.number, at=[t.line], rule="PE-04",
            figures={"财政下达数": allocated, "全年执行数": e, "全年预算数": t.budget_full},
        )
    elif t.budget_full.number is not None and Interval.of(e, slack, d).lo > Interval.of(t.budget_full, slack, d).hi:
        ctx.finding(
            p.name, "exec_exceeds_allocation", "medium",
            f"全年执行数 {e.raw} 超过全年预算数 {t.budget_full.raw}，超预算支出需要说明。",
            check="exec_vs_budget", table=TABLE, stated=e, recomputed=t.budget_full.number, at=[t.line],
            rule="PE-04",
        )


def _budget_change(ctx: Context, p: Project, t: FundsRow, d: int | None) -> None:
    b0, b1, e = t.budget_initial, t.budget_full, t.executed
    if b0.number is None or b1.number is None or b0.number <= 0:
        return
    ctx.checked("budget_change", "全年预算数相对年初预算数的调整有说明", p.name)
    change = (b1.number - b0.number) / b0.number
    slack = ctx.config.rules.rounding_slack
    explained = any(w in text for text in project_texts(p) for w in ctx.config.rules.adjustment_words)
    figures = {"年初预算数": b0, "全年预算数": b1, "全年执行数": e}
    if change <= -ctx.config.rules.budget_cut_share and e.number is not None and agrees(e, Interval.of(b1, decimals=d), slack, d):
        ctx.finding(
            p.name, "budget_adjusted", "medium",
            f"全年预算数由年初的 {b0.raw} 调减为 {b1.raw}（{fmt_num(change * 100, 1)}%），恰好等于全年执行数 {e.raw}，"
            f"执行率因此显示为 100%；按年初预算计算执行率为 {fmt_num(e.number / b0.number * 100)}%。",
            check="budget_change", table=TABLE, stated=b1, recomputed=b0.number, at=[t.line], rule="PE-02",
            figures=figures,
        )
    elif abs(change) >= ctx.config.rules.budget_change_share and not explained:
        verb = "调减" if change < 0 else "调增"
        ctx.finding(
            p.name, "budget_adjusted", "low",
            f"全年预算数由年初的 {b0.raw} {verb}为 {b1.raw}（{fmt_num(change * 100, 1)}%），表内未说明调整原因。",
            check="budget_change", table=TABLE, stated=b1, recomputed=b0.number, at=[t.line], rule="PE-02",
            figures=figures,
        )
