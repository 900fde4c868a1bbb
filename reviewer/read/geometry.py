"""What a page is made of, as every reader of pages sees it — a PDF's text layer (pdf.py) and text recognition of a
picture (ocr.py) alike: characters with their boxes, in reading space (points from the top left of the page as
shown), and the rules and other things the page draws."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Char:
    ch: str
    x0: float
    top: float
    x1: float
    bottom: float
    sp: bool = False  # a real space character precedes it in the text layer
    cx: float = 0.0
    cy: float = 0.0
    h: float = 0.0
    conf: float = 1.0  # how sure text recognition is of it (1: printed in a text layer)

    def __post_init__(self) -> None:
        self.cx, self.cy, self.h = (self.x0 + self.x1) / 2, (self.top + self.bottom) / 2, self.bottom - self.top


@dataclass
class PageObjects:
    """What the page draws besides text: rules, whether it holds images, whether a font is missing."""

    hs: list = field(default_factory=list)  # horizontal rules (y, x0, x1) in reading space
    vs: list = field(default_factory=list)  # vertical rules (x, y0, y1)
    images: bool = False
    missing_font: bool = False  # a font neither embedded nor standard: pdfium may drop its glyphs
    too_many_rules: bool = False  # more ruled segments than max_rules_per_page: no ruled grid is built
