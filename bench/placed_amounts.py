"""How much of what a document prints is placed in typed records: the share of the amounts printed in a document
(decimals or thousands-separated numbers, not percentages, as ../shared/tools/amount_coverage.py counts them) that
its extracted Report holds as a number of a record (a table's cell, a project's value, a figure of the text), not
merely kept as an unplaced number.

    python bench/placed_amounts.py corpus/real corpus/labelled [--by-kind]

A PDF is scored against the text version beside it when there is one (same stem, .txt), else against its own text.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import reviewer  # noqa: E402
from reviewer.model import to_jsonable  # noqa: E402

AMOUNT = re.compile(r"(?<![\d.,])(?:\d{1,3}(?:,\d{3})+(?:\.\d{1,4})?|\d+\.\d{1,4})(?![\d.,]*\s*[%％])(?![\d.])")
UNPLACED = {"unplaced", "lost"}  # what a table keeps of figures it could not put in a row and column


def printed(text: str) -> set[float]:
    return {round(float(m.replace(",", "")), 2) for m in AMOUNT.findall(text)}


def placed(obj, acc: set, skip: bool = False) -> set:
    if isinstance(obj, dict):
        for k, v in obj.items():
            placed(v, acc, skip or k in UNPLACED)
    elif isinstance(obj, list):
        for v in obj:
            placed(v, acc, skip)
    elif isinstance(obj, (int, float)) and not isinstance(obj, bool) and not skip:
        acc.add(round(float(obj), 2))
    return acc


def score(path: Path) -> tuple[float, int, object]:
    report = reviewer.extract(path, cache=False)
    source = path.with_suffix(".txt")
    if path.suffix == ".pdf":
        twin = [p for p in (path.parent.parent, path.parent) for p in p.glob(f"{path.stem}.txt")]
        text = twin[0].read_text(encoding="utf-8") if twin else "\n".join(report.lines)
    else:
        text = source.read_text(encoding="utf-8", errors="replace")
    want = printed("\n".join(line for line in text.split("\n") if not line.startswith("#")))
    have = placed(to_jsonable(report), set())
    return (len(want & have) / len(want) if want else 1.0), len(want), report


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folders", nargs="+")
    ap.add_argument("--min-amounts", type=int, default=30, help="a full document prints at least this many amounts")
    args = ap.parse_args()
    rows = []
    for folder in map(Path, args.folders):
        for path in sorted(p for p in folder.rglob("*") if p.suffix in (".txt", ".pdf", ".html", ".xlsx", ".docx")):
            try:
                share, n, report = score(path)
            except Exception as exc:  # noqa: BLE001 — a document not read scores 0 and says why
                print(f"  0.00 of {0:4d}  {path.name}: {exc}")
                continue
            rows.append((share, n, path, report))
    full = [r for r in rows if r[1] >= args.min_amounts]
    for share, n, path, report in full:
        tables = len(report.accounts) + len(report.projects)
        print(f"{share:5.2f} of {n:4d}  {report.kind:10s} tables {tables:2d} issues {len(report.issues):2d}  {path.name}")
    if full:
        mean = sum(r[0] for r in full) / len(full)
        low = min(full, key=lambda r: r[0])
        print(f"placed: mean {mean:.3f} over {len(full)} full documents (≥ {args.min_amounts} amounts); "
              f"lowest {low[0]:.2f} ({low[2].name})")


if __name__ == "__main__":
    main()
