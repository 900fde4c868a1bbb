"""Figures computed inside the narrative: per-capita amounts, year-on-year changes, shares of a budget,
and breakdowns introduced by 其中 (RULES TX-02…TX-04, §0 "per-capita").

A printed result that cannot be reproduced from the printed inputs is a finding.  When it could
only be explained by inputs rounded more coarsely than the result (0.68万元 ÷ 77人 = 88.31元,
but 88.53元 needs 6,817元), the finding is low severity and says so.
"""
from __future__ import annotations

import re

from ..model import SUBJECT_DEPARTMENT, Text
from .base import Context
from ..numbers import NUM
from .common import DOWN, TO_YUAN, UP, fmt_num
from .tolerance import Interval, printed_amount, printed_rate, rate_severity


def _money(name: str) -> str:
    """An amount in 元 or 万元, its figure and unit captured as `name` and `name`_u."""
    return rf"(?P<{name}>{NUM})\s*(?P<{name}_u>万元|元)"


PER_CAPITA_RE = re.compile(r"人均(?:支出|费用|接待费)?\s*(?P<y>" + NUM + r")\s*(?P<y_u>万元|元)")
AMOUNT_RE = re.compile(r"(?P<a>" + NUM + r")\s*(?P<a_u>万元|元)(?![/／])")
HEADCOUNT_RE = re.compile(r"(?P<n>\d+)\s*(?:人次|人)(?![均/])")
CHANGE_RE = re.compile(
    r"(?:比|较|与)(?:上年度?|去年|同期|\d{4}年度?)?[^\d。；]{0,12}?" + _money("prev") +
    r"(?:相比)?[，,\s]*(?P<dir>增加|减少|下降|增长|上升|降低)\s*" + _money("delta") +
    r"(?:[，,\s]*(?P<dir2>增长|下降|上升|降低|减少|增加)\s*(?P<pct>\d+(?:\.\d+)?)\s*%)?"
)
BUDGET_SHARE_RE = re.compile(r"完成(?:年初)?预算数?\s*" + _money("b") + r"的\s*(?P<p>\d+(?:\.\d+)?)\s*%")
COUNT_UNITS = ("人次", "批次", "人", "个", "辆", "项", "家", "次")
PART_RE = re.compile(r"(?P<n>" + NUM + r")\s*(?P<u>万元|元|人次|批次|人|个|辆|项|家|次)")
# clauses of a sentence: a comma between digits is a thousands separator (214,355.48), never a clause break
CLAUSE_SEP = re.compile(r"[，；;]|,(?!\d{3}(?!\d))")
# what a breakdown's items end at: "另外退休81人" is beside the total, not part of it (另外, 此外, 另有, 不含 …)
BEYOND = re.compile(r"^\s*(?:另外|此外|另有|另|除此之外|除此以外|以外|外加)|不含|不包括|以外|之外")


def _num(s: str) -> float:
    return float(s.replace(",", ""))


def _sentences(text: str, seps: str = "。；;") -> list[str]:
    return [s for s in re.split(f"[{seps}\n]", text) if s.strip()]


def check(ctx: Context) -> None:
    for subject, passages in _passages(ctx):
        for text in passages:  # each figure compared counts as checked, not each passage read
            for sentence in _sentences(text.text):
                _per_capita(ctx, subject, text, sentence)
                _change(ctx, subject, text, sentence)
                _budget_share(ctx, subject, text, sentence)
            for sentence in _sentences(text.text, "。"):
                _breakdown(ctx, subject, text, sentence)
        _breakdown_over_paragraphs(ctx, subject, passages)


def _passages(ctx: Context):
    dept = ctx.report.department_part
    if dept:
        texts = []

        def walk(sections):
            for s in sections:
                if s.text:
                    texts.append(s.text)
                walk(s.subsections)

        walk(dept.sections)
        texts += [g.actual for g in dept.year_goals if g.actual] + ([dept.notes] if dept.notes else [])
        yield SUBJECT_DEPARTMENT, texts
    elif ctx.report.prose:  # a 决算/预算 说明 or a report of running text: its paragraphs
        yield SUBJECT_DEPARTMENT, [p.text for p in ctx.report.prose]
    for p in ctx.report.projects:
        yield p.name, [t for t in [p.goal, p.outcome, p.notes, *p.analysis.values()] if t]


def _per_capita(ctx: Context, subject: str, text: Text, sentence: str) -> None:
    for m in PER_CAPITA_RE.finditer(sentence):
        head = sentence[: m.start()]
        amounts = [a for a in AMOUNT_RE.finditer(head)]
        counts = [c for c in HEADCOUNT_RE.finditer(head)]
        if not amounts or not counts:
            continue
        a, n = amounts[-1], counts[-1]
        people = int(n.group("n"))
        if people == 0:
            continue
        y_unit = m.group("y_u")
        k = TO_YUAN[y_unit]
        exact = _num(a.group("a")) * TO_YUAN[a.group("a_u")] / people / k
        printed = printed_amount(m.group("y"), y_unit).scale(1 / k)
        stated = _num(m.group("y"))
        ctx.checked("narrative_arithmetic", "文字中的人均数计算正确", subject)
        if printed_amount(a.group("a"), a.group("a_u")).scale(1 / people / k).overlaps(printed):
            continue  # the amount as printed is rounded (0.68万元 is 6,750–6,850 元): 88.53 元 × 77 人 lies within it
        msg = (f"“{a.group(0)} … {n.group(0)} … {m.group(0)}”：按所列数字 {a.group(0)} ÷ {people} 人计算，人均为 "
               f"{fmt_num(exact)}{y_unit}，不是 {m.group('y')}{y_unit}。")
        ctx.finding(subject, "arithmetic", "high", msg, check="narrative_arithmetic",
                    table="文字说明", stated=stated, recomputed=round(exact, 4), at=[text.line], rule="TX-04",
                    figures={"金额": a.group(0), "人数": people},
                    correction=f"人均 {m.group('y')}{y_unit} 应为 {fmt_num(exact)}{y_unit}")


def _change(ctx: Context, subject: str, text: Text, sentence: str) -> None:
    for m in CHANGE_RE.finditer(sentence):
        prev_u, delta_u = m.group("prev_u"), m.group("delta_u")
        prev, delta = printed_amount(m.group("prev"), prev_u), printed_amount(m.group("delta"), delta_u)
        word = m.group("dir")
        head = sentence[: m.start()]
        cur_m = list(AMOUNT_RE.finditer(head))
        quote = m.group(0)
        if cur_m:
            cur_match = cur_m[-1]
            cur = printed_amount(cur_match.group("a"), cur_match.group("a_u"))
            diff = cur - prev
            quote = sentence[cur_match.start(): m.end()]
            ctx.checked("narrative_arithmetic", "文字中的增减额计算正确", subject)
            sign_ok = (word in UP and diff.hi >= 0) or (word in DOWN and diff.lo <= 0)
            magnitude = Interval(min(abs(diff.lo), abs(diff.hi)) if diff.lo * diff.hi > 0 else 0.0,
                                 max(abs(diff.lo), abs(diff.hi)))
            if not sign_ok or not magnitude.overlaps(delta):
                k = TO_YUAN[delta_u]
                ctx.finding(subject, "arithmetic", "high",
                            f"“{quote}”：{cur_match.group(0)} 与 {m.group('prev')}{prev_u} 相差 "
                            f"{fmt_num(abs(diff.mid) / k)}{delta_u}（{'增加' if diff.mid > 0 else '减少'}），"
                            f"文中写“{word}{m.group('delta')}{delta_u}”。", check="narrative_arithmetic",
                            table="文字说明", stated=_num(m.group("delta")), recomputed=round(abs(diff.mid) / k, 4),
                            at=[text.line], rule="TX-02",
                            correction=f"“{word}{m.group('delta')}{delta_u}”应为“{'增加' if diff.mid > 0 else '减少'}"
                                       f"{fmt_num(abs(diff.mid) / k)}{delta_u}”")
                continue
        if m.group("pct") and prev.lo > 0:
            pct = (delta / prev).scale(100)
            shown = printed_rate(m.group("pct"))
            ctx.checked("narrative_arithmetic", "文字中的增减率计算正确", subject)
            if not pct.overlaps(shown):
                ctx.finding(subject, "arithmetic", rate_severity(float(m.group("pct")), pct.mid, ctx.config.rules.rate_slip),
                            f"“{quote}”：{m.group('delta')}{delta_u} ÷ {m.group('prev')}{prev_u} = {fmt_num(pct.mid)}%，"
                            f"文中写 {m.group('pct')}%。", check="narrative_arithmetic", table="文字说明",
                            stated=float(m.group("pct")), recomputed=round(pct.mid, 4), at=[text.line], rule="TX-02",
                            correction=f"{m.group('pct')}% 应为 {fmt_num(pct.mid)}%")


def _budget_share(ctx: Context, subject: str, text: Text, sentence: str) -> None:
    for m in BUDGET_SHARE_RE.finditer(sentence):
        amounts = list(AMOUNT_RE.finditer(sentence[: m.start()]))
        if not amounts:
            continue
        a = amounts[-1]
        budget = printed_amount(m.group("b"), m.group("b_u"))
        if budget.lo <= 0:
            continue
        share = (printed_amount(a.group("a"), a.group("a_u")) / budget).scale(100)
        shown = printed_rate(m.group("p"))
        ctx.checked("narrative_arithmetic", "文字中的预算完成率计算正确", subject)
        if not share.overlaps(shown):
            ctx.finding(subject, "arithmetic", rate_severity(float(m.group("p")), share.mid, ctx.config.rules.rate_slip),
                        f"“{a.group(0)} … {m.group(0)}”：{a.group(0)} ÷ {m.group('b')}{m.group('b_u')} = "
                        f"{fmt_num(share.mid)}%，文中写 {m.group('p')}%。", check="narrative_arithmetic",
                        table="文字说明", stated=float(m.group("p")), recomputed=round(share.mid, 4),
                        at=[text.line], rule="TX-03", correction=f"{m.group('p')}% 应为 {fmt_num(share.mid)}%")


def _breakdown(ctx: Context, subject: str, text: Text, sentence: str) -> None:
    """"共N人，其中甲a人，乙b人": the parts of a breakdown add up to the total before 其中."""
    for m in re.finditer(r"其中[:：]?", sentence):
        head = sentence[: m.start()]
        tail = re.split(r"其中", sentence[m.end():])[0]
        tail = re.sub(r"[（(][^（()）]*[)）]", "", tail)  # (包括：…) is a breakdown of a part, not a part
        clauses = [c for c in CLAUSE_SEP.split(head) if c.strip()][-2:]
        parts_by_unit: dict[str, list[re.Match]] = {}
        signed = False
        for clause in CLAUSE_SEP.split(tail):
            if re.search(r"总|合计|共计|^\s*共|占|较|比|人均|标准", clause) or BEYOND.search(clause) or \
                    re.match(r"^\s*(?:\d{1,2}[.．、]|[（(]\d{1,2}[)）]|[一二三四五六七八九十]+、)", clause):
                break  # the breakdown ends where a new item of the text begins (2. …), or at what lies outside it
            for p in PART_RE.finditer(clause):
                parts_by_unit.setdefault(_unit_family(p.group("u")), []).append(p)
                signed = signed or _signed(clause, p)
        for family, parts in parts_by_unit.items():
            if len(parts) < 2:
                continue
            totals = [(c, t) for c in clauses for t in PART_RE.finditer(c) if _unit_family(t.group("u")) == family]
            if len(totals) != 1:
                continue
            clause, t = totals[0]
            if signed or _signed(clause, t):
                continue  # a breakdown of a change (减少 X，其中 甲减少 a、乙增加 b): its parts carry signs
            # money is rounded to its printed decimals; counts (人, 批次 …) are exact
            size = (lambda m: printed_amount(m.group("n"), m.group("u"))) if family == "money" else (
                lambda m: Interval.exact(_num(m.group("n"))))
            stated = size(t)
            rec = Interval.exact(0.0)
            for p in parts:
                rec = rec + size(p)
            ctx.checked("narrative_arithmetic", "文字中“其中”各分项之和等于总数", subject)
            if rec.overlaps(stated):
                continue
            k = TO_YUAN.get(t.group("u"), 1.0) if family == "money" else 1.0
            ctx.finding(subject, "arithmetic", "high",
                        f"“{t.group(0)}，其中 {'、'.join(p.group(0) for p in parts)}”：分项合计 {fmt_num(rec.mid / k)}"
                        f"{t.group('u')}，与总数 {t.group(0)} 不符。", check="narrative_arithmetic", table="文字说明",
                        stated=_num(t.group("n")), recomputed=round(rec.mid / k, 4), at=[text.line], rule="TX-04")


LEAD = 25  # an item of a breakdown names its amount first: "人员经费 809961.19 元,主要包括…"
_HEADING = re.compile(r"^\s*(?:\d{1,2}[.．、]|[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、|第[一二三四五六七八九十])")


def _leading_amount(text: str) -> re.Match | None:
    """The amount an item of a breakdown starts with (its label before it), unless it is a change."""
    m = AMOUNT_RE.search(text[:LEAD + 12])
    if not m or m.start() > LEAD or _HEADING.match(text) or re.search(r"(?:增加|减少|增长|下降|比|较)\s*$", text[:m.start()]):
        return None
    return m


def _breakdown_over_paragraphs(ctx: Context, subject: str, texts: list[Text]) -> None:
    """"基本支出 911000.39 元，其中：" and the items in the paragraphs after it (人员经费 809961.19 元 …;
    公用经费 71339.2 元 …): a breakdown a PDF broke into paragraphs adds up to its total like one in a line.
    The items run until they add up to the total, or until a paragraph that is not an item (a heading, a
    sentence that does not start with its amount, the next total); a run that passes the total is not
    judged, since where it ends is then unclear."""
    for i, text in enumerate(texts):
        t = text.text
        marks = list(re.finditer(r"其中[:：]", t))
        if not marks:
            continue
        m = marks[-1]
        sentence_start = max((k.end() for k in re.finditer(r"[。；;]", t[:m.start()])), default=0)
        heads = [h for h in AMOUNT_RE.finditer(t[:m.start()]) if h.start() >= sentence_start]
        tail = _sentences(t[m.end():])
        items = [a for part in tail if (a := _leading_amount(part))]
        if not heads or len(tail) > len(items):
            continue  # no total, or a breakdown worded in its own paragraph: the sentence check reads it
        head = heads[-1]
        stated = printed_amount(head.group("a"), head.group("a_u"))
        spread = 0
        for nxt in texts[i + 1:]:
            a = _leading_amount(nxt.text)
            if a is None or _is_total(nxt.text[:a.start()]):
                break
            items.append(a)
            spread += 1
        rec, used = Interval.exact(0.0), []
        for a in items:
            if _unit_family(a.group("a_u")) != "money":
                break
            rec = rec + printed_amount(a.group("a"), a.group("a_u"))
            used.append(a)
            if rec.overlaps(stated) or rec.lo > stated.hi:
                break
        if not spread or len(used) < 2 or rec.overlaps(stated) or rec.lo > stated.hi:
            continue
        ctx.checked("narrative_arithmetic", "文字中“其中”各分项之和等于总数", subject)
        k = TO_YUAN.get(head.group("a_u"), 1.0)
        ctx.finding(subject, "arithmetic", "high",
                    f"“{head.group(0)}，其中 {'、'.join(a.group(0) for a in used)}”（分列于其后各段）：分项合计 "
                    f"{fmt_num(rec.mid / k)}{head.group('a_u')}，与总数 {head.group(0)} 不符。",
                    check="narrative_arithmetic", table="文字说明", stated=_num(head.group("a")),
                    recomputed=round(rec.mid / k, 4), at=[text.line] + [x.line for x in texts[i + 1:i + 1 + spread]],
                    rule="TX-04")


def _is_total(label: str) -> bool:
    """The next total, not an item: 支出合计, 收入总计, 本年支出 …"""
    return bool(re.search(r"合计|总计|总额|^\s*共|本年(?:收入|支出)|(?:收入|支出)(?:预算|决算)?\s*$", label))


def _signed(text: str, m: re.Match) -> bool:
    return bool(re.search(r"(?:增加|减少|增长|下降|降低|上升)\s*$", text[max(0, m.start() - 4):m.start()]))


def _unit_family(unit: str) -> str:
    return "money" if unit in ("万元", "元") else unit
