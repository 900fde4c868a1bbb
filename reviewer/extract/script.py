"""Pages that a mirror site turned into traditional characters (決算, 財政撥款), often with the site's
ruby glitches (岳陽(yáng)縣, 事業(yè)收入): read as the simplified text they were made from, so that titles,
labels and units are recognised.  Values keep their place; quotes come from the file as printed."""
from __future__ import annotations

import re

import zhconv

from ..read.document import Cell, Row

# characters that only traditional text uses, common in every 决算/预算 page
_TRADITIONAL = re.compile("[決預費經財撥萬務關國與為說會這個們報來實區當號總額項計門員機構]")
_PINYIN = re.compile(r"(?<=[\u3400-\u9fff])\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹ]{1,6}\)")
TRADITIONAL_AT = 5  # this many traditional-only characters make a page traditional


def is_traditional(rows: list[Row]) -> bool:
    seen = 0
    for row in rows:
        for cell in row.cells:
            seen += len(_TRADITIONAL.findall(cell.text))
            if seen >= TRADITIONAL_AT:
                return True
    return False


def simplified_rows(rows: list[Row]) -> tuple[list[Row], bool]:
    """The rows in simplified characters without ruby glitches, and whether the page was traditional."""
    traditional = is_traditional(rows)
    if not traditional and not any(_PINYIN.search(c.text) for r in rows for c in r.cells):
        return rows, False
    out = []
    for row in rows:
        cells = [Cell(_simplified(c.text, traditional), c.line, c.loc, c.covered) for c in row.cells]
        out.append(Row(cells, row.line, row.end_line))
    return out, traditional


def _simplified(text: str, traditional: bool) -> str:
    text = _PINYIN.sub("", text)
    return zhconv.convert(text, "zh-cn") if traditional and text else text
