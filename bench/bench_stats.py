"""Statistics at scale: fit and score the detectors on the features of 100,000 synthetic reports.

    python bench/bench_stats.py [--reports 100000] [--base 2000]

Extracting 100,000 texts would measure the extractor again (bench_extract.py does that); here `--base`
synthetic reports are generated and extracted once, and their feature rows are resampled with small
deterministic noise up to `--reports` reports.  The timing covers what reviewer.stats does with a
corpus: robust z per peer group (department; region and year) and the IsolationForest, fit and score.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

import reviewer
from reviewer.config import load_config
from reviewer.stats import Baselines, project_features
from reviewer.stats.detectors import IForest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from support.synth import generate  # noqa: E402  (test-data generator)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=100_000)
    ap.add_argument("--base", type=int, default=2000)
    args = ap.parse_args()
    cfg = load_config().stats
    t0 = time.perf_counter()
    base = project_features([reviewer.extract(r.text, name=r.name) for r in generate(args.base, seed=99)])
    t_base = time.perf_counter() - t0
    reps = max(1, args.reports // args.base)
    rng = np.random.default_rng(0)
    parts = []
    for k in range(reps):
        part = base.copy()
        part["report"] = part["report"] + f"#{k}"
        num = part.select_dtypes("number").columns.drop("year")
        part[num] = part[num] * (1 + rng.normal(0, 0.01, size=part[num].shape))
        parts.append(part)
    frame = pd.concat(parts, ignore_index=True)
    print(f"features: {args.base} reports extracted in {t_base:.1f} s; resampled to "
          f"{frame.report.nunique():,} reports / {len(frame):,} projects")
    t0 = time.perf_counter()
    b = Baselines(frame, cfg)
    t_fit_z = time.perf_counter() - t0
    t0 = time.perf_counter()
    zs = [b.z(i, "log_budget") for i in range(0, len(frame))]
    t_score_z = time.perf_counter() - t0
    t0 = time.perf_counter()
    forest = IForest(cfg.stats.iforest_features).fit(frame)
    t_fit_f = time.perf_counter() - t0
    t0 = time.perf_counter()
    forest.decision_function(frame)
    t_score_f = time.perf_counter() - t0
    print(f"robust z: fit {t_fit_z:.2f} s (department and region/year groups), score one feature for every "
          f"project {t_score_z:.2f} s")
    print(f"IsolationForest: fit {t_fit_f:.2f} s, score {t_score_f:.2f} s")
    print(f"total fit + score: {t_fit_z + t_score_z + t_fit_f + t_score_f:.1f} s for {frame.report.nunique():,} reports"
          f" ({len(zs):,} z-scores)")


if __name__ == "__main__":
    main()
