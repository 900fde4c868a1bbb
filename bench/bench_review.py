"""Review throughput: the seed reports repeated to N reports (default 1,000).

    python bench/bench_review.py [--n 1000]

Times extraction + rule checks + risk score (the `review` library call) and, separately, memo
rendering (Markdown and HTML), from memory.  Speed is measured here, never asserted in tests.
"""
from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import reviewer
from reviewer.config import load_config
from reviewer.memo import render_memo_html, render_memo_md

SEEDS = Path(__file__).resolve().parent.parent / "corpus" / "seeds"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    args = ap.parse_args()
    cfg = load_config()
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    batch = [texts[i % len(texts)] for i in range(args.n)]
    size_mb = sum(len(t.encode("utf-8")) for t in batch) / 1e6
    start = time.perf_counter()
    reviews = [reviewer.review(t, cfg) for t in batch]
    t_review = time.perf_counter() - start
    start = time.perf_counter()
    for rv in reviews:
        render_memo_md(rv, cfg)
        render_memo_html(rv, cfg)
    t_memo = time.perf_counter() - start
    findings = sum(len(rv.findings) for rv in reviews)
    print(f"machine: {platform.machine()} {platform.python_implementation()} {platform.python_version()}")
    print(f"review (extract + checks + risk): {args.n} reports, {size_mb:.1f} MB in {t_review:.2f} s "
          f"= {args.n / t_review:.0f} reports/s, {findings} findings")
    print(f"memos (md + html): {t_memo:.2f} s = {args.n / t_memo:.0f} reports/s")
    print(f"total: {(t_review + t_memo) / args.n * 1000:.1f} ms per report")


if __name__ == "__main__":
    main()
