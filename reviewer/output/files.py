"""How every output file is written: whole or not at all, the same bytes for the same content, and no text of a
document ever taking effect in the program that opens the file.

- `atomic_file`, `atomic_folder`: a temporary name, then a rename, so a batch killed at any moment leaves no half
  file or half memo folder.
- CSV files are UTF-8 with a BOM, so that Excel opens the Chinese text correctly.
- `cell`: text that a spreadsheet would take for a formula (=, +, -, @ first, and not a plain number) is written
  with a leading apostrophe in the CSV files; the workbook writes such text as a string cell marked as text
  (quotePrefix), its value unchanged, so that what is read back from it is what was written.
- `visible` (reviewer.inputs): control and direction marks written out in every text output.
- `deterministic_zip`: an Office file without its clock.
"""
from __future__ import annotations

import contextlib
import csv
import io
import itertools
import os
import re
import shutil
import zipfile
from pathlib import Path
from typing import Iterable

from ..inputs import visible
from ..memo.render import zip_entry

@contextlib.contextmanager
def atomic_file(path: Path, scratch: Path | None = None):
    """A binary file handle whose file appears at `path` whole when the block ends, or not at all.  The file is
    written first in `scratch` (by default beside `path`; the same file system), where a killed process leaves
    its half-written files for the next run to clear."""
    tmp = (scratch or path.parent) / f".{path.name}.{os.getpid()}.tmp"
    try:
        with open(tmp, "wb") as fh:
            yield fh
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)


@contextlib.contextmanager
def atomic_folder(path: Path, scratch: Path):
    """A new folder whose files appear at `path` together when the block ends, or not at all.  A folder already
    at `path` is replaced whole (no file of an earlier run is left beside the new ones) and moved into `scratch`,
    which the batch removes when it has written everything: ext4 without a journal (this project's machines)
    makes every new file step over the inodes freed in the last seconds, so deleting while creating costs
    time that grows with the batch."""
    tmp = scratch / f".{path.name}.{os.getpid()}.new"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    try:
        os.rename(path, scratch / f".replaced.{os.getpid()}.{next(_REPLACED)}")
    except FileNotFoundError:
        pass
    os.rename(tmp, path)


_REPLACED = itertools.count()


def write_text(path: Path, text: str) -> None:
    with open(path, "wb") as fh:
        fh.write(text.encode("utf-8"))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?%?")


def formula_like(value) -> bool:
    """Text a spreadsheet would read as a formula ("=HYPERLINK(…)", "+1+1", "@SUM(…)"); numbers and plain signed
    figures ("-3.5", "+12%") are not."""
    return isinstance(value, str) and value.startswith(_FORMULA_START) and len(value) > 1 \
        and not _PLAIN_NUMBER.fullmatch(value)


def cell(value):
    """A value as a CSV cell a spreadsheet opens without running it: formula-like text gets a leading apostrophe
    (OWASP's advice for CSV; the workbook instead marks such a cell as text, keeping its value as it is)."""
    return "'" + value if formula_like(value) else value


def csv_text(value):
    """A value of any CSV output: shown (control and direction marks written out), never a formula."""
    return cell(visible(value))


def write_csv(path: Path, columns: list[str], rows: Iterable[dict]) -> None:
    with atomic_file(path) as fh:
        csv_writer(fh, columns).writerows(rows)


def csv_writer(fh, columns: list[str]) -> _SafeRows:
    """A CSV writer into a binary file: UTF-8 with a BOM, so that Excel opens the Chinese text correctly."""
    fh.write("\ufeff".encode("utf-8"))
    text = _Utf8(fh)
    writer = csv.DictWriter(text, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    return _SafeRows(writer)


class _Utf8:
    """Text written into a binary file as UTF-8 (csv writes through its `write`)."""

    def __init__(self, fh) -> None:
        self.fh = fh

    def write(self, text: str) -> int:
        return self.fh.write(text.encode("utf-8"))


class _SafeRows:
    """A csv.DictWriter whose every cell goes through `csv_text`."""

    def __init__(self, writer: csv.DictWriter) -> None:
        self.writer = writer

    def writerow(self, row: dict) -> None:
        self.writer.writerow({k: csv_text(v) for k, v in row.items()})

    def writerows(self, rows: Iterable[dict]) -> None:
        for row in rows:
            self.writerow(row)


_W3CDTF = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def deterministic_zip(data: bytes) -> bytes:
    """An Office file with its clock removed (zip entry times, created/modified): the same review, the same
    bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _W3CDTF.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", body)
            zip_entry(dst, info.filename, body)
    return out.getvalue()
