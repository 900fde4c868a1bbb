"""Writes tests/fixtures/llm_replies.json: the replies the loopback server plays back.

No model can be reached from this project's machines, so the recordings are scripted: for each
seed, the claims a careful model is expected to return (the heuristic backend's claims, which
cite the same facts and quote the same text).  Re-run after changing facts or passages:

    .venv/bin/python tests/support/record_replies.py
"""
from __future__ import annotations

import json
from pathlib import Path

import reviewer
from reviewer.config import load_config
from reviewer.narrative.facts import build_facts, build_passages
from reviewer.narrative.heuristic import HeuristicBackend

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    cfg = load_config()
    out = {}
    for path in sorted((ROOT / "corpus" / "seeds").glob("*.txt")):
        report = reviewer.extract(path)
        out[report.source] = HeuristicBackend(cfg.narrative).run(report, build_facts(report), build_passages(report))
    dest = ROOT / "tests" / "fixtures" / "llm_replies.json"
    dest.write_text(json.dumps(out, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {sum(map(len, out.values()))} claims for {len(out)} reports → {dest}")


if __name__ == "__main__":
    main()
