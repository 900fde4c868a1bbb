"""Scans read back, per document: what share of the printed amounts the recognition gives exactly and surely,
what it gives wrong, how fast, and which findings the scan keeps of those its text version makes.

    python bench/bench_ocr.py [--dpi 150] [--jobs 2]

The documents are printed and scanned here (tests/support/scan.py): the five seeds as a unit prints them (Word,
A4 landscape, ruled, by LibreOffice), each spoiled as in tests/test_ocr_seeds.py (blurred and JPEG'd, a red seal,
a page on its side, askew); the labelled 上海 决算 PDFs 023 and 026 whole.  Every page becomes a picture at --dpi in
a PDF without text, and both versions are reviewed from an empty document cache, each document in a spawned worker.

Columns: amounts the text version prints (as the reader puts them together); accepted — read at or above
[read] ocr_min_confidence — and exactly printed; accepted but not printed (a wrong reading relied on: must be 0);
findings of the text, of the scan, and those of the scan the text makes too (code, figures, page); places the scan
leaves 未作判断; seconds of reading a scanned page (one core, recognition included).
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import reviewer  # noqa: E402
from reviewer.config import load_config  # noqa: E402

from support.budget_doc import office_pdfs  # noqa: E402
from support.render import to_docx  # noqa: E402
from support.scan import AMOUNT, SEED_SPOILS, finding_key, scan  # noqa: E402

LABELLED = ["023_shanghai_putuo_czj_2024_bmjs.pdf", "026_shanghai_putuo_shgzb_2024_bmjs.pdf"]


def _amounts(line: str) -> list[str]:
    """The amounts of a line, not a list number before a date (“1.2024年2月”: the text layer spaces it “1. 2024年”)."""
    return [m.group() for m in AMOUNT.finditer(line) if line[m.end():m.end() + 1] not in ("年", "月")]


def _measure(pair: tuple[str, Path, Path]) -> dict:
    """The scan is read once, timed, into this run's own cache; its review reads it from there."""
    name, text, scanned = pair
    least = load_config().read.ocr_min_confidence
    a = reviewer.review(text)
    start = time.process_time()
    reviewer.read(scanned)
    seconds = time.process_time() - start
    b = reviewer.review(scanned)
    printed = Counter(x for line in a.report.lines for x in _amounts(line))
    accepted = Counter(x for line, loc in zip(b.report.lines, b.report.line_locs)
                       if loc is None or loc.conf is None or loc.conf >= least for x in _amounts(line))
    theirs = set(map(finding_key, a.findings))
    return {"name": name, "pages": b.report.pages, "printed": sum(printed.values()),
            "exact": sum(min(n, accepted[x]) for x, n in printed.items()),
            "wrong": sum((accepted - printed).values()), "text": len(a.findings), "scan": len(b.findings),
            "shared": sum(finding_key(f) in theirs for f in b.findings), "held": len(b.unjudged),
            "status": b.report.status, "seconds": seconds,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def documents(folder: Path, dpi: int) -> list[tuple[str, Path, Path]]:
    words = [to_docx(reviewer.read(p, cache=False).rows(), folder / f"{p.name[:3]}.docx")
             for p in sorted((ROOT / "corpus" / "seeds").glob("*.txt"))]
    pairs = [(f"种子 {p.stem}", p, scan(p, dpi, SEED_SPOILS[p.stem], folder / f"{p.stem}-scan.pdf"))
             for p in office_pdfs(words, folder / "office")]
    for name in LABELLED:
        text = ROOT / "corpus" / "labelled" / "files" / name
        pairs.append((name[:3], text, scan(text, dpi, lambda k, p: p, folder / f"{name[:3]}-scan.pdf")))
    return pairs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dpi", type=int, default=150)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["REVIEWER_CACHE_DIR"] = str(Path(tmp) / "cache")  # empty: every page recognised, once
        pairs = documents(Path(tmp), args.dpi)
        with ProcessPoolExecutor(args.jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            rows = list(pool.map(_measure, pairs))
    print("| 文件 | 页 | 金额 | 采信且准确 | 采信但误读 | 问题（文本） | 问题（扫描） | 其中文本亦有 | 未作判断 | 每页秒 | 峰值内存 MB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['name']} | {r['pages']} | {r['printed']} | {r['exact']} ({r['exact'] / max(r['printed'], 1):.1%}) "
              f"| {r['wrong']} | {r['text']} | {r['scan']} | {r['shared']} | {r['held']} "
              f"| {r['seconds'] / max(r['pages'], 1):.2f} | {r['peak_mb']:.0f} |")
    pages, seconds = sum(r["pages"] for r in rows), sum(r["seconds"] for r in rows)
    printed, exact = sum(r["printed"] for r in rows), sum(r["exact"] for r in rows)
    print(f"\n{pages} pages at {args.dpi} dpi: {seconds:.0f} s of CPU reading them ({seconds / pages:.2f} s a page, "
          f"{60 * pages / seconds:.0f} pages a minute a core); amounts {exact}/{printed} exact and sure "
          f"({exact / printed:.1%}), {sum(r['wrong'] for r in rows)} accepted but misread")


if __name__ == "__main__":
    main()
