"""Work fanned out over forked worker processes, results in input order, a dead worker costing one job.

    for result in fan_out(work, jobs, processes, progress):   # work.run(job); work.lost(job) if its worker dies
        ...

The workers are forked after `work` is built, so that what it holds (the rules, the corpus model, the memo's
view of the batch) is inherited, never pickled per job; each worker gets its `work` and the table of who holds
which job once, as it starts (`_start`), and only the jobs' indices and payloads travel.
"""
from __future__ import annotations

import collections
import contextlib
import gc
import multiprocessing
import os
import resource
import signal
from dataclasses import dataclass
from typing import Any, Iterator, Protocol

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


_RUNNING = 1 << 22  # above any pid (pid_max is at most 2**22)

# In a worker process only, set once by _start as the worker begins: its work, the job table, its bounds.  The
# parent never reads it; a job reaches it because the pool calls module functions by name.
_WORKER: dict = {}


def fan_out(work: Work, jobs: list, processes: int, progress: Progress, bounds: Bounds = Bounds()) -> Iterator:
    """work.run over jobs, in input order, in `processes` forked workers.  A worker that dies (killed for memory, a
    crash in a library) takes its job with it: `work.lost(job)` stands for that job's result, the other jobs it held
    are done again, and the batch goes on (a plain Pool would wait forever).  Only without any bound are the jobs
    run here: a file reviewed alone, or with --jobs 1, keeps its memory and time limits (issue 23)."""
    if not jobs:
        return
    if not (bounds.worker_mb or bounds.job_seconds):
        for job in jobs:
            yield work.run(job)
            progress.step()
        return
    ctx = multiprocessing.get_context("fork")
    held = ctx.RawArray("i", len(jobs))  # who holds each job: see _run_chunk
    size = max(1, min(16, len(jobs) // (processes * 16)))  # small: no worker idles long at a pass's end
    chunks = collections.deque(range(k, min(k + size, len(jobs))) for k in range(0, len(jobs), size))
    pool = ctx.Pool(processes, initializer=_start, initargs=(work, held, bounds))  # forked: inherited, not pickled
    crashed = False
    try:
        pending: collections.deque = collections.deque()
        done: dict[int, object] = {}
        following = 0
        while following < len(jobs):
            while chunks and len(pending) < 16 * processes:
                ks = list(chunks.popleft())
                pending.append((ks, pool.apply_async(_run_chunk, ([(k, jobs[k]) for k in ks],))))
            ks, result = pending[0]
            try:
                done.update(zip(ks, result.get(timeout=1.0)))
                pending.popleft()
            except multiprocessing.TimeoutError:
                if not _lost_chunk(work, ks, held, pool, jobs, done, pending):
                    continue
                crashed = True
            while following in done:
                yield done.pop(following)
                progress.step()
                following += 1
    finally:
        if crashed:  # a worker that died may hold the lock of the task queue, which terminate() would wait for
            pool._inqueue._rlock = ctx.Lock()
        pool.terminate()


def _start(work: Work, held, bounds: Bounds) -> None:
    """A worker ends with the batch (killed with it, on Linux), is quiet when its batch is gone, and leaves what
    it inherited to the permanent generation of the garbage collector."""
    _WORKER.update(work=work, held=held, seconds=bounds.job_seconds)
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


def _run_chunk(chunk: list) -> list:
    """In a worker: each job's entry in `held` is this worker's pid while it holds the job, pid + _RUNNING while
    it runs it, and -1 once it is done, so that the parent can tell which job a dead worker was running.  A job that
    raises here (out of memory under [batch] max_worker_mb: the jobs catch everything else) is lost alone."""
    work, held, seconds, pid = _WORKER["work"], _WORKER["held"], _WORKER["seconds"], os.getpid()
    for k, _ in chunk:
        held[k] = pid
    out = []
    for k, job in chunk:
        held[k] = pid + _RUNNING
        signal.alarm(seconds)  # a job past its time ends the worker (SIGALRM's default): lost alone, as above
        try:
            out.append(work.run(job))
        except (MemoryError, SystemError):  # SystemError: what some C code makes of a failed allocation
            gc.collect()
            out.append(work.lost(job))
        finally:
            signal.alarm(0)
        held[k] = -1
    return out


def _lost_chunk(work: Work, ks, held, pool, jobs, done, pending) -> bool:
    """True when the oldest chunk's worker is dead: its running job is lost, the rest go back to the pool."""
    live = {p.pid for p in list(pool._pool) if p.exitcode is None}
    holders = {held[k] % _RUNNING for k in ks if held[k] > 0}
    if not holders or holders <= live:
        return False
    pending.popleft()
    again = []
    for k in ks:
        if held[k] > _RUNNING and held[k] - _RUNNING not in live:
            done[k] = work.lost(jobs[k])
        else:
            held[k] = 0  # not held by anyone until a live worker takes it
            again.append(k)
    if again:
        pending.appendleft((again, pool.apply_async(_run_chunk, ([(k, jobs[k]) for k in again],))))
    return True
