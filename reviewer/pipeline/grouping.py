"""One report in several files: a unit publishes its 预算说明 and its 预算表 as two PDFs, or an Excel 附表 beside a
Word 说明.  Files of one batch that are parts of the same report are reviewed as one, so that its statements are
checked against its tables.

Which report a file belongs to comes from its own headings and cover (`identity`): the unit, the level (a 部门
budget and its 单位 budget are two reports), the year and the kind.  Files of one report are joined only when they
are its parts, not copies: no table kind in two of them, and almost no line of one printed in another (the same
document as PDF and as text is two reviews, as before).
"""
from __future__ import annotations

import hashlib
from itertools import combinations

from ..extract.values import compact
from ..model import Report

GROUPED_KINDS = ("部门预算", "单位预算", "部门决算", "单位决算")
_SHINGLE = 10  # characters of the text a fingerprint is taken of
_SAMPLE = 16  # a fingerprint is kept when its hash is divisible by this: the same ones in every copy of a text
_MAX_PRINTS = 4000  # the smallest ones, at most: a bounded size, still the same ones in every copy
_SHARED = 0.2  # files sharing more than this share of the smaller one's text are copies, not parts


def identity(report: Report) -> dict | None:
    """What says which report a file is part of, and what it holds; None for a file that is never grouped (not
    a 预算/决算, or its unit or year not printed)."""
    unit = compact(report.department)
    if report.kind not in GROUPED_KINDS or not unit or not report.year:
        return None
    prints = _fingerprints(compact("".join(report.lines)))
    return {"unit": unit, "year": report.year, "kind": report.kind,
            "tables": sorted({f"{t.family}|{t.kind}" for t in report.accounts}), "prints": prints[:_MAX_PRINTS]}


def _fingerprints(text: str) -> list[int]:
    """A sample of the text's fingerprints that does not depend on how it was cut into lines or cells: copies of
    one document in two forms (PDF and its text) share most of them, two parts of it few."""
    out = set()
    for k in range(len(text) - _SHINGLE + 1):
        h = int.from_bytes(hashlib.blake2b(text[k:k + _SHINGLE].encode(), digest_size=6).digest(), "big")
        if h % _SAMPLE == 0:
            out.add(h)
    return sorted(out)[:_MAX_PRINTS]


def report_name(ident: dict) -> str:
    """A report joined from several files is called by what it is: 某某局2025年度部门预算."""
    return f"{ident['unit']}{ident['year']}年度{ident['kind']}"


def groups(entries: list[tuple[str, dict | None]], prints=None) -> list[list[str]]:
    """The groups (two files or more, in input order) among `entries` ((input, identity), in input order) that
    are parts of one report.  `prints(input)` gives a file's fingerprints when its identity was kept without them
    (a batch holds thousands), asked only of files another file may be part of a report with."""
    by_report: dict[tuple, list[tuple[str, dict]]] = {}
    for path, ident in entries:
        if ident:
            by_report.setdefault((ident["unit"], ident["year"], ident["kind"]), []).append((path, ident))
    out = []
    for members in by_report.values():
        if len(members) < 2 or any(set(a["tables"]) & set(b["tables"]) for (_, a), (_, b) in combinations(members, 2)):
            continue
        texts = [set(ident["prints"] if "prints" in ident else prints(path)) for path, ident in members]
        if all(_parts(a, b) for a, b in combinations(texts, 2)):
            out.append([path for path, _ in members])
    return out


def _parts(a: set, b: set) -> bool:
    """Two files are parts of one report, not two copies of it: little text in common."""
    return len(a & b) <= _SHARED * min(len(a), len(b))
