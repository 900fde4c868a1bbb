"""The errors a user can meet, in one module so that any stage can raise them without import cycles.

Messages are in Simplified Chinese: they are printed to the user and written to errors.csv and the index.
"""
from __future__ import annotations

import traceback
from pathlib import Path


class ReviewerError(Exception):
    """Base of every error this package raises on purpose."""


class ExtractionError(ReviewerError):
    """The input cannot be read as a report: empty, unreadable, a scan, or nothing recognisable in it."""


class ReadError(ExtractionError):
    """A reader could not read the file at all (corrupt, encrypted, a scan, an unsupported format)."""


class MarkError(ReviewerError):
    """A reviewer's mark that cannot be taken: an unknown finding id, a bad value, an unreadable workbook."""


_PACKAGE = Path(__file__).resolve().parent


def describe_fault(exc: BaseException) -> str:
    """A program fault in one line for a memo or a summary: its kind, message and where it happened."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if Path(f.filename).resolve().is_relative_to(_PACKAGE)] or frames
    where = f"，{Path(ours[-1].filename).name}:{ours[-1].lineno}" if ours else ""  # the last place in this package
    return f"{type(exc).__name__}：{exc}{where}"
