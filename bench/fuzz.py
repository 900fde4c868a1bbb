"""Ten thousand mutated reports through `reviewer review`, as a user runs it: every file gets a result, no
internal error, memory bounded.

    python bench/fuzz.py [--n 10000] [--seed 12] [--work /tmp/bench_fuzz]

The mutants come from tests/support/fuzz.py (bit flips, bad bytes, truncation, odd figures, zero targets,
决算 tables without codes, HTML pasted above text, span bombs, very long lines and rows, other encodings,
injected instructions, control characters; one to three of them per file).  Printed: files tried, the
outcome of each (reviewed, unreadable by reason, internal errors), reports whose checks stopped on a fault,
wall time and the peak memory of the whole process tree (PSS, as bench/bench_scale.py measures it).
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "bench")]

from bench_scale import timed  # noqa: E402
from support.fuzz import mutants  # noqa: E402


def broken_office(out: Path) -> int:
    """Outputs a reader could not open: the workbook, and every Word memo whose XML does not parse (a stray
    control character of a mutated report once broke both)."""
    import zipfile

    import openpyxl
    from lxml import etree

    broken = 0
    try:
        openpyxl.load_workbook(out / "问题清单.xlsx", read_only=True).close()
    except Exception:
        broken += 1
    for memo in out.glob("*/memo.docx"):
        try:
            with zipfile.ZipFile(memo) as z:
                etree.fromstring(z.read("word/document.xml"))
        except Exception:
            broken += 1
    return broken


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--work", default="/tmp/bench_fuzz")
    args = ap.parse_args()
    work = Path(args.work)
    inputs, out = work / f"in-{args.n}-{args.seed}", work / f"out-{args.n}-{args.seed}"
    if not inputs.exists():
        tmp = inputs.with_suffix(".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        how = {}
        for name, data, done in mutants(args.n, args.seed):
            (tmp / name).write_bytes(data)
            how[name] = done
        (work / f"mutations-{args.n}-{args.seed}.json").write_text(json.dumps(how, ensure_ascii=False))
        tmp.rename(inputs)
    run = timed([sys.executable, "-m", "reviewer", "review", str(inputs), "--out", str(out), "-q", "--fresh"])
    with open(out / "summary.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    status = Counter(r["read_status"] for r in rows)
    reasons = Counter(re.sub(r"[（(].*", "", r["error"])[:40] for r in rows if r["read_status"] in ("未能读取", "程序错误"))
    faulted = sum(1 for r in rows if r["read_status"] in ("完整读取", "部分读取") and r["error"])
    result = {"files": args.n, "rows": len(rows), "status": dict(status), "unreadable_reasons": dict(reasons.most_common()),
              "internal_errors": status.get("程序错误", 0), "check_faults": faulted,
              "unaccounted": args.n - len(rows), "wall_s": round(run["wall"], 1),
              "reports_per_s": round(args.n / run["wall"], 1), "peak_pss_mb": round(run["peak_pss_mb"]),
              "peak_rss_one_process_mb": round(run["peak_rss_mb"]), "broken_office_files": broken_office(out)}
    (work / "results.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
