"""Extraction throughput: the seed reports repeated to N reports (default 1,000).

    python bench/bench_extract.py [--n 1000] [--repeat 3]

Prints reports/s and MB/s (best of `repeat` runs), reading from memory so that disk speed
does not blur the number.  Speed is measured here, never asserted in tests.
"""
from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import reviewer

SEEDS = Path(__file__).resolve().parent.parent / "corpus" / "seeds"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    batch = [texts[i % len(texts)] for i in range(args.n)]
    size_mb = sum(len(t.encode("utf-8")) for t in batch) / 1e6
    best = float("inf")
    for _ in range(args.repeat):
        start = time.perf_counter()
        for text in batch:
            reviewer.extract(text)
        best = min(best, time.perf_counter() - start)
    print(f"machine: {platform.machine()} {platform.python_implementation()} {platform.python_version()}")
    print(f"extract: {args.n} reports, {size_mb:.1f} MB in {best:.2f} s (best of {args.repeat}) "
          f"= {args.n / best:.0f} reports/s, {size_mb / best:.2f} MB/s")


if __name__ == "__main__":
    main()
