"""A unit's documents read together: what a year's report says of the year before, against that year's own report
(SR-01); and what a 决算 says each item's 年初预算 was, against the same unit's 预算 of that year (SR-02).

"2025年…财政拨款支出预算18,976.76万元，比2024年预算增加3,355.65万元" says the 2024 budget was 15,621.11万元; the
same unit's 2024 budget, in the same batch, says what it was.  Each report's facts are taken in pass 1 (`facts`: its
unit, level, family and year, what it states of last year, what it states of its own year) and kept in the batch's
journal; between the passes every report is linked with the one of the year before of the same unit, level and
family (`links`: a 部门 budget is never compared with its 单位 budget, a 预算 never with a 决算); in pass 2 the links
become findings and checks of the later report (`add`), citing the earlier report and where it says so.

The base a change is stated against must be the earlier report's own figure: "比2024年预算" in a budget, "比2024年度"
or "比2024年决算" in a final account ("比2023年预算执行数" is an execution no budget prints, and is not linked).
"""
from __future__ import annotations

import re

from ..checks.common import compact, document_text, fmt_num, item_paths
from ..findings import FindingBook
from ..model import SUBJECT_DEPARTMENT, Report
from ..review import Review
from .grouping import identity

NUM = r"\d[\d,]*(?:\.\d+)?"
UNIT = {"万元": 1.0, "元": 1e-4}
# "财政拨款支出预算18,976.76万元，比2024年预算增加3,355.65万元" / "…0.00万元，比2024年预算持平"
STATED = re.compile(rf"(?P<subj>[^，,。；;：:\d]{{2,30}}?)为?\s*(?P<a>{NUM})\s*(?P<u>万元|元)[，,。]?\s*(?:比|较|与)\s*"
                    rf"(?P<y>\d{{4}})\s*年度?(?P<base>预算执行数|执行数|预算|决算)?(?:相比)?[，,]?\s*"
                    rf"(?P<dir>增加|减少|持平)(?:\s*(?P<d>{NUM})\s*(?P<du>万元|元))?")
OWN = re.compile(rf"(?P<subj>[^，,。；;：:\d]{{2,30}}?)为?\s*(?P<a>{NUM})\s*(?P<u>万元|元)")
LEAD = re.compile(r"^(?:其中|包括)?[:：]?\s*(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十\d]+[、.．])?\s*"
                  r"(?:\d{4}\s*年度?)?")
BASES = {"预算": {"预算"}, "决算": {"", "决算"}}  # what a change must be stated against to be the earlier report's
RULE, CHECK = "SR-01", "series"
LABEL = "与同一单位上年报告所列数字一致"
# a 决算 against the same unit's 预算 of its year: each item's 年初预算 is what the budget gave it (SR-02)
PAIR_RULE, PAIR_CHECK, PAIR_LABEL = "SR-02", "budget_and_final", "决算所列年初预算与同一单位同年预算一致"
AMOUNT_AFTER = re.compile(rf"[”\"]?\s*(?P<a>{NUM})\s*(?P<u>万元|元)")
INITIAL = re.compile(rf"年初预算(?:数)?为?\s*(?P<a>{NUM})\s*(?P<u>万元|元)")


def facts(report: Report) -> dict | None:
    """What a report says of its own year and of the year before, keyed by the words that name each amount."""
    ident = identity(report)
    if ident is None or not report.unit_key:
        return None
    family = "预算" if "预算" in report.kind else "决算"
    text, line_of = document_text(report.lines)
    stated, own = [], {}
    for m in STATED.finditer(text):
        if int(m.group("y")) != report.year - 1 or (m.group("base") or "") not in BASES[family]:
            continue
        subject = _subject(m.group("subj"), ident["unit"])
        amount = _wan(m.group("a"), m.group("u"))
        delta = 0.0 if m.group("dir") == "持平" else _wan(m.group("d"), m.group("du")) if m.group("d") else None
        if not subject or delta is None:
            continue
        prev = amount - delta if m.group("dir") == "增加" else amount + delta
        slack = _half(m.group("a"), m.group("u")) + (_half(m.group("d"), m.group("du")) if m.group("d") else 0.0)
        stated.append({"subject": subject, "prev": round(prev, 6), "slack": slack, "quote": compact(m.group(0)),
                       "line": line_of[m.start()]})
    for m in OWN.finditer(text):
        subject = _subject(m.group("subj"), ident["unit"])
        if subject and subject not in own:
            own[subject] = {"amount": _wan(m.group("a"), m.group("u")), "slack": _half(m.group("a"), m.group("u")),
                            "quote": compact(m.group(0)), "where": report.location(line_of[m.start()])}
    return {"unit": report.unit_key, "year": report.year, "family": family, "stated": stated, "own": own,
            "items": _items(report, family, text, line_of)}


def _items(report: Report, family: str, text: str, line_of: list[int]) -> dict[str, dict]:
    """Per 功能分类 path (类|款|项): a 预算's amount ("“…（项）”938.99万元"), or a 决算's 年初预算 of it ("…（项）。主要用于…
    年初预算为 203.69 万元")."""
    out: dict[str, dict] = {}
    paths = item_paths(text)
    for i, m in enumerate(paths):
        if not m.group("l2"):
            continue
        key = f"{compact(m.group('l2'))}|{compact(m.group('l3'))}"  # the 类 name may run on from the words before it
        end = paths[i + 1].start() if i + 1 < len(paths) else min(len(text), m.end() + 400)
        rx = AMOUNT_AFTER if family == "预算" else INITIAL
        a = rx.match(text, m.end()) if family == "预算" else rx.search(text, m.end(), end)
        if a is None or key in out:
            continue
        out[key] = {"amount": _wan(a.group("a"), a.group("u")), "slack": _half(a.group("a"), a.group("u")),
                    "quote": compact(text[m.start("l2"):a.end()])[-80:], "line": line_of[a.start()],
                    "where": report.location(line_of[a.start()]), "name": compact(m.group("l3"))}
    return out


def brief(f: dict | None) -> dict | None:
    """What a batch keeps of a report's facts in memory: which unit's series it is of, and its year."""
    return {k: f[k] for k in ("unit", "year")} if f else None


def links(entries: list[dict], load) -> dict[str, dict]:
    """Per report (by path): the comparisons with the same unit's report of the year before — how many were made,
    and the findings ({line, message, stated, recomputed}); the first earlier report in input order is the one.
    `entries` hold each report's `brief`; `load(entry)` reads its whole facts back (only for linked reports)."""
    by_key: dict[tuple, dict[int, dict]] = {}
    for e in entries:
        f = e.get("series")
        if f:
            by_key.setdefault(f["unit"], {}).setdefault(f["year"], e)
    out = {}
    for e in entries:
        f = e.get("series")
        budget = f and f["unit"].endswith("|决算") and by_key.get(f["unit"].removesuffix("决算") + "预算", {}).get(f["year"])
        if budget:
            _with_budget(out, e, budget, load)
        earlier = f and by_key[f["unit"]].get(f["year"] - 1)
        if not earlier or earlier is e:
            continue
        f, before = load(e), load(earlier)
        found, checked = [], 0
        for s in f["stated"]:
            own = before["own"].get(s["subject"])
            if own is None:
                continue
            checked += 1
            if abs(s["prev"] - own["amount"]) > s["slack"] + own["slack"] + 1e-9:
                found.append({"line": s["line"], "stated": s["prev"], "recomputed": own["amount"],
                              "message": f"与上年报告不一致：本报告写“{s['quote']}”，即 {f['year'] - 1} 年为 "
                                         f"{fmt_num(s['prev'])}万元；同一单位的 {f['year'] - 1} 年{before['family']}"
                                         f"（{earlier['name']}，{own['where']}）写“{own['quote']}”，为 "
                                         f"{fmt_num(own['amount'])}万元。"})
        if checked:
            link = out.setdefault(e["path"], {"checked": {}, "findings": []})
            link["checked"][CHECK] = checked
            link["findings"] += [dict(x, rule=RULE, check=CHECK, other=earlier["name"]) for x in found]
    return out


def _with_budget(out: dict, e: dict, budget: dict, load) -> None:
    """A 决算's 年初预算 of each item against the same unit's 预算 of that year, item by item (SR-02)."""
    final, plan = load(e).get("items", {}), load(budget).get("items", {})
    found, checked = [], 0
    for key, item in final.items():
        planned = plan.get(key)
        if planned is None:
            continue
        checked += 1
        if abs(item["amount"] - planned["amount"]) > item["slack"] + planned["slack"] + 1e-9:
            found.append({"line": item["line"], "stated": item["amount"], "recomputed": planned["amount"],
                          "rule": PAIR_RULE, "check": PAIR_CHECK, "other": budget["name"],
                          "message": f"与同年预算不一致：本决算写“{item['name']}（项）”年初预算为 {fmt_num(item['amount'])}万元；"
                                     f"同一单位的 {load(e)['year']} 年预算（{budget['name']}，{planned['where']}）写"
                                     f"“{planned['quote']}”，为 {fmt_num(planned['amount'])}万元。"})
    if checked:
        link = out.setdefault(e["path"], {"checked": {}, "findings": []})
        link["checked"][PAIR_CHECK] = checked
        link["findings"] += found


def add(rv: Review, link: dict | None, config) -> None:
    """The links of one report as its checks and findings (pass 2, before it is settled)."""
    if not link:
        return
    book = FindingBook(rv.report, config, prior=rv.occurrences)
    labels = {CHECK: LABEL, PAIR_CHECK: PAIR_LABEL}
    for check, n in link["checked"].items():
        for _ in range(n):
            book.checked(check, labels[check])
    for f in link["findings"]:
        book.finding(SUBJECT_DEPARTMENT, "cross_table", "medium", f["message"], check=f["check"],
                     table=f"文字说明 / {f['other']}", stated=f["stated"], recomputed=f["recomputed"],
                     at=[f["line"]], rule=f["rule"])
    rv.occurrences = sorted(rv.occurrences + book.findings, key=lambda x: x.sort_key())
    rv.coverage.update(book.coverage)


def _subject(words: str, unit: str) -> str:
    s = compact(words)
    s = s.replace(unit, "")
    s = LEAD.sub("", s)
    s = re.sub(r"^(?:\d{4})?年度?", "", s).removesuffix("为")
    return s if len(s) >= 2 else ""


def _wan(num: str, unit: str) -> float:
    return float(num.replace(",", "")) * UNIT[unit]


def _half(num: str, unit: str) -> float:
    decimals = len(num.split(".")[1]) if "." in num else 0
    return 0.5 * 10 ** (-decimals) * UNIT[unit]

