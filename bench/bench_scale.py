"""A batch as a user runs it, at 1,000 / 10,000 / 100,000 synthetic reports: wall time, reports/s, peak memory
of the whole process tree, output size, and a second run of the same command (resume: nothing left to do).

    python bench/bench_scale.py [--sizes 1000 10000 100000] [--work /tmp/bench_scale] [--jobs 0]

Each size gets its own synthetic corpus (`tests/support/synth.py --seed 1`, made once and kept in WORK/in-N; its
generation is not timed).  The timed command is `reviewer review WORK/in-N --out WORK/out-N -q` in a
subprocess, into an output folder that does not exist yet, with the default settings otherwise (every core).
Memory is sampled every second from /proc: the sum of the proportional set sizes (PSS: a page shared by the
parent and its forked workers counted once) of the command and its workers, and the largest resident set of
any one of them.  Results go to stdout as a Markdown table and to WORK/results.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def corpus(work: Path, n: int) -> Path:
    d = work / f"in-{n}"
    if not (d / "README.md").exists() or sum(1 for _ in d.glob("synth_*.txt")) != n:
        subprocess.run([sys.executable, str(ROOT / "tests" / "support" / "synth.py"), "--n", str(n), "--seed", "1",
                        "--out", str(d)],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return d


def _tree(pid: int) -> list[int]:
    """pid and every descendant (from /proc/*/stat parent ids)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def _kb(pid: int, field: str, name: str) -> int:
    try:
        with open(f"/proc/{pid}/{name}") as fh:
            for line in fh:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class Sampler(threading.Thread):
    """Peak PSS (summed over the tree) and peak RSS (any one process) of a running command."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_pss, self.peak_rss, self.stop = pid, 0, 0, threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            pids = _tree(self.pid)
            self.peak_pss = max(self.peak_pss, sum(_kb(p, "Pss:", "smaps_rollup") for p in pids))
            self.peak_rss = max([self.peak_rss] + [_kb(p, "VmRSS:", "status") for p in pids])
            self.stop.wait(1.0)  # reading smaps_rollup walks page tables: more often costs the batch a tenth of a core


def timed(cmd: list[str]) -> dict:
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    sampler = Sampler(proc.pid)
    sampler.start()
    out, _ = proc.communicate()
    wall = time.monotonic() - start
    sampler.stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {out}")
    return {"wall": wall, "peak_pss_mb": sampler.peak_pss / 1024, "peak_rss_mb": sampler.peak_rss / 1024,
            "summary": out.strip().splitlines()[-1]}


def size_of(folder: Path) -> tuple[int, int]:
    """(bytes of the outputs, bytes of the batch's own state in .work)."""
    outputs = work = 0
    for dirpath, _, files in os.walk(folder):
        n = sum(os.path.getsize(os.path.join(dirpath, f)) for f in files)
        if ".work" in Path(dirpath).relative_to(folder).parts:
            work += n
        else:
            outputs += n
    return outputs, work


def set_aside(out: Path, trash: Path) -> None:
    """The batch is timed into a new output folder.  An earlier one is moved into `trash`, removed when every
    size has run: ext4 without a journal (these machines) makes each new file step over the inodes freed in
    the last minutes, so removing it first would bill the batch for the deletion."""
    if out.exists():
        trash.mkdir(exist_ok=True)
        out.rename(trash / f"{out.name}-{time.time_ns()}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--work", default="/tmp/bench_scale")
    ap.add_argument("--jobs", type=int, default=0)
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}", flush=True)
    rows = []
    for n in args.sizes:
        inputs, out = corpus(work, n), work / f"out-{n}"
        cmd = [sys.executable, "-m", "reviewer", "review", str(inputs), "--out", str(out), "-q", "--jobs",
               str(args.jobs)]
        set_aside(out, work / "trash")
        first = timed(cmd)
        outputs, state = size_of(out)
        print(json.dumps({"reports": n, "first_run": first, "output_bytes": outputs}, ensure_ascii=False), flush=True)
        again = timed(cmd)
        row = {"reports": n, "wall_s": round(first["wall"], 1), "reports_per_s": round(n / first["wall"], 1),
               "peak_pss_mb": round(first["peak_pss_mb"]), "peak_rss_one_process_mb": round(first["peak_rss_mb"]),
               "output_mb": round(outputs / 2**20, 1), "output_kb_per_report": round(outputs / n / 1024, 1),
               "state_mb": round(state / 2**20, 1), "rerun_s": round(again["wall"], 1),
               "summary": first["summary"], "rerun_summary": again["summary"]}
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    shutil.rmtree(work / "trash", ignore_errors=True)
    (work / "results.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    print("\n| reports | wall | reports/s | peak memory (PSS, all processes) | largest process (RSS) | output "
          "| per report | .work state | re-run |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['reports']:,} | {r['wall_s']} s | {r['reports_per_s']} | {r['peak_pss_mb']} MB "
              f"| {r['peak_rss_one_process_mb']} MB | {r['output_mb']} MB | {r['output_kb_per_report']} KB "
              f"| {r['state_mb']} MB | {r['rerun_s']} s |")


if __name__ == "__main__":
    main()
