"""Figures stated in running text: 情况说明, 编制说明, 自评报告 paragraphs, notes under tables.

Every amount, rate and count a paragraph prints becomes a `Figure` with the words that name it (the
clause before it), its sentence and its location, so checks can set text against tables and against
itself, and nothing a report prints in prose is left unread.  Years (2023年) and list numbers (1.) are
not figures.
"""
from __future__ import annotations

import re

from ..model import Figure, Paragraph, Text, Value
from ..numbers import NUM
from ..read.document import Row
from .values import clean_text, compact, parse_value
from .vocab import GRADES

UNITS = {
    "amount": ("亿元", "万元", "千元", "元"),
    "percent": ("%", "％", "个百分点"),
    "count": ("人次", "批次", "个", "人", "辆", "次", "项", "家", "台", "套", "户", "场", "期", "天", "所", "名", "篇", "部"),
    "score": ("分",),  # 自评得分90分, 综合评分为97分
}
# a grade a report gives itself: 自评等级为“优”, 评价等级：良好, 评定为优秀
GRADE_RE = re.compile(r"(?:等级|评定|评价结果|结果)(?:为|是|[:：])?\s*[“\"「]?(?P<grade>"
                      + "|".join(sorted(GRADES, key=len, reverse=True)) + r")(?![\u4e00-\u9fff])")
_UNIT_RE = "|".join(re.escape(u) for kind in UNITS.values() for u in kind)
FIGURE_RE = re.compile(rf"(?<![\d.])(?P<num>{NUM})\s*(?P<unit>{_UNIT_RE})?(?![\d])")
_LIST_GAP = re.compile(r"^\s*[,，、和及与]\s*$")  # 4125.49,4143.91万元: the unit is said once for the list
_NOT_A_FIGURE = re.compile(r"^\s*(?:年|月|日|号|时|岁|期间|\.|、|）)")  # 2023年, 3月, 1. 2、 (一）
_CLAUSE_END = re.compile(r"[，,。；;：:、（(“”\"\s]")
_LEAD = re.compile(r"^(?:\d{1,2}[.．、]|其中|包括|主要是|主要用于|共计|合计|总计|分别为|为|是|达到?|约|共|计)+")
SENTENCE_RE = re.compile(r"[^。；;！!？?]+[。；;！!？?]?")
KIND_OF = {u: kind for kind, units in UNITS.items() for u in units}


def _label(text: str, start: int) -> str:
    """The clause before a figure: back to the previous punctuation, lead words dropped."""
    head = text[:start].rstrip()
    cut = max((m.end() for m in _CLAUSE_END.finditer(head)), default=0)
    label = head[cut:]
    if not label.strip() and cut:  # "…费用：" or "“…（项）”" : the words before the punctuation
        inner = head[:cut - 1].rstrip("”\"）) ")
        prev = max((m.end() for m in _CLAUSE_END.finditer(inner)), default=0)
        label = inner[prev:]
    return _LEAD.sub("", label.strip())[-30:]


def _matches(text: str) -> list[tuple[re.Match, str]]:
    """Each number with its unit; a number of a list whose unit is printed after the last one takes it.
    A number after a comma is a number of its own only after a decimal one ("1267.86,2570.97"): otherwise
    the comma is a thousands separator."""
    found = [m for m in FIGURE_RE.finditer(text)
             if not (m.start() and text[m.start() - 1] == "," and not re.search(r"\.\d+,$", text[:m.start()]))]
    units = [m.group("unit") or "" for m in found]
    for k in range(len(found) - 2, -1, -1):
        if not units[k] and units[k + 1] and _LIST_GAP.match(text[found[k].end():found[k + 1].start()]):
            units[k] = units[k + 1]
    return list(zip(found, units))


def figures(text: str, line: int | None = None, loc=None) -> list[Figure]:
    out: list[Figure] = []
    prev_end = 0
    for m, unit in _matches(text):
        if unit == "分" and re.match(r"[\u4e00-\u9fff]", text[m.end():m.end() + 1]) and \
                not re.match(r"[以的为及和]", text[m.end():m.end() + 1]):
            unit = ""  # 3分钟, 2分局: not points
        after = text[m.end():m.end() + 3]
        if not unit and (_NOT_A_FIGURE.match(after) or "." not in m.group("num") and "," not in m.group("num")):
            continue  # a bare integer is a year, a list number or a count without a unit: not a figure
        if unit == "" and re.match(r"^\s*[.．、]", after):
            continue
        value = parse_value(m.group("num") + unit, line, loc)
        if value.number is None:
            continue
        listed = out and _LIST_GAP.match(text[prev_end:m.start()])  # the next of a list: named as the first
        label = out[-1].label if listed else _label(text, m.start())
        out.append(Figure(KIND_OF.get(unit, "number"), label, value, m.start()))
        prev_end = m.end()
    for m in GRADE_RE.finditer(text):
        grade = Value(raw=m.group("grade"), kind="text", line=line, loc=loc)
        out.append(Figure("grade", _label(text, m.start("grade")) or "等级", grade, m.start("grade")))
    out.sort(key=lambda f: f.pos)
    return out


def sentences(text: str) -> list[str]:
    return [s for s in SENTENCE_RE.findall(text) if s.strip()]


def is_prose(text: str) -> bool:
    """A paragraph worth reading for figures: a sentence, or a line that prints a figure."""
    t = text.strip()
    return len(t) >= 6 and bool(re.search(r"[\u4e00-\u9fff]", t)) and (
        bool(re.search(r"\d", t)) or len(t) >= 15)


_ENDS_SENTENCE = re.compile(r"[。；;！!？?：:”\"）)]$")
_STARTS_ITEM = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[.．、](?!\d)|第[一二三四五六七八九十]+|注)")


def _continues(prev: str, text: str, width: int) -> bool:
    """Text converted from PDF keeps the page's line breaks: a line as long as the page's lines that stops
    mid-sentence goes on in the next one, unless that one starts an item of its own (一、 （二） 3. 注).
    A shorter line ends where it ends: a heading, the last line of a paragraph (the first line of one is
    indented, hence three quarters of a full line)."""
    return len(compact(prev)) >= max(20, 0.75 * width) and not _ENDS_SENTENCE.search(prev) \
        and not _STARTS_ITEM.match(text)


def _line_width(rows: list[Row]) -> int:
    """The length of a full line of the text: most lines of running text are this long."""
    lengths = sorted(len(compact(c[0].text)) for r in rows if len(c := r.nonempty()) == 1 and len(c[0].text) >= 10)
    return lengths[int(0.8 * (len(lengths) - 1))] if lengths else 0


def paragraphs(rows: list[Row]) -> list[Paragraph]:
    """The paragraphs of some rows: one-cell rows of running text, a paragraph broken over lines joined."""
    out: list[Paragraph] = []
    current: list = []  # (row, cell, text) of the paragraph being gathered
    width = _line_width(rows)

    def close() -> None:
        if current:
            text = "".join(t for _, _, t in current)
            first_row, cell = current[0][0], current[0][1]
            if is_prose(text):
                out.append(Paragraph(Text(text, first_row.line, current[-1][0].end_line, cell.loc),
                                     figures(text, first_row.line, cell.loc)))
            current.clear()

    for row in rows:
        cells = row.nonempty()
        if len(cells) != 1:
            close()
            continue
        text = clean_text(cells[0].text)
        if current and _continues(current[-1][1].text.strip(), text, width):
            current.append((row, cells[0], text))
            continue
        close()
        current.append((row, cells[0], text))
    close()
    return out
