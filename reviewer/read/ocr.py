"""Pages that are pictures — a scanned PDF page, a photo, a PNG/JPEG/TIFF file (issue 25) — read offline by text
recognition: RapidOCR (rapidocr-onnxruntime, the PP-OCRv4 Chinese models inside its wheel, on onnxruntime on the
CPU).  What it finds becomes the same characters and rules the PDF reader lays out (pdf.lay_out): each recognised
run of text is spread over its box, character by character, with its confidence; the ruled lines of the picture's
tables are found with OpenCV; so a scan's tables become the same grids, cell by cell, as a PDF's.

    chars, rules, size = recognise(image, points_per_pixel)      # None where OCR is not installed

Before recognition the picture is made what the engine reads best: its red channel as grey (a red seal over a
table fades into the paper, black text stays), turned upright when its lines run down the page (the engine's own
classifier knows 0/180° only), straightened when its rules lean, and sized so its longer side is LONG_SIDE pixels
(the speed of recognition follows the pixels; the digits of a budget table stay whole at that size).

How sure a run holding figures is, is told from the recogniser's own probabilities, step by step along the run
(`figure_sureness`): not the engine's mean over its characters — a lone "0" or "1" in a cell scores 0.8 there,
the glyph being as much "o" or "l", while a figure misread in a blurred scan still scores 0.93 — but the largest
chance, at any step, that a figure character other than the one read stands there (another digit or separator,
one missed, two run together).  Measured on 1,487 figures read right and 29 read wrong from real 决算 pages at
45–150 dpi, some blurred: at 0.85 this measure lets 10 wrong readings through where the mean at 0.9 let 17, and
holds back 1 of 588 right ones read at 100–150 dpi (rules.toml, ocr_min_confidence).
"""
from __future__ import annotations

from functools import lru_cache

from .geometry import Char, PageObjects

LONG_SIDE = 1500  # pixels of a page's longer side as recognised: an A4 page at about 130 dpi
RECHECK = 0.95  # a run holding figures read less surely than this is read again from the full picture
GLYPHS = 0.6  # of a detected box's height, the glyphs'
FIGURE = set("0123456789.,%-")  # the characters whose misreading changes a figure
_WIDE = 0x2E80  # from here on a character takes a full width (CJK); before it, about half (digits, Latin)


def available() -> bool:
    return _engine() is not None


@lru_cache(maxsize=1)
def _engine():
    """The recognition engine of this process, built once: one thread (a batch runs a worker per core), no
    direction classifier (whole pages are turned here)."""
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError:  # not installed (a Python it has no wheel for): scans are said to be unread
        return None
    _keep_freed_memory()
    engine = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1, use_cls=False)
    engine.text_rec.postprocess_op = _FigureDecode(engine.text_rec.postprocess_op)
    return engine


class _FigureDecode:
    """The engine's CTC decoding, a run holding a digit scored by `figure_sureness` rather than the mean."""

    def __init__(self, decode):
        import numpy as np

        self.decode = decode
        self.figure = np.array([ch in FIGURE for ch in decode.character])

    def __call__(self, preds, return_word_box: bool = False, **kwargs):
        import numpy as np

        out = self.decode(preds, return_word_box, **kwargs)
        ratios, widest = kwargs.get("wh_ratio_list"), kwargs.get("max_wh_ratio")
        steps = preds.shape[1]
        for i, (text, conf, *rest) in enumerate(out):
            if any(ch.isdigit() for ch in text):
                # the steps over the picture itself, not the grey the batch pads it with
                used = min(steps, max(1, int(np.ceil(steps * ratios[i] / widest - 1e-6)))) if ratios else steps
                out[i] = (text, figure_sureness(preds[i, :used], self.figure), *rest)
        return out


def figure_sureness(p, figure) -> float:
    """1 − the largest probability, at any step of a run (p: steps × characters, index 0 the CTC blank), that a
    figure character other than the one decoded stands there.  At a blank step the character read just before or
    after only widens its own span (unless the same character stands on both sides: then two would run together)."""
    import numpy as np

    top = p.argmax(axis=1)
    steps = np.arange(len(top))
    doubt = p @ figure - np.where(figure[top], p[steps, top], 0.0)
    read = np.nonzero(top)[0]
    if len(read):
        before = top[read[np.clip(np.searchsorted(read, steps, side="right") - 1, 0, None)]]
        after = top[read[np.clip(np.searchsorted(read, steps, side="left"), None, len(read) - 1)]]
        before = np.where(steps > read[0], before, -1)
        after = np.where(steps < read[-1], after, -1)
        blank = (top == 0) & (before != after)
        for side in (before, after):
            widen = blank & (side >= 0) & figure[np.maximum(side, 0)]
            doubt -= np.where(widen, p[steps, np.maximum(side, 0)], 0.0)
    return float(1.0 - max(0.0, doubt.max()))


def _keep_freed_memory() -> None:
    """The engine runs its models without a memory arena: every tensor of a long line of text is a fresh block of
    megabytes, which glibc maps and unmaps each time — on a dense page of text more time in the kernel than in
    the model (measured: 4–7 s of 10–14 s a page).  Large blocks from the heap, kept when freed, halve the page."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(-3, 256 << 20)  # M_MMAP_THRESHOLD: blocks below 256 MB come from the heap
        libc.mallopt(-1, 512 << 20)  # M_TRIM_THRESHOLD: the heap keeps up to 512 MB freed for the next page
    except (OSError, AttributeError):  # not glibc: the engine is only slower
        pass


def recognise(image, points_per_pixel: float) -> tuple[list[Char], PageObjects, tuple[float, float]] | None:
    """The characters (each with its confidence) and rules of a picture of a page, in points from its top left
    (`points_per_pixel`: the page's size over the picture's), and the page's (width, height) as it stands once
    upright; None when no OCR engine is installed."""
    engine = _engine()
    if engine is None:
        return None
    import numpy as np

    import cv2

    full = _grey(image)
    factor = min(1.0, LONG_SIDE / max(full.shape))
    grey = cv2.resize(full, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA) if factor < 1.0 else full
    lean = _lean(grey)
    if lean:
        grey, full = _turned(grey, lean), (_turned(full, lean) if factor < 1.0 else None)
    found, _ = engine(np.dstack([grey] * 3))
    if _sideways(found):  # a page turned a quarter: read again the right way up, in the page's own frame
        quarter = _upright(grey)
        grey, full = cv2.rotate(grey, quarter), (cv2.rotate(full, quarter) if factor < 1.0 else None)
        found, _ = engine(np.dstack([grey] * 3))
    rules = _rules(grey)
    found = [_dash(run, grey) for run in _split_at_rules(found or [], grey, rules)]
    if factor < 1.0:
        found = _read_again(found, full, factor)
    scale = points_per_pixel / factor
    chars = [c for box, text, conf in found for c in _spread(box, text, float(conf), scale)]
    rules.hs = [(y * scale, a * scale, b * scale) for y, a, b in rules.hs]
    rules.vs = [(x * scale, a * scale, b * scale) for x, a, b in rules.vs]
    return chars, rules, (grey.shape[1] * scale, grey.shape[0] * scale)


def _dash(run, grey):
    """A lone glyph read as a digit whose ink is a short flat stroke is the dash a form prints in an empty cell
    ("-"): the recogniser, shown the stroke squeezed to its line height, reads it "1" as surely as 0.97 (seen on a
    300 dpi scan).  The ink's own shape settles it."""
    box, text, conf = run
    if len(text.strip()) != 1 or not text.strip().isdigit():
        return run
    x0, top, x1, bottom = _bounds(box)
    crop = grey[max(0, int(top)):int(bottom) + 1, max(0, int(x0)):int(x1) + 1]
    rows, cols = (crop < 128).nonzero()
    if not len(rows):
        return run
    tall, wide = rows.max() - rows.min() + 1, cols.max() - cols.min() + 1
    if tall <= 0.3 * crop.shape[0] and wide >= 2 * tall:
        return box, "-", 1.0
    return run


def _split_at_rules(found: list, grey, rules: PageObjects) -> list:
    """A run the detector drew across a table's vertical rule (two cells' figures close to the rule, "90.00│90.00"
    found as "90.0090.00"; a label and the figure beside it, "住房公积金│33.82") is read again cell by cell, each
    part between the rules on its own: spread over the whole box, its characters would fall into the cells by
    their estimated widths, a digit on the wrong side of the rule ("住房公积金3│3.82")."""
    out = []
    for box, text, conf in found:
        x0, top, x1, bottom = _bounds(box)
        inset = 0.3 * (bottom - top)
        # a rule through the run from above its glyphs to below them, longer than a glyph is tall: a big title's
        # own upright strokes pass for short rules (GLYPHS of the box's height)
        cuts = sorted(x for x, a, b in rules.vs if x0 + inset < x < x1 - inset and a <= top + inset
                      and b >= bottom - inset and b - a >= 1.5 * GLYPHS * (bottom - top))
        if not cuts:
            out.append((box, text, conf))
            continue
        edges = [x0, *cuts, x1]
        for left, right in zip(edges, edges[1:]):
            if right - left < inset:
                continue
            again = _read_alone(grey[max(0, int(top)):int(bottom) + 1, int(left) + 2:int(right) - 1])
            if again and again[0].strip():
                part = [[left + 2, top], [right - 1, top], [right - 1, bottom], [left + 2, bottom]]
                out.append((part, again[0].strip(), again[1]))
    return out


def _read_alone(crop) -> tuple[str, float] | None:
    """A crop of a picture holding one run of text, recognised without looking for text in it: (text, how sure)."""
    import numpy as np

    if not crop.size:
        return None
    again, _ = _engine()(np.dstack([crop] * 3), use_det=False)
    return (again[0][0], float(again[0][1])) if again and again[0][0] else None


def blank(image) -> bool:
    """A picture of an empty page: next to no ink at about 95 dpi, where a thin rule fades to grey and text does not
    (a page left blank between tables, or holding only the empty ruled row a table ran over into, is no page
    unread: its text-layer PDF has no characters there either)."""
    import numpy as np
    shrink = max(1, round(max(image.size) / (LONG_SIDE / 4)))
    grey = np.asarray(image.convert("L").reduce(shrink))
    return float((grey < 160).mean()) < 0.0005


def _grey(image):
    """The picture as grey from its red channel: red ink (a seal, a signature in red) comes out as light as paper."""
    import numpy as np
    return np.asarray(image.convert("RGB"))[:, :, 0].copy()


def _sideways(found) -> bool:
    """Most runs of text the detector found stand taller than wide: the page lies on its side.  (Runs of two
    characters count: on a table lying on its side the detector finds little more than its short cells.)"""
    runs = [box for box, text, _ in (found or []) if len(text) >= 2]
    tall = sum(1 for x0, top, x1, bottom in map(_bounds, runs) if bottom - top > 1.5 * (x1 - x0))
    return len(runs) >= 3 and tall > 0.6 * len(runs)


def _bounds(box) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of a detected run's four corners."""
    xs, ys = [p[0] for p in box], [p[1] for p in box]
    return min(xs), min(ys), max(xs), max(ys)


def _upright(grey):
    """A page lying on its side turned upright: which way is told by recognising a strip of it both ways, the
    more confident way winning (the engine's own classifier knows 0/180° only)."""
    import cv2
    import numpy as np

    engine = _engine()
    best, score = cv2.ROTATE_90_CLOCKWISE, -1.0
    for quarter in (cv2.ROTATE_90_CLOCKWISE, cv2.ROTATE_90_COUNTERCLOCKWISE):
        turned = cv2.rotate(grey, quarter)
        strip = turned[: max(64, turned.shape[0] // 4)]
        found, _ = engine(np.dstack([strip] * 3))
        s = sum(float(conf) * len(text) for _, text, conf in (found or []))
        if s > score:
            best, score = quarter, s
    return best


def _read_again(found: list, full, factor: float) -> list:
    """Runs holding figures that were read unsure (below RECHECK) read again from the full picture, each on its
    own: a figure's strokes at twice the pixels often settle what the page-sized picture left open.  The surer
    reading is kept."""
    out = []
    for box, text, conf in found:
        conf = float(conf)
        if conf < RECHECK and any(ch.isdigit() for ch in text):
            x0, top, x1, bottom = (v / factor for v in _bounds(box))
            pad = 0.15 * (bottom - top)
            again = _read_alone(full[max(0, int(top - pad)):int(bottom + pad) + 1, max(0, int(x0 - pad)):int(x1 + pad) + 1])
            if again and again[1] > conf:
                text, conf = again
        out.append((box, text, conf))
    return out


def _turned(grey, lean: float):
    import cv2
    h, w = grey.shape
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), lean, 1.0)
    return cv2.warpAffine(grey, turn, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def _lean(grey) -> float:
    """How far a page scanned a little askew leans, by its long rules (a table's lines): within ±5°, from 0.3°
    (less is within what the layout tolerates; 0 then)."""
    import cv2
    import numpy as np

    # only the long runs of ink across (a table's rules, opened out of the picture) are searched for lines: a
    # tenth of the time of the whole picture's edges
    ink = _ink(grey)
    runs = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(20, grey.shape[1] // 30), 1)))
    runs = cv2.resize(runs, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)  # a quarter of the pixels
    lines = cv2.HoughLinesP(runs, 1, np.pi / 1800, threshold=100, minLineLength=runs.shape[1] // 3, maxLineGap=4)
    if lines is None:
        return 0.0
    angles = [np.degrees(np.arctan2(y2 - y1, x2 - x1)) for x1, y1, x2, y2 in lines.reshape(-1, 4).astype(float)]
    angles = [a for a in angles if abs(a) <= 5]
    lean = float(np.median(angles)) if angles else 0.0
    return lean if abs(lean) >= 0.3 else 0.0


def _spread(box, text: str, conf: float, scale: float) -> list[Char]:
    """A recognised run of text as characters over its box, each as wide as its kind (a CJK character a full
    width, a digit or Latin letter about half), with the run's confidence."""
    x0, top, x1, bottom = (v * scale for v in _bounds(box))
    # the detector's box is the text's grown by half its height around (unclip): the glyphs' own height is
    # what tells one line from the next in close-set paragraphs
    middle, half = (top + bottom) / 2, (bottom - top) * GLYPHS / 2
    top, bottom = middle - half, middle + half
    weights = [0.0 if ch.isspace() else (1.0 if ord(ch) >= _WIDE else 0.55) for ch in text]
    total = sum(weights)
    if not total or x1 <= x0 or bottom <= top:
        return []
    out, x, space = [], x0, False
    for ch, w in zip(text, weights):
        if not w:
            space = True
            continue
        width = (x1 - x0) * w / total
        out.append(Char(ch, x, top, x + width, bottom, space, conf=conf))
        x += width
        space = False
    return out


def _ink(grey):
    """The picture's ink as white on black, each pixel against its neighbourhood (uneven paper, a shadow): what the
    rules are opened out of."""
    import cv2
    return cv2.adaptiveThreshold(255 - grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 15, -5)


def _rules(grey) -> PageObjects:
    """The picture's ruled lines as a PDF page's rules: long thin runs of ink across and down (OpenCV opening with a
    line-shaped kernel), each (position, from, to) in the picture's pixels."""
    import cv2

    ink = _ink(grey)
    h, w = ink.shape
    out = PageObjects()
    for across, size in ((True, (max(20, w // 30), 1)), (False, (1, max(20, h // 40)))):
        lines = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, size))
        contours, _ = cv2.findContours(lines, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for c in contours:
            x, y, cw, ch = cv2.boundingRect(c)
            if across:
                out.hs.append((y + ch / 2, x, x + cw))
            else:
                out.vs.append((x + cw / 2, y, y + ch))
    return out
