"""Each finding's evidence as a reviewer checks it (issue 24): the place on its PDF page, cropped and boxed in red
over the figure the finding is about, or, where there is no page to picture (a sheet, a text, a web page, a PDF
whose text lost its cells), the rows around the place with the quoted one marked.

    exhibits = gather(rv.findings, {None: Path("report.pdf")})      # finding number → [Exhibit]

The box is found by the reader's own geometry (reviewer.read.pdf.page_characters): the characters inside the
place's box, and among them the figure the finding states (its stated value first, then the recomputed one, then
its other figures); a place where none of them is printed is boxed whole.  Each file is opened once and each page
rendered once, at a size for reading, whatever the number of places on it.
"""
from __future__ import annotations

import io
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

from ..model import Finding, Quote
from ..numbers import NUM
from ..settle import figures_of
from ..read import ocr
from ..read.geometry import Char
from ..read.pdf import box_of, page_characters

EVIDENCE_DIR = "evidence"  # the crops' folder in a memo folder
SCALE = 2.0  # pixels per point: 144 dpi, a 9-point character 18 pixels high
MARGIN = 36.0  # points of the page shown above and below the place: the lines either side
WIDTH = (480.0, 760.0)  # points of the page shown across, at least (a short line) and at most (a wide table's row,
# shown about its figure), where the page has them: a line of text is shown whole
RED = (220, 0, 0)
BELOW = 4.0  # line heights below a place where its figure may still be: the rest of a sentence quoted by its start
_NUMBER = re.compile(r"[-−]?" + NUM)  # the project's one figure pattern, signed


@dataclass(frozen=True)
class Exhibit:
    """One place of one finding, as the memo shows it."""
    finding: int  # the finding's number in the memo
    place: int  # the place's number among the finding's places shown (from 1)
    location: str  # 第21页第14行
    figure: str = ""  # the characters the red box marks ("" when it marks the whole line or cell)
    file: str | None = None  # which file of a report read from several
    page: int | None = None  # PDF page, from 1
    box: tuple | None = None  # what is marked, in points from the top left of the page as shown
    rect: tuple | None = None  # the same in the page's own space (left, bottom, right, top): where 标注.pdf marks it
    image: bytes = b""  # the crop, PNG
    size: tuple[int, int] = (0, 0)  # its pixels
    rows: tuple = ()  # no page to picture: the rows around the place, each (quoted?, cells) (Quote.around)

    @property
    def name(self) -> str:
        """The crop's file name in the memo folder's evidence/."""
        return f"{self.finding}-{self.place}.png"

    @property
    def caption(self) -> str:
        where = f"{self.file} {self.location}" if self.file else self.location
        if self.image:
            return f"{where}（红框处：{self.figure}）" if self.figure else f"{where}（红框处为所引内容）"
        return f"{where}及前后各行（所引行加底色" + (f"，“{self.figure}”标黄" if self.figure else "") + "）"


MOST_PLACES = 6  # of a merged finding, pictured one by one (the rest are in its table of places)


def places_of(f: Finding) -> list[tuple[Quote, tuple]]:
    """The places a memo shows under a finding, each with the figures to mark there, most relevant first: a
    merged finding's places one by one, each with its own figures; else the quotes it rests on."""
    if f.places:
        return list(f.places[:MOST_PLACES])
    figures = figures_of(f.evidence, f.message)
    return [(q, figures) for q in (f.evidence.get("quotes") or [])[:2]]


def shown_quotes(f: Finding) -> list[Quote]:
    return [q for q, _ in places_of(f)]


def gather(findings: list[Finding], sources: dict) -> dict[int, list[Exhibit]]:
    """Each finding's exhibits (by its number in the memo, from 1).  `sources`: the file of each part of the
    report, by the name its locations give it (None: the report's only file)."""
    out: dict[int, list[Exhibit]] = defaultdict(list)
    on_pages: dict = defaultdict(lambda: defaultdict(list))  # file → page → its places
    for n, f in enumerate(findings, 1):
        for k, (q, figures) in enumerate(places_of(f), 1):
            loc = q.location if isinstance(q, Quote) else None
            if loc is None:
                continue
            # a place with a box was read from a page (a PDF's, or a picture's: told from the file's bytes below)
            if loc.page and loc.box and sources.get(loc.file) and Path(sources[loc.file]).is_file():
                on_pages[loc.file][loc.page].append((n, k, q, figures))
            elif q.around:
                out[n].append(_rows(n, k, q, figures))
    for file in sorted(on_pages, key=lambda f: f or ""):
        for ex in _in_file(Path(sources[file]), file, on_pages[file]):
            out[ex.finding].append(ex)
    return {n: sorted(exs, key=lambda e: e.place) for n, exs in sorted(out.items())}


def _in_file(path: Path, file: str | None, pages: dict[int, list]) -> list[Exhibit]:
    """The exhibits of one file, opened once: each page's characters found and the page rendered once for all its
    places.  A file that is no PDF (a picture read by OCR) or cannot be opened again (moved, changed since it was
    read) gives its places' rows instead."""
    try:
        pdf = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, OSError):
        return [ex for places in pages.values() for ex in _fallback(places)]
    try:
        return [ex for page_no in sorted(pages) for ex in _on_page(pdf, file, page_no, pages[page_no])]
    finally:
        pdf.close()


def _on_page(pdf, file: str | None, page_no: int, places: list) -> list[Exhibit]:
    if not 1 <= page_no <= len(pdf):
        return _fallback(places)
    page = pdf[page_no - 1]
    try:
        chars, frame = page_characters(page)
        bitmap = page.render(scale=SCALE).to_pil().convert("RGB")
    finally:
        page.close()
    out = []
    taken: set = set()  # (finding, box): two places of a finding never mark the same figure
    for n, k, q, figures in places:
        here = chars or _recognised_around(bitmap, q.location)  # a scanned page: its characters read where needed
        box, figure = mark(here, q.location.box, figures, {b for m, b in taken if m == n})
        taken.add((n, box))
        image, size = _crop(bitmap, box, q.location.box, frame.size)
        out.append(Exhibit(n, k, q.location.in_file, figure, file, page_no, box, frame.unbox(*box), image, size))
    return out


def _recognised_around(bitmap: Image.Image, loc) -> list[Char]:
    """The characters about a place on a page that is a picture, recognised again from the rendered page (its own
    characters are not kept after reading): the place and the lines below it where its figure may stand."""
    if loc.conf is None or not ocr.available():
        return []
    x0, top, x1, bottom = loc.box
    line = max(bottom - top, 10.0)
    left, upper = max(0.0, x0 - 6), max(0.0, top - 6)
    area = (int(left * SCALE), int(upper * SCALE), int(min(bitmap.width, (x1 + 6) * SCALE)),
            int(min(bitmap.height, (bottom + BELOW * line) * SCALE)))
    if area[2] <= area[0] or area[3] <= area[1]:
        return []
    found = ocr.recognise(bitmap.crop(area), 1 / SCALE)
    if not found:
        return []
    return [Char(c.ch, c.x0 + left, c.top + upper, c.x1 + left, c.bottom + upper, c.sp, conf=c.conf) for c in found[0]]


def _fallback(places: list) -> list[Exhibit]:
    return [_rows(n, k, q, figures) for n, k, q, figures in places if q.around]


def _rows(n: int, k: int, q: Quote, figures: tuple) -> Exhibit:
    """A place without a page to picture: the rows around it, and the figure to mark in the quoted one."""
    quoted = [c for hit, cells in q.around if hit for c in cells]
    figure = next((c[a:b] for want in figures for c in quoted if (span := _find(c, want)) for a, b in [span]), "")
    return Exhibit(n, k, q.location.in_file, figure, file=q.location.file, rows=q.around)


def mark(chars: list[Char], box: tuple, figures, taken=frozenset()) -> tuple[tuple, str]:
    """(the box to draw, the characters it marks) for a place: the first of `figures` printed inside the place's
    box, else on the lines below it (a sentence quoted by its first line runs on), else the whole place ("");
    never a box in `taken` (marked for another place of the finding)."""
    inside = [c for c in chars if box[0] - 1 <= c.cx <= box[2] + 1 and box[1] - 1 <= c.cy <= box[3] + 1]
    line = max((c.h for c in inside), default=10.0)
    below = [c for c in chars if box[3] + 1 < c.cy <= box[3] + BELOW * line]
    for where in (inside, below):
        runs = _runs(where, line)
        for want in figures:
            for run in runs:
                text = "".join(c.ch for c in run)
                span = _find(text, want)
                if span is not None and _one_line(run[span[0]:span[1]], line):  # a box over two lines marks both
                    a, b = span
                    if (found := box_of(run[a:b])) not in taken:
                        return found, text[a:b]
    return (box_of(inside) or tuple(box)), ""  # the whole place, as its glyphs stand


def _runs(chars: list[Char], line: float) -> list[list[Char]]:
    """The characters as printed together: a gap of half a line or more, or a step back or down, ends a run, so
    that the figures of neighbouring cells are never one number (a scan's characters come without the spaces
    between cells: “10.00”“0.00%” read “10.000.00%” boxed “000.00”)."""
    runs: list[list[Char]] = []
    for c in chars:
        last = runs[-1][-1] if runs else None
        if last is None or c.x0 - last.x1 >= 0.5 * line or c.x1 <= last.x0 or abs(c.cy - last.cy) >= 0.6 * line:
            runs.append([c])
        else:
            runs[-1].append(c)
    return runs


def _one_line(chars: list[Char], line: float) -> bool:
    return max(c.cy for c in chars) - min(c.cy for c in chars) < 0.6 * line


def _find(text: str, want) -> tuple[int, int] | None:
    """Where `want` is printed in `text`: a number as any printing of its value (2961.68 as 2,961.68), a
    number's text as it is, a word as it is."""
    number = _number(want)
    if number is None:
        at = text.find(str(want).strip()) if str(want).strip() else -1
        return (at, at + len(str(want).strip())) if at >= 0 else None
    for m in _NUMBER.finditer(text):
        printed = m.group()
        value = _number(printed)
        if value is not None and abs(value - number) <= 1e-9 * max(1.0, abs(number)):
            return m.start(), m.start() + len(printed)
    return None


def _number(v) -> float | None:
    if isinstance(v, (int, float)):
        return float(v)
    s = str(v).strip().replace(",", "").replace("−", "-").rstrip("%")
    try:
        return float(s)
    except ValueError:
        return None


def _crop(page: Image.Image, box: tuple, place: tuple, size: tuple[float, float]) -> tuple[bytes, tuple[int, int]]:
    """The part of the page about `box`: the place it is in (its line or row) and MARGIN above and below, at least
    WIDTH wide where the page is (a wide table's row is shown about its figure, at a size for reading); the box
    drawn in red."""
    width, height = size
    top, bottom = max(0.0, box[1] - MARGIN), min(height, box[3] + MARGIN)
    least, most = WIDTH
    left, right = min(box[0], place[0]) - 12, max(box[2], place[2]) + 12
    if right - left > most:  # a row wider than a page's line: the part about the figure
        middle = (box[0] + box[2]) / 2
        left, right = middle - most / 2, middle + most / 2
    grow = max(0.0, least - (right - left)) / 2
    left, right = max(0.0, left - grow), min(width, right + grow)
    band = page.crop((round(left * SCALE), round(top * SCALE), round(right * SCALE), round(bottom * SCALE)))
    # 63 colours of the page and the red of the box, kept exact: a small PNG whose box is the red it is said to be
    band = band.convert("P", palette=Image.Palette.ADAPTIVE, colors=63)
    palette = band.getpalette()[:63 * 3]
    band.putpalette(palette + [0, 0, 0] * (63 - len(palette) // 3) + list(RED))
    pad = 2.0
    ImageDraw.Draw(band).rectangle((round((box[0] - pad - left) * SCALE), round((box[1] - pad - top) * SCALE),
                                    round((box[2] + pad - left) * SCALE), round((box[3] + pad - top) * SCALE)),
                                   outline=63, width=3)
    out = io.BytesIO()
    band.save(out, format="PNG")
    return out.getvalue(), band.size
