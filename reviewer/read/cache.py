"""Documents read once: a re-run finds each file's Document by the hash of its bytes and the reader version.

The cache lives in `.reviewer-cache/documents/` (or `$REVIEWER_CACHE_DIR/documents/`).  Entries are written
atomically, so parallel workers and a killed batch never leave a half-written one; an entry that cannot be
loaded is read again from the file.  Only slow formats (PDF, Word, Excel) are cached.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path

from .document import Document

# Bump when any reader's output changes: old entries are then ignored.
READER_VERSION = "19"


def cache_dir() -> Path:
    return Path(os.environ.get("REVIEWER_CACHE_DIR", ".reviewer-cache")) / "documents"


def key(data: bytes, fmt: str) -> str:
    return hashlib.sha256(data).hexdigest()[:40] + f".{fmt}.v{READER_VERSION}"


def load(k: str) -> Document | None:
    path = cache_dir() / f"{k}.pickle"
    try:
        with open(path, "rb") as fh:
            doc = pickle.load(fh)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None
    return doc if isinstance(doc, Document) else None


def store(k: str, doc: Document) -> None:
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(doc, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / f"{k}.pickle")
    except OSError:
        pass  # a read-only or full disk costs a re-read next time, nothing else
