"""The registry of narrative backends, as read/registry.py is of readers: each backend's module registers a
factory under the name users give (`--backend heuristic|openai`).

A backend is any object with a `name` and `run(report, facts, passages) -> list[dict]` (raw claims); everything
else (validation, findings, falling back) is shared (review.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Backend:
    name: str
    make: Callable  # (config, settings=None, use_cache=True, shared=None) → a backend
    offline: bool  # runs on this machine (the report never leaves it): what an endpoint that fails falls back to


BACKENDS: dict[str, Backend] = {}


def register(name: str, offline: bool = False):
    """Decorator: `@register("openai")` over `def make(config, settings=None, use_cache=True, shared=None)`."""
    def wrap(make: Callable):
        BACKENDS[name] = Backend(name, make, offline)
        return make
    return wrap
