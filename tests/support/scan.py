"""Scans made from real pages, the ways a scanner or a phone spoils them: each page of a PDF rendered to a picture
at a resolution, askew, blurred and saved as JPEG, a red seal stamped over it, turned a quarter; the pictures put
back into a PDF that holds no text.  For the OCR tests and bench/bench_ocr.py."""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFilter
from pypdf import PdfReader, PdfWriter

AMOUNT = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+")  # an amount as the reports print them


def picture(path: Path, page: int, dpi: int) -> Image.Image:
    return pdfium.PdfDocument(str(path))[page - 1].render(scale=dpi / 72).to_pil().convert("RGB")


def scan_pdf(pictures: list[Image.Image], path: Path, dpi: int) -> Path:
    pictures[0].save(path, save_all=True, append_images=pictures[1:], resolution=dpi)
    return path


def scan(source: Path, dpi: int, spoil, out: Path) -> Path:
    """Every page of `source` as a picture at `dpi`, spoil(k, picture) done to the k-th, back into a PDF."""
    pages = len(pdfium.PdfDocument(str(source)))
    return scan_pdf([spoil(k, picture(source, k + 1, dpi)) for k in range(pages)], out, dpi)


def pages(source: Path, numbers: list[int], out: Path) -> Path:
    """The pages `numbers` (from 1) of a PDF, as a PDF of their own."""
    writer = PdfWriter()
    reader = PdfReader(str(source))
    for p in numbers:
        writer.add_page(reader.pages[p - 1])
    writer.write(str(out))
    return out


def jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=70)
    return out.getvalue()


def sealed(image: Image.Image) -> Image.Image:
    """A round red seal, as a unit stamps its forms, over the middle of the page."""
    out = image.copy()
    draw = ImageDraw.Draw(out, "RGBA")
    w, h = out.size
    r = w // 8
    for k in range(6):
        draw.ellipse((w // 2 - r + k, h // 3 - r + k, w // 2 + r - k, h // 3 + r - k), outline=(220, 30, 30, 200))
    draw.regular_polygon((w // 2, h // 3, r // 3), 5, fill=(220, 30, 30, 180))
    return out


def askew(image: Image.Image) -> Image.Image:
    return image.rotate(0.8, expand=True, fillcolor="white")


def blurred(image: Image.Image) -> Image.Image:
    return Image.open(io.BytesIO(jpeg(image.filter(ImageFilter.GaussianBlur(0.7))))).convert("RGB")


def turned(image: Image.Image) -> Image.Image:
    return image.rotate(90, expand=True)


# seed → what the scanner did to its k-th page (tests/test_ocr_seeds.py, bench/bench_ocr.py)
SEED_SPOILS = {
    "000": lambda k, p: blurred(p),
    "001": lambda k, p: sealed(p) if k == 2 else p,
    "002": lambda k, p: turned(p) if k == 1 else p,
    "003": lambda k, p: askew(p),
    "004": lambda k, p: p,
}


def finding_key(f) -> tuple:
    """A finding as a scan and its text version must both give it: code, the figures stated and recomputed, the page
    of its first place — not the row (a wrapped cell may be a row more or less as recognised), not the project's
    name (修葺 may be read 修茸)."""
    return (f.code, json.dumps(f.evidence.get("stated")), json.dumps(f.evidence.get("recomputed")),
            tuple(q.location.page for q in f.evidence.get("quotes", [])[:1] if q.location))
