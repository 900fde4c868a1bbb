"""What every worker process of a batch shares about one LLM endpoint: a bound on the requests in flight (the
endpoint's `concurrency`, for the whole batch rather than per process) and the count of consecutive failed
requests behind the circuit breaker.  Made by the batch before its workers fork, handed to each backend."""
from __future__ import annotations

import multiprocessing
from dataclasses import dataclass


@dataclass(frozen=True)
class SharedEndpoint:
    slots: object  # a multiprocessing.BoundedSemaphore: a request holds a slot while in flight
    failures: object  # a multiprocessing.Value("i"): consecutive failed requests, across processes

    @classmethod
    def across_processes(cls, concurrency: int) -> SharedEndpoint:
        ctx = multiprocessing.get_context("fork")
        return cls(ctx.BoundedSemaphore(int(concurrency)), ctx.Value("i", 0))
