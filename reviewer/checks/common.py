"""Small helpers shared by the checks: units, directions, texts, names."""
from __future__ import annotations

import re
import tomllib
from difflib import SequenceMatcher
from pathlib import Path

from ..model import Project, Report, Text, Value
from ..extract.values import compact  # noqa: F401 (handed on: text with every whitespace removed)
from ..numbers import figure
from ..read.text import PAGE_MARK, front_matter_end
from ..scoring import MONEY_UNITS, direction, is_cost_ceiling, unit_key, units_compatible  # noqa: F401 (handed on)

with open(Path(__file__).with_name("words.toml"), "rb") as _fh:
    _WORDS = tomllib.load(_fh)
UP, DOWN = tuple(_WORDS["direction"]["up"]), tuple(_WORDS["direction"]["down"])  # 增加… / 减少…: a change's sign

TO_YUAN = {"元": 1.0, "千元": 1e3, "万元": 1e4, "万": 1e4, "亿元": 1e8}
SATISFACTION_RE = re.compile(r"满意|认可|好评")
PERCENT_NAME_RE = re.compile(r"率|满意度|认可度|占比|比例|覆盖")
EMBEDDED_RE = re.compile(
    r"(?P<op>不少于|不低于|至少|达到|达|不超过|不高于|≥|≤|>=|<=)?\s*(?P<num>\d+(?:\.\d+)?)\s*"
    r"(?P<unit>%|场次|人次|批次|次|场|批|人|户|个|篇|条|项|家|期|天|册|套|万元|元)"
)


def convert(amount: float, unit: str, to_unit: str) -> float:
    """An amount in `unit` expressed in `to_unit` (元, 万元 …); unknown units are left alone."""
    if unit == to_unit or unit not in TO_YUAN or to_unit not in TO_YUAN:
        return amount
    return amount * TO_YUAN[unit] / TO_YUAN[to_unit]


def embedded_number(text: str) -> tuple[float, str, str] | None:
    """The figure inside a sentence such as "全年参与开展招商引资活动不少于4次。" → (4, "次", "≥").

    Years (2023年) and dates are skipped: the unit must be a count, a percentage or money."""
    for m in EMBEDDED_RE.finditer(text or ""):
        start = m.start("num")
        if text[max(0, start - 1):start].isdigit():
            continue
        op = m.group("op") or ""
        op = {"不少于": "≥", "不低于": "≥", "至少": "≥", "达到": "", "达": "", "不超过": "≤", "不高于": "≤",
              ">=": "≥", "<=": "≤"}.get(op, op)
        return float(m.group("num")), m.group("unit"), op
    return None


def numeric(v: Value) -> tuple[float | None, str]:
    """A value's number and unit, reading sentences when the cell is text."""
    if v.number is not None:
        return v.number, v.unit
    if v.kind == "text":
        found = embedded_number(v.raw)
        if found:
            return found[0], found[1]
    return None, ""


def project_passages(p: Project) -> list[Text]:
    """Every passage of a project's form, with its line: goal, outcome, notes, analysis, deviations, funds reasons."""
    return [p.goal, p.outcome, p.notes, *p.analysis.values(), *(i.deviation for i in p.indicators),
            *(r.reason for r in p.funds.rows())]


def project_texts(p: Project) -> list[str]:
    return [t.text for t in project_passages(p) if t.text]


def report_text(report: Report) -> str:
    return "\n".join(report.lines)


def norm_name(name: str) -> str:
    """A project name without the generic tails that differ between tables (专项经费, 资金 …)."""
    n = re.sub(r"\s+", "", name or "")
    n = re.sub(r"[（(].*?[)）]", "", n)
    return re.sub(r"(专项)?(工作)?(经费|资金|费用|费)$", "", n)


def same_project(a: str, b: str) -> bool:
    na, nb = norm_name(a), norm_name(b)
    if not na or not nb:
        return False
    return na == nb or (min(len(na), len(nb)) >= 3 and (na in nb or nb in na))


def is_placeholder_text(text: str) -> bool:
    t = re.sub(r"\s+", "", text or "")
    return t in ("", "无", "/", "—", "-", "——", "不存在偏差", "无偏差", "已完成", "完成")



def fmt_num(x: float | None, decimals: int = 2) -> str:
    return "—" if x is None else figure(x, decimals)


def similarity_at_least(a: str, b: str, at: float, autojunk: bool = True) -> float | None:
    """SequenceMatcher's ratio of a and b when it is at least `at`, else None.  The cheap upper bounds are
    tried first: most pairs are far apart, and ratio() is quadratic."""
    m = SequenceMatcher(None, a, b, autojunk=autojunk)
    if m.real_quick_ratio() < at or m.quick_ratio() < at:
        return None
    ratio = m.ratio()
    return ratio if ratio >= at else None


def document_text(lines: list[str]) -> tuple[str, list[int]]:
    """The document as one text, and the display line (1-based) of each of its characters: a line break between two
    Chinese characters is dropped (a wrapped sentence), any other kept; a text file's header lines and page marks
    are no content."""
    start = front_matter_end(lines)
    parts, line_of = [], []
    for n, line in enumerate(lines[start:], start + 1):
        if PAGE_MARK.match(line):  # a text copy's page mark is no content ("=== 第3页 ===")
            line = ""
        if parts and not (_cjk(parts[-1][-1:]) and _cjk(line[:1])):
            parts.append("\n")
            line_of.append(n - 1)
        parts.append(line)
        line_of.extend([n] * len(line))
    return "".join(parts), line_of


_NAME = r"[\u4e00-\u9fff、]{1,30}"
ITEM_PATH = re.compile(rf"(?P<l1>{_NAME})\s*[（(]类[)）]\s*(?:(?P<l2>{_NAME})\s*[（(]款[)）])?\s*(?P<l3>{_NAME})\s*[（(]项[)）]")
_CLASS = re.compile(r"[（(]类[)）]")


def item_paths(text: str) -> list[re.Match]:
    """Every 类/款/项 path of a text ("住房保障支出（类）住房改革支出（款）住房公积金（项）": groups l1, l2, l3), searched only
    where a "（类）" is printed: a search from every character of a long document costs a scan of thirty at each."""
    out, end = [], 0
    for c in _CLASS.finditer(text):
        m = ITEM_PATH.search(text, max(end, c.start() - 31), c.end() + 200)
        if m and m.start("l1") <= c.start() < m.end() and m.start() >= end:
            out.append(m)
            end = m.end()
    return out


with open(Path(__file__).with_name("compositions.toml"), "rb") as _fh:
    COMPOSITIONS: list[dict] = tomllib.load(_fh)["composition"]  # totals whose parts are known (三公, 财政拨款)


def _cjk(ch: str) -> bool:
    return bool(ch) and "\u4e00" <= ch <= "\u9fff"


BLANK_TABLES = 3  # this many tables read, every one empty: the document is a blank template, not a 决算 or 预算


def blank_template(report: Report) -> bool:
    """Every table read is empty (a table not read is not empty): a template nobody filled in."""
    read = [t for t in report.accounts if not t.unread]
    return len(read) >= BLANK_TABLES and all(t.empty for t in read)
