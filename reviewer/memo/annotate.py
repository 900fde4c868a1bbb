"""标注.pdf: the report's own PDF with each place of each finding highlighted (issue 24), the finding's number
printed beside the highlight and its title and description as the highlight's note — what a reviewer sends back
to the unit, or opens beside the memo.

Written with pypdf (BSD).  Every highlight carries its own appearance stream (a fill in the Multiply blend mode,
so the text stays readable, and the number in a standard font), so viewers that do not draw annotations from
their colour alone still show it.  One annotation per place; the colour says the severity.
"""
from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject,
                           NumberObject, TextStringObject)

from .evidence import Exhibit

MARKED = "标注.pdf"  # the annotated copy in a memo folder (标注_<file>.pdf for each PDF of a report of several)

# highlight colour by severity (RGB, 0–1): light enough to read the figure through
COLOURS = {"high": (1.0, 0.55, 0.55), "medium": (1.0, 0.78, 0.35), "low": (1.0, 0.95, 0.35)}
AUTHOR = "reviewer 审核"
LABEL_SIZE = 10.0  # points: the finding's number beside the highlight, read without zooming


def marked_copies(findings: list, labels: dict, exhibits: dict[int, list[Exhibit]], sources: dict) -> dict[str, bytes]:
    """The annotated copy of each PDF the findings' places are in, by its file name in the memo folder.
    `labels`: each finding code's name in words."""
    by_file: dict = {}
    for n, xs in exhibits.items():
        f = findings[n - 1]
        note = f"问题{n}【{labels.get(f.code, f.code)}】{f.subject}：{f.message}"
        for x in xs:
            if x.rect is not None:
                by_file.setdefault(x.file, []).append((x, f.severity, note))
    out = {}
    for file, places in sorted(by_file.items(), key=lambda kv: kv[0] or ""):
        data = annotated(Path(sources[file]), places)
        if data is not None:
            out[MARKED if len(by_file) == 1 and file is None else f"标注_{Path(file or MARKED).stem}.pdf"] = data
    return out


def annotated(path: Path, places: list[tuple[Exhibit, str, str]]) -> bytes | None:
    """The PDF at `path` with a highlight at each (exhibit, severity, note); None when the file cannot be read
    again or written (an encrypted or damaged file: the memo's crops still show the places)."""
    try:
        writer = PdfWriter(clone_from=PdfReader(str(path)))
        for ex, severity, note in places:
            writer.add_annotation(ex.page - 1, _highlight(writer, ex, COLOURS[severity], note))
        writer._ID = None  # no random file identifier: the same review writes the same bytes
        writer.add_metadata({"/Producer": "reviewer"})
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    except (PyPdfError, OSError, ValueError, KeyError, IndexError, TypeError):
        return None


def _highlight(writer: PdfWriter, ex: Exhibit, colour: tuple, note: str) -> DictionaryObject:
    l, b, r, t = ex.rect
    l, b, r, t = l - 1, b - 1, r + 1, t + 1
    label = str(ex.finding)
    # the number stands on the highlight's top left corner, in the space between the lines, not over the text
    top, right = t + LABEL_SIZE * 0.8, max(r, l + LABEL_SIZE * 0.6 * len(label))
    rgb = " ".join(f"{c:g}" for c in colour)
    content = (f"q /M gs {rgb} rg {l:.2f} {b:.2f} {r - l:.2f} {t - b:.2f} re f Q "
               f"q 0.8 0 0 rg BT /F1 {LABEL_SIZE:g} Tf {l:.2f} {t + 0.5:.2f} Td ({label}) Tj ET Q")
    appearance = DecodedStreamObject()
    appearance.set_data(content.encode("ascii"))
    appearance.update({
        NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): _numbers(l, b, right, top),
        NameObject("/Resources"): DictionaryObject({
            NameObject("/ExtGState"): DictionaryObject({NameObject("/M"): DictionaryObject({
                NameObject("/Type"): NameObject("/ExtGState"), NameObject("/BM"): NameObject("/Multiply")})}),
            NameObject("/Font"): DictionaryObject({NameObject("/F1"): DictionaryObject({
                NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica")})})}),
    })
    return DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Highlight"),
        NameObject("/Rect"): _numbers(l, b, right, top),
        NameObject("/QuadPoints"): _numbers(l, t, r, t, l, b, r, b),
        NameObject("/C"): _numbers(*colour), NameObject("/F"): NumberObject(4),
        NameObject("/NM"): TextStringObject(f"reviewer-{ex.finding}-{ex.place}"),
        NameObject("/T"): TextStringObject(AUTHOR), NameObject("/Subj"): TextStringObject(f"问题{ex.finding}"),
        NameObject("/Contents"): TextStringObject(note),
        NameObject("/AP"): DictionaryObject({NameObject("/N"): writer._add_object(appearance)}),  # a stream is indirect
    })


def _numbers(*values: float) -> ArrayObject:
    return ArrayObject(FloatObject(round(v, 2)) for v in values)
