"""A unit's documents read together: what a year's report says of the year before, against that year's own report.

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

from ..checks.common import compact, document_text, fmt_num
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
    return {"unit": report.unit_key, "year": report.year, "family": family, "stated": stated, "own": own}


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
            out[e["path"]] = {"checked": checked, "findings": found, "earlier": earlier["name"]}
    return out


def add(rv: Review, link: dict | None, config) -> None:
    """The links of one report as its checks and findings (pass 2, before it is settled)."""
    if not link:
        return
    book = FindingBook(rv.report, config, prior=rv.occurrences)
    for _ in range(link["checked"]):
        book.checked(CHECK, LABEL)
    for f in link["findings"]:
        book.finding(SUBJECT_DEPARTMENT, "cross_table", "medium", f["message"], check=CHECK,
                     table=f"文字说明 / {link['earlier']}", stated=f["stated"], recomputed=f["recomputed"],
                     at=[f["line"]], rule=RULE)
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

