"""What a batch keeps on disk while it runs (OUT/.work/): the journal of finished steps and the pack of stored
reviews, and the keys that say whether a stored review can be reused.

Only the parent process writes either, a record at a time, after the work the record stands for is done; a
record cut short by a kill is cut off when the file is opened again.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import stat
import zlib
from dataclasses import replace
from pathlib import Path

from ..config import Config
from ..errors import ExtractionError
from ..inputs import os_reason
from ..model import AccountsTable, Department, Project
from ..read.sniff import sniff
from ..review import Review

WORK = ".work"  # OUT/.work: the journal, the pack and the scratch folder of a batch


def code_version() -> str:
    """The reviewer's own code, data files and LLM prompts: a review stored by other code is not reused."""
    package = Path(__file__).parents[1]
    h = hashlib.sha256()
    for root in (package, package.parent / "prompts"):
        for p in sorted(root.rglob("*")):
            if p.suffix in (".py", ".toml", ".j2", ".json") and "__pycache__" not in p.parts:
                h.update(p.relative_to(package.parent).as_posix().encode())
                h.update(p.read_bytes())
    return h.hexdigest()[:16]


def setting_key(config: Config, backend: str | None, llm) -> str:
    endpoint = [llm.base_url, llm.model] if backend == "openai" and llm is not None else []
    blob = json.dumps([config.fingerprint(), backend or "none", endpoint, code_version()], sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def read_input(path: Path, limit: int, text_limit: int = 0) -> bytes:
    """An input's bytes, unless it is larger than the configured limit or not a regular file (refused before
    it is opened: a named pipe would wait for a writer forever)."""
    st = path.stat()
    if not stat.S_ISREG(st.st_mode):
        raise ExtractionError("不是普通文件（命名管道、设备或文件夹），未打开")
    if st.st_size > limit:
        raise ExtractionError(f"文件过大（{st.st_size / 2**20:.1f} MB，超过上限 {limit / 2**20:.3g} MB，"
                              "见 rules.toml [batch]），未读取")
    data = path.read_bytes()
    if text_limit and len(data) > text_limit and sniff(data) == "text":  # no text report is this long
        raise ExtractionError(f"文本文件过大（{len(data) / 2**20:.1f} MB，超过文本文件的上限 {text_limit / 2**20:.3g} MB，"
                              "见 rules.toml [batch] max_text_mb），未读取")
    return data


def review_key(data: bytes, name: str, setting: str) -> str:
    """What makes a stored review reusable: the input's bytes and name, the rules, the backend and the code."""
    digest = hashlib.sha256(data).hexdigest()
    return hashlib.sha256(f"{digest}|{name}|{setting}".encode()).hexdigest()[:24]


def unopened(exc: Exception) -> str:
    return str(exc) if isinstance(exc, ExtractionError) else f"无法打开（{os_reason(exc)}）"


class AppendOnly:
    """A file of records appended one after another by the parent, each found again by (offset, length).
    Records are read with pread, so that forked workers sharing the file never move each other's place."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fh = open(path, "ab")
        self._reader = None

    def append(self, data: bytes) -> tuple[int, int]:
        at = self.fh.tell()
        self.fh.write(data)
        self.fh.flush()
        return at, len(data)

    def holds(self, at) -> bool:
        return bool(at) and at[0] + at[1] <= self.fh.tell()

    def read_at(self, at: int, length: int) -> bytes:
        if self._reader is None:
            self._reader = open(self.path, "rb")
        return os.pread(self._reader.fileno(), length, at)

    def close(self) -> None:
        self.fh.close()
        if self._reader is not None:
            self._reader.close()


class Journal(AppendOnly):
    """OUT/.work/journal.jsonl: one line per finished step.  A line cut short by a kill is cut off when the
    journal is opened again.  Each line's place is kept, so that what a line holds (a report's features, its
    memo's results) is read back when needed rather than held in memory."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        super().__init__(path)
        self.fh.truncate(self._whole_lines(path))
        self.fh.seek(0, os.SEEK_END)

    @staticmethod
    def _whole_lines(path: Path) -> int:
        """The size of the journal up to its last complete line."""
        size = path.stat().st_size
        with open(path, "rb") as fh:
            pos = size
            while pos > 0:
                step = min(pos, 1 << 16)
                fh.seek(pos - step)
                block = fh.read(step)
                nl = block.rfind(b"\n")
                if nl >= 0:
                    return pos - step + nl + 1
                pos -= step
        return 0

    def add(self, entry: dict) -> tuple[int, int]:
        """Append a line; returns where it is (offset, length)."""
        return self.append((json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8"))

    def entry_at(self, at: int, length: int) -> dict:
        """The entry of the line at (offset, length), as `add` or `read` gave them."""
        return json.loads(self.read_at(at, length))

    @staticmethod
    def read(path: Path):
        """(entry, offset, length) of each readable line."""
        if not path.exists():
            return
        with open(path, "rb") as fh:
            at = 0
            for line in fh:
                if line.endswith(b"\n"):
                    try:
                        yield json.loads(line), at, len(line)
                    except json.JSONDecodeError:
                        pass
                at += len(line)


class Pack(AppendOnly):
    """OUT/.work/reviews.pack: stored reviews (compressed pickles), one after another; a journal line says
    where each one is."""

    @staticmethod
    def packed(rv: Review) -> bytes:
        """What a worker sends the parent to store: the review without what only extraction needed."""
        return zlib.compress(pickle.dumps(slim(rv), protocol=pickle.HIGHEST_PROTOCOL), 3)

    def review_at(self, at: tuple[int, int]) -> Review:
        return pickle.loads(zlib.decompress(self.read_at(*at)))


def slim(rv: Review) -> Review:
    """The review without what only extraction needed (the document's lines, table frames, prose): what the
    memo, the index and the comparison with peers read of it, and the quotes of the places that comparison may
    rest on (each project's heading row), so that its findings still say where."""
    r = rv.report
    kept = {q.line: q for q in (r.quote_at(p.line) for p in r.projects) if q is not None}
    report = replace(
        r, lines=[], line_locs=[], multiline_rows=[], prose=[], kept_quotes=kept,
        projects=[Project(name=p.name, incomplete=p.incomplete, line=p.line) for p in r.projects],
        blank_templates=[Project() for _ in r.blank_templates],
        accounts=[AccountsTable(kind=t.kind, title=t.title, family=t.family, unread=t.unread) for t in r.accounts],
        department_part=Department(name=r.department_part.name) if r.department_part else None)
    return replace(rv, report=report)
