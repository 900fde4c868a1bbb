from __future__ import annotations

from pathlib import Path

import pytest

import reviewer

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"


def seed_path(prefix: str) -> Path:
    """A seed report by its number ("000" … "004"); the rest of the name is a hash."""
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path


@pytest.fixture(scope="session")
def seeds() -> dict[str, reviewer.model.Report]:
    return {p.name[:3]: reviewer.extract(p) for p in sorted(SEEDS.glob("*.txt"))}


def project(report, name):
    (p,) = [p for p in report.projects if p.name == name]
    return p
