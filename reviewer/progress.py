"""Progress of a long batch on stderr: a bar with count, rate and time left on a terminal (tqdm), a plain
line every few seconds otherwise (a log file, CI), nothing with --quiet.  Never on stdout, never in outputs."""
from __future__ import annotations

import sys
import time

from tqdm import tqdm


class Progress:
    def __init__(self, total: int, label: str, quiet: bool = False, every: float = 10.0, stream=None) -> None:
        self.total, self.label, self.every = total, label, every
        self.stream = stream or sys.stderr
        self.done = 0
        self.start = self.last = time.monotonic()
        self.bar = None
        self.quiet = quiet or total == 0
        if not self.quiet and self.stream.isatty():
            self.bar = tqdm(total=total, desc=label, unit="份", file=self.stream, dynamic_ncols=True)

    def step(self, n: int = 1) -> None:
        self.done += n
        if self.quiet:
            return
        if self.bar is not None:
            self.bar.update(n)
            return
        now = time.monotonic()
        if now - self.last >= self.every or self.done == self.total:
            self.last = now
            print(self.line(now), file=self.stream, flush=True)

    def line(self, now: float) -> str:
        rate = self.done / max(now - self.start, 1e-9)
        left = (self.total - self.done) / rate if rate > 0 else 0.0
        return (f"{self.label}：{self.done}/{self.total}（{rate:.1f} 份/秒"
                + (f"，约剩 {_duration(left)}" if self.done < self.total else f"，用时 {_duration(now - self.start)}")
                + "）")

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.close()


def _duration(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 60} 分 {s % 60} 秒" if s >= 60 else f"{s} 秒"
