"""A batch on disk: thousands of reports reviewed in two streamed passes, resumed where a run stopped.

    summary = run_batch(find_reports(["corpus/"]), Path("out/review"), config)

Pass 1, per report, in worker processes: read, extract, check, narrative.  The review (all but the comparison
with peers) is stored in OUT/.work/reviews/, its features and status in a line of OUT/.work/journal.jsonl.
Pass 2: the features of every report fit the corpus model (reviewer.stats.CorpusModel, drawn once for the
memos' scatter too); then per report, in workers again: peers, risk, the memo folder, and a result file with
what the batch files need.  Last, the batch files (findings.jsonl, summary.csv, features.csv, index.html) in
input order.  Nothing holds every report in memory; every file is written whole or not at all.

Running the same command on the same OUT resumes: a report whose input bytes, rules and code are those of a
stored review is not reviewed again; a memo whose review and corpus are unchanged is not written again.  A
run killed at any moment loses what it had finished and duplicates nothing; the resumed outputs are those of
a clean run, byte for byte.  `fresh=True` starts over.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import os
import pickle
import shutil
import signal
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from .batch import Outcome, guarded
from .config import Config
from .errors import ExtractionError
from .export import memo_dir_name, write_atomic, write_batch_files, write_review_files
from .memo.render import BatchView
from .model import AccountsTable, Department, Project, Report
from .narrative import make_narrative
from .progress import Progress
from .review import Review, review
from .stats import CorpusModel
from .stats.features import FEATURES, ID_COLUMNS, project_row

WORK = ".work"


@dataclass
class BatchSummary:
    reviewed: int = 0  # reviewed in this run (pass 1)
    skipped: int = 0  # already reviewed by an earlier run of the same inputs and rules
    unreadable: int = 0  # could not be read (the reason in summary.csv and index.html)
    failed: int = 0  # a bug on one report (the reason likewise); the rest of the batch is unaffected
    reports: int = 0  # reviews in the outputs
    partial: int = 0
    findings: int = 0
    memos_written: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)  # (report, reason) of what was not reviewed
    llm: dict = field(default_factory=dict)  # calls, cache hits and tokens of this run's LLM requests
    notes: list[str] = field(default_factory=list)  # e.g. a report whose LLM review fell back to the heuristic


def code_version() -> str:
    """The reviewer's own code and data files: a review stored by other code is not reused."""
    root = Path(__file__).parent
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.suffix in (".py", ".toml", ".j2", ".json") and "__pycache__" not in p.parts:
            h.update(p.relative_to(root).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


def _setting_key(config: Config, backend: str | None, llm: dict) -> str:
    blob = json.dumps([config.fingerprint(), backend or "none", {k: llm.get(k) for k in ("base_url", "model")},
                       code_version()], sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


class Journal:
    """OUT/.work/journal.jsonl: one line per finished step, appended and flushed; a line cut short by a kill
    is ignored when read back."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.fh = open(path, "a", encoding="utf-8")

    def add(self, entry: dict) -> None:
        self.fh.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
        self.fh.flush()

    def close(self) -> None:
        self.fh.close()

    @staticmethod
    def read(path: Path) -> list[dict]:
        out = []
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError:
                    continue  # the last line of a killed run
        return out


# --- pass 1: one report ------------------------------------------------------------------------------

def slim(rv: Review) -> Review:
    """The review without what only extraction needed (the document's lines, table frames, prose): what the
    memo, the index and the comparison with peers read of it."""
    r = rv.report
    report = replace(
        r, lines=[], line_locs=[], multiline_rows=[], prose=[],
        projects=[Project(name=p.name, incomplete=p.incomplete) for p in r.projects],
        blank_templates=[Project() for _ in r.blank_templates],
        accounts=[AccountsTable(kind=t.kind, title=t.title, family=t.family, unread=t.unread) for t in r.accounts],
        department_part=Department(name=r.department_part.name) if r.department_part else None)
    return replace(rv, report=report)


def _pack(obj) -> bytes:
    return zlib.compress(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL), 3)


def _unpack(data: bytes):
    return pickle.loads(zlib.decompress(data))


_STATE: dict = {}  # what the workers of a pass share: set in the parent before the pool forks


def _pass1(job: tuple[str, str, str]) -> dict:
    path_s, digest, key = job
    path = Path(path_s)
    config, cache, work = _STATE["config"], _STATE["cache"], _STATE["work"]
    if "narrative" not in _STATE:  # built once in each process (an LLM client is not shared across a fork)
        _STATE["narrative"] = _STATE["make_narrative"]()
    narrative = _STATE["narrative"]
    entry = {"pass": 1, "path": path_s, "name": path.name, "input": digest, "key": key}

    def work_on(p: Path) -> Outcome:
        rv = review(p, config, narrative, cache=cache)
        return Outcome(p, report=rv.report, review=rv)

    outcome = guarded(path, work_on)
    if outcome.review is None:
        kind = "failed" if outcome.error.startswith("程序内部错误") else "unreadable"
        return {**entry, "status": kind, "error": outcome.error}
    rv = outcome.review
    rows = [project_row(rv.report, p) for p in rv.report.projects]
    write_atomic(work / "reviews" / f"{key}.pkl.z", _pack(slim(rv)))
    llm = {k: rv.narrative_stats.get(k, 0) for k in ("calls", "cache_hits", "tokens_in", "tokens_out")
           if "chunks" in rv.narrative_stats}
    return {**entry, "status": "ok", "features": rows, "llm": llm, "notes": rv.notes}


def _pass2(job: tuple[str, str, str]) -> dict:
    name, key, corpus = job
    config, model, view, out, work = (_STATE[k] for k in ("config", "model", "view", "out", "work"))
    rv = _unpack((work / "reviews" / f"{key}.pkl.z").read_bytes())
    model.score(rv)
    result = write_review_files(rv, config, view, out)
    write_atomic(work / "results" / f"{key}-{corpus}.json", json.dumps(result, ensure_ascii=False, sort_keys=True))
    return {"pass": 2, "name": name, "key": key, "corpus": corpus}


def _worker_start() -> None:
    """A worker ends with the batch: killed with it (Linux), and quiet when its batch is gone."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the batch in the parent, once


def _map(fn, jobs: list, processes: int, progress: Progress):
    """fn over jobs, in input order, in `processes` forked workers (or here, for one)."""
    if processes <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield fn(job)
            progress.step()
        return
    ctx = multiprocessing.get_context("fork")  # workers inherit _STATE: the model is not pickled per task
    with ctx.Pool(processes, initializer=_worker_start) as pool:
        for result in pool.imap(fn, jobs, chunksize=max(1, min(64, len(jobs) // (processes * 16)))):
            yield result
            progress.step()


# --- the batch ---------------------------------------------------------------------------------------

def _digest(path: Path, limit: int) -> str:
    size = path.stat().st_size
    if size > limit:
        raise ExtractionError(f"文件过大（{size / 2**20:.1f} MB，超过上限 {limit / 2**20:.0f} MB，见 rules.toml [batch]），未读取")
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:32]


def run_batch(paths: list[Path], out: Path, config: Config, narrative="heuristic", jobs: int = 0,
              stats: bool = True, cache: bool = True, fresh: bool = False, quiet: bool = False,
              llm: dict | None = None) -> BatchSummary:
    """Review every report of `paths` into `out` (see the module's text).

    `narrative` is a backend name ("heuristic", "openai", None for rules only) or a function that builds the
    narrative reviewer (called once in each worker process); `llm` names the endpoint and model such a function
    uses (part of what makes a stored review reusable) and `concurrency`, the requests in flight across every
    worker."""
    out.mkdir(parents=True, exist_ok=True)
    work = out / WORK
    if fresh and work.exists():
        shutil.rmtree(work)
    for sub in ("reviews", "results"):
        (work / sub).mkdir(parents=True, exist_ok=True)
    processes = jobs or os.cpu_count() or 1
    backend = narrative if isinstance(narrative, str) or narrative is None else "custom"
    setting = _setting_key(config, backend, llm or {})
    make = narrative if callable(narrative) else (lambda: make_narrative(narrative, config) if narrative else None)
    summary = BatchSummary()
    limit = int(config.batch.get("max_input_mb", 50) * 2**20)

    done1, done2 = {}, set()
    for e in Journal.read(work / "journal.jsonl"):
        if e.get("pass") == 1:
            done1[e["path"]] = e
        elif e.get("pass") == 2:
            done2.add((e["name"], e["key"], e["corpus"]))
    journal = Journal(work / "journal.jsonl")
    try:
        entries: dict[str, dict] = {}
        todo: list[tuple[str, str, str]] = []
        for path in paths:
            try:
                digest = _digest(path, limit)
            except (OSError, ExtractionError) as exc:
                reason = str(exc) if isinstance(exc, ExtractionError) else "文件不存在或无法打开"
                entries[str(path)] = {"pass": 1, "path": str(path), "name": path.name, "status": "unreadable",
                                      "error": reason}
                continue
            key = hashlib.sha256(f"{digest}|{path.name}|{setting}".encode()).hexdigest()[:24]
            old = done1.get(str(path))
            if old and old.get("key") == key and (old["status"] != "ok" or (work / "reviews" / f"{key}.pkl.z").exists()):
                entries[str(path)] = old
                summary.skipped += 1
                continue
            todo.append((str(path), digest, key))
        _STATE.update(config=config, make_narrative=make, cache=cache, work=work)
        every = config.batch.get("progress_seconds", 10)
        with _request_slots(llm), Progress(len(todo), "审核", quiet, every) as progress:
            for entry in _map(_pass1, todo, processes, progress):
                journal.add(entry)
                entries[entry["path"]] = entry
                summary.reviewed += 1
                for k, v in entry.get("llm", {}).items():
                    summary.llm[k] = summary.llm.get(k, 0) + v
                summary.notes += [f"{entry['name']}：{n}" for n in entry.get("notes", [])]
        ordered = [entries[str(p)] for p in paths]
        ok = [e for e in ordered if e["status"] == "ok"]
        failures = [(e["name"], e["error"]) for e in ordered if e["status"] != "ok"]
        summary.unreadable = sum(e["status"] == "unreadable" for e in ordered)
        summary.failed = sum(e["status"] == "failed" for e in ordered)
        summary.errors = failures

        frame = pd.DataFrame([row for e in ok for row in e["features"]], columns=ID_COLUMNS + FEATURES)
        corpus = hashlib.sha256(json.dumps([setting, stats, [(e["name"], e["key"]) for e in ok]]).encode()).hexdigest()[:16]
        model = CorpusModel(frame if stats else frame.iloc[0:0], config)
        view = BatchView(frame)
        _STATE.update(model=model, view=view, out=out)
        todo2 = [(e["name"], e["key"], corpus) for e in ok
                 if (e["name"], e["key"], corpus) not in done2
                 or not (work / "results" / f"{e['key']}-{corpus}.json").exists()
                 or not (out / memo_dir_name(e["name"]) / "memo.html").exists()]
        with Progress(len(todo2), "写出审核意见", quiet, every) as progress:
            for entry in _map(_pass2, todo2, processes, progress):
                journal.add(entry)
                summary.memos_written += 1
        results = [json.loads((work / "results" / f"{e['key']}-{corpus}.json").read_text(encoding="utf-8")) for e in ok]
        written = write_batch_files(out, results, failures, frame, config, view)
        summary.reports, summary.partial, summary.findings = written["reports"], written["partial"], written["findings"]
        _prune(work, {e["key"] for e in ok}, corpus)
    finally:
        journal.close()
        _STATE.clear()
    return summary


@contextlib.contextmanager
def _request_slots(llm: dict | None):
    """One bound on LLM requests in flight across every worker process of the batch."""
    n = (llm or {}).get("concurrency")
    if not n:
        yield
        return
    from .narrative import openai_backend

    openai_backend.REQUEST_SLOTS = multiprocessing.get_context("fork").BoundedSemaphore(int(n))
    try:
        yield
    finally:
        openai_backend.REQUEST_SLOTS = None


def _prune(work: Path, keys: set[str], corpus: str) -> None:
    """Result files of other corpora (an earlier batch of other inputs) are of no further use."""
    for p in (work / "results").glob("*.json"):
        key, _, rest = p.stem.partition("-")
        if rest != corpus or key not in keys:
            p.unlink(missing_ok=True)
