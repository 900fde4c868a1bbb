"""Outputs before and after a change, byte for byte: what a restructure must leave unchanged.

    python bench/compare_outputs.py run OUT [PATH ...]   # review the corpus (or PATHs) into OUT, from scratch
    python bench/compare_outputs.py diff A B             # every output file that differs, or is in one only

`run` reviews corpus/ (seeds, real, labelled, heldout) with the default rules, one worker, no caches, so that
two runs of the same code give the same bytes; `diff` compares every file of the two folders but the batch's
working state (.work/, which holds the code's own version), and exits 1 when anything differs.
"""
from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IGNORED = {".work"}


def run(out: Path, paths: list[str]) -> int:
    cmd = [sys.executable, "-m", "reviewer", "review", *(paths or [str(ROOT / "corpus")]), "--out", str(out),
           "--fresh", "--no-cache", "--jobs", "1", "-q"]
    return subprocess.run(cmd, cwd=ROOT).returncode


def files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")
            if p.is_file() and not IGNORED & set(p.relative_to(folder).parts)}


def diff(a: Path, b: Path) -> int:
    fa, fb = files(a), files(b)
    only = sorted(fa ^ fb)
    changed = sorted(f for f in fa & fb if not filecmp.cmp(a / f, b / f, shallow=False))
    for f in only:
        print(f"only in {'A' if f in fa else 'B'}: {f}")
    for f in changed:
        print(f"differs: {f}")
    print(f"{len(fa & fb) - len(changed)} of {len(fa | fb)} files identical")
    return 1 if only or changed else 0


if __name__ == "__main__":
    verb, *args = sys.argv[1:] or ["help"]
    if verb == "run" and args:
        sys.exit(run(Path(args[0]), args[1:]))
    if verb == "diff" and len(args) == 2:
        sys.exit(diff(Path(args[0]), Path(args[1])))
    print(__doc__)
    sys.exit(2)
