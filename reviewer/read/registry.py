"""The registry of readers: one per format, each a function from a file's bytes to a Document."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .document import Document


@dataclass(frozen=True)
class Reader:
    format: str
    read: Callable[[bytes, str], Document]  # (bytes, file name) → Document
    cached: bool  # slow enough to keep its result in the document cache


READERS: dict[str, Reader] = {}


def register(fmt: str, cached: bool = False):
    """Decorator: `@register("pdf", cached=True)` over `def read_pdf(data, name) -> Document`."""
    def wrap(fn: Callable[[bytes, str], Document]):
        READERS[fmt] = Reader(fmt, fn, cached)
        return fn
    return wrap
