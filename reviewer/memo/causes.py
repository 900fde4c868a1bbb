"""Why a report needs a person (需人工处理), in words the triage index shows and filters by: causes.toml, read
against each issue the reading left (ReadIssue: its scope and reason) and the checks a fault stopped."""
from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

FAULT = "程序错误"
UNOPENED = "文件未能读取"


@lru_cache(maxsize=1)
def _causes() -> list[dict]:
    with open(Path(__file__).with_name("causes.toml"), "rb") as fh:
        return tomllib.load(fh)["cause"]


def cause_of(scope: str, reason: str) -> str:
    """The cause of one thing not read."""
    for c in _causes():
        if (not c.get("scopes") or scope in c["scopes"]) and (not c.get("words") or any(w in reason for w in c["words"])):
            return c["label"]
    return _causes()[-1]["label"]


def causes_of(issues, faults) -> list[str]:
    """A reviewed report's causes, each once, in the order of causes.toml (程序错误 first)."""
    found = {cause_of(i.scope, i.reason) for i in issues} | ({FAULT} if faults else set())
    return [c for c in labels() if c in found]


def failure_cause(status: str) -> str:
    """The cause of an input that was not reviewed at all (its status in the index: 程序错误 or 未能读取 …)."""
    return FAULT if status == FAULT else UNOPENED


def labels() -> list[str]:
    """Every cause, in the order the index lists them."""
    return [FAULT, UNOPENED] + [c["label"] for c in _causes()]
