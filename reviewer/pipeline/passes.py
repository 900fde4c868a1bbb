"""The two passes of a batch, as the work one worker does on one report.

Pass 1 (`Examine`): read, extract, check and review the text of one report (`report.examine`).  Between the
passes the features of every report fit the corpus model (reviewer.stats.CorpusModel).  Pass 2 (`Settle`):
compare one review with its peers and settle it (`compare_and_settle`), then write its memo folder.

The on-disk batch (batch.py) and the in-memory run the evaluation uses (memory.py) run these same passes; they
differ only in where a review goes between them (a pack on disk, or memory) and in what pass 2 writes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..config import Config, LLMSettings
from ..errors import ExtractionError, describe_fault
from ..output import write_review_files
from ..memo.render import BatchView
from ..narrative import make_narrative
from ..narrative.endpoint import SharedEndpoint
from ..read import read_bytes
from ..read.combine import combine
from ..review import Review
from ..settle import settle
from ..stats import CorpusModel
from ..stats.features import FEATURES, ID_COLUMNS, project_row
from . import series
from .grouping import identity
from .report import Outcome, examine, guarded
from .store import Pack, read_input, review_key, unopened

COLUMNS = ID_COLUMNS + FEATURES  # of a report's features in its journal line, one list per project


@dataclass
class Reviewer:
    """The narrative reviewer of one process, built there on first use: an LLM client is not shared across a
    fork.  `narrative` is a backend name ("heuristic", "openai" with `llm`), None for the rules only, or a
    reviewer already built (used as it is, in this process only)."""
    config: Config
    narrative: object = "heuristic"
    llm: LLMSettings | None = None
    cache: bool = True
    shared: SharedEndpoint | None = None  # what the processes of a batch share about the LLM endpoint
    _built: object = field(default=None, init=False, repr=False)

    def get(self):
        if not isinstance(self.narrative, str):
            return self.narrative
        if self._built is None:
            self._built = (make_narrative("openai", self.config, self.llm, use_cache=self.cache, shared=self.shared)
                           if self.narrative == "openai" else make_narrative(self.narrative, self.config))
        return self._built


def compare_and_settle(rv: Review, model: CorpusModel | None, config: Config, marks: dict | None = None) -> Review:
    """Pass 2 of one review: its comparison with the peers (none without a model), then settle, once."""
    if model is not None:
        model.compare(rv)
    return settle(rv, config, marks)  # a finding a reviewer rejected leaves the risk


def features(rv: Review) -> list[list]:
    """A report's projects as rows of the corpus features (COLUMNS)."""
    return [[row[c] for c in COLUMNS] for row in (project_row(rv.report, p) for p in rv.report.projects)]


@dataclass
class Examine:
    """Pass 1 of the on-disk batch, for one input path: its journal entry (status, key, features, the packed
    review)."""
    reviewer: Reviewer
    setting: str  # the rules, backend and code a stored review was made under (store.setting_key)
    limit: int  # bytes of an input
    text_limit: int  # bytes of a text input (0: no bound)

    def run(self, path_s: str) -> dict:
        path = Path(path_s)
        entry = {"pass": 1, "path": path_s, "name": path.name, "key": None}
        try:
            data = read_input(path, self.limit, self.text_limit)
        except (OSError, ExtractionError) as exc:
            return {**entry, "status": "unreadable", "error": unopened(exc)}
        entry["key"] = review_key(data, path.name, self.setting)
        config, cache = self.reviewer.config, self.reviewer.cache

        def work_on(p: Path) -> Outcome:
            rv = examine(read_bytes(data, p.name, cache, config.read), config, self.reviewer.get())
            return Outcome(p, report=rv.report, review=rv)

        return self._entry(entry, guarded(path, work_on))

    @staticmethod
    def _entry(entry: dict, outcome: Outcome) -> dict:
        if outcome.review is None:
            return {**entry, "status": "failed" if outcome.bug else "unreadable", "error": outcome.error}
        rv = outcome.review
        llm = {k: rv.narrative_stats.get(k, 0) for k in ("calls", "cache_hits", "tokens_in", "tokens_out")
               if "chunks" in rv.narrative_stats}
        # a text review that fell back to the heuristic is done again by the next run, when the endpoint may answer;
        # a file's identity says which report it is part of (grouping), unless it is one already
        return {**entry, "status": "ok", "features": features(rv), "llm": llm, "notes": rv.notes,
                "retry": rv.fell_back, "packed": Pack.packed(rv),
                "identity": None if "members" in entry else identity(rv.report), "series": series.facts(rv.report)}

    def lost(self, path_s: str) -> dict:
        """The outcome of a report whose worker died reviewing it (no key: the next run tries it again)."""
        return {"pass": 1, "path": path_s, "name": Path(path_s).name, "key": None, "status": "unreadable",
                "error": "审核此文件时工作进程异常退出（内存不足、超时或程序崩溃，见 rules.toml [batch] max_worker_mb、"
                         "max_seconds_per_report），未能审核"}


@dataclass
class ExamineJoined(Examine):
    """Pass 1 of one report published as several files (grouping): the files read, joined in input order
    (reviewer.read.combine), and examined as one.  A job is (its place in the journal, the files, the report's
    name, its key)."""

    def run(self, job: tuple[str, tuple[str, ...], str, str]) -> dict:
        place, members, name, key = job
        entry = {"pass": 1, "path": place, "name": name, "members": list(members), "key": key}
        try:
            data = [read_input(Path(m), self.limit, self.text_limit) for m in members]
        except (OSError, ExtractionError) as exc:
            return {**entry, "status": "unreadable", "error": unopened(exc)}
        config, cache = self.reviewer.config, self.reviewer.cache
        labels = file_labels(members)

        def work_on(p: Path) -> Outcome:
            doc = combine(name, [(label, read_bytes(d, Path(m).name, cache, config.read))
                                 for m, label, d in zip(members, labels, data)])
            rv = examine(doc, config, self.reviewer.get())
            return Outcome(p, report=rv.report, review=rv)

        return self._entry(entry, guarded(Path(members[0]), work_on))

    def lost(self, job: tuple) -> dict:
        return {**super().lost(job[0]), "name": job[2], "members": list(job[1])}


def file_labels(paths) -> list[str]:
    """What each file of a joined report is called in its places: its name, or its path where two share a name."""
    names = [Path(p).name for p in paths]
    return [n if names.count(n) == 1 else str(p) for n, p in zip(names, paths)]


def source_files(entry: dict) -> dict:
    """A reviewed report's files by the name its locations give them: None for a report of one file."""
    members = entry.get("members")
    return dict(zip(file_labels(members), members)) if members else {None: entry["path"]}


@dataclass
class Settle:
    """Pass 2 of the on-disk batch, for one stored review: compared, settled, its memo folder written."""
    config: Config
    model: CorpusModel
    view: BatchView
    out: Path
    scratch: Path
    pack: Pack
    marks: dict  # report → the reviewer's marks on its findings

    def run(self, job: tuple[str, str, str, str, tuple, dict | None, dict]) -> tuple[str, dict]:
        path, folder, key, corpus, at, link, sources = job
        try:
            rv = self.pack.review_at(at)
            series.add(rv, link, self.config)  # what the same unit's report of the year before says
            compare_and_settle(rv, self.model, self.config, self.marks.get(rv.report.source))
            result = write_review_files(rv, self.config, self.view, self.out, self.scratch, folder, sources)
        except Exception as exc:  # one memo that cannot be written costs that report, not the batch
            return path, {"error": f"审核意见未能写出：程序内部错误（{describe_fault(exc)}），其余报告不受影响；请报告此问题"}
        return path, {"pass": 2, "folder": folder, "key": key, "corpus": corpus, "result": result}

    def lost(self, job: tuple) -> tuple[str, dict]:
        return job[0], {"error": "写出审核意见时工作进程异常退出（内存不足、超时或程序崩溃），请报告此问题"}


@dataclass
class ExamineInMemory:
    """Pass 1 of the in-memory run, for one path: its Outcome with the whole review."""
    reviewer: Reviewer

    def run(self, path: Path) -> Outcome:
        def work(p: Path) -> Outcome:
            rv = examine(p, self.reviewer.config, self.reviewer.get(), cache=self.reviewer.cache)
            return Outcome(p, report=rv.report, review=rv)

        return guarded(path, work)

    def lost(self, path: Path) -> Outcome:
        return Outcome(path, error="审核此文件时工作进程异常退出（内存不足、超时或程序崩溃），未能审核")
