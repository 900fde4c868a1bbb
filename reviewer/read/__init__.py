"""Reading: a file of any supported format into a `Document` (blocks of rows of located cells).

    from reviewer.read import read
    doc = read("report.pdf")
    [str(c.loc) for c in doc.rows()[0].cells]     # ['第1页第1行']
"""
from .document import Block, Cell, Document, DocumentBuilder, Location, ReadIssue, Row
from .limits import Limits
from .reader import read, read_bytes
from .registry import READERS, register

__all__ = ["read", "read_bytes", "Document", "DocumentBuilder", "Block", "Row", "Cell", "Location", "ReadIssue",
           "READERS", "register", "Limits"]
