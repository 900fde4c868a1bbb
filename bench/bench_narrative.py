"""Narrative review with each backend on the seeds, and the LLM path's cost and cache speed-up.

    python bench/bench_narrative.py [--base-url URL --model NAME]

Without --base-url the openai backend talks to the loopback test server (tests/support) that
replays the recorded replies, so the numbers measure this tool (chunking, prompts, SDK, cache),
not a model.  With a real endpoint, they measure the endpoint too.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import reviewer  # noqa: E402
from reviewer.config import load_config  # noqa: E402
from reviewer.narrative import make_narrative  # noqa: E402
from reviewer.narrative.openai_backend import LLMSettings  # noqa: E402

NARRATIVE = ("narrative_contradiction", "unsupported_claim", "boilerplate")


def run(paths, narrative):
    start = time.perf_counter()
    reviews = [reviewer.review(p, narrative=narrative) for p in paths]
    return reviews, time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base-url")
    ap.add_argument("--model", default="recorded")
    ap.add_argument("--api-key", default="")
    args = ap.parse_args()
    cfg = load_config()
    paths = sorted((ROOT / "corpus" / "seeds").glob("*.txt"))
    server = None
    if not args.base_url:
        from support.fake_openai import FakeOpenAI, recorded

        replies = json.loads((ROOT / "tests" / "fixtures" / "llm_replies.json").read_text(encoding="utf-8"))
        server = FakeOpenAI(recorded(replies)).start()
        args.base_url = server.base_url
    heuristic, t_h = run(paths, make_narrative("heuristic", cfg))
    with tempfile.TemporaryDirectory() as tmp:
        settings = LLMSettings(base_url=args.base_url, model=args.model, api_key=args.api_key,
                               cache=str(Path(tmp) / "llm.sqlite"))
        cold, t_cold = run(paths, make_narrative("openai", cfg, settings))
        warm, t_warm = run(paths, make_narrative("openai", cfg, settings))
    if server:
        server.stop()
    for name, reviews in (("heuristic", heuristic), (f"openai ({args.model})", cold)):
        counts = Counter(f.code for rv in reviews for f in rv.findings if f.code in NARRATIVE)
        print(f"{name}: " + ", ".join(f"{c} {counts[c]}" for c in NARRATIVE))
    print("per report (openai, cold):")
    for rv in cold:
        s = rv.narrative_stats
        print(f"  {rv.report.source}: {s.get('chunks', 0)} chunks, {s.get('calls', 0)} calls, "
              f"{s.get('tokens_in', 0)} in + {s.get('tokens_out', 0)} out tokens, {s.get('seconds', 0):.2f} s")
    hits = sum(rv.narrative_stats.get("cache_hits", 0) for rv in warm)
    print(f"time: heuristic {t_h:.2f} s, openai cold {t_cold:.2f} s, openai cached {t_warm:.2f} s "
          f"({hits} cache hits, speed-up {t_cold / t_warm:.1f}x)")


if __name__ == "__main__":
    main()
