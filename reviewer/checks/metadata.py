"""Names and dates, and empty tables (RULES TX-05, JS-08e; FINDINGS `metadata`); template residue is
residue.py, years years.py."""
from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

from ..model import SUBJECT_DEPARTMENT
from .base import Context
from ..numbers import NUM
from .common import blank_template, compact, similarity_at_least

S = SUBJECT_DEPARTMENT
DATE_RE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?")
STEP_RE = re.compile(r"(?:^|[\s；;。])(\d{1,2})\s*[.、．]\s*")
EMPTY_NOTE_RE = re.compile(r"空表|无数据|没有.{0,200}?(收入|支出)|无.{0,200}?(收入|支出)")  # bounded, as below


# bounded: an unbounded run before the suffix makes a long paragraph without one quadratic
ORG_RE = re.compile(r"[\u4e00-\u9fff]{2,30}?(有限公司|学院|大学|学校|公司|中心|协会|医院|研究院|研究所)")
_CJK_BREAK = re.compile(r"(?<=[\u4e00-\u9fff])\s*\n\s*(?=[\u4e00-\u9fff])")
ORDINALS = set("一二三四五六七八九十东南西北上下内外新老大小甲乙丙丁")


def check(ctx: Context) -> None:
    _listed_tables(ctx)
    _names(ctx)
    _organisation_variants(ctx)
    _step_dates(ctx)
    _empty_tables(ctx)


LISTED_MIN_TABLES = 3  # a document printing at least this many of its tables is the whole set, not an excerpt
SAME_TABLE = {"sangong_gpb": "sangong"}  # 财政拨款“三公”经费支出决算表 under either title


def _listed_tables(ctx: Context) -> None:
    """JS-00: every table the 目录 lists is printed.  Judged only on a document that prints its tables (at least
    LISTED_MIN_TABLES) and was read to its end: an excerpt or a cut copy lacks tables for want of pages."""
    r = ctx.report
    if len(r.accounts) < LISTED_MIN_TABLES or any("截断" in i.reason or "中断" in i.reason for i in r.issues):
        return
    printed = {(SAME_TABLE.get(t.kind, t.kind), t.family) for t in r.accounts}
    for entry in r.contents:
        kind, family, *none = entry.value.split("|")
        ctx.checked("listed_tables", "目录所列表格均已公开")
        if not none and (SAME_TABLE.get(kind, kind), family) not in printed:
            ctx.finding(S, "missing", "high", f"目录列有“{entry.context}”，但文中没有这张表：公开的{family}表不全。",
                        check="listed_tables", table="目录", at=[entry.line], rule="JS-00",
                        correction=f"补充公开“{entry.context}”")


def _names(ctx: Context) -> None:
    """A department name printed in two spellings that differ by a character or two is a typo."""
    by_value = defaultdict(list)
    for m in ctx.report.departments:
        by_value[m.value].append(m.line)
    ctx.checked("names", "单位名称前后一致")
    values = sorted(by_value, key=lambda v: (-len(by_value[v]), v))
    reported = set()
    for i, a in enumerate(values):
        for b in values[i + 1:]:
            ca, cb = _bare(a), _bare(b)
            if b in reported or ca in cb or cb in ca:
                continue  # the same name, once with its code (219001-某某局 / 219-某某局): not a typo
            if len(a) >= 6 and similarity_at_least(a, b, 0.8) is not None:
                reported.add(b)
                diff = "".join(x for x in b if x not in a) or b
                ctx.finding(S, "metadata", "medium",
                            f"单位名称写法不一致：“{b}”（{len(by_value[b])} 处）与“{a}”（{len(by_value[a])} 处），"
                            f"疑为笔误（“{diff}”）。", check="names", table="单位名称",
                            stated=b, recomputed=a, at=by_value[b][:5] + by_value[a][:1], rule="MD-01")


_CODE_AROUND = re.compile(r"^[\s\d\-_.．、:：|/（()）\[\]]+|[\s\d\-_.．、:：|/（()）\[\]]+$")


def _bare(name: str) -> str:
    """A unit's name without the 单位/部门 code printed before or after it ("219001-某某局", "某某局[219]")."""
    return _CODE_AROUND.sub("", name)


def _organisation_variants(ctx: Context) -> None:
    """One organisation written two ways (玉溪技师学院 / 玉溪技术学院): compare the last characters
    before the suffix, where a name's distinctive part sits; ordinal differences (第一/第二, 东/西)
    mark different organisations, not typos."""
    seen: dict[str, tuple[str, int]] = {}  # window → (subject, line) of its first mention
    for subject, text in _subject_texts(ctx):
        for m in ORG_RE.finditer(_CJK_BREAK.sub("", text.text)):  # a name a cell wrapped: "万象水\n泥有限公司"
            window = m.group(0)[-(len(m.group(1)) + 4):]
            if len(window) == len(m.group(1)) + 4:
                seen.setdefault(window, (subject, text.line))
    ctx.checked("organisations", "机构名称前后一致")
    # names one character apart (not the first) share the key with that character masked: no pairwise scan
    by_mask: dict[tuple, list[str]] = defaultdict(list)
    for w in sorted(seen):
        for k in range(1, len(w)):
            by_mask[k, w[:k] + "\0" + w[k + 1:]].append(w)
    pairs = sorted((a, b) for (k, _), ws in by_mask.items() for i, a in enumerate(ws) for b in ws[i + 1:]
                   if not {a[k], b[k]} & ORDINALS)
    for a, b in pairs:
        subject = next((s for s in (seen[a][0], seen[b][0]) if s != S), S)
        ctx.finding(subject, "metadata", "low", f"同一机构名称写法不一致：“{a}”与“{b}”。", check="organisations",
                    table="文字说明", stated=b, recomputed=a, at=[seen[a][1], seen[b][1]], rule="MD-02")


def _subject_texts(ctx: Context, year_goals: bool = True):
    """(subject, text) of every narrative passage, projects first."""
    for p in ctx.report.projects:
        for t in (p.goal, p.outcome, p.notes, *p.analysis.values()):
            if t:
                yield p.name, t
    dept = ctx.report.department_part
    if dept:
        def walk(sections):
            for s in sections:
                if s.text:
                    yield S, s.text
                yield from walk(s.subsections)
        yield from walk(dept.sections)
        for g in dept.year_goals if year_goals else []:
            for t in (g.target, g.actual):
                if t:
                    yield S, t


def _step_dates(ctx: Context) -> None:
    """Numbered steps ("1. 2024年2月20日前…；2. 2023年3月1日前…") whose dates go backwards."""
    for _, text in _subject_texts(ctx, year_goals=False):
        steps = list(STEP_RE.finditer(text.text))
        if len(steps) < 2:
            continue
        dated = []
        for k, s in enumerate(steps):
            end = steps[k + 1].start() if k + 1 < len(steps) else len(text.text)
            m = DATE_RE.search(text.text, s.end(), end)
            if m:
                try:
                    dated.append((int(s.group(1)), date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1)), m.group(0)))
                except ValueError:
                    continue
        if len(dated) < 2:
            continue
        ctx.checked("dates", "工作步骤的日期先后有序")
        for (n1, d1, t1), (n2, d2, t2) in zip(dated, dated[1:]):
            if n2 > n1 and d1 > d2:
                ctx.finding(S, "metadata", "medium",
                            f"第 {n1} 步日期“{t1}”晚于第 {n2} 步“{t2}”，步骤日期顺序颠倒，疑年份笔误。",
                            check="dates", table="文字说明", stated=t1, recomputed=t2, at=[text.line], rule="MD-03")
                break


TABLE_SUBJECTS = {"gov_fund": "政府性基金", "soe_capital": "国有资本经营", "sangong": "三公", "sangong_gpb": "三公"}
# "“三公”经费财政拨款支出年初预算为 0.95 万元": a subject and the amount the 说明 states of it, in one clause
STATED_OF = re.compile(rf"(?P<subj>[^，,。；;]{{2,30}}?)(?:预算|决算|支出|收入)(?:数)?为?\s*(?P<a>{NUM})\s*(?:万元|元)")


def _said_empty(ctx: Context, table) -> bool:
    """The report says why the table is empty: in a note above, under or beside it, or in the 说明 (本单位本年度
    没有政府性基金预算财政拨款收入和支出，故政府性基金预算财政拨款收入支出决算表为空表)."""
    if any(EMPTY_NOTE_RE.search(n.text) for n in table.notes):
        return True
    if any(e.value == f"{table.kind}|{table.family}|无" for e in ctx.report.contents):
        return True  # the 目录 marks it: "八、政府性基金预算财政拨款收入支出决算表（无）"
    subject = TABLE_SUBJECTS.get(table.kind, "")
    return bool(subject) and any(subject in p.text.text and EMPTY_NOTE_RE.search(p.text.text) and
                                 re.search(r"空表|无数据|本表|该表|此表", p.text.text) for p in ctx.report.prose)


def _empty_tables(ctx: Context) -> None:
    """JS-08e: an empty 决算 table must say why it is empty.  A table whose rows were not read is not empty:
    it is listed among what could not be read."""
    read = [t for t in ctx.report.accounts if not t.unread]
    if blank_template(ctx.report):
        ctx.checked("empty_tables", "空表附有说明")
        ctx.finding(S, "missing", "medium", f"已读取的 {len(read)} 张表均未填任何数字：是未填写的空白模板，不是决算或预算。",
                    check="empty_tables", table="全部表格", at=[t.line for t in read[:5]], rule="JS-08e")
        return
    for table in read:
        if not table.empty:
            _said_empty_when_filled(ctx, table)
            continue
        ctx.checked("empty_tables", "空表附有说明")
        if _said_empty(ctx, table):
            continue
        stated = _stated_amount(ctx, table)
        if stated is not None:  # the 说明 gives its figures: "本表无数据" would be untrue, the table is to be filled
            quote, line = stated
            ctx.finding(S, "missing", "medium", f"{table.title}只有表头、没有数字，而说明写有{quote}：表中应填列这些数字。",
                        check="empty_tables", table=f"{table.number} {table.title}".strip(), at=[table.line, line],
                        rule="JS-08e")
            continue
        ctx.finding(S, "missing", "medium", f"{table.title}只有表头、没有数字，表下也未说明原因（应注明“本单位本年度"
                    "没有……，故本表无数据”，或填列数字）。", check="empty_tables",
                    table=f"{table.number} {table.title}".strip(), at=[table.line], rule="JS-08e")


SAYS_EMPTY = re.compile(r"本表(?:为)?空表|本表无数据|故(?:本表)?为空表")


def _said_empty_when_filled(ctx: Context, table) -> None:
    """A table with figures whose own note says it is empty ("注:本部门2024年无“三公”经费…预算，故本表为空表" under a 三公
    table of 47.91万元): the template's note left, or the figures wrong (TP-06)."""
    note = next((n for n in table.notes[:2] if SAYS_EMPTY.search(n.text)), None)
    if note is None:
        return
    ctx.finding(S, "metadata", "medium", f"{table.title}填有数字，表下却注明“{compact(note.text)}”：空表说明未删，或表中数字有误。",
                check="empty_tables", table=f"{table.number} {table.title}".strip(), at=[table.line, note.line],
                rule="TP-06")


def _stated_amount(ctx: Context, table) -> tuple[str, int] | None:
    """An amount above 0 the 说明 states of an empty table's subject ("“三公”经费财政拨款支出年初预算为0.95万元")."""
    subject = TABLE_SUBJECTS.get(table.kind, "")
    if not subject:
        return None
    for p in ctx.report.prose:
        for m in STATED_OF.finditer(p.text.text):
            if subject in m.group("subj") and float(m.group("a").replace(",", "")) > 0:
                return compact(m.group(0)), p.text.line
    return None
