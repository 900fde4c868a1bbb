"""PDF files with pypdfium2: text lines from character positions, ruled tables from the page's rules.

Per page:
1. characters and their boxes (one pass over the text layer);
2. rules: thin filled rectangles and axis-aligned stroked segments, snapped and joined;
3. ruled tables: connected rules make a grid; a missing rule between two grid cells merges them; each
   character goes to the cell its centre falls in, and a cell's lines are unwrapped (a line that reaches
   the cell's right edge continues on the next);
4. the remaining characters become lines; a line with wide gaps is split into cells, and consecutive such
   lines form an unruled table whose columns are the gaps common to all its rows;
5. running text is unwrapped into paragraphs (a line that reaches the right margin continues), page
   numbers are dropped.
A page without a text layer is a scan: reported as such, never read as empty.  OCR is out of scope.
"""
from __future__ import annotations

import ctypes
import io
import re
import zlib
from bisect import bisect_right
from dataclasses import dataclass, field
from statistics import median

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..errors import ReadError
from . import limits, ocr
from .document import Document, DocumentBuilder, Location
from .geometry import Char, PageObjects
from .registry import register

SNAP = 2.5  # points: rules this close are one rule
THIN = 2.0  # a rectangle this thin is a rule
MIN_RULE = 3.0  # shorter segments are decoration (check boxes, bullets)
_SPACES = {0x20, 0x09, 0x0A, 0x0D, 0xA0, 0x3000, 0xFEFF, 0x00}
_PAGE_NUMBER = re.compile(r"^(?:[-—–－·\s]*\d{1,4}[-—–－·\s]*|第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)$")
_LIST_START = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[、.．](?!\d)|第[一二三四五六七八九十]+[部章节条])")


@dataclass
class Line:
    chars: list[Char]
    x0: float = 0.0
    x1: float = 0.0
    top: float = 0.0
    bottom: float = 0.0
    h: float = 0.0
    segments: list[list[Char]] = field(default_factory=list)

    def finish(self, seg_gap: float) -> "Line":
        self.chars.sort(key=lambda c: c.x0)
        self.x0, self.x1 = self.chars[0].x0, max(c.x1 for c in self.chars)
        self.top, self.bottom = min(c.top for c in self.chars), max(c.bottom for c in self.chars)
        self.h = median(c.h for c in self.chars)
        seg = [self.chars[0]]
        self.segments = [seg]
        for prev, c in zip(self.chars, self.chars[1:]):
            if c.x0 - prev.x1 > seg_gap * self.h:
                seg = [c]
                self.segments.append(seg)
            else:
                seg.append(c)
        return self


Box = tuple[float, float, float, float]  # x0, top, x1, bottom: points from the top left of the page as shown


def box_of(chars: list[Char]) -> Box | None:
    """Where characters are on the page (a Location's box: what evidence images and OCR build on)."""
    if not chars:
        return None
    return (round(min(c.x0 for c in chars), 1), round(min(c.top for c in chars), 1),
            round(max(c.x1 for c in chars), 1), round(max(c.bottom for c in chars), 1))


def union(*boxes: Box | None) -> Box | None:
    """The box around the boxes given (None when none is)."""
    real = [b for b in boxes if b is not None]
    if not real:
        return None
    return (min(b[0] for b in real), min(b[1] for b in real), max(b[2] for b in real), max(b[3] for b in real))


def text_of(chars: list[Char]) -> str:
    """Characters of one line as text: a gap of a quarter of the glyph height or more is a space."""
    out = []
    prev = None
    for c in chars:
        if prev is not None and (c.sp or c.x0 - prev.x1 > 0.25 * max(prev.h, c.h)):
            out.append(" ")
        out.append(c.ch)
        prev = c
    return "".join(out)


# no line may start with a closing mark, nor end with an opening one: the character before moves down with them
_CLOSING = set("，。、；：！？）)」』》”’%％《“‘（(「『")


def _lead_width(line: "Line") -> float:
    """Width of the unbreakable run (digits, Latin letters, punctuation) a line starts with; or of a character
    and the closing punctuation after it ("用，"), which moved to this line together."""
    chars = line.chars
    if not chars[0].ch.isascii() and len(chars) > 1 and chars[1].ch in _CLOSING:
        return chars[1].x1 - chars[0].x0
    end = line.chars[0]
    for c in line.chars:
        if not c.ch.isascii() and c.ch not in "，。、；：％":
            break
        end = c
    return end.x1 - line.chars[0].x0 if line.chars[0].ch.isascii() else 0.0


def wrapped(prev: "Line", line: "Line", right: float) -> bool:
    """Did `prev` end because the next word did not fit before `right`?  Chinese text wraps anywhere,
    but a number or a Latin word moves to the next line whole, leaving a gap at the end of this one."""
    slack = right - prev.x1
    return slack <= 1.5 * prev.h or slack <= _lead_width(line) + 1.0 * prev.h


def join_wrapped(a: str, b: str) -> str:
    """Two lines of one paragraph or cell: CJK runs on without a space, Latin words get one."""
    if a and b and a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum():
        return a + " " + b
    return a + b


# --- characters and rules ----------------------------------------------------------------------


class _Frame:
    """Page space (PDF user space, y up) to reading space (y down, page rotation applied)."""

    def __init__(self, page) -> None:
        left, bottom, right, top = page.get_cropbox()
        self.left, self.bottom, self.w, self.h = left, bottom, right - left, top - bottom
        self.rotation = page.get_rotation() % 360

    def point(self, x: float, y: float) -> tuple[float, float]:
        x, y = x - self.left, y - self.bottom
        if self.rotation == 90:
            return y, x
        if self.rotation == 180:
            return self.w - x, y
        if self.rotation == 270:
            return self.h - y, self.w - x
        return x, self.h - y

    def box(self, l: float, b: float, r: float, t: float) -> tuple[float, float, float, float]:
        if not self.rotation:  # the common case, without the general transform
            return l - self.left, self.h - (t - self.bottom), r - self.left, self.h - (b - self.bottom)
        (ax, ay), (bx, by) = self.point(l, b), self.point(r, t)
        return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)

    def unpoint(self, x: float, y: float) -> tuple[float, float]:
        """Reading space back to page space (what a PDF annotation is placed in)."""
        if self.rotation == 90:
            x, y = y, x
        elif self.rotation == 180:
            x = self.w - x
        elif self.rotation == 270:
            x, y = self.w - y, self.h - x
        else:
            y = self.h - y
        return x + self.left, y + self.bottom

    def unbox(self, x0: float, top: float, x1: float, bottom: float) -> tuple[float, float, float, float]:
        """A reading-space box as (left, bottom, right, top) in page space."""
        (ax, ay), (bx, by) = self.unpoint(x0, top), self.unpoint(x1, bottom)
        return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)

    @property
    def size(self) -> tuple[float, float]:
        """The page as shown: (width, height) in points."""
        return (self.h, self.w) if self.rotation in (90, 270) else (self.w, self.h)


def page_characters(page) -> tuple[list[Char], _Frame]:
    """A page's characters with their boxes in reading space, and its frame: what the evidence of a finding marks
    is found by the reader's own geometry, so a box drawn there is where the reader found the figure."""
    frame = _Frame(page)
    textpage = page.get_textpage()
    try:
        return page_chars(textpage, frame, ink=True), frame
    finally:
        textpage.close()


def page_chars(textpage, frame: _Frame, ink: bool = False) -> list[Char]:
    """The page's characters in text order, each with its box: the loose box (the font's line height: what
    lines and cells are built from), or with `ink` the glyph's own box (what a box drawn over a figure should
    fit), where the glyph has one."""
    n = textpage.count_chars()
    if n <= 0:
        return []
    textpage = textpage.raw  # the raw handle: ctypes calls below run once per character
    buf = ctypes.create_string_buffer(2 * (n + 1))
    pdfium_c.FPDFText_GetText(textpage, 0, n, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
    units = memoryview(buf.raw).cast("H")
    rect = pdfium_c.FS_RECTF()
    l, r, b, t = (ctypes.c_double() for _ in range(4))
    tight = [ctypes.byref(v) for v in (l, r, b, t)]  # FPDFText_GetCharBox's order: left, right, bottom, top
    loose, box, generated = pdfium_c.FPDFText_GetLooseCharBox, frame.box, pdfium_c.FPDFText_IsGenerated
    chars = []
    space = False
    for i in range(n):
        u = units[i]
        if u in _SPACES:
            space = space or (u in (0x20, 0x3000, 0xA0) and generated(textpage, i) == 0)
            continue
        if not loose(textpage, i, rect):
            continue
        x0, top, x1, bottom = box(rect.left, rect.bottom, rect.right, rect.top)
        if ink and pdfium_c.FPDFText_GetCharBox(textpage, i, *tight) and r.value > l.value and t.value > b.value:
            x0, top, x1, bottom = box(l.value, b.value, r.value, t.value)
        if x1 > x0 and bottom > top:
            chars.append(Char(chr(u), x0, top, x1, bottom, space))
            space = False
    return chars


def _objects(page):
    """(type, handle) of the page's objects, and of those inside form XObjects one level down."""
    count, get, kind = pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject, pdfium_c.FPDFPageObj_GetType
    page = page.raw
    for i in range(count(page)):
        obj = get(page, i)
        t = kind(obj)
        if t == pdfium_c.FPDF_PAGEOBJ_FORM:
            for k in range(pdfium_c.FPDFFormObj_CountObjects(obj)):
                sub = pdfium_c.FPDFFormObj_GetObject(obj, k)
                yield kind(sub), sub, obj
        else:
            yield t, obj, None


_STANDARD_FONTS = re.compile(r"^(?:[A-Z]{6}\+)?(?:Courier|Helvetica|Times|Symbol|ZapfDingbats|Arial)", re.I)


def page_objects(page, frame: _Frame) -> PageObjects:
    out = PageObjects()
    l, b, r, t = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    fonts: dict[int, bool] = {}  # font handle → missing
    for kind, obj, form in _objects(page):
        if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
            font = ctypes.cast(pdfium_c.FPDFTextObj_GetFont(obj), ctypes.c_void_p).value or 0
            if font not in fonts:
                fonts[font] = _missing(font)
            out.missing_font = out.missing_font or fonts[font]
        elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            out.images = True
        elif kind == pdfium_c.FPDF_PAGEOBJ_PATH and form is None:  # rules inside forms: none seen in reports
            if not pdfium_c.FPDFPageObj_GetBounds(obj, l, b, r, t):
                continue
            x0, y0, x1, y1 = frame.box(l.value, b.value, r.value, t.value)
            w, h = x1 - x0, y1 - y0
            if w <= THIN and h >= MIN_RULE:
                out.vs.append(((x0 + x1) / 2, y0, y1))
            elif h <= THIN and w >= MIN_RULE:
                out.hs.append(((y0 + y1) / 2, x0, x1))
            elif w > THIN and h > THIN:
                _path_segments(obj, frame, out.hs, out.vs)
    return out


def _missing(font: int) -> bool:
    if not font:
        return False
    handle = ctypes.cast(font, pdfium_c.FPDF_FONT)
    if pdfium_c.FPDFFont_GetIsEmbedded(handle):
        return False
    name = ctypes.create_string_buffer(128)
    pdfium_c.FPDFFont_GetBaseFontName(handle, name, 128)
    return not _STANDARD_FONTS.match(name.value.decode("latin-1"))


def pdfminer_chars(plumber_page) -> list[Char]:
    """Characters as pdfminer reads them: for pages whose fonts pdfium cannot measure (not embedded,
    no system substitute), where pdfium silently drops glyphs.  pdfminer takes the widths from the PDF."""
    chars, space = [], False
    for c in plumber_page.chars:
        text = c["text"]
        if not text.strip():
            space = True
            continue
        if c["x1"] > c["x0"] and c["bottom"] > c["top"]:
            chars.append(Char(text, c["x0"], c["top"], c["x1"], c["bottom"], space))
        space = False
    return chars


def _path_segments(obj, frame: _Frame, hs: list, vs: list) -> None:
    """Axis-aligned straight segments of a path (cell borders drawn as rectangles or polylines)."""
    n = pdfium_c.FPDFPath_CountSegments(obj)
    if n <= 0 or n > 5000:
        return
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, m):
        return
    x, y = ctypes.c_float(), ctypes.c_float()
    points: list[tuple[float, float]] = []
    start = None
    for k in range(n):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj, k)
        if not pdfium_c.FPDFPathSegment_GetPoint(seg, x, y):
            continue
        kind = pdfium_c.FPDFPathSegment_GetType(seg)
        px, py = frame.point(m.a * x.value + m.c * y.value + m.e, m.b * x.value + m.d * y.value + m.f)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO or not points:
            points = [(px, py)]
            start = (px, py)
        else:
            if kind == pdfium_c.FPDF_SEGMENT_LINETO:
                _add_segment(points[-1], (px, py), hs, vs)
            points.append((px, py))
        if pdfium_c.FPDFPathSegment_GetClose(seg) and start is not None:
            _add_segment(points[-1], start, hs, vs)


def _add_segment(a: tuple[float, float], b: tuple[float, float], hs: list, vs: list) -> None:
    (ax, ay), (bx, by) = a, b
    if abs(ay - by) <= 0.5 and abs(ax - bx) >= MIN_RULE:
        hs.append(((ay + by) / 2, min(ax, bx), max(ax, bx)))
    elif abs(ax - bx) <= 0.5 and abs(ay - by) >= MIN_RULE:
        vs.append(((ax + bx) / 2, min(ay, by), max(ay, by)))


def _merge_rules(rules: list[tuple]) -> list[tuple]:
    """Rules at (nearly) the same position whose extents touch become one."""
    out: list[list[float]] = []
    for pos, a, b in sorted(rules):
        for r in reversed(out[-8:]):
            if abs(r[0] - pos) <= SNAP and a <= r[2] + SNAP and b >= r[1] - SNAP:
                r[1], r[2] = min(r[1], a), max(r[2], b)
                break
        else:
            out.append([pos, a, b])
    return [tuple(r) for r in out]


# --- ruled tables ------------------------------------------------------------------------------


@dataclass
class Grid:
    xs: list[float]
    ys: list[float]
    anchor: list[list[tuple[int, int]]]  # grid position → top-left position of its merged cell
    cells: dict = field(default_factory=dict)  # anchor → list of chars

    def contains(self, c: Char) -> bool:
        return self.xs[0] <= c.cx <= self.xs[-1] and self.ys[0] <= c.cy <= self.ys[-1]

    def place(self, c: Char) -> None:
        col = min(max(bisect_right(self.xs, c.cx) - 1, 0), len(self.xs) - 2)
        row = min(max(bisect_right(self.ys, c.cy) - 1, 0), len(self.ys) - 2)
        self.cells.setdefault(self.anchor[row][col], []).append(c)

    def covered(self) -> list[list[str]]:
        """Per position, where the text of its merged cell is: "up", "left", or "" (the anchor itself)."""
        return [["" if a == (r, c) else "up" if a[0] < r else "left" for c, a in enumerate(row)]
                for r, row in enumerate(self.anchor)]

    def right_edge(self, pos: tuple[int, int]) -> float:
        row, col = pos
        end = col
        while end + 1 < len(self.xs) - 1 and self.anchor[row][end + 1] == pos:
            end += 1
        return self.xs[end + 1]


def _cluster(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= SNAP:
            continue
        out.append(v)
    return out


def _covers(rules: list[tuple], pos: float, lo: float, hi: float) -> bool:
    mid = (lo + hi) / 2
    return any(abs(p - pos) <= SNAP and a - SNAP <= mid <= b + SNAP for p, a, b in rules)


class _Sets:
    """Union-find: `join` merges two sets; the smallest member is a set's representative."""

    def __init__(self) -> None:
        self.parent: dict = {}

    def find(self, x):
        parent = self.parent
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(self, a, b) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def find_grids(hs: list[tuple], vs: list[tuple]) -> list[Grid]:
    """Tables: groups of rules that cross or touch one another."""
    hs, vs = _merge_rules(hs), _merge_rules(vs)
    sets = _Sets()
    for i, (y, hx0, hx1) in enumerate(hs):
        for j, (x, vy0, vy1) in enumerate(vs):
            if hx0 - SNAP <= x <= hx1 + SNAP and vy0 - SNAP <= y <= vy1 + SNAP:
                sets.join(i, len(hs) + j)
    groups: dict[int, tuple[list, list]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(sets.find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(sets.find(len(hs) + j), ([], []))[1].append(v)
    grids = [g for gh, gv in groups.values() if (g := _grid(gh, gv))]
    return sorted(grids, key=lambda g: (g.ys[0], g.xs[0]))


def _grid(hs: list[tuple], vs: list[tuple]) -> Grid | None:
    if len(hs) < 2 or not vs:
        return None
    xs = _cluster([x for x, _, _ in vs] + [min(a for _, a, _ in hs), max(b for _, _, b in hs)])
    ys = _cluster([y for y, _, _ in hs] + [min(a for _, a, _ in vs), max(b for _, _, b in vs)])
    if len(xs) < 3 and len(ys) < 3 or len(xs) < 2 or len(ys) < 2:
        return None  # a box or a single rule, not a table
    nr, nc = len(ys) - 1, len(xs) - 1
    cells = _Sets()  # grid positions (row, col): the smallest, the top-left one, anchors a merged cell
    for r in range(nr):
        for c in range(nc - 1):
            if not _covers(vs, xs[c + 1], ys[r], ys[r + 1]):  # no rule between them: one merged cell
                cells.join((r, c), (r, c + 1))
    for r in range(nr - 1):
        for c in range(nc):
            if not _covers(hs, ys[r + 1], xs[c], xs[c + 1]):
                cells.join((r, c), (r + 1, c))
    anchor = [[cells.find((r, c)) for c in range(nc)] for r in range(nr)]
    return Grid(xs, ys, anchor)


_FIGURE_PART = re.compile(r"(?:^|\s)(?:[\d,.]{4,}|\d+[.,][\d,.]*)$")  # 6,928,10 │ 2.5 (of 2.56): a figure's start


def cell_text(chars: list[Char], right: float) -> str:
    """A cell's characters as text; a line that reaches the cell's right edge continues on the next."""
    lines = group_lines(chars, seg_gap=1e9)
    out = ""
    prev = None
    for line in lines:
        t = text_of(line.chars)
        if prev is None:
            out = t
        elif wrapped(prev, line, right - 0.25 * prev.h):  # (the cell's padding: its text stops short of the rule)
            # a figure too wide for its column runs on at the next line ("6,928,10" / "0"): one figure again (a short
            # run of digits is a code's part, cut where a space was: "201 03" / "01")
            out = out + t if _FIGURE_PART.search(out) and t[:1].isdigit() else join_wrapped(out, t)
        else:
            out += "\n" + t
        prev = line
    return out


# --- lines, unruled tables, paragraphs -----------------------------------------------------------


def group_lines(chars: list[Char], seg_gap: float) -> list[Line]:
    """Characters into lines by their vertical centres, top to bottom."""
    lines: list[Line] = []
    current: list[Char] = []
    cy = h = 0.0
    for c in sorted(chars, key=lambda c: (c.cy, c.x0)):
        if current and abs(c.cy - cy) <= 0.45 * max(h, c.h):
            current.append(c)
            cy += (c.cy - cy) / len(current)
        else:
            if current:
                lines.append(Line(current).finish(seg_gap))
            current, cy, h = [c], c.cy, c.h
    if current:
        lines.append(Line(current).finish(seg_gap))
    return lines


def _columns(rows: list[Line]) -> list[tuple[float, float]]:
    """Column bands of an unruled table: x-ranges covered by some cell, separated by gaps common to all rows."""
    spans = sorted((seg[0].x0, max(c.x1 for c in seg)) for line in rows for seg in line.segments)
    bands: list[list[float]] = []
    for a, b in spans:
        if bands and a <= bands[-1][1] + 1.0:
            bands[-1][1] = max(bands[-1][1], b)
        else:
            bands.append([a, b])
    return [(a, b) for a, b in bands]


def _aligned(rows: list[Line]) -> tuple[list[list[str]], list[list[Box | None]]] | None:
    """The rows as a grid of aligned columns, with each cell's box; None when the columns are not aligned."""
    bands = _columns(rows)
    grid, boxes = [], []
    for line in rows:
        texts, places = [""] * len(bands), [None] * len(bands)
        for seg in line.segments:
            k = next(i for i, (a, b) in enumerate(bands) if a - 1.0 <= seg[0].x0 <= b + 1.0)
            if texts[k]:
                return None  # two cells in one band: the columns are not aligned
            texts[k], places[k] = text_of(seg), box_of(seg)
        grid.append(texts)
        boxes.append(places)
    return grid, boxes


def _segments(rows: list[Line]) -> tuple[list[list[str]], list[list[Box | None]]]:
    """The rows as they are, each run of characters a cell, with its box."""
    return ([[text_of(seg) for seg in line.segments] for line in rows],
            [[box_of(seg) for seg in line.segments] for line in rows])


@dataclass
class _Item:
    """Something to emit on a page, in reading order."""

    top: float
    kind: str  # text | table | furniture (a page number: kept in the document, not read as content)
    text: str = ""
    lines: int = 1  # physical lines it spans
    grid: list = field(default_factory=list)
    layout: str = "pdf"  # pdf (running text), ruled, words
    covered: list | None = None  # for ruled tables: where each covered cell's text is (up, left, "")
    box: Box | None = None  # of text: where its characters are on the page
    conf: float | None = None  # read by text recognition: how sure it is of the item (its least sure character)
    row_confs: list | None = None  # of a table read by text recognition: how sure it is of each row
    boxes: list | None = None  # of a table: each grid cell's box (None for an empty or covered cell)
    xs: list | None = None  # of a ruled table: its column lines
    reach: tuple[float, float] = (0.0, 1.0)  # of a table: its top and bottom, as shares of the page's height


def _paragraphs(lines: list[Line], page_width: float) -> list[_Item]:
    """Paragraphs: wrapped lines joined."""
    prose = [ln for ln in lines if len(ln.chars) >= 8]
    right = max((ln.x1 for ln in prose), default=page_width)
    left = min((ln.x0 for ln in prose), default=0.0)
    # a page whose lines all stop well short of its width holds headings and captions, not wrapped paragraphs:
    # "2024年一般公共预算基本支出表" and "编制单位：… 单位：元" below it are two lines, not one sentence
    wraps = right - left >= 0.6 * page_width
    out: list[_Item] = []
    prev = None
    for line in lines:
        text = text_of(line.chars)
        if (
            prev is not None
            and wraps
            and wrapped(prev, line, right)
            and line.x0 <= left + 0.6 * line.h
            and line.top - prev.bottom <= 0.9 * line.h
            and abs(line.h - prev.h) <= 0.25 * prev.h
            and not _LIST_START.match(text)
        ):
            out[-1].text = join_wrapped(out[-1].text, text)
            out[-1].lines += 1
            out[-1].box = union(out[-1].box, box_of(line.chars))
        else:
            out.append(_Item(line.top, "text", text, box=box_of(line.chars)))
        prev = line
    return out


def read_page(page, plumber_page=None) -> tuple[list[_Item], int, PageObjects]:
    """The items of one page in reading order, its count of characters, and what else it draws.
    `plumber_page()` gives the page as pdfplumber reads it, for pages pdfium cannot read in full."""
    frame = _Frame(page)
    textpage = page.get_textpage()
    try:
        chars = page_chars(textpage, frame)
    finally:
        textpage.close()
    objects = page_objects(page, frame)
    if objects.missing_font and plumber_page is not None and frame.rotation == 0:
        chars = pdfminer_chars(plumber_page())
    if not chars:
        return [], 0, objects
    return lay_out(chars, objects, *frame.size), len(chars), objects


def lay_out(chars: list[Char], objects: PageObjects, width: float, height: float) -> list[_Item]:
    """A page's items in reading order from its characters and rules, in reading space (points from the top
    left of the page as shown): ruled grids, then lines, grouped into unruled tables and paragraphs.  What a PDF's
    text layer gives and what text recognition finds on a picture of a page are laid out alike."""
    # joining rules into grids grows steeply with their number: a page of thousands of lines is read as text
    objects.too_many_rules = len(objects.hs) + len(objects.vs) > limits.current().max_rules_per_page
    grids = [] if objects.too_many_rules else find_grids(objects.hs, objects.vs)
    loose = []
    for c in chars:
        for g in grids:
            if g.contains(c):
                g.place(c)
                break
        else:
            loose.append(c)
    items = [_Item(g.ys[0], "table", lines=len(g.ys) - 1, grid=_grid_texts(g), layout="ruled", covered=g.covered(),
                   boxes=_grid_boxes(g), xs=g.xs, reach=(g.ys[0] / height, g.ys[-1] / height)) for g in grids]
    lines = group_lines(loose, seg_gap=1.0)
    items += [_Item(ln.top, "furniture", text_of(ln.chars), box=box_of(ln.chars))
              for ln in lines if _is_page_number(ln, height)]
    lines = [ln for ln in lines if not _is_page_number(ln, height)]
    items += _line_items(lines, width)
    items.sort(key=lambda it: it.top)
    return items


def _is_page_number(line: Line, height: float) -> bool:
    edge = line.bottom < 0.1 * height or line.top > 0.9 * height
    return edge and bool(_PAGE_NUMBER.match(text_of(line.chars).strip()))


def _line_items(lines: list[Line], page_width: float) -> list[_Item]:
    """Runs of lines with wide gaps become unruled tables; a single such line (a heading, "编制部门：… 单位：元")
    is a line of text, its parts one space apart; the other lines become paragraphs."""
    items: list[_Item] = []
    k = 0
    while k < len(lines):
        if len(lines[k].segments) >= 2:
            end = k
            while end + 1 < len(lines) and len(lines[end + 1].segments) >= 2:
                end += 1
            rows = lines[k:end + 1]
            if len(rows) == 1:
                items.append(_Item(rows[0].top, "text", " ".join(text_of(seg) for seg in rows[0].segments),
                                   box=box_of(rows[0].chars)))
            else:
                grid, boxes = _aligned(rows) or _segments(rows)
                items.append(_Item(rows[0].top, "table", lines=len(rows), grid=grid, layout="words", boxes=boxes))
            k = end + 1
            continue
        end = k
        while end + 1 < len(lines) and len(lines[end + 1].segments) < 2:
            end += 1
        items += _paragraphs(lines[k:end + 1], page_width)
        k = end + 1
    return items


def _grid_boxes(g: Grid) -> list[list[Box | None]]:
    """Each grid cell's box: where the characters of its merged cell are (None where there are none)."""
    out: list[list[Box | None]] = [[None] * (len(g.xs) - 1) for _ in range(len(g.ys) - 1)]
    for pos, chars in g.cells.items():
        out[pos[0]][pos[1]] = box_of(chars)
    return out


def _grid_texts(g: Grid) -> list[list[str]]:
    nr, nc = len(g.ys) - 1, len(g.xs) - 1
    out = [[""] * nc for _ in range(nr)]
    for pos, chars in g.cells.items():
        out[pos[0]][pos[1]] = cell_text(chars, g.right_edge(pos))
    return out


# --- the document -----------------------------------------------------------------------------


_FLATE = re.compile(rb"/FlateDecode\b[^\[]{0,200}?stream\r?\n", re.S)
_CHUNK = 1 << 20
_PROBE, _RATIO = 1 << 16, 100  # a stream's first 64 KB unpacking 100 times over is a bomb's, not a page's or a font's


def _inflated_beyond(data: bytes, limit: int) -> int:
    """The bytes the file's Flate streams unpack to, once past `limit` (0 when within it), counted a megabyte at a
    time and never kept: a 1 MB stream that inflates to 1 GB would take pdfium 2 GB to parse.  A stream whose first
    64 KB unpack less than 100 times over is a page, a font or an image (they compress 2 to 10 times) and is left."""
    total = 0
    for m in _FLATE.finditer(data):
        z, pos = zlib.decompressobj(), m.end()
        try:
            probe = z.decompress(data[pos:pos + _PROBE], _PROBE * _RATIO)
        except zlib.error:
            continue  # not a stream pdfium would inflate either
        if len(probe) < _PROBE * _RATIO:
            continue
        total, pos = total + len(probe), pos + _PROBE
        tail = z.unconsumed_tail
        try:
            while total <= limit and not z.eof and (tail or pos < len(data)):
                if not tail:
                    tail, pos = data[pos:pos + _PROBE], pos + _PROBE  # small pieces: the tail is copied per call
                out = z.decompress(tail, _CHUNK)  # what it unpacks to, a megabyte at a time
                tail = z.unconsumed_tail
                total += len(out)
        except zlib.error:
            continue
        if total > limit:
            return total
    return 0


def _open(data: bytes):
    limit = limits.current().max_unzipped_mb << 20
    if big := _inflated_beyond(data, limit):
        raise ReadError(f"PDF 中的压缩数据解压后超过 {limit >> 20} MB（已解出 {big >> 20} MB 即停止），疑为“压缩炸弹”，未读取")
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ReadError("PDF 已加密（设有打开密码），无法读取；请提供未加密的文件") from None
        raise ReadError(f"PDF 文件已损坏，无法读取（{exc}）") from None


def _garbled(items: list[_Item]) -> bool:
    text = "".join(it.text for it in items) + "".join(t for it in items for row in it.grid for t in row)
    bad = sum(1 for ch in text if "\ue000" <= ch <= "\uf8ff" or ch == "\ufffd" or ord(ch) < 32 and ch != "\n")
    return len(text) > 20 and bad > 0.3 * len(text)


@register("pdf", cached=True)
def read_pdf(data: bytes, name: str) -> Document:
    pdf = _open(data)
    b = DocumentBuilder(name, "pdf")
    scans, text_pages, ocr_pages, read = [], 0, 0, []
    plumber = _Plumber(data)
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            try:
                items, nchars, objects = read_page(page, lambda i=i: plumber.page(i))
            finally:
                page.close()
            if not nchars or _garbled(items):  # no usable text layer: a picture of a page, read by OCR if it can be
                recognised = _recognised(pdf, i) if (objects.images or nchars) else None
                if recognised == []:  # a picture of an empty page: a scanned page, nothing to read, nothing unread
                    ocr_pages += 1
                    continue
                if recognised:
                    text_pages += 1
                    ocr_pages += 1
                    read.append((i + 1, recognised))
                elif nchars:
                    b.issue("页", Location(page=i + 1), "文字层无法解码（字体缺少 Unicode 映射），该页未读取" + no_ocr())
                elif objects.images:
                    scans.append(i + 1)
                continue
            if objects.too_many_rules:
                b.issue("页", Location(page=i + 1), f"页面画有 {len(objects.hs) + len(objects.vs)} 条表格线，超过上限 "
                        f"{limits.current().max_rules_per_page}，未按表格读取，该页的表格未经核查")
            text_pages += 1
            read.append((i + 1, items))
        pages = len(pdf)
    finally:
        pdf.close()
        plumber.close()
    for (_, before), (_, after) in zip(read, read[1:]):
        _mend_broken_row(before, after)
    for page, items in read:
        emit(b, items, Location(page=page))
    if not text_pages:
        if scans:
            raise ReadError(f"扫描件，无文字层，无法读取（共 {pages} 页）{no_ocr()}；"
                            "请提供可复制文字的 PDF 或原始 Word/Excel 文件")
        raise ReadError("PDF 中没有可读取的文字")
    for first, last in _runs(scans):  # pages 9–30 without text: one place not read, not 22
        where = Location(page=first) if first == last else f"第{first}–{last}页（共 {last - first + 1} 页）"
        b.issue("页", where, "扫描件，无文字层，无法读取" + no_ocr())
    return b.build(pages=pages, recognised=ocr_pages)


def no_ocr() -> str:
    """Why a picture of a page was not recognised."""
    if not limits.current().ocr:
        return "（文字识别已关闭：[read] ocr = false 或 --no-ocr）"
    return "" if ocr.available() else "（未安装文字识别组件 rapidocr-onnxruntime，见 README）"


def _recognised(pdf, i: int) -> list[_Item] | None:
    """The items of page i read from its picture by text recognition, each knowing how sure the recognition is of
    it ([] for a picture of an empty page; None: OCR off or not installed, or nothing recognised on a page that
    has ink)."""
    if not (limits.current().ocr and ocr.available()):
        return None
    page = pdf[i]
    try:
        scale = 2 * ocr.LONG_SIDE / max(_Frame(page).size)  # twice what is recognised: unsure figures read again
        image = page.render(scale=scale).to_pil()
    finally:
        page.close()
    return recognised_page(image, 1 / scale)


def recognised_page(image, points_per_pixel: float) -> list[_Item] | None:
    """A picture of a page recognised and laid out ([] for an empty page; None when nothing was recognised on a page
    that has ink).  A picture read turned a quarter gives its places no box: where its text stands as read upright
    is not where it stands on the picture as stored (a crop would show the wrong part of it)."""
    if ocr.blank(image):
        return []
    found = ocr.recognise(image, points_per_pixel)
    if not found or not found[0]:
        return None
    items = recognised_items(*found)
    if (found[2][0] > found[2][1]) != (image.width > image.height):
        for it in items:
            it.box = None
            it.boxes = [[None] * len(row) for row in it.grid] if it.boxes is not None else None
    return items


def recognised_items(chars: list[Char], objects: PageObjects, size: tuple[float, float]) -> list[_Item]:
    """A recognised page laid out, each item knowing how sure the recognition is of its figures: the least sure of
    its digits (a label's character read unsure does not make a figure doubtful; a sum over a misread label is
    held back as a place not judged, see FindingBook)."""
    items = lay_out(chars, objects, *size)
    digits = [c for c in chars if c.ch.isdigit()]
    for it in items:
        if it.kind == "table" and it.boxes:  # row by row: one doubtful figure holds back its row, not the table
            it.row_confs = [_least(digits, union(*row)) for row in it.boxes]
            it.conf = min(it.row_confs, default=1.0)
        else:
            it.conf = _least(digits, it.box)
    return items


def _least(digits: list[Char], area: Box | None) -> float:
    """How sure recognition is of the least sure digit inside `area` (1.0 where there is none)."""
    inside = [c.conf for c in digits if area and area[0] - 1 <= c.cx <= area[2] + 1 and area[1] - 1 <= c.cy <= area[3] + 1]
    return round(min(inside), 3) if inside else 1.0


def _mend_broken_row(before: list[_Item], after: list[_Item]) -> None:
    """A ruled table whose last row the page break cut in two: the row's rest, at the top of the next page in a table
    of the same columns ("经济分类科目" ┆ "名称", or "机关事业" ┆ "单位职业年金缴费支出" with "4,497,10" ┆ "0"), is put back
    into it, when nothing else fits: the rest of a header (the table printed no figure yet), or a rest without a
    label whose figures are whole only when put together."""
    last = next((it for it in reversed(before) if it.kind != "furniture"), None)
    first = next((it for it in after if it.kind != "furniture"), None)
    if not (last and first and last.kind == first.kind == "table" and last.xs and first.xs and first.grid
            and len(last.xs) == len(first.xs) and all(abs(a - b) <= 2.0 for a, b in zip(last.xs, first.xs))
            and last.reach[1] >= 0.8 and first.reach[0] <= 0.2):
        return
    rest, cut = first.grid[0], last.grid[-1]
    if not any(t.strip() for t in rest):
        return
    # a header cut in two: the table so far is its header (no figure yet), the cut row heads several columns, and the
    # rest is words under some of them only ("科目编码 │ 经济分类科目 │ 合计 …" ┆ "│ 名称 │")
    heads = [i for i, t in enumerate(cut) if t.strip()]
    under = [i for i, t in enumerate(rest) if t.strip()]
    words = (not any(_is_figure(t) for row in last.grid for t in row) and not any(_is_figure(t) for t in rest)
             and len(heads) >= 2 and len(under) < len(heads) and set(under) <= set(heads))
    # a row of figures cut in two: its rest has no label of its own, and each figure put together is whole
    # ("4,497,10" ┆ "0"), where a figure already whole on the page before would mean a new row
    figures = not rest[0].strip() and cut[0].strip() and all(_goes_on(a, b) for a, b in zip(cut, rest))
    # a row of figures whose label and code ran on (Word lets a row break across pages): "20805 │ 机关事 │ 42.14" ┆
    # "05 │ 业单位基本养老保险缴费支出 │": the rest prints no figure, only words under the cut row's words, and its first
    # cell is empty or the rest of the code (a full code, 3, 5 or 7 digits, would begin a row of its own)
    label = (any(_is_figure(t) for t in cut[1:]) and not any(_is_figure(t) for t in rest[1:])
             and all(not b.strip() or (a.strip() and not _is_figure(a)) for a, b in zip(cut[1:], rest[1:]))
             and _code_goes_on(cut[0].strip(), rest[0].strip()))
    # running text cut mid-sentence: every piece of the rest stands under a sentence of the cut row that the page
    # break stopped before its end ("…同时积极推进在老挝万象" ┆ "水泥有限公司挂牌…"), and begins no numbered item
    prose = (not any(_is_figure(t) for t in rest)
             and all(len(a.strip()) >= 8 and a.strip()[-1] not in "。；！？.;!?：:" and not _ITEM.match(b.strip())
                     for a, b in zip(cut, rest) if b.strip()))
    if not (words or figures or label or prose):
        return
    last.grid[-1] = [(a + b if _is_figure(a + b) else join_wrapped(a, b)) if a and b else a or b
                     for a, b in zip(cut, rest)]
    last.boxes[-1] = [union(a, b) for a, b in zip(last.boxes[-1], first.boxes[0])]
    if first.row_confs is not None:  # recognised: the mended row is as sure as the less sure of its two halves
        if last.row_confs:
            last.row_confs[-1] = min(last.row_confs[-1], first.row_confs[0])
        first.row_confs = first.row_confs[1:]
    for name in ("grid", "boxes", "covered"):
        setattr(first, name, getattr(first, name)[1:])
    first.lines -= 1
    if not first.grid:
        after.remove(first)


_ITEM = re.compile(r"[（(]?[一二三四五六七八九十\d]+[、.．)）]")  # 一、 1. （二） 3）: an item of its own


def _code_goes_on(cut: str, rest: str) -> bool:
    """The first cell of a row's rest continues its code, or is empty (the label alone ran on)."""
    if not rest:
        return True
    return cut.isdigit() and rest.isdigit() and len(rest) < 3 and len(cut + rest) in (5, 7)


_FIGURE = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?$")  # 1,234.56 whole: "4,497,10" is a piece


def _is_figure(text: str) -> bool:
    return bool(_FIGURE.match(text.strip()))


def _goes_on(cut: str, rest: str) -> bool:
    """Whether `rest` may be the end of the cell `cut` began: one of them empty, words after words, or the piece of
    a figure that only with `rest` is whole."""
    if not cut.strip() or not rest.strip():
        return True
    if _is_figure(cut) or _is_figure(rest):
        return not _is_figure(cut) and _is_figure(cut + rest)
    return True


def _runs(pages: list[int]) -> list[tuple[int, int]]:
    """Consecutive page numbers as (first, last) runs: [9, 10, 11, 14] → [(9, 11), (14, 14)]."""
    runs: list[tuple[int, int]] = []
    for p in sorted(pages):
        if runs and p == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], p)
        else:
            runs.append((p, p))
    return runs


class _Plumber:
    """pdfplumber on the same bytes, opened only if a page needs it."""

    def __init__(self, data: bytes) -> None:
        self.data, self.pdf = data, None

    def page(self, i: int):
        if self.pdf is None:
            import pdfplumber  # here, not at the top: only pages pdfium cannot measure need it

            self.pdf = pdfplumber.open(io.BytesIO(self.data))
        return self.pdf.pages[i]

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()


def emit(b: DocumentBuilder, items: list[_Item], at: Location) -> None:
    """Items of one page (`at`: Location(page=…), or Location(image=…) for a picture in a Word file) as blocks; a
    paragraph is located at its first line, counting every line of the page.  An item read by text recognition
    less surely than [read] ocr_min_confidence is a read issue: its figures are not relied on."""
    page, image = at.page, at.image
    line = table = 0
    least = limits.current().ocr_min_confidence
    for it in items:
        conf = it.conf
        scan = "scan-" if conf is not None else ""  # what was read from a picture says so in its layout
        if it.kind in ("text", "furniture"):
            where = Location(page=page, image=image, line=line + 1, box=it.box, conf=conf)
            b.text(it.text, where, scan + "pdf", furniture=it.kind == "furniture")
        else:
            table += 1
            t, boxes = table, it.boxes or [[] for _ in it.grid]
            rows = it.row_confs or [conf] * len(it.grid)
            where = Location(page=page, image=image, table=t, conf=conf)
            b.table(it.grid,
                    lambda r, c, t=t, boxes=boxes, rows=rows: Location(
                        page=page, image=image, table=t, row=r + 1, col=c + 1,
                        box=boxes[r][c] if c < len(boxes[r]) else None, conf=rows[r]),
                    lambda r, t=t, boxes=boxes, rows=rows: Location(page=page, image=image, table=t, row=r + 1,
                                                                    box=union(*boxes[r]), conf=rows[r]),
                    scan + it.layout, where, covered=it.covered or [[""] * len(row) for row in it.grid])
            unsure = [r for r, c in enumerate(rows) if c is not None and c < least
                      and any(ch.isdigit() for cell in it.grid[r] for ch in cell)]
            if unsure:
                more = f"；本表另有 {len(unsure) - 1} 行同样" if len(unsure) > 1 else ""
                worst = min(rows[r] for r in unsure)
                b.issue("表格", Location(page=page, image=image, table=t, row=unsure[0] + 1), _unsure(worst, least, more))
        if it.kind == "text" and conf is not None and conf < least and any(ch.isdigit() for ch in it.text):
            b.issue("文档", where, _unsure(conf, least))
        line += it.lines


def _unsure(conf: float, least: float, more: str = "") -> str:
    """Why figures read by text recognition are not relied on."""
    return f"文字识别置信度低（{conf:.2f}，低于 {least:g}{more}），其中的数字可能误读，不作为问题依据，请对照原件核对"

