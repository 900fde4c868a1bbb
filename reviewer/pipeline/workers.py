"""Work fanned out over forked worker processes, results in input order, a dead or stalled worker costing one job.

    for result in fan_out(work, jobs, processes, progress, bounds):   # work.run(job); work.lost(job) if its worker dies
        ...

The workers are forked after `work` is built, so that what it holds (the rules, the corpus model, the memo's
view of the batch) is inherited, never pickled; only the jobs and their results travel, over one pipe per worker.
One pipe each rather than a pool's shared queue, so that the parent always knows which jobs a worker holds: a
worker that dies (killed for memory, a crash in a C library, past its time) or falls silent costs the job it was
running and nothing else.  A multiprocessing.Pool could not promise that: a worker that died after taking a task,
or before handing back its result, left the batch waiting forever, and one that died holding the task queue's
lock stopped the others.  Every worker is forked here, by the thread that runs the batch.
"""
from __future__ import annotations

import collections
import contextlib
import gc
import itertools
import multiprocessing
import os
import resource
import signal
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any, Iterator, Protocol

from ..errors import ReviewerError
from ..progress import Progress


class Work(Protocol):
    def run(self, job) -> Any: ...

    def lost(self, job) -> Any:
        """What stands for the result of a job whose worker died running it."""


@dataclass(frozen=True)
class Bounds:
    """What one worker may spend ([batch] of the rules): memory it may add to what it inherited, and seconds
    per job; 0 is no bound."""
    worker_mb: int = 0
    job_seconds: int = 0


READY = "ready"  # a worker's first message: it has started and waits for jobs
RETIRING = "retiring"  # a worker's last: it ran out of memory, and ends before its next job (none of them lost)
GRACE = 30  # seconds past a job's bound before the parent ends a silent worker (its own alarm should come first)
START_TRIES = 3  # workers in a row that die before they start: the batch cannot run here


def fan_out(work: Work, jobs: list, processes: int, progress: Progress, bounds: Bounds = Bounds()) -> Iterator:
    """work.run over jobs, in input order, in `processes` forked workers.  A worker that dies takes the job it was
    running with it: `work.lost(job)` stands for that job's result, the jobs it held but had not begun go to another
    worker, and the batch goes on.  Only without any bound are the jobs run here: a file reviewed alone, or with
    --jobs 1, keeps its memory and time limits (issue 23)."""
    if not jobs:
        return
    if not (bounds.worker_mb or bounds.job_seconds):
        for job in jobs:
            yield work.run(job)
            progress.step()
        return
    crew = _Crew(work, jobs, bounds, processes)
    try:
        yield from crew.results(progress)
    finally:
        crew.dismiss()


@dataclass
class _Worker:
    process: Any
    conn: Connection
    held: collections.deque = field(default_factory=collections.deque)  # its jobs, in order: the first is running
    ready: bool = False
    retiring: bool = False
    heard: float = field(default_factory=time.monotonic)  # its last message, or the last jobs it was sent


class _Crew:
    """The workers of one fan_out, the jobs not yet sent, and the results not yet yielded."""

    def __init__(self, work: Work, jobs: list, bounds: Bounds, processes: int) -> None:
        self.work, self.jobs, self.bounds = work, jobs, bounds
        self.ctx = multiprocessing.get_context("fork")
        self.waiting = collections.deque(range(len(jobs)))
        self.done: dict[int, Any] = {}
        self.size = max(1, min(16, len(jobs) // (processes * 16)))  # small: no worker idles long at a pass's end
        self.failed_starts = 0
        self.workers: list[_Worker] = []
        for _ in range(min(processes, len(jobs))):
            self.workers.append(self._hire())

    def results(self, progress: Progress) -> Iterator:
        following = 0
        while following < len(self.jobs):
            self._send()
            ready = wait([w.conn for w in self.workers] + [w.process.sentinel for w in self.workers], timeout=1.0)
            for w in list(self.workers):
                if w.conn in ready:
                    self._hear(w)
                if w.process.sentinel in ready:
                    self._bury(w)
            self._watch()
            while following in self.done:
                yield self.done.pop(following)
                progress.step()
                following += 1

    def dismiss(self) -> None:
        for w in self.workers:
            w.process.kill()
        for w in self.workers:
            w.process.join()
            w.conn.close()
        self.workers = []

    def _hire(self) -> _Worker:
        mine, theirs = self.ctx.Pipe()
        others = [w.conn for w in self.workers]
        process = self.ctx.Process(target=_serve, args=(self.work, theirs, self.bounds, others), daemon=True)
        process.start()
        theirs.close()
        return _Worker(process, mine)

    def _send(self) -> None:
        """The next few jobs to each started worker that holds none, so that it is waiting to read them: a large job
        sent to a busy worker would fill the pipe while that worker, writing a result, waits for this process."""
        for w in self.workers:
            if self.waiting and w.ready and not w.held:
                ks = list(itertools.islice(self.waiting, self.size))
                try:
                    w.conn.send([(k, self.jobs[k]) for k in ks])
                except OSError:  # it has just died: its sentinel buries it, the jobs stay to be sent
                    continue
                for _ in ks:
                    self.waiting.popleft()
                w.held.extend(ks)
                w.heard = time.monotonic()

    def _hear(self, w: _Worker) -> None:
        with contextlib.suppress(EOFError, OSError):  # it died: its sentinel says so too
            while w.conn.poll():
                message = w.conn.recv()
                w.heard = time.monotonic()
                if message == READY:
                    w.ready, self.failed_starts = True, 0
                    continue
                if message == RETIRING:
                    w.retiring = True
                    continue
                k, result = message
                w.held.popleft()
                self.done[k] = result

    def _bury(self, w: _Worker) -> None:
        """A worker that ended: what it finished counts, the job it was running is lost, the rest are sent again."""
        self._hear(w)
        w.process.join()
        w.conn.close()
        self.workers.remove(w)
        if w.held and w.ready and not w.retiring:
            k = w.held.popleft()
            self.done[k] = self.work.lost(self.jobs[k])
        if not w.ready:
            self.failed_starts += 1
            if self.failed_starts >= START_TRIES:
                raise ReviewerError(f"无法启动审核工作进程（连续 {START_TRIES} 个进程启动即退出）。可在规则文件 [batch] 中将 "
                                    "max_worker_mb 与 max_seconds_per_report 设为 0（不限内存与时间，在本进程内逐份审核），"
                                    "或报告此问题")
        self.waiting.extendleft(reversed(w.held))
        if self.waiting:
            self.workers.append(self._hire())

    def _watch(self) -> None:
        """A worker silent past a job's time and a grace (stuck where its own alarm cannot reach, e.g. before it
        began) is ended; its sentinel then buries it."""
        if not self.bounds.job_seconds:
            return
        now = time.monotonic()
        for w in self.workers:
            if (w.held or not w.ready) and now - w.heard > self.bounds.job_seconds + GRACE:
                w.process.kill()


def _serve(work: Work, conn: Connection, bounds: Bounds, others: list[Connection]) -> None:
    """A worker: jobs in, results out, until its pipe closes."""
    for c in others:  # the parent's ends of the other workers' pipes, inherited: not ours to hold open
        c.close()
    _start(bounds)
    conn.send(READY)
    while True:
        try:
            chunk = conn.recv()
        except (EOFError, OSError):
            return
        for k, job in chunk:
            result, spent = _run(work, job, bounds.job_seconds)
            conn.send((k, result))
            if spent:  # what is left of its memory may be scattered past use: a fresh worker takes the rest
                conn.send(RETIRING)
                return


def _start(bounds: Bounds) -> None:
    """A worker ends with the batch (killed with it, on Linux), is quiet when its batch is gone, and leaves what
    it inherited to the permanent generation of the garbage collector."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the batch in the parent, once
    if mb := bounds.worker_mb:  # a pathological report fails on its own, not the machine
        with contextlib.suppress(ValueError, OSError):  # what the worker may add to what it inherited
            with open("/proc/self/statm") as fh:
                inherited = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
            resource.setrlimit(resource.RLIMIT_AS, (inherited + mb * 2**20, resource.getrlimit(resource.RLIMIT_AS)[1]))
    gc.freeze()  # what the worker inherited is never garbage here: collections look only at its own objects
    gc.set_threshold(20_000)  # a report's objects go by reference counting; the default 700 made ~2 collections a report


def _run(work: Work, job, seconds: int) -> tuple[Any, bool]:
    """One job's result, and whether it ran out of memory.  Past its time, SIGALRM's default ends the worker (the
    parent counts the job lost).  A job that raises here (out of memory under [batch] max_worker_mb: the jobs catch
    everything else) is lost alone."""
    signal.alarm(seconds)
    try:
        return work.run(job), False
    except (MemoryError, SystemError):  # SystemError: what some C code makes of a failed allocation
        gc.collect()
        return work.lost(job), True
    finally:
        signal.alarm(0)
