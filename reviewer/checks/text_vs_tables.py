"""What the prose of a 决算/预算 (its 说明, 编制说明) states, checked against itself and against the tables.

- year on year (TX-02) with both years' amounts in one sentence ("2023年当年预算执行数为60.13万元，2024年
  预算安排25.77万元，比2023年预算执行数减少57.14%"), or with this year's amount before the change ("…总计
  26591.08万元。与2024年度相比，…总计增加8487.88万元，增长46.89%"); a growth rate from a zero base;
- an item's amount stated twice in its paragraph (“…（项）”350.35万元 … 2024年预算安排352.67万元);
- the reason given for a change against its direction (减少2.98%。主要原因是：…经费增加);
- budget execution (TX-03): "年初预算为B万元，支出决算为A万元，完成年初预算的r%", 决算数大于/小于预算数;
- amounts named in the prose against the table cells they stand for (TX-01): 功能分类 items (…（类）…（款）
  …（项）), and the totals listed in text_vs_tables.toml.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..model import SUBJECT_DEPARTMENT, AccountsTable, Finding, Paragraph
from .account_tables import _val
from .base import Context
from ..numbers import NUM
from .common import DOWN, TO_YUAN, UP, compact, fmt_num
from ..scoring import band_of
from .tolerance import Interval, printed_amount, printed_rate, rate_severity

S = SUBJECT_DEPARTMENT
STATEMENTS = "说明文字中的增减率、前后金额、原因与方向、预算完成率和所引表内数字正确"
MONEY_U = r"万元|亿元|元"
YOY_BOTH = re.compile(
    rf"(?P<py>\d{{4}})\s*年[^，。；\d]{{0,16}}?(?P<prev>{NUM})\s*(?P<pu>{MONEY_U})[，,]\s*"
    rf"(?P<cy>\d{{4}})\s*年[^，。；\d]{{0,16}}?(?P<cur>{NUM})\s*(?P<cu>{MONEY_U})[，,]\s*"
    rf"(?:比|较)\s*(?P=py)\s*年[^，。；\d]{{0,16}}?(?:(?P<dir>增加|减少|增长|下降|上升|降低)\s*(?P<pct>{NUM})\s*%|(?P<flat>持平))")
YOY_DELTA = re.compile(
    rf"(?P<subj>[^，,。；;\d]{{2,24}}?)(?P<dir>增加|减少|增长|下降)\s*(?P<delta>{NUM})\s*(?P<du>{MONEY_U})[，,]\s*"
    rf"(?P<dir2>增长|下降|增加|减少)\s*(?P<pct>{NUM})\s*%")
AMOUNT = re.compile(rf"(?P<a>{NUM})\s*(?P<u>{MONEY_U})")
ITEM_HEAD = re.compile(rf"^\s*\d{{1,3}}[.．、]\s*[“\"](?P<item>[^”\"]+)[”\"]\s*(?P<a>{NUM})\s*(?P<u>{MONEY_U})")
ITEM_BUDGET = re.compile(rf"\d{{4}}\s*年预算安排\s*(?P<c>{NUM})\s*(?P<u>{MONEY_U})")
REASON = re.compile(r"主要原因(?:是)?[:：]?\s*(?P<why>[^。]*)")
# "年初预算为B万元，支出决算为A万元，完成年初预算的r%" (上海), "“三公”经费支出预算为3万元,支出决算为1.71万元,完成预算的43%"
EXECUTION = re.compile(
    rf"(?<!全年)(?<!调整)(?:年初)?(?:支出)?预算(?:数)?为\s*(?P<b>{NUM})\s*(?P<bu>{MONEY_U})[，,]\s*"
    rf"(?:全年预算(?:数)?为\s*(?P<f>{NUM})\s*(?P<fu>{MONEY_U})[，,]\s*)?支出决算(?:数)?为?\s*(?P<a>{NUM})\s*(?P<au>{MONEY_U})"
    rf"(?:[，,]\s*完成(?P<of>年初)?预算的\s*(?P<r>{NUM})\s*%)?(?:[。，,；]\s*决算数(?P<cmp>大于|小于|等于)预算数)?")
# "完成年初预算100%，决算数大于预算数55.93万元": a completion of exactly 100% leaves no difference
COMPLETION = re.compile(rf"完成(?:年初)?预算(?:数)?的?\s*(?P<r>{NUM})\s*%[，,；;]?\s*决算数(?P<cmp>大于|小于|超过|低于|多于|少于)"
                        rf"预算数\s*(?P<d>{NUM})\s*(?P<du>{MONEY_U})")
# "收、支总计各是4125.49,4143.91万元": 收入总计 = 支出总计 (JS-01d), so two amounts are not two 总计
BOTH_TOTALS = re.compile(rf"收[、和与及]?支(?:出)?总计(?:各是|分别为|分别是|分别|各为)\s*(?P<a>{NUM})\s*(?:万元|元)?\s*[,，、和与]\s*"
                         rf"(?P<b>{NUM})\s*(?P<u>{MONEY_U})")
# names bounded: an unbounded run of characters before （类） backtracks over a whole long paragraph
PATH = re.compile(r"[“\"]?(?P<l1>[\u4e00-\u9fff、]{1,40})（类）(?:(?P<l2>[\u4e00-\u9fff、]{1,40})（款）)?"
                  r"(?:(?P<l3>[\u4e00-\u9fff、]{1,40})（项）)?[”\"]?\s*(?P<a>" + NUM + r")\s*(?P<u>万元|元)")


# a part's heading ("六、一般公共预算财政拨款基本支出决算情况说明"): what the figures of the paragraphs under it are of,
# its sub-headings ("（一）…") included
HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+部分)")


def _vocabulary() -> list[dict]:
    with open(Path(__file__).with_name("text_vs_tables.toml"), "rb") as fh:
        entries = tomllib.load(fh)["amount"]
    return [dict(e, rx=re.compile(f"(?:{e['label']})$"), scope_rx=re.compile(e.get("scope", ""))) for e in entries]


AMOUNTS = _vocabulary()


def _num(s: str) -> float:
    return float(s.replace(",", ""))


@dataclass
class Tabled:
    """An amount of the text and the table cell it stands for (its value in 元, and the finding if they differ)."""

    value: float
    finding: Finding | None


def check(ctx: Context) -> None:
    family = _family(ctx)
    heading = ""
    for p in ctx.report.prose:
        text = p.text.text  # each statement compared counts as checked, not each paragraph read
        if HEADING.match(text) and len(text) <= 40:
            heading = text
        # the amounts against the tables first: a rate computed from a wrong amount is that amount's error, said
        # once with the table's figure, not a second error of arithmetic (root cause, issue 19)
        tabled = {**_paths(ctx, p, family, heading), **_totals(ctx, p, family, heading)} if family else {}
        for m in YOY_BOTH.finditer(text):
            _yoy_both(ctx, p, m)
        for m in YOY_DELTA.finditer(text):
            _yoy_delta(ctx, p, m, tabled)
        _restated(ctx, p, tabled)
        for m in EXECUTION.finditer(text):
            _execution(ctx, p, m, tabled)
        for m in COMPLETION.finditer(text):
            _completion(ctx, p, m)
        for m in BOTH_TOTALS.finditer(text):
            _both_totals(ctx, p, m)
        _grade(ctx, p)


def _grade(ctx: Context, p: Paragraph) -> None:
    """A self-score and a grade stated in one paragraph (自评得分90分，等级为“优”) agree with the bands."""
    scores = [f for f in p.figures if f.kind == "score" and re.search(r"得分|评分|总分|自评|评价", f.label)
              and f.value.number is not None and 0 <= f.value.number <= 100]
    grades = [f for f in p.figures if f.kind == "grade"]
    if not scores or not grades:
        return
    bands = ctx.config.rules.grade_bands
    score, grade = scores[-1], grades[0]
    ctx.checked("statements_grade", "说明文字中的自评得分与等级相符")
    expected = band_of(score.value.number, bands)
    if grade.value.raw[0] != expected[0]:
        _finding(ctx, p, "grade", "high", f"说明文字称得分 {score.value.raw}、等级“{grade.value.raw}”，"
                                          f"按等级标准 {score.value.raw} 应为“{expected}”。", "RT-01",
                 stated=grade.value.raw, recomputed=expected, figures={"等级标准": {b[0]: b[1] for b in bands}})


def _family(ctx: Context) -> str:
    families = {t.family for t in ctx.report.accounts if not t.unread}
    return "决算" if "决算" in families else ("预算" if families else "")


def _finding(ctx: Context, p: Paragraph, code: str, severity: str, message: str, rule: str, **kw) -> Finding | None:
    kw.setdefault("at", [p.text.line])
    return ctx.finding(S, code, severity, message, check="statements", table="文字说明", rule=rule, **kw)


def _direction_ok(word: str | None, diff: Interval, flat: bool) -> bool:
    if flat:
        return diff.lo <= 0 <= diff.hi
    return (word in UP and diff.hi > 0) or (word in DOWN and diff.lo < 0)


def _yoy_both(ctx: Context, p: Paragraph, m: re.Match) -> None:
    prev, cur = printed_amount(m.group("prev"), m.group("pu")), printed_amount(m.group("cur"), m.group("cu"))
    word, flat = m.group("dir"), bool(m.group("flat"))
    quote = m.group(0)
    if prev.lo <= 0:  # last year nothing (0.00万元): no rate of growth exists
        # low: "增长100%" from nothing is a common way of writing, noted in passing, not an error to correct
        if m.group("pct") and cur.lo > 0:
            _finding(ctx, p, "arithmetic", "low",
                     f"“{quote}”：上年为 0，增长率无从计算，文中写“{word}{m.group('pct')}%”；应写明增加的金额。",
                     "TX-05", stated=_num(m.group("pct")))
        return
    diff = cur - prev
    ctx.checked("statements", STATEMENTS)
    reason = REASON.search(p.text.text, m.end())
    if reason and reason.start() - m.end() < 6:
        _reason(ctx, p, quote, word, flat, reason.group("why"))
    if not _direction_ok(word, diff, flat):
        _finding(ctx, p, "arithmetic", "high",
                 f"“{quote}”：由 {m.group('prev')}{m.group('pu')} 到 {m.group('cur')}{m.group('cu')} 是"
                 f"{'增加' if diff.mid > 0 else '减少' if diff.mid < 0 else '持平'}，文中写“{'持平' if flat else word}”。",
                 "TX-02")
        return
    if flat or not m.group("pct"):
        return
    pct = Interval(min(abs(x) for x in (diff.lo, diff.hi)) if diff.lo * diff.hi > 0 else 0.0,
                   max(abs(diff.lo), abs(diff.hi))).scale(100 / prev.mid)
    shown = printed_rate(m.group("pct"))
    if not pct.overlaps(shown) and not _rate_of_another_amount(p, prev, m, shown):
        rate = abs(cur.mid - prev.mid) / prev.mid * 100
        _finding(ctx, p, "arithmetic", rate_severity(_num(m.group("pct")), rate, ctx.config.rules.rate_slip),
                 f"“{quote}”：({m.group('cur')} − {m.group('prev')}) ÷ {m.group('prev')} = {fmt_num(rate)}%，"
                 f"文中写 {m.group('pct')}%。", "TX-02", stated=_num(m.group("pct")), recomputed=round(rate, 4),
                 correction=f"{m.group('pct')}% 应为 {fmt_num(rate)}%")


def _rate_of_another_amount(p: Paragraph, prev: Interval, m: re.Match, shown: Interval) -> bool:
    """The stated rate is that of another amount the paragraph gives the same item (its heading's 350.35万元
    against 348.52: 0.53%, while the sentence says 352.67): the slip is in the amounts, which disagree (the
    contradiction check says so), not in the rate."""
    for f in p.figures:
        if f.kind != "amount" or f.value.number is None or f.value.unit != m.group("cu") or f.value.raw in (
                m.group("cur") + m.group("cu"), m.group("prev") + m.group("pu")):
            continue
        other = printed_amount(fmt_num(f.value.number), f.value.unit)
        diff = other - prev
        rate = Interval(min(abs(diff.lo), abs(diff.hi)) if diff.lo * diff.hi > 0 else 0.0,
                        max(abs(diff.lo), abs(diff.hi))).scale(100 / prev.mid)
        if rate.overlaps(shown):
            return True
    return False


def _yoy_delta(ctx: Context, p: Paragraph, m: re.Match, tabled: dict[int, Tabled]) -> None:
    """A change with this year's amount stated before it: last year = this year ∓ the change."""
    text = p.text.text
    if re.search(r"(?:比|较)[^，。；]{0,12}?" + NUM + r"\s*(?:万元|元)", m.group("subj")):
        return  # last year's amount is printed: narrative_math checks it
    subject = re.sub(r"^(?:与|和|较|比)?\s*\d{4}\s*年度?(?:相比)?[，,]?", "", m.group("subj").strip())
    before = [a for a in AMOUNT.finditer(text, 0, m.start())
              if not re.search(r"(?:增加|减少|增长|下降)\s*$", text[max(0, a.start() - 4):a.start()])  # a level, not a change
              and _shares(subject, text[max(0, a.start() - 30):a.start()])]
    if (m.group("dir") in UP) != (m.group("dir2") in UP):
        return
    if not before:
        _zero_base_from_table(ctx, p, m)
        return
    a = before[-1]
    cur, delta = printed_amount(a.group("a"), a.group("u")), printed_amount(m.group("delta"), m.group("du"))
    prev = cur - delta if m.group("dir") in UP else cur + delta
    if prev.lo <= 0 <= prev.hi and m.group("dir") in UP and cur.lo > 0:  # 307.82 this year, 增加307.82: none last year
        ctx.checked("statements", STATEMENTS)
        _finding(ctx, p, "arithmetic", "low",
                 f"“{a.group(0)} … {m.group(0)}”：增加额等于本年数，上年为 0，增长率无从计算，文中写“{m.group('dir2')}"
                 f"{m.group('pct')}%”；应写明增加的金额（上年无此项支出）。", "TX-05", stated=_num(m.group("pct")),
                 correction=f"删去“{m.group('dir2')}{m.group('pct')}%”，写明上年为 0")
        return
    if prev.lo <= 0:
        return
    pct = delta.scale(100) / prev
    shown = printed_rate(m.group("pct"))
    ctx.checked("statements", STATEMENTS)
    if not pct.overlaps(shown) and _explained_by_table(tabled.get(a.start()), m, delta, shown):
        return  # the amount is wrong, not the rate: its cross-table finding says so, naming this sentence too
    if not pct.overlaps(shown):
        _finding(ctx, p, "arithmetic", rate_severity(_num(m.group("pct")), pct.mid, ctx.config.rules.rate_slip),
                 f"“{a.group(0)} … {m.group(0)}”：上年为 {fmt_num(prev.mid / TO_YUAN[m.group('du')])}{m.group('du')}"
                 f"（{a.group(0)} {'−' if m.group('dir') in UP else '＋'} {m.group('delta')}{m.group('du')}），"
                 f"{m.group('delta')} ÷ 上年 = {fmt_num(pct.mid)}%，文中写 {m.group('pct')}%。", "TX-02",
                 stated=_num(m.group("pct")), recomputed=round(pct.mid, 4),
                 correction=f"{m.group('pct')}% 应为 {fmt_num(pct.mid)}%")


def _zero_base_from_table(ctx: Context, p: Paragraph, m: re.Match) -> None:
    """A change stated without this year's amount ("公务接待费支出决算增加0.3万元，增长100%"): this year's amount is the
    table's, where the words name a cell (text_vs_tables.toml); a rise equal to it is a rise from nothing (TX-05)."""
    if m.group("dir") not in UP:
        return
    subject, family = compact(m.group("subj")), _family(ctx)
    entry = next((e for e in AMOUNTS if e.get("family", family) == family and "row" in e and e["rx"].search(subject)),
                 None)
    table = entry and ctx.report.account(entry["table"], family)
    if table is None or not ctx.verified(table):
        return
    value, line, col = _table_value(table, entry["row"], entry["column"], entry.get("side", ""))
    if value is None:
        return
    cur, delta = _cell(table, value), printed_amount(m.group("delta"), m.group("du"))
    prev = cur - delta
    ctx.checked("statements", STATEMENTS)
    if prev.lo <= 0 <= prev.hi and cur.lo > 0:
        _finding(ctx, p, "arithmetic", "low",
                 f"“{m.group(0)}”：{table.title}{entry['row']}“{col}”为 {fmt_num(value)}{table.unit}，增加额等于本年数，"
                 f"上年为 0，增长率无从计算，文中写“{m.group('dir2')}{m.group('pct')}%”；应写明增加的金额（上年无此项支出）。",
                 "TX-05", stated=_num(m.group("pct")), at=[p.text.line, line],
                 correction=f"删去“{m.group('dir2')}{m.group('pct')}%”，写明上年为 0")


def _shares(subject: str, words: str) -> bool:
    """The amount before a change is the one the change speaks of: the words naming it end with the change's
    subject, or share four or more characters of it ("收入支出总计", "一般公共预算财政拨款支出")."""
    a, b = re.sub(r"\s", "", subject), re.sub(r"\s", "", words)
    a = re.sub(r"(?:比|较|与)(?:上年|去年|上年度|\d{4}年度?)(?:相比)?$", "", a)
    a = re.sub(r"(?:支出|收入)?(?:决算|预算)?(?:数)?$", "", a)  # the noun: 公务用车运行维护费, 收入支出总计
    return any(a[i:i + 4] in b for i in range(max(0, len(a) - 3))) if len(a) >= 4 else False


def _reason(ctx: Context, p: Paragraph, quote: str, word: str | None, flat: bool, why: str) -> None:
    says_up = re.search(r"增加|增长|上升|提高", why) and not re.search(r"减少|下降|降低|压减|调减|缩减", why)
    says_down = re.search(r"减少|下降|降低|压减|调减|缩减", why) and not re.search(r"增加|增长|上升|提高", why)
    change = "持平" if flat else word
    if (change in DOWN and says_up) or (change in UP and says_down) or (flat and (says_up or says_down)):
        _finding(ctx, p, "narrative_contradiction", "medium",
                 f"“{quote}”，而所述原因为“{why.strip()}”：原因与增减方向相反。", "TX-02",
                 extra={"claim": why.strip()})


def _restated(ctx: Context, p: Paragraph, tabled: dict[int, Tabled]) -> None:
    head = ITEM_HEAD.match(p.text.text)
    budget = ITEM_BUDGET.search(p.text.text)
    if not head or not budget:
        return
    ctx.checked("statements", STATEMENTS)
    a, c = printed_amount(head.group("a"), head.group("u")), printed_amount(budget.group("c"), budget.group("u"))
    if not a.overlaps(c):
        # the table says which of the two is right, when the paragraph's heading amount was compared with it
        cell = next((t for pos, t in tabled.items() if head.start("a") <= pos < head.end()), None)
        confirmed = cell is not None and cell.finding is None
        which = f"；表中该项为 {head.group('a')}{head.group('u')}，与开头一致，“{budget.group(0)}”有误" if confirmed else ""
        # the figure in doubt is stated; the one the table confirms (or, unconfirmed, the other) is set against it
        stated, other = (budget.group("c"), head.group("a")) if confirmed else (head.group("a"), budget.group("c"))
        _finding(ctx, p, "narrative_contradiction", "high",
                 f"“{head.group('item')}”开头写 {head.group('a')}{head.group('u')}，同段又写“{budget.group(0)}”：同一项目前后金额不一致"
                 f"{which}。", "TX-01", stated=_num(stated), recomputed=_num(other))


def _explained_by_table(cell: Tabled | None, m: re.Match, delta: Interval, shown: Interval) -> bool:
    """A change rate that fits this year's amount as the table prints it, when the text prints another: the
    amount's finding (made by _totals) names the sentence and the rate that confirms the table."""
    if cell is None or cell.finding is None:
        return False
    prev = Interval.exact(cell.value) - delta if m.group("dir") in UP else Interval.exact(cell.value) + delta
    if prev.lo <= 0 or not (delta.scale(100) / prev).overlaps(shown):
        return False
    cell.finding.message = cell.finding.message.rstrip("。") + (
        f"；同段“{m.group(0)}”按表中数字推算相符，错在所写金额。")
    return True


def _execution(ctx: Context, p: Paragraph, m: re.Match, tabled: dict[int, Tabled]) -> None:
    b, a = printed_amount(m.group("b"), m.group("bu")), printed_amount(m.group("a"), m.group("au"))
    ctx.checked("statements", STATEMENTS)
    if m.group("r") and m.group("of") and _num(m.group("b")) == 0:
        _completion_of_nothing(ctx, p, m, a)
    if m.group("r") and b.lo > 0:
        rate = (a / b).scale(100)
        shown = printed_rate(m.group("r"))
        if not rate.overlaps(shown) and _wrong_amount(ctx, p, m, b, shown, tabled):
            return
        if not rate.overlaps(shown):
            # the rate of the figures as printed (1.71 ÷ 3 = 57%), not the middle of what rounded figures allow
            exact = _num(m.group("a")) * TO_YUAN[m.group("au")] / (_num(m.group("b")) * TO_YUAN[m.group("bu")]) * 100
            _finding(ctx, p, "arithmetic", rate_severity(_num(m.group("r")), exact, ctx.config.rules.rate_slip),
                     f"“{m.group(0)}”：{m.group('a')} ÷ {m.group('b')} = {fmt_num(exact)}%，文中写 {m.group('r')}%。",
                     "TX-03", stated=_num(m.group("r")), recomputed=round(exact, 4),
                     correction=f"{m.group('r')}% 应为 {fmt_num(exact)}%")
    cmp = m.group("cmp")
    diff = a - b
    reason = REASON.search(p.text.text, m.end())
    if reason and reason.start() - m.end() < 6 and _num(m.group("b")) > 0:
        _execution_reason(ctx, p, m, diff, reason.group("why"))
    if cmp and not ((cmp == "大于" and diff.hi > 0) or (cmp == "小于" and diff.lo < 0) or (cmp == "等于" and diff.lo <= 0 <= diff.hi)):
        _finding(ctx, p, "narrative_contradiction", "medium",
                 f"“{m.group(0)}”：决算 {m.group('a')} 与预算 {m.group('b')} 相比应为"
                 f"{'大于' if diff.mid > 0 else '小于' if diff.mid < 0 else '等于'}，文中写“{cmp}”。", "TX-03")


def _completion_of_nothing(ctx: Context, p: Paragraph, m: re.Match, spent: Interval) -> None:
    """"年初预算为0万元，全年预算为321.02万元，支出决算为307.82万元，完成年初预算的95.89%": of a 年初预算 of 0 no
    completion rate exists (TX-06); the rate printed is most often that of the 全年预算, and the finding says so."""
    of_year = ""
    if m.group("f"):
        full = printed_amount(m.group("f"), m.group("fu"))
        if full.lo > 0 and (spent / full).scale(100).overlaps(printed_rate(m.group("r"))):
            of_year = f"；{m.group('r')}% 是 {m.group('a')}{m.group('au')} ÷ 全年预算 {m.group('f')}{m.group('fu')}，不是对年初预算的完成率"
    _finding(ctx, p, "arithmetic", "medium",
             f"“{compact(m.group(0))}”：年初预算为 0，完成年初预算的比率无从计算{of_year}；应写明年初未安排预算、"
             f"年中追加的情况。", "TX-06", stated=_num(m.group("r")),
             correction=f"删去“完成年初预算的{m.group('r')}%”")


# why a 决算 differs from its 年初预算: what explains spending less, and what explains spending more
SPENT_LESS = re.compile(r"调整至|调出|划出|划转|节约|节支|压减|压缩|调减|未(?:能)?(?:完成|实施|开展|执行|支付|拨付|发生)|结转|结余|推迟|延期|暂缓|减少")
SPENT_MORE = re.compile(r"追加|新增|增加|估算不足|预算不足|调增|补助|转移支付|调剂|调入")


def _execution_reason(ctx: Context, p: Paragraph, m: re.Match, diff: Interval, why: str) -> None:
    """"决算数大于预算数的主要原因：…结余" — a reason that explains the other direction (DR-02)."""
    less, more = SPENT_LESS.search(why), SPENT_MORE.search(why)
    if diff.lo > 0 and less and not more:
        went, told = "大于", less.group(0)
    elif diff.hi < 0 and more and not less:
        went, told = "小于", more.group(0)
    else:
        return
    _finding(ctx, p, "narrative_contradiction", "medium",
             f"“{compact(m.group(0))}”，决算 {m.group('a')}{m.group('au')}{went}年初预算 {m.group('b')}{m.group('bu')}，"
             f"而所述原因为“{compact(why)}”（{told}）：原因说的是相反的方向。", "DR-02", extra={"claim": compact(why)})


def _wrong_amount(ctx: Context, p: Paragraph, m: re.Match, budget: Interval, shown: Interval,
                  tabled: dict[int, Tabled]) -> bool:
    """"（项）”257.14 万元 … 年初预算为 274.82 万元，支出决算为 245.53 万元，完成年初预算的 93.57%": the rate fits
    the item's amount as the paragraph heads it (or as the table prints it), not the 决算 the sentence states — the
    amount is wrong, and the finding says so with the right figure, once.  True when such an amount was found."""
    a_pos = m.start("a")
    cell = tabled.get(a_pos)
    heads = [x for x in AMOUNT.finditer(p.text.text, 0, m.start()) if x.start() not in (m.start("b"),)][:1]
    candidates = ([(cell.value, "表中所列", cell.finding)] if cell and cell.finding else []) + \
        [(printed_amount(h.group("a"), h.group("u")).mid, "本段开头所列该项支出", None) for h in heads]
    stated = printed_amount(m.group("a"), m.group("au"))
    for value, where, table_finding in candidates:
        if Interval.exact(value).overlaps(stated) or not (Interval.exact(value) / budget).scale(100).overlaps(shown):
            continue
        k = TO_YUAN[m.group("au")]
        right = f"{fmt_num(value / k)}{m.group('au')}"
        if table_finding is not None:  # the text-vs-table finding already names the amount: it names the rate too
            table_finding.message = table_finding.message.rstrip("。") + \
                f"；同句完成率 {m.group('r')}% 按表中数字计算相符，错在所写金额。"
            return True
        _finding(ctx, p, "narrative_contradiction", "medium",
                 f"“{m.group(0)}”：支出决算写 {m.group('a')}{m.group('au')}，而{where}为 {right}；完成率 "
                 f"{m.group('r')}% 按 {right} 计算相符（{right} ÷ {m.group('b')}{m.group('bu')}），错在所写的支出决算数。",
                 "TX-01",
                 stated=_num(m.group("a")), recomputed=round(value / k, 4),
                 correction=f"支出决算 {m.group('a')}{m.group('au')} 应为 {right}")
        return True
    return False


def _completion(ctx: Context, p: Paragraph, m: re.Match) -> None:
    """A rate of completion and a difference from the budget said together must agree in direction."""
    rate, diff, over = _num(m.group("r")), _num(m.group("d")), m.group("cmp") in ("大于", "超过", "多于")
    ctx.checked("statements", STATEMENTS)
    if diff > 0 and (rate == 100 or (rate > 100) != over):
        should = "大于 100%" if over else "小于 100%"
        _finding(ctx, p, "narrative_contradiction", "medium",
                 f"“{m.group(0)}”：决算数{m.group('cmp')}预算数 {m.group('d')}{m.group('du')}，完成预算应{should}，"
                 f"文中写 {m.group('r')}%。", "TX-03", stated=rate)


def _both_totals(ctx: Context, p: Paragraph, m: re.Match) -> None:
    a, b = printed_amount(m.group("a"), m.group("u")), printed_amount(m.group("b"), m.group("u"))
    ctx.checked("statements", STATEMENTS)
    if not a.overlaps(b):
        _finding(ctx, p, "narrative_contradiction", "medium",
                 f"“{m.group(0)}”：决算的收入总计与支出总计相等（JS-01d），两数不同，所称“总计”应是本年收入合计与"
                 "本年支出合计，或数字有误。", "JS-01d", figures={"收入": m.group("a"), "支出": m.group("b")})


# --- amounts named in the prose against the tables ----------------------------------------------


def _table_value(table: AccountsTable, row_name: str, column, side: str = "") -> tuple[float | None, int | None, str]:
    cols = table.value_columns
    col = cols[column] if isinstance(column, int) and column < len(cols) else column if column in cols else None
    if col is None:
        return None, None, ""
    for r in table.records():
        if side and r.get("side") != side:
            continue
        if r.get("level") == "合计" and row_name == "合计" or r.get("name") == row_name or (
                row_name not in ("合计", "总计") and row_name in str(r.get("name", ""))):
            return _val(r[col]), int(r["line"]), col
    return None, None, col


def _totals_value(table: AccountsTable, names: list[str]) -> tuple[float | None, int | None, str]:
    """The sum of totals an economic table prints below its rows (人员经费合计 + 公用经费合计)."""
    values = [table.totals.get(n) for n in names]
    if any(v is None or v.number is None for v in values):
        return None, None, ""
    return sum(v.number for v in values), values[0].line, "＋".join(names)


def _cell(table: AccountsTable, value: float) -> Interval:
    """A table's figure in 元, as the amounts it may stand for at the table's printed precision."""
    k = TO_YUAN.get(table.unit or "万元", 1.0)
    h = 0.5 * 10 ** (-table.decimals) * k
    return Interval(value * k - h, value * k + h)


def _compare(ctx: Context, p: Paragraph, quote: str, stated: Interval, table: AccountsTable, value: float | None,
             line: int | None, what: str) -> Tabled | None:
    if value is None or not ctx.verified(table):
        return None  # a table whose rows and columns its own sums did not confirm is not compared with
    k = TO_YUAN.get(table.unit or "万元", 1.0)
    cell = _cell(table, value)
    ctx.checked("text_vs_table", "说明文字所列金额与表内数字一致")
    unit = max(10 ** (-table.decimals) * k, 1.0)  # one unit of the last printed digit, never less than 1 元
    if cell.overlaps(stated) or abs(stated.mid - value * k) <= unit + 1e-9:
        return Tabled(value * k, None)
    in_wan = value * k / 1e4
    converted = "" if table.unit == "万元" else f"（{fmt_num(in_wan)}万元）"
    f = ctx.finding(S, "cross_table", "high",
                    f"说明写“{quote}”，{table.title}{what}为 {fmt_num(value)}{table.unit}{converted}。",
                    check="text_vs_table", table=f"文字说明 / {table.title}", stated=round(stated.mid / 1e4, 4),
                    recomputed=round(in_wan, 4), at=[p.text.line, line], rule="TX-01",
                    correction=f"“{quote}”应为 {fmt_num(value)}{table.unit}")
    return Tabled(value * k, f)


# the part of the 说明 a path is written in, and the table its items are rows of
FUND_PARTS = (("政府性基金", "gov_fund"), ("国有资本经营", "soe_capital"))


def _paths(ctx: Context, p: Paragraph, family: str, heading: str = "") -> dict[int, Tabled]:
    """“一般公共服务支出（类）统计信息事务（款）专项普查活动（项）”25.77万元 against the 一般公共预算 table (under a
    政府性基金 or 国有资本经营 heading, against that fund's table); the cells compared, by where their amounts stand in
    the paragraph."""
    out: dict[int, Tabled] = {}
    kind = next((k for word, k in FUND_PARTS if word in heading), "gpb")
    table = ctx.report.account(kind, family)
    if table is None or table.frame.empty or "code" not in table.frame.columns or not table.value_columns:
        return out
    rows = [r for r in table.records() if r.get("code")]
    spent = next((c for c in table.value_columns if c in ("本年支出:合计", "本年支出")), table.value_columns[0])
    for m in PATH.finditer(p.text.text):
        names = [m.group(k) for k in ("l1", "l2", "l3") if m.group(k)]
        row = _path_row(rows, names)
        if row is None:
            continue
        col = spent if kind != "gpb" else table.value_columns[0]
        cell = _compare(ctx, p, m.group(0).strip("“”\""), printed_amount(m.group("a"), m.group("u")), table, _val(row[col]),
                        int(row["line"]), f"“{row['code']} {row['name']}”{table.head(col)}")
        if cell:
            out[m.start("a")] = cell
    return out


def _path_row(rows: list[dict], names: list[str]) -> dict | None:
    """The row of a 类 / 款 / 项 path of names: each level among the children of the one before."""
    prefix, found = "", None
    for depth, name in enumerate(names):
        size = 3 + 2 * depth
        found = next((r for r in rows if len(r["code"]) == size and r["code"].startswith(prefix) and r["name"] == name), None)
        if found is None:
            return None
        prefix = found["code"]
    return found


def _totals(ctx: Context, p: Paragraph, family: str, heading: str = "") -> dict[int, Tabled]:
    """The totals the paragraph names (text_vs_tables.toml) against their tables; the cells compared, by position.
    An entry with a `scope` is read only in a paragraph, or under a heading, that names it ("人员经费" is the 一般公共
    预算财政拨款基本支出表's only in its part of the 说明)."""
    out: dict[int, Tabled] = {}
    for fig in p.figures:
        if fig.kind != "amount":
            continue
        label = re.sub(r"\s", "", fig.label)
        entry = next((e for e in AMOUNTS if e.get("family", family) == family and e["rx"].search(label) and (
            e["scope_rx"].search(p.text.text[:fig.pos]) or e["scope_rx"].search(heading))), None)
        if entry is None:
            continue
        table = ctx.report.account(entry["table"], family)
        if table is None or (table.frame.empty and not table.totals):
            continue
        if "totals" in entry:
            value, line, col = _totals_value(table, entry["totals"])
        else:
            value, line, col = _table_value(table, entry["row"], entry["column"], entry.get("side", ""))
        stated = Interval.of(fig.value).scale(TO_YUAN.get(fig.value.unit, 1.0))
        cell = _compare(ctx, p, f"{fig.label}{fig.value.raw}", stated, table, value, line,
                        f"{entry.get('row', '')}“{table.head(col)}”")
        if cell:
            out[fig.pos] = cell
    return out
