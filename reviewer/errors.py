"""The errors a user can meet, in one module so that any stage can raise them without import cycles.

Messages are in Simplified Chinese: they are printed to the user and written to errors.csv and the index.
"""
from __future__ import annotations


class ReviewerError(Exception):
    """Base of every error this package raises on purpose."""


class ExtractionError(ReviewerError):
    """The input cannot be read as a report: empty, unreadable, a scan, or nothing recognisable in it."""


class ReadError(ExtractionError):
    """A reader could not read the file at all (corrupt, encrypted, a scan, an unsupported format)."""
