"""Reading one cell: numbers, percentages, operators, units, qualitative text, blanks.

Cells come as `1.12%`, `≥8`, `=1次`, `14万`, `1万/批次`, `3570元/人`, `≥320 天`, `3,222,371.53`,
`有序推进`, `—`, `-` or nothing.  A blank or a dash means "nothing printed"; it is never a row label.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..model import Location, Text, Value
from ..numbers import NUM
from ..read.document import Cell

YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")  # a fiscal year as printed: 2023年, 2023 年度

BLANKS = {"", "-", "—", "——", "— —", "--", "－", "–", "/", "／", "…", "……"}

# Full-width and ASCII spellings of the comparison operators, mapped to one symbol.
_OP_SPELLINGS = [
    (">=", "≥"), ("≧", "≥"), ("＞＝", "≥"), ("<=", "≤"), ("≦", "≤"), ("＜＝", "≤"),
    ("＝", "="), ("﹦", "="), ("＞", ">"), ("﹥", ">"), ("＜", "<"), ("﹤", "<"),
]
OP_WORDS = {
    "不少于": "≥", "不低于": "≥", "至少": "≥", "大于等于": "≥", "达到": "≥", "≥": "≥",
    "不超过": "≤", "不高于": "≤", "不多于": "≤", "小于等于": "≤", "控制在": "≤", "≤": "≤",
    "大于": ">", "小于": "<", "低于": "<", "等于": "=", "=": "=", ">": ">", "<": "<",
}
_OP_RE = "|".join(sorted((re.escape(w) for w in OP_WORDS), key=len, reverse=True))
_NUM_RE = rf"[+-]?(?:{NUM})"
# A unit is short and holds no digits: %, 次, 万元, 元/人, 万/批次, /套, 人次, 天…
_UNIT_RE = r"[^\d\s,，。；;：:（）()]{1,6}(?:/[^\d\s,，。；;]{1,4})?"
_VALUE_RE = re.compile(
    rf"^(?P<op>{_OP_RE})?\s*(?P<num>{_NUM_RE})\s*(?P<unit>{_UNIT_RE})?(?:以上|以内|以下)?$"
)
_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_SPACE_RE = re.compile(r"\s|\u3000|\xa0")
_CJK_GAP_RE = re.compile(rf"(?<=[{_CJK}（）()，。、；：])\s+(?=[{_CJK}（）()，。、；：])")
_SPACES_RE = re.compile(r"\s+")


def normalize_ops(text: str) -> str:
    for spelled, symbol in _OP_SPELLINGS:
        text = text.replace(spelled, symbol)
    return text.replace("％", "%")


def clean_text(text: str) -> str:
    """Collapse the whitespace that PDF/Word conversion leaves inside Chinese words.

    "满意度\\n指标" and "服务对象 满意度指 标" become "满意度指标", "服务对象满意度指标";
    spaces between Latin words and numbers survive as one space.
    """
    if not _SPACE_RE.search(text):
        return text
    text = text.replace("\u3000", " ").replace("\xa0", " ")
    text = _CJK_GAP_RE.sub("", text)
    return _SPACES_RE.sub(" ", text).strip()


@lru_cache(maxsize=1 << 17)
def compact(text: str) -> str:
    """Text with every whitespace removed: for matching labels and names (once per distinct text: every
    parser asks it of every cell)."""
    return "".join(text.split()) if text else ""


@lru_cache(maxsize=1 << 12)
def op_symbol(text: str) -> str:
    """The operator of a 指标性质 cell (>=, ≥, 定性, …) or ""."""
    t = compact(normalize_ops(text))
    if not t:
        return ""
    if t in OP_WORDS:
        return OP_WORDS[t]
    if t.startswith("定性"):
        return "定性"
    if t in {"正向", "正向指标"}:
        return "≥"
    if t in {"反向", "反向指标"}:
        return "≤"
    return ""


def cell_value(cell: Cell) -> Value:
    """A table cell's Value, located where the cell is."""
    return parse_value(cell.text, cell.line, cell.loc)


def cells_text(cells: list[Cell], sep: str = "\n") -> Text:
    """The text of some cells as one passage, located at the first."""
    cells = [c for c in cells if c.text.strip()]
    if not cells:
        return Text()
    return Text(clean_text(sep.join(c.text for c in cells)), cells[0].line, cells[-1].line, cells[0].loc)


def parse_value(raw: str, line: int | None = None, loc: Location | None = None) -> Value:
    kind, text, number, unit, op, decimals = _read_value(raw if raw is not None else "")
    return Value(raw=text, number=number, unit=unit, op=op, decimals=decimals, kind=kind, line=line, loc=loc)


def value_kind(raw: str) -> tuple[str, str, str]:
    """(kind, unit, op) of a cell's text, as parse_value would give them, without building a Value."""
    kind, _, _, unit, op, _ = _read_value(raw if raw is not None else "")
    return kind, unit, op


@lru_cache(maxsize=1 << 16)
def _read_value(raw: str) -> tuple:
    """What a cell's text says, once per distinct text: a report repeats its blanks, units and labels in
    every row, and a batch repeats them in every report."""
    stripped = clean_text(raw)
    if stripped in BLANKS:
        return "blank", raw.strip(), None, "", "", None
    text = normalize_ops(stripped)
    m = _VALUE_RE.match(text.replace(" ", "")) or _VALUE_RE.match(text)
    if m:
        num = m.group("num")
        decimals = len(num.split(".")[1]) if "." in num else 0
        return ("number", stripped, float(num.replace(",", "")), (m.group("unit") or "").strip(),
                OP_WORDS.get(m.group("op") or "", ""), decimals)
    return "text", stripped, None, "", "", None
