"""The hostile family of issue 23 at full size, reviewed as a user runs a batch: what each file came to, why, and
what the batch cost (wall time, the largest process's peak memory).

    python bench/hostile.py [--scale bench|test] [--jobs 2] [--out /tmp/hostile]

The files are made by tests/support/hostile.py (a 100 MB paragraph, 10,000 nested Word tables, a 1 GB FlateDecode
bomb, 3,000 merged ranges …), together with a real seed report, which must be reviewed as usual beside them.
Speed and memory are measured here, never asserted in tests.
"""
from __future__ import annotations

import argparse
import collections
import csv
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from support import hostile  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", default="bench", choices=["bench", "test"])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", default="/tmp/hostile")
    args = ap.parse_args()
    folder = Path(args.out)
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "in").mkdir(parents=True)
    Path("/tmp/hostile-secret.txt").write_text(hostile.SECRET, encoding="utf-8")
    made = time.perf_counter()
    for name, data in hostile.family(args.scale).items():
        (folder / "in" / name).write_bytes(data)
    seed = ROOT / "corpus" / "seeds" / "003_ddff5fd3e69ced26.txt"
    shutil.copy(seed, folder / "in" / "real-seed-003.txt")
    for name in NAMES:  # the same real report under names that would act in an output or on a terminal
        shutil.copy(seed, folder / "in" / name)
    sizes = {p.name: p.stat().st_size for p in (folder / "in").iterdir()}
    print(f"{len(sizes)} files made in {time.perf_counter() - made:.1f} s, {sum(sizes.values()) / 2**20:.1f} MB")
    start = time.perf_counter()
    run = subprocess.run([str(ROOT / ".venv" / "bin" / "reviewer"), "review", str(folder / "in"), "--out",
                          str(folder / "out"), "--jobs", str(args.jobs), "-q"], capture_output=True, text=True)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    rows = list(csv.DictReader((folder / "out" / "summary.csv").open(encoding="utf-8-sig")))
    by_status = collections.Counter(r["read_status"] for r in rows)
    print(f"review: exit {run.returncode}, {wall:.1f} s wall, largest process {peak:.0f} MB; " +
          ", ".join(f"{k} {v}" for k, v in sorted(by_status.items())))
    for r in sorted(rows, key=lambda r: r["report"]):
        why = (r["error"] or r["read_issues"] or r["verdict"])[:90]
        print(f"  {r['report'][:28]:28s} {sizes.get(r['report'], 0) / 1024:9.0f} KB  {r['read_status']:5s} {why}")
    leaked = [p for p in (folder / "out").rglob("*") if p.is_file() and hostile.SECRET.encode() in p.read_bytes()]
    raw = [p.name for p in (folder / "out").rglob("*") if p.suffix in (".csv", ".html", ".md") and
           any(ch in p.read_text(encoding="utf-8-sig", errors="replace") for ch in "\x1b\x07\u202e")]
    print(f"external entity in an output: {len(leaked)}; raw control or direction marks in text outputs: {len(raw)}; "
          f"control characters on the terminal: {sum(ch in run.stderr for ch in chr(27) + chr(7))}; "
          f"程序错误: {by_status.get('程序错误', 0)}")
    _marks(folder, args.jobs)


NAMES = ['=HYPERLINK("http:evil.example","click").txt', "a\x1b]0;pwned\x07b\rc\u202etxt.exe.txt", "+cmd|' calc'!A0.txt"]


def _marks(folder: Path, jobs: int) -> None:
    """Marks typed into 问题清单.xlsx as a reviewer (or an attacker) might, then the batch run again."""
    import json

    import openpyxl

    book = folder / "out" / "问题清单.xlsx"
    wb = openpyxl.load_workbook(book)
    ws = wb.worksheets[0]
    head = [c.value for c in ws[1]]
    col = {h: head.index(h) + 1 for h in ("编号", "报告", "复核标记", "复核意见")}
    typed = [("驳回", "=SUM(A1) 非问题", None), ('="确认"', "", None), ("待核", "", "另一份.pdf"), ("同意", "", None)]
    with_id = [r for r in range(2, ws.max_row + 1) if ws.cell(r, col["编号"]).value]  # findings, not unread files
    for r, (mark, comment, report) in zip(with_id, typed):
        ws.cell(r, col["复核标记"]).value = mark
        if comment:
            c = ws.cell(r, col["复核意见"])
            c.value, c.data_type = comment, "s"
        if report:
            ws.cell(r, col["报告"]).value = report
    for fake in ("ffffffffff", "../../etc/passwd"):
        row = ws.max_row + 1
        ws.cell(row, col["编号"]).value, ws.cell(row, col["复核标记"]).value = fake, "驳回"
    wb.save(book)
    run = subprocess.run([str(ROOT / ".venv" / "bin" / "reviewer"), "review", str(folder / "in"), "--out",
                          str(folder / "out"), "--jobs", str(jobs), "-q"], capture_output=True, text=True)
    kept = [json.loads(x) for x in (folder / "out" / "marks.jsonl").read_text(encoding="utf-8").splitlines()]
    print(f"marks typed in the workbook: 4 rows and 2 made-up ids; the review ran again (exit {run.returncode}), "
          f"{len(kept)} marks kept: " + "; ".join(f"{m['mark']}“{m['comment']}”" for m in kept))
    print("  said:", " | ".join(line for line in run.stderr.splitlines() if "问题清单.xlsx 第" in line))


if __name__ == "__main__":
    main()
