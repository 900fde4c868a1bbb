"""Tables laid out with spaces: text copied from a PDF with its layout kept (pdftotext -layout, a viewer's "copy
as text"), or typed with the space bar, where a cell is wherever a column of the page is, and a blank cell is
only more spaces.

The columns are found from the table's own alignment: a run of lines, each with fields parted by two spaces or
more, whose fullest lines leave the same gutters blank.  Each field is put in the column it stands in, so that a
blank cell stays a blank cell (the figure after it does not move left); a field that crosses a gutter is a
merged cell (its text in the first column it covers).  A line whose fields cannot each have a column of their
own is kept whole, as a line of text: its figures are named as not read, never checked in a column they may
not be in.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter

from .document import Cell, Location, Row

_FIGURE = re.compile(r"^[-−]?[\d,，]+(?:\.\d+)?%?$")
_FIELD = re.compile(r"\S+(?: \S+)*")  # text parted by single spaces; two spaces or more part fields
MIN_LINES = 3  # a table is at least this many lines of two fields or more
MIN_FIELDS = 3  # and its fullest lines have at least this many fields
CORE_SLACK = 1  # the lines that decide the gutters: the fullest, or at most this many fields short of it (a
# header row's wide cells would bridge gutters the 栏次 row and the full data rows keep)


def _width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def fields(line: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of each field of a line, in display columns (a CJK character is two wide; a
    full-width space, two blanks)."""
    text = line.replace("\t", "    ").replace("\u3000", "  ")
    starts = []  # display column of each character of `text`
    col = 0
    for ch in text:
        starts.append(col)
        col += _width(ch)
    starts.append(col)
    spans: list[tuple[int, int]] = []  # character offsets of each field in `text`
    for m in _FIELD.finditer(text):
        if spans and _unclosed(text[slice(*spans[-1])]):  # "（ 2021   年度）": a bracket is one field, blanks and all
            spans[-1] = (spans[-1][0], m.end())
        else:
            spans.append((m.start(), m.end()))
    return [(starts[a], starts[b], text[a:b]) for a, b in spans]


def _unclosed(text: str) -> bool:
    return text.count("（") + text.count("(") > text.count("）") + text.count(")")


def spans(lines: list[str], lo: int, hi: int) -> list[tuple[int, int, bool]]:
    """[start, end) runs of the plain lines [lo, hi), each a space-aligned table or not.  A table's run goes on
    through a single blank line between rows, a line of one field inside it (a row with one later cell filled,
    a wrapped cell's next line), and a line of one field at its left edge (a row with only its label) when the
    next row's fields start where this table's do; it ends at two blank lines or at a line of one field after
    which the fields start elsewhere (the next table's title)."""
    out: list[tuple[int, int, bool]] = []
    start = i = lo
    parsed: dict[int, list] = {}

    def of(k: int) -> list:
        if k not in parsed:
            parsed[k] = fields(lines[k]) if k < hi else []
        return parsed[k]

    while i < hi:
        if len(of(i)) < 2:
            i += 1
            continue
        j, last, left, starts = i, i, of(i)[0][0], set()
        while j < hi:
            f = of(j)
            if len(f) >= 2:
                last, left = j, min(left, f[0][0])
                starts.update(a for a, _, _ in f)
            elif not f:
                if len(of(j + 1)) < 2:
                    break
            elif f[0][0] <= left and not _continues(of(j + 1) or of(j + 2), starts):
                break
            j += 1
        j = last + 1
        for a, b in _tables(i, j, of):
            if a > start:
                out.append((start, a, False))
            out.append((a, b, True))
            start = b
        i = j
    if start < hi:
        out.append((start, hi, False))
    return out


def _tables(i: int, j: int, of) -> list[tuple[int, int]]:
    """The tables of the run [i, j): cut at a line of one field where the columns above and below it differ
    (two tables of one template one after another, each laid out to its own widths)."""
    cuts = [k for k in range(i + 1, j) if len(of(k)) == 1 and of(k)[0][0] <= min(f[0][0] for f in map(of, range(i, k))
                                                                                  if f)]
    out, a = [], i
    for k in cuts:
        above, below = [of(m) for m in range(a, k)], [of(m) for m in range(k, j)]
        if _is_table(above) and _is_table(below) and _differ(_columns(above), _columns(below)):
            out.append((a, k))
            a = k
    if _is_table([of(m) for m in range(a, j)]):
        out.append((a, j))
    return out


def _differ(one: list[tuple[int, int]], other: list[tuple[int, int]]) -> bool:
    a, b = {s for s, _ in one}, {s for s, _ in other}
    return len(a & b) < 0.5 * len(a | b)


def _continues(nxt: list, starts: set[int]) -> bool:
    """The next line is a row of the same table: two fields or more, most starting where the table's do."""
    return len(nxt) >= 2 and sum(a in starts for a, _, _ in nxt) >= 0.7 * len(nxt)


def _is_table(lines: list[list]) -> bool:
    lines = [f for f in lines if f]
    multi = [f for f in lines if len(f) >= 2]
    return len(multi) >= MIN_LINES and max(map(len, multi)) >= MIN_FIELDS and len(_columns(lines)) >= MIN_FIELDS


def _columns(lines: list[list[tuple[int, int, str]]]) -> list[tuple[int, int]]:
    """The table's columns, (start, end) in display columns: the gutters of the lines that decide them, and where
    the other lines print beyond them (the 类/款/项 codes left of a 栏次 row).  The deciding lines are the
    fullest, or the most common kind of row with figures (a header printed out of line with them), or both: whichever
    columns the most lines fit."""
    lines = [f for f in lines if f]
    most = max(map(len, lines))
    figured = [f for f in lines if len(f) >= MIN_FIELDS and any(_FIGURE.match(t) for _, _, t in f)]
    common = Counter(map(len, figured)).most_common(1)
    fullest = [f for f in lines if len(f) >= most - CORE_SLACK]
    usual = [f for f in figured if len(f) == common[0][0]] if common else []
    best, fits = [], -1
    for deciding in (fullest, usual, fullest + usual):
        cols = _gutters(deciding, lines) if deciding else []
        fit = sum(_fits(f, cols) for f in lines) if cols else -1
        if fit > fits:
            best, fits = cols, fit
    return best


def _fits(line: list[tuple[int, int, str]], cols: list[tuple[int, int]]) -> bool:
    """Every field of the line stands in a column (none in a gutter), no two in one."""
    hits = [[k for k, (ca, cb) in enumerate(cols) if a < cb and ca < b] for a, b, _ in line]
    flat = [k for h in hits for k in h]
    return all(hits) and len(flat) == len(set(flat))


def _gutters(deciding: list[list], lines: list[list]) -> list[tuple[int, int]]:
    core = _runs({k for f in deciding for a, b, _ in f for k in range(a, b)})
    aside = {k for f in lines for a, b, _ in f if b <= core[0][0] or a >= core[-1][1] for k in range(a, b)}
    return sorted(core + _runs(aside))


def _runs(ink: set[int]) -> list[tuple[int, int]]:
    """The maximal runs of inked display columns, (start, end)."""
    out: list[tuple[int, int]] = []
    for k in sorted(ink):
        if out and out[-1][1] == k:
            out[-1] = (out[-1][0], k + 1)
        else:
            out.append((k, k + 1))
    return out


def rows(lines: list[str], lo: int, hi: int, locs: list[Location]) -> list[Row]:
    """The rows of a space-aligned table on lines [lo, hi): each field in its column (a column no row prints in
    is left out: a gutter of the deciding lines that only a wide cell crossed)."""
    parsed = [fields(lines[i]) for i in range(lo, hi)]
    cols = _columns(parsed)
    placed = {i: _placed(line, cols) for i, line in zip(range(lo, hi), parsed) if line}
    # the columns the rows that fit print in; a line that only fits by a nearest guess (a title's words in a
    # gutter) makes no column of its own
    used = sorted({k for i, p in placed.items() if p and _fits(parsed[i - lo], cols)
                   for k, (text, _) in enumerate(p) if text})
    for i, p in placed.items():
        if p and any(text and k not in used for k, (text, _) in enumerate(p)):
            placed[i] = _moved(p, used)
    out = []
    for i, p in placed.items():
        n = i + 1
        if p is None:  # two fields in one column: which column each figure is in is unknown, so the line
            # stays one piece of text (its figures are then named as not read, never checked out of place)
            out.append(Row([Cell(lines[i].strip(), n, Location(line=n))], n, n))
            continue
        cells = [Cell(p[k][0], n, Location(line=n, col=c + 1), p[k][1]) for c, k in enumerate(used)]
        while cells and not cells[-1].text and cells[-1].covered is None:
            cells.pop()
        out.append(Row(cells, n, n))
    return out


def _moved(placed: list[tuple[str, str | None]], used: list[int]) -> list[tuple[str, str | None]] | None:
    """A line's cells with each text in a column no fitting row prints in moved to the nearest one that does,
    if free; None when it is not."""
    out = list(placed)
    for k, (text, _) in enumerate(placed):
        if text and k not in used:
            if not used:
                return None
            to = min(used, key=lambda u: (abs(u - k), u))
            if out[to][0]:
                return None
            out[to], out[k] = (text, ""), ("", None)
    return out


def _placed(line: list[tuple[int, int, str]], cols: list[tuple[int, int]]) -> list[tuple[str, str | None]] | None:
    """(text, covered) per column for one line's fields, or None when two fields would share a column."""
    out: list[tuple[str, str | None]] = [("", None) for _ in cols]
    taken = [False] * len(cols)
    for a, b, text in line:
        hit = [k for k, (ca, cb) in enumerate(cols) if a < cb and ca < b]
        if not hit:  # in a gutter of the fullest lines: the nearest column
            hit = [min(range(len(cols)), key=lambda k: min(abs(a - cols[k][1]), abs(b - cols[k][0])))]
        if any(taken[k] for k in hit):
            return None
        out[hit[0]] = (text, "")
        for k in hit[1:]:
            out[k] = ("", "left")
        for k in hit:
            taken[k] = True
    return out


def render(rows: list[Row], indent: int = 4, gap: int = 2) -> str:
    """Rows written out the way a PDF's text is copied with its layout kept: a line of text as it is, the rows of
    a table (consecutive rows of several cells) each cell padded to its column's width, the inverse of `rows`."""
    out: list[str] = []
    k = 0
    while k < len(rows):
        if len(rows[k].cells) < 2:
            out.append(rows[k].cells[0].text.replace("\n", "") if rows[k].cells else "")
            k += 1
            continue
        j = k
        while j < len(rows) and len(rows[j].cells) >= 2:
            j += 1
        grid = [[c.text.replace("\n", "") for c in r.cells] for r in rows[k:j]]
        width = max(map(len, grid))
        grid = [g + [""] * (width - len(g)) for g in grid]
        widths = [max(_shown(g[c]) for g in grid) for c in range(width)]
        out += [(" " * indent + (" " * gap).join(t + " " * (widths[c] - _shown(t)) for c, t in enumerate(g))).rstrip()
                for g in grid]
        k = j
    return "\n".join(out) + "\n"


def _shown(text: str) -> int:
    return sum(map(_width, text))
