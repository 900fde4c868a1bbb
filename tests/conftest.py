from __future__ import annotations

from pathlib import Path

import pytest

import reviewer

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
REAL = ROOT / "corpus" / "real"  # real documents from 15 provinces (corpus/real/INDEX.md); PDFs in files/
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(autouse=True, scope="session")
def _document_cache(tmp_path_factory):
    """The document cache of the test session lives in a temporary folder, never in the checkout."""
    mp = pytest.MonkeyPatch()
    mp.setenv("REVIEWER_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    yield
    mp.undo()


def real_pdf(prefix: str) -> Path:
    (path,) = (REAL / "files").glob(f"{prefix}_*.pdf")
    return path


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
