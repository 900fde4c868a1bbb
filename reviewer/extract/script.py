"""Pages that a mirror site turned into traditional characters (決算, 財政撥款), often with the site's
ruby glitches (岳陽(yáng)縣, 事業(yè)收入): read as the simplified text they were made from, so that titles,
labels and units are recognised.  Values keep their place; quotes come from the file as printed."""
from __future__ import annotations

import re

from ..read.document import Cell, Row

# characters that only traditional text uses, common in every 决算/预算 page
_TRADITIONAL = re.compile("[決預費經財撥萬務關國與為說會這個們報來實區當號總額項計門員機構]")
_PINYIN = re.compile(r"(?<=[\u3400-\u9fff])\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹ]{1,6}\)")
TRADITIONAL_AT = 5  # this many traditional-only characters make a page traditional


def _all_text(rows: list[Row]) -> str:
    # one string for the page: the patterns run once in C, not once per cell ("\n" is neither Chinese nor
    # a bracket, so no match spans two cells)
    return "\n".join(c.text for row in rows for c in row.cells)


def simplified_rows(rows: list[Row]) -> tuple[list[Row], bool]:
    """The rows in simplified characters without ruby glitches, and whether the page was traditional."""
    text = _all_text(rows)
    traditional = len(_TRADITIONAL.findall(text)) >= TRADITIONAL_AT
    if not traditional and not _PINYIN.search(text):
        return rows, False
    out = []
    for row in rows:
        cells = [Cell(_simplified(c.text, traditional), c.line, c.loc, c.covered) for c in row.cells]
        out.append(Row(cells, row.line, row.end_line))
    return out, traditional


def _simplified(text: str, traditional: bool) -> str:
    text = _PINYIN.sub("", text)
    if not (traditional and text):
        return text
    import zhconv  # here, not at the top: its import costs a fifth of a second and few pages are traditional

    return zhconv.convert(text, "zh-cn")
