"""决算/预算 tables whose cells were lost: PDF text with one line per row and spaces between the figures
("2070101 行政运行 457.86 457.86", "一、一般公共预算财政拨款收入 24,535.67 一、一般公共服务支出").

A line is split into cells by what its words are: a 功能/经济分类 code (also printed as 201 05 07), a name,
figures, a 行次.  A name wrapped around its figures ("文化旅游体育与传媒" / "207 17,127.62 …" / "支出") is
joined.  Empty cells leave no trace in such text, so figures fill the columns from the left; a row with
fewer figures than columns is noted in the table's warnings, never silently taken as exact.
"""
from __future__ import annotations

import re

from ..read.document import Cell, Row
from .values import compact, parse_value

NUMBER = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
PART = re.compile(r"^\d{1,2}$")
TOTALS = ("合计", "总计")
# labels of the income side of a two-sided table, when a line holds one side only
INCOME_LABEL = re.compile(r"(?:收入|拨款|资金|基金|预算)$|^(?:使用|年初|上年结转|本年收入合计|收入总计)")


def looks_like_row(text: str) -> bool:
    """A line of a table in text, not a sentence: figures among its words, no sentence punctuation."""
    tokens = tokens_of(text)
    if len(tokens) < 2 or re.search(r"[，。；;]", text) or tokens[0].startswith("注"):
        return False
    figures = [t for k, t in enumerate(tokens) if NUMBER.match(t)
               and not (k + 1 < len(tokens) and tokens[k + 1].startswith("年"))]  # "2025 年度…" is a year
    return bool(figures) and (bool(CODE.match(tokens[0])) or tokens[0] in TOTALS or not NUMBER.match(tokens[0])
                              or len(tokens) <= 14)


def is_text_table(rows: list[Row]) -> bool:
    """Every line of the table is a single cell, and some of its lines hold several words apart, figures among
    them (the other lines of such a table are labels alone or wrapped headers)."""
    lines = [r for r in rows if r.nonempty()]
    if len(lines) < 2 or any(len(r.nonempty()) != 1 for r in lines):
        return False
    texts = [r.nonempty()[0].text for r in lines]
    return sum(1 for t in texts if len(t.split()) >= 2 and _figures(t) >= 1) >= 2


def figure_line(rows: list[Row]) -> bool:
    """A line of nothing but figures, separated by spaces, among single-cell lines (a 三公 table in text)."""
    return all(len(r.nonempty()) <= 1 for r in rows) and any(
        len(t := r.nonempty()[0].text.split()) >= 3 and all(NUMBER.match(x) for x in t) for r in rows if r.nonempty())


# a figure printed against the next cell's words ("91,016,775.35一、一般公共服务支出"): a figure with
# decimals or thousands separators, then a Chinese word
GLUED = re.compile(r"^(-?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+))(?=[\u4e00-\u9fff（(])")


def tokens_of(text: str) -> list[str]:
    out: list[str] = []
    for t in text.split():
        while (m := GLUED.match(t)):
            out.append(m.group(1))
            t = t[m.end():]
        out.append(t)
    return out


def _figures(text: str) -> int:
    return sum(1 for t in tokens_of(text) if NUMBER.match(t))


def _text(row: Row) -> str:
    cells = row.nonempty()
    return cells[0].text if cells else ""


def _cells(row: Row, texts: list[str]) -> Row:
    c0 = row.nonempty()[0]
    return Row([Cell(t, row.line, c0.loc, None) for t in texts], row.line, row.end_line)


def code_rows(rows: list[Row]) -> list[Row]:
    """Rows of a code table as cells: [code, name, figure…] or [合计, figure…]; other lines are headers.
    A name wrapped around its figures is joined: the text line right above a code line is the start of its
    name when the line has none of its own or the line below continues it; the line below ends a name that
    began above, unless it begins the next code line's name."""
    lines = [(row, _without_levels(tokens)) for row in rows if (tokens := tokens_of(_text(row)))]
    kinds = [_line_kind(tokens) for _, tokens in lines]
    parsed = {i: _row_parts(tokens) for i, (_, tokens) in enumerate(lines) if kinds[i] == "row"}
    used: set[int] = set()
    names: dict[int, str] = {}
    for i, (code, name, _) in parsed.items():
        if not code:
            continue
        above = i - 1 if kinds[i - 1 if i else 0] == "text" and i and i - 1 not in used else None
        below = i + 1 if i + 1 < len(lines) and kinds[i + 1] == "text" else None
        next_unnamed = i + 2 in parsed and parsed[i + 2][0] and not parsed[i + 2][1]
        if above is not None and (not name or below is not None):
            name = "".join(lines[above][1]) + name
            used.add(above)
            if below is not None and not next_unnamed:
                name += "".join(lines[below][1])
                used.add(below)
        names[i] = name
    _figures_below(lines, kinds, parsed, names, used)
    out: list[Row] = []
    for i, (row, tokens) in enumerate(lines):
        if i in used:
            continue
        if i in parsed:
            code, name, figures = parsed[i]
            out.append(_cells(row, ([code, names.get(i, name)] if code else [tokens[0]]) + figures))
        else:
            out.append(row)
    return out


def _without_levels(tokens: list[str]) -> list[str]:
    """"类 款 项 合计 4,733.14 …": the header's last line and the 合计 row printed on one line: the 合计 row."""
    k = 0
    while k < len(tokens) and tokens[k] in ("类", "款", "项"):
        k += 1
    return tokens[k:] if k and k < len(tokens) and tokens[k] in TOTALS else tokens


def _figures_below(lines, kinds, parsed, names, used) -> None:
    """A code printed alone, its name's words on the next line or two and its figures on the line after them
    ("2080506" / "机关事业单位职业年金缴费支出" / "116.59 116.59 0.00"): one row.  The figures line must hold
    nothing but figures, and come before the next code line."""
    for i, (code, name, figures) in list(parsed.items()):
        if not code or figures:
            continue
        words, k = [], i + 1
        while k < len(lines) and k <= i + 3 and kinds[k] == "text" and k not in used:
            words.append("".join(lines[k][1]))
            k += 1
        if k < len(lines) and k not in used and k not in parsed and all(NUMBER.match(t) for t in lines[k][1]):
            parsed[i] = (code, names.get(i, name) + "".join(words), lines[k][1])
            names[i] = parsed[i][1]
            used.update(range(i + 1, k + 1))


def _row_parts(tokens: list[str]) -> tuple[str, str, list[str]]:
    code, rest = _code(tokens)
    name, figures = _split_name(rest if code else tokens[1:])
    return code, name, figures


HEADER_LINES = {"项目", "科目编码", "科目名称", "功能分类", "经济分类", "功能分类科目编码", "功能分类科目名称",
                "经济分类科目编码", "经济分类科目名称", "合计", "类", "款", "项", "类款项"}


def _line_kind(tokens: list[str]) -> str:
    """row (a code or 合计 line), text (a line of words only: a header, or part of a wrapped name), other."""
    if CODE.match(tokens[0]) or tokens[0] in TOTALS and (len(tokens) == 1 or any(NUMBER.match(t) for t in tokens)):
        return "row"  # (a line "合计 基本支出 项目支出" is a header)
    if any(NUMBER.match(t) for t in tokens) or "".join(tokens) in HEADER_LINES or len("".join(tokens)) > 24:
        return "other"
    return "text" if not re.search(r"单位[:：]|^注|=", "".join(tokens)) else "other"


def _code(tokens: list[str]) -> tuple[str, list[str]]:
    """A leading code, its 款/项 parts joined ("201 05 07 专项普查活动" → 2010507): one- or two-digit words
    between the 类 and the name."""
    if not CODE.match(tokens[0]):
        return "", tokens
    parts = []
    for t in tokens[1:3]:
        if not PART.match(t):
            break
        parts.append(t)
    rest = tokens[1 + len(parts):]
    # code parts stand before the name; when the name was wrapped off the line, figures follow them: a part
    # printed with its two digits (03, 99) is still a code part, a lone digit then is a figure
    while parts and not (rest and not NUMBER.match(rest[0])) and len(parts[-1]) != 2:
        rest.insert(0, parts.pop())
    if parts and (not rest or not NUMBER.match(rest[0]) or all(len(p) == 2 for p in parts)):
        return tokens[0] + "".join(p.zfill(2) for p in parts), rest
    return tokens[0], tokens[1:]


def _split_name(tokens: list[str]) -> tuple[str, list[str]]:
    """The words before the figures, and the figures."""
    k = 0
    while k < len(tokens) and not NUMBER.match(tokens[k]):
        k += 1
    return "".join(tokens[:k]), [t for t in tokens[k:] if NUMBER.match(t)]


def side_rows(rows: list[Row], with_row_no: bool) -> list[tuple[Row, list[tuple[str, list[str]]]]]:
    """Lines of a two-sided table as (row, [(label, figures)…]): a label starts each side; a line holding one
    side only is put on the side its label belongs to; a short line continues the label above it."""
    out: list[tuple[Row, list[tuple[str, list[str]]]]] = []
    for row in rows:
        tokens = tokens_of(_text(row))
        if not tokens:
            continue
        segments: list[tuple[str, list[str]]] = []
        for t in tokens:
            if NUMBER.match(t) and segments:
                segments[-1][1].append(t)
            elif not NUMBER.match(t):
                if segments and not segments[-1][1] and _continues(t, segments[-1][0]):
                    segments[-1] = (segments[-1][0] + t, [])  # "因公出国" "（境）费": one label
                else:
                    segments.append((t, []))
        if not segments:
            figures = [t for t in tokens if NUMBER.match(t)]
            if figures and out and out[-1][1] and not out[-1][1][-1][1]:  # "二十二、灾害防治及应急管理支" / "98.23 98.23"
                label, _ = out[-1][1][-1]
                out[-1][1][-1] = (label, figures)
            continue
        if len(segments) == 1 and not segments[0][1] and len(segments[0][0]) <= 3 and out and out[-1][1]:
            label, figs = out[-1][1][-1]
            out[-1][1][-1] = (label + segments[0][0], figs)  # "二十二、灾害防治及应急管理支" / "出"
            continue
        out.append((row, segments))
    return out


def _continues(token: str, label: str = "") -> bool:
    """Words that carry on the label before them rather than start the other side's: a bracket, a word of two,
    or anything after a label that is only a list number ("1." "一般公共预算资金")."""
    return token[:1] in "（(" or len(token) <= 2 and not re.match(r"^[一二三四五六七八九十]+、", token) or \
        bool(re.fullmatch(r"\d{1,2}[.．、]|[（(][一二三四五六七八九十\d]+[)）]", label))


def is_income_label(label: str) -> bool:
    return bool(INCOME_LABEL.search(compact(label)))


def number_of(text: str) -> float | None:
    v = parse_value(text)
    return v.number if v.kind == "number" else None
