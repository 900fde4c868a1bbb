"""Cutting a report into its parts by their titles and header words (never by file name).

A part starts at a title row (a row with one short cell naming a table or section) or,
for project tables that come without a title, at a 项目名称 row.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..read.document import Row
from .values import compact

def _load_titles():
    with open(Path(__file__).with_name("titles.toml"), "rb") as fh:
        data = tomllib.load(fh)
    titles = [(e["kind"], e.get("family", "决算" if e["kind"].startswith("accounts:") else ""),
               re.compile(rf"^{e['pattern']}$")) for e in data["title"]]
    signatures = [(e["kind"], e["all"], e.get("none", [])) for e in data["signature"]]
    return titles, signatures, [(d["kind"], d["words"]) for d in data["document"]]


# (kind, family, pattern) of every title, (kind, words) of the titles told by their words, and (kind, words) of
# documents of running text, in titles.toml order
_TITLES, _SIGNATURES, DOCUMENT_WORDS = _load_titles()
_NOT_A_TABLE_TITLE = re.compile(r"绩效|自评|评价|目标|说明|目录|报告")
# a line that starts with a number (not a year) is an entry of a list or of a 目录, whatever punctuation follows it
_NUMBERED = re.compile(r"^[（(]?(?:[一二三四五六七八九十]+|\d{1,2}(?!\d))[)）]?\s*[,，、.．:：]")
_PREFIX_RE = re.compile(r"^(?:#+|附件\d*[:：]?|\d{4}\s*(?:年度?|-)|[（(]?公开\d+表[）)]?)+")
# the name of who prints the table, before its title: 桂林市司法局, 岳阳县, 区本级, 某某中心 (words only: "9.2025年单位…"
# is a numbered entry of a table of contents)
_ORG_RE = re.compile(r"(?<=[\u4e00-\u9fff])(?:委员会|办公室|办事处|局|委|办|中心|院|所|站|馆|社|部门|单位|本级|政府|街道|镇|乡|县|市|区)")
_NUMBER_RE = re.compile(r"公开\s*\d+\s*表")


@dataclass
class Part:
    kind: str  # project, department_narrative, department_table, accounts:<kind>, preamble
    title: str
    rows: list[Row] = field(default_factory=list)
    title_line: int | None = None
    family: str = ""  # 决算 or 预算, for accounts tables

    @property
    def line(self) -> int | None:
        return self.title_line or (self.rows[0].line if self.rows else None)

    @property
    def end_line(self) -> int | None:
        return self.rows[-1].end_line if self.rows else self.title_line


def title_kind(row: Row) -> tuple[str, str] | None:
    """(kind, family) when the row is a title (titles.toml), else None."""
    cells = row.nonempty()
    if len(cells) != 1 or len(cells[0].text) > 60:
        return None
    text = compact(cells[0].text)
    text = _PREFIX_RE.sub("", text)
    text = _NUMBER_RE.sub("", text).strip("（）()")
    names = [m for m in _ORG_RE.finditer(text[:26]) if re.fullmatch(r"[\u4e00-\u9fff]+", text[:m.start()])]
    candidates = [text] + [_PREFIX_RE.sub("", text[m.end():]) for m in names]
    for candidate in candidates:
        for kind, family, rx in _TITLES:
            if rx.match(candidate):
                return kind, family
    if _NUMBERED.match(text) or _NUMBERED.match(compact(cells[0].text)):
        return None  # "9．2025年部门…预算表", "十、项目支出表", "四,、财政拨款…": an entry of a list or a 目录
    return _by_signature(candidates[0])  # the whole title: a unit's name never holds a table's words, its cut may


def _by_signature(title: str) -> tuple[str, str] | None:
    """(kind, family) of a table title no pattern names, by the words it holds (titles.toml [[signature]])."""
    if not title.endswith("表") or len(title) > 40 or _NOT_A_TABLE_TITLE.search(title):
        return None
    for kind, words, others in _SIGNATURES:
        if all(w in title for w in words) and not any(w in title for w in others):
            return kind, "决算" if "决算" in title else "auto"
    return None


_PART_HEADING = re.compile(r"^第[一二三四五六七八九十]+部分")


def _is_part_heading(row: Row) -> bool:
    """"第三部分 某某局2025年度部门决算情况说明": the national template's parts (概况, 表, 说明, 名词解释) start so."""
    cells = row.nonempty()
    return len(cells) == 1 and bool(_PART_HEADING.match(compact(cells[0].text)))


_ENTRY_NUMBER = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[、.．])\s*")
_ENTRY_PAGE = re.compile(r"[\s.·…—-]*\d{0,3}$")


def contents_entry(row: Row) -> tuple[str, str] | None:
    """(kind, family) of a table a 目录 line names ("三、支出决算表", "七、财政拨款“三公”经费支出决算表……12"), or None."""
    cells = row.nonempty()
    if len(cells) != 1 or len(cells[0].text) > 60:
        return None
    text = _ENTRY_PAGE.sub("", _ENTRY_NUMBER.sub("", compact(cells[0].text)))
    if text == compact(cells[0].text):
        return None  # an entry of a 目录 is numbered; an unnumbered title is the table itself
    text = _NONE_MARK.sub("", text)
    found = title_kind(Row([type(cells[0])(text, row.line, cells[0].loc)], row.line, row.end_line))
    return found if found and found[0].startswith("accounts:") else None


_NONE_MARK = re.compile(r"[（(](?:无|空表|此表为空|本表为空)[)）]$|(?:（无）)$")


def marked_none(row: Row) -> bool:
    """A 目录 entry that says its table is empty by design: "八、政府性基金预算财政拨款收入支出决算表（无）"."""
    cells = row.nonempty()
    return bool(cells) and bool(_NONE_MARK.search(_ENTRY_PAGE.sub("", compact(cells[0].text))))


def is_project_name_row(row: Row) -> bool:
    cells = row.nonempty()
    return bool(cells) and compact(cells[0].text) == "项目名称"


def _heads_columns(row: Row, current: Part) -> bool:
    """"项目名称 │ 采购品目 │ 合计" inside a 预算/决算 table heads its columns; a 自评表 prints 项目名称 │ its name."""
    cells = row.nonempty()
    return current.kind.startswith("accounts:") and len(cells) >= 3


def split_parts(rows: list[Row]) -> list[Part]:
    parts: list[Part] = [Part("preamble", "")]
    for row in rows:
        found = title_kind(row)
        current = parts[-1]
        if found:
            kind, family = found
            parts.append(Part(kind, row.nonempty()[0].text.strip().lstrip("#").strip(), [], row.line, family))
            continue
        if current.kind.startswith("accounts:") and _is_part_heading(row):
            parts.append(Part("preamble", "", [], None))  # 第三部分 …情况说明 after the last table: running text again
        if is_project_name_row(row) and not _heads_columns(row, current) and (
            current.kind != "project" or any(is_project_name_row(r) for r in current.rows)
        ):
            parts.append(Part("project", "", [], None))
        parts[-1].rows.append(row)
    # a title with nothing under it before the next title is a table of contents entry, not a table
    return [p for p in parts if p.rows]
