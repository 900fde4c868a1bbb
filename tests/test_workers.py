"""The batch's worker processes (pipeline/workers.py): results in input order, and a worker that dies or stalls
anywhere (before it starts, in a job, handing back a result) costs at most the job it was running, never the batch.
Each case here left a multiprocessing.Pool waiting forever."""
from __future__ import annotations

import os
import signal
import time

import pytest

from reviewer.errors import ReviewerError
from reviewer.pipeline import workers
from reviewer.pipeline.workers import Bounds, fan_out
from reviewer.progress import Progress

BOUNDED = Bounds(worker_mb=0, job_seconds=60)


def run_all(work, jobs, bounds=BOUNDED, processes=2):
    return list(fan_out(work, jobs, processes, Progress(len(jobs), "", quiet=True), bounds))


class Square:
    def run(self, job):
        return job * job, os.getpid()

    def lost(self, job):
        return "lost", job


class _ExitWhenPickled:
    """A result whose worker dies while handing it back (as one does out of memory writing a large result)."""

    def __reduce__(self):
        os._exit(7)


class DiesHandingBack(Square):
    def run(self, job):
        return _ExitWhenPickled() if job == 5 else super().run(job)


class RunsOutOfMemory(Square):
    def run(self, job):
        if job == 2:
            raise MemoryError
        return super().run(job)


class IgnoresItsAlarm(Square):
    def run(self, job):
        if job == 3:  # stuck where SIGALRM cannot end it (a C library blocking the signal, say)
            signal.signal(signal.SIGALRM, signal.SIG_IGN)
            time.sleep(120)
        return super().run(job)


def test_results_come_in_input_order_from_several_workers():
    out = run_all(Square(), list(range(200)))
    assert [r[0] for r in out] == [k * k for k in range(200)]
    assert len({r[1] for r in out}) == 2 and os.getpid() not in {r[1] for r in out}


def test_a_worker_dying_as_it_hands_back_a_result_costs_that_job_alone():
    out = run_all(DiesHandingBack(), list(range(12)))
    assert out[5] == ("lost", 5)
    assert [r[0] for k, r in enumerate(out) if k != 5] == [k * k for k in range(12) if k != 5]


def test_a_worker_out_of_memory_loses_that_job_and_hands_its_others_to_a_fresh_worker():
    out = run_all(RunsOutOfMemory(), list(range(40)), processes=1)
    assert out[2] == ("lost", 2)
    assert [r[0] for k, r in enumerate(out) if k != 2] == [k * k for k in range(40) if k != 2]
    assert out[1][1] != out[3][1]  # the job after it ran in another process


def test_a_worker_silent_past_its_time_is_ended_by_the_batch(monkeypatch):
    monkeypatch.setattr(workers, "GRACE", 1)
    started = time.monotonic()
    out = run_all(IgnoresItsAlarm(), list(range(8)), Bounds(job_seconds=1))
    assert out[3] == ("lost", 3)
    assert [r[0] for k, r in enumerate(out) if k != 3] == [k * k for k in range(8) if k != 3]
    assert time.monotonic() - started < 60  # ended by the parent, not by the job's own two minutes


def test_a_worker_that_dies_before_it_starts_loses_no_job(monkeypatch, tmp_path):
    real = workers._start
    first = tmp_path / "first"

    def start(bounds):
        try:
            first.touch(exist_ok=False)
        except FileExistsError:
            return real(bounds)
        os._exit(3)  # the first worker forked: gone before it said it was ready

    monkeypatch.setattr(workers, "_start", start)
    out = run_all(Square(), list(range(20)))
    assert [r[0] for r in out] == [k * k for k in range(20)]


def test_workers_that_cannot_start_stop_the_batch_with_a_reason(monkeypatch):
    monkeypatch.setattr(workers, "_start", lambda bounds: os._exit(3))
    with pytest.raises(ReviewerError, match="无法启动审核工作进程"):
        run_all(Square(), list(range(4)))


def test_no_worker_outlives_its_batch():
    results = fan_out(Square(), list(range(50)), 2, Progress(50, "", quiet=True), BOUNDED)
    pids = {next(results)[1], next(results)[1]}
    results.close()  # a caller that stops early (Ctrl-C, an error writing a result)
    time.sleep(0.2)
    for pid in pids:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
