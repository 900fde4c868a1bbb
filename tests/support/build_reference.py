"""Rebuild reviewer/stats/reference.json: feature distributions of the seeds plus a synthetic corpus.

    python tests/support/build_reference.py [--n 2000] [--seed 42]

The reference is what a corpus too small for its own baseline (one report) is compared with.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import sys

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from reviewer import extract  # noqa: E402
from reviewer.config import load_config  # noqa: E402
from reviewer.stats.corpus import REFERENCE  # noqa: E402
from reviewer.stats.features import FEATURES, project_features  # noqa: E402
from support.synth import generate  # noqa: E402

SEEDS = ROOT / "corpus" / "seeds"


def build(n: int, seed: int) -> dict:
    floors = load_config().stats.floors
    reports = [extract(p) for p in sorted(SEEDS.glob("*.txt"))]
    reports += [extract(r.text, name=r.name) for r in generate(n, seed, anomaly_rate=0.0)]
    frame = project_features(reports)
    out = {"source": f"{len(list(SEEDS.glob('*.txt')))} seed reports + {n} synthetic reports (seed {seed}, no anomalies)",
           "projects": int(len(frame)), "features": {}}
    for f in FEATURES:
        s = frame[f].dropna()
        med = float(s.median())
        mad = float((s - med).abs().median()) * 1.4826
        out["features"][f] = {"median": round(med, 6), "scale": round(max(mad, floors.get(f, 1e-9)), 6),
                              "n": int(s.size)}
    scores = frame["self_score"].dropna()
    out["perfect_share"] = round(float((scores >= 99.5).mean()), 6)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    data = build(args.n, args.seed)
    REFERENCE.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {REFERENCE} from {data['projects']} projects")


if __name__ == "__main__":
    main()
