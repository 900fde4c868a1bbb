"""Image files — a scan or a photo of a report saved as PNG, JPEG, TIFF (several pages), GIF or BMP — read by text
recognition (read/ocr.py), page by page, into the same document as a PDF: tables cell by cell, each place knowing
how sure the recognition is.  Without OCR (off, or not installed) an image is said to be unread, with why."""
from __future__ import annotations

import io

from ..errors import ReadError
from . import limits, ocr
from .document import Document, DocumentBuilder, Location
from .pdf import emit, no_ocr, recognised_page
from .registry import register

A4 = (595.0, 842.0)  # points: a picture of a page is laid out at the size of the page it shows


@register("image", cached=True)
def read_image(data: bytes, name: str) -> Document:
    bounds = limits.current()
    if not (bounds.ocr and ocr.available()):
        raise ReadError("图片文件（扫描件），无文字层，无法读取" + no_ocr() + "；请提供可复制文字的 PDF、Word 或 Excel 文件")
    from PIL import Image, ImageOps

    Image.MAX_IMAGE_PIXELS = None  # bounded here, with a message, before any pixel is decoded
    try:
        image = Image.open(io.BytesIO(data))
    except (OSError, SyntaxError, ValueError) as exc:  # PIL's UnidentifiedImageError is an OSError
        raise ReadError(f"图片文件已损坏或格式无法识别，无法读取（{type(exc).__name__}）") from None
    if image.width * image.height > bounds.max_image_pixels:
        raise ReadError(f"图片过大（{image.width}×{image.height} 像素，超过上限 {bounds.max_image_pixels:,}），未读取")
    frames = getattr(image, "n_frames", 1)
    b = DocumentBuilder(name, "image")
    pages, scanned = [], 0
    for k in range(min(frames, bounds.max_image_pages)):
        try:
            image.seek(k)
            frame = ImageOps.exif_transpose(image.convert("RGB"))  # a photo's own orientation first
        except (OSError, SyntaxError, ValueError, EOFError):  # a frame cut short or damaged: that page only
            b.issue("页", Location(page=k + 1), "图片此页已损坏，无法解码，未读取")
            continue
        items = picture_items(frame)
        scanned += 1
        if items is None:
            b.issue("页", Location(page=k + 1), "图片中未识别出文字，该页未读取")
        elif items:  # an empty page of a multi-page scan: nothing to read, nothing unread
            pages.append((k + 1, items))
    if frames > bounds.max_image_pages:
        b.issue("页", f"第{bounds.max_image_pages + 1}–{frames}页", f"图片共 {frames} 页，超过上限 {bounds.max_image_pages} 页，其余未读取")
    if not pages:
        raise ReadError("图片中未识别出文字，无法读取")
    for page, items in pages:
        emit(b, items, Location(page=page))
    return b.build(pages=frames, recognised=scanned)


def picture_items(picture) -> list | None:
    """A picture of a page (a PIL image) recognised and laid out, at the size of the A4 page it shows, standing or
    lying: [] for an empty page, None when no text was recognised on a page that has ink."""
    width = A4[0] if picture.width <= picture.height else A4[1]
    return recognised_page(picture, width / picture.width)
