"""Reading speed per format: the real PDFs of corpus/real/files, and the seeds rendered in every format.

    python bench/bench_read.py [--repeat 3] [--reference]

PDF: pages/s with text and ruled tables, one process (one core).  --reference also times pdfplumber on the
same files (extract_text, and find_tables), the reader this one is checked against in the tests.
Other formats: the five seeds written as HTML, XLSX, XLS, DOCX, PDF and text (tests/support/render.py),
reports/s and MB/s.  The document cache is off: every run reads every byte.  Best of `repeat` runs.
"""
from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from reviewer.read import read  # noqa: E402

from support.render import render  # noqa: E402

FORMATS = ["text", "html", "xlsx", "xls", "docx", "pdf"]


def best_of(repeat: int, work) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def bench_pdf(repeat: int, reference: bool) -> None:
    pdfs = sorted((ROOT / "corpus" / "real" / "files").glob("*.pdf"))
    pages = sum(read(p, cache=False).pages for p in pdfs)
    secs = best_of(repeat, lambda: [read(p, cache=False) for p in pdfs])
    print(f"pdf (reviewer, text + ruled tables): {len(pdfs)} files, {pages} pages in {secs:.2f} s = {pages / secs:.0f} pages/s")
    if reference:
        import pdfplumber

        def plumber(tables: bool) -> None:
            for p in pdfs:
                with pdfplumber.open(p) as pdf:
                    for page in pdf.pages:
                        page.find_tables() if tables else page.extract_text()

        for tables in (False, True):
            secs = best_of(1, lambda: plumber(tables))
            print(f"pdf (pdfplumber {'find_tables' if tables else 'extract_text'}): {pages / secs:.0f} pages/s")


def bench_formats(repeat: int) -> None:
    seeds = sorted((ROOT / "corpus" / "seeds").glob("*.txt"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for fmt in FORMATS:
            files = seeds if fmt == "text" else [render(read(s).rows(), fmt, folder, s.stem) for s in seeds]
            size = sum(f.stat().st_size for f in files) / 1e6
            secs = best_of(repeat, lambda: [read(f, cache=False) for f in files])
            print(f"{fmt:5s}: {len(files)} reports ({size:.2f} MB) in {secs:.3f} s = {len(files) / secs:.0f} reports/s, "
                  f"{size / secs:.2f} MB/s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--reference", action="store_true", help="also time pdfplumber on the same PDFs")
    args = ap.parse_args()
    print(f"machine: {platform.machine()} {platform.python_implementation()} {platform.python_version()}")
    bench_pdf(args.repeat, args.reference)
    bench_formats(args.repeat)


if __name__ == "__main__":
    main()
