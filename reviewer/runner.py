"""A batch on disk: thousands of reports reviewed in two streamed passes, resumed where a run stopped.

    summary = run_batch(find_reports(["corpus/"]), Path("out/review"), config)

Pass 1, per report, in worker processes: read, extract, check, narrative.  The review (all but the comparison
with peers) is appended to OUT/.work/reviews.pack, its features and status to a line of OUT/.work/journal.jsonl.
Pass 2: the features of every report fit the corpus model (reviewer.stats.CorpusModel, drawn once for the
memos' scatter too); then per report, in workers again: peers, risk, the memo folder; what the batch files
need of the report (its summary and index rows, its findings) goes to a journal line.  Last, the batch files
(findings.jsonl, summary.csv, features.csv, index.html) in input order, read back a report at a time.  Nothing
holds every report in memory; every file is written whole or not at all, and only the parent process writes
the journal and the pack, a record at a time, after the work it records is done.

Running the same command on the same OUT resumes: a report whose input bytes, rules and code are those of a
stored review is not reviewed again; a memo whose review and corpus are unchanged is not written again.  A
run killed at any moment loses what it had finished and duplicates nothing; the resumed outputs are those of
a clean run, byte for byte.  `fresh=True` starts over (and reclaims the space of reviews made under other
rules, which a resumed run keeps).
"""
from __future__ import annotations

import collections
import contextlib
import gc
import hashlib
import json
import multiprocessing
import os
import pickle
import resource
import shutil
import signal
import stat
import sys
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from . import marks
from .batch import Outcome, guarded
from .config import Config
from .errors import ExtractionError, describe_fault
from .export import BATCH_OUTPUTS, atomic_file, write_batch_files, write_review_files
from .inputs import memo_folders, os_reason
from .memo.render import BatchView
from .model import AccountsTable, Department, Project
from .narrative import make_narrative
from .progress import Progress
from .read import read_bytes
from .read.sniff import sniff
from .review import Review, examine
from .settle import settle
from .stats import CorpusModel
from .stats.features import FEATURES, ID_COLUMNS, project_row

WORK = ".work"
COLUMNS = ID_COLUMNS + FEATURES  # of a report's features in its journal line, one list per project


@dataclass
class BatchSummary:
    reviewed: int = 0  # reviewed in this run (pass 1)
    skipped: int = 0  # already reviewed by an earlier run of the same inputs and rules
    unreadable: int = 0  # could not be read (the reason in summary.csv and index.html)
    failed: int = 0  # a bug on one report (the reason likewise); the rest of the batch is unaffected
    passed_over: int = 0  # inputs that are not files to review (hidden, a link loop, a named pipe…), with why
    faulted: int = 0  # reviews in which a check stopped on a program fault (said in the memo and summary.csv)
    reports: int = 0  # reviews in the outputs
    partial: int = 0
    findings: int = 0
    memos_written: int = 0
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # (input, status, reason) of what was not reviewed
    llm: dict = field(default_factory=dict)  # calls, cache hits and tokens of this run's LLM requests
    notes: dict[str, list[str]] = field(default_factory=dict)  # note → the reports it is about (e.g. an LLM
    # review that fell back to the heuristic): said once for the batch, and in each report's memo


def code_version() -> str:
    """The reviewer's own code, data files and LLM prompts: a review stored by other code is not reused."""
    package = Path(__file__).parent
    h = hashlib.sha256()
    for root in (package, package.parent / "prompts"):
        for p in sorted(root.rglob("*")):
            if p.suffix in (".py", ".toml", ".j2", ".json") and "__pycache__" not in p.parts:
                h.update(p.relative_to(package.parent).as_posix().encode())
                h.update(p.read_bytes())
    return h.hexdigest()[:16]


def _setting_key(config: Config, backend: str | None, llm) -> str:
    endpoint = [llm.base_url, llm.model] if backend == "openai" and llm is not None else []
    blob = json.dumps([config.fingerprint(), backend or "none", endpoint, code_version()], sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


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


_STATE: dict = {}  # what the workers of a pass share: set in the parent before the pool forks


def _pass1(path_s: str) -> dict:
    path = Path(path_s)
    config, cache = _STATE["config"], _STATE["cache"]
    if "narrative" not in _STATE:  # built once in each process (an LLM client is not shared across a fork)
        _STATE["narrative"] = _STATE["make_narrative"]()
    narrative = _STATE["narrative"]
    entry = {"pass": 1, "path": path_s, "name": path.name, "key": None}
    try:
        data = read_input(path, _STATE["limit"], _STATE["text_limit"])
    except (OSError, ExtractionError) as exc:
        return {**entry, "status": "unreadable", "error": _unopened(exc)}
    entry["key"] = review_key(data, path.name, _STATE["setting"])

    def work_on(p: Path) -> Outcome:
        rv = examine(read_bytes(data, p.name, cache, _STATE["read_limits"]), config, narrative)
        return Outcome(p, report=rv.report, review=rv)

    outcome = guarded(path, work_on)
    if outcome.review is None:
        return {**entry, "status": "failed" if outcome.bug else "unreadable", "error": outcome.error}
    rv = outcome.review
    rows = [[row[c] for c in COLUMNS] for row in (project_row(rv.report, p) for p in rv.report.projects)]
    llm = {k: rv.narrative_stats.get(k, 0) for k in ("calls", "cache_hits", "tokens_in", "tokens_out")
           if "chunks" in rv.narrative_stats}
    # a text review that fell back to the heuristic is done again by the next run, when the endpoint may answer
    return {**entry, "status": "ok", "features": rows, "llm": llm, "notes": rv.notes, "retry": rv.fell_back,
            "packed": Pack.packed(rv)}


def _lost1(path_s: str) -> dict:
    """The outcome of a report whose worker died reviewing it (no key: the next run tries it again)."""
    return {"pass": 1, "path": path_s, "name": Path(path_s).name, "key": None, "status": "unreadable",
            "error": "审核此文件时工作进程异常退出（内存不足、超时或程序崩溃，见 rules.toml [batch] max_worker_mb、"
                     "max_seconds_per_report），未能审核"}


def _lost2(job: tuple) -> tuple[str, dict]:
    return job[0], {"error": "写出审核意见时工作进程异常退出（内存不足、超时或程序崩溃），请报告此问题"}


def _pass2(job: tuple[str, str, str, str, tuple]) -> tuple[str, dict]:
    path, folder, key, corpus, at = job
    config, model, view, out = (_STATE[k] for k in ("config", "model", "view", "out"))
    try:
        rv = _STATE["pack"].review_at(at)
        model.compare(rv)
        settle(rv, config, _STATE["review_marks"].get(rv.report.source))  # a rejected finding leaves the risk
        result = write_review_files(rv, config, view, out, _STATE["scratch"], folder)
    except Exception as exc:  # one memo that cannot be written costs that report, not the batch
        return path, {"error": f"审核意见未能写出：程序内部错误（{describe_fault(exc)}），其余报告不受影响；请报告此问题"}
    return path, {"pass": 2, "folder": folder, "key": key, "corpus": corpus, "result": result}


def _worker_start() -> None:
    """A worker ends with the batch (killed with it, on Linux), is quiet when its batch is gone, and leaves what
    it inherited to the permanent generation of the garbage collector."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the batch in the parent, once
    if mb := _STATE.get("worker_mb"):  # a pathological report fails on its own, not the machine
        with contextlib.suppress(ValueError, OSError):  # what the worker may add to what it inherited
            with open("/proc/self/statm") as fh:
                inherited = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
            resource.setrlimit(resource.RLIMIT_AS, (inherited + mb * 2**20, resource.getrlimit(resource.RLIMIT_AS)[1]))
    gc.freeze()  # what the worker inherited is never garbage here: collections look only at its own objects
    gc.set_threshold(20_000)  # a report's objects go by reference counting; the default 700 made ~2 collections a report


def _map(fn, jobs: list, processes: int, progress: Progress, lost):
    """fn over jobs, in input order, in `processes` forked workers (or here, for one).  A worker that dies
    (killed for memory, a crash in a library) takes its job with it: `lost(job)` stands for that job's
    result, the other jobs it held are done again, and the batch goes on (a plain Pool would wait forever)."""
    if processes <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield fn(job)
            progress.step()
        return
    ctx = multiprocessing.get_context("fork")  # workers inherit _STATE: the model is not pickled per task
    held = _STATE["held"] = ctx.RawArray("i", len(jobs))  # who holds each job: see _run_chunk
    size = max(1, min(16, len(jobs) // (processes * 16)))  # small: no worker idles long at a pass's end
    chunks = collections.deque(range(k, min(k + size, len(jobs))) for k in range(0, len(jobs), size))
    pool = ctx.Pool(processes, initializer=_worker_start)
    crashed = False
    try:
        pending: collections.deque = collections.deque()
        done: dict[int, object] = {}
        following = 0
        while following < len(jobs):
            while chunks and len(pending) < 16 * processes:
                ks = list(chunks.popleft())
                pending.append((ks, pool.apply_async(_run_chunk, (fn, lost, [(k, jobs[k]) for k in ks]))))
            ks, result = pending[0]
            try:
                done.update(zip(ks, result.get(timeout=1.0)))
                pending.popleft()
            except multiprocessing.TimeoutError:
                if not _lost_chunk(fn, ks, held, pool, jobs, lost, done, pending):
                    continue
                crashed = True
            while following in done:
                yield done.pop(following)
                progress.step()
                following += 1
    finally:
        if crashed:  # a worker that died may hold the lock of the task queue, which terminate() would wait for
            pool._inqueue._rlock = ctx.Lock()
        pool.terminate()


_RUNNING = 1 << 22  # above any pid (pid_max is at most 2**22)


def _run_chunk(fn, lost, chunk: list) -> list:
    """In a worker: each job's entry in `held` is this worker's pid while it holds the job, pid + _RUNNING while
    it runs it, and -1 once it is done, so that the parent can tell which job a dead worker was running.  A job that
    raises here (out of memory under [batch] max_worker_mb: the jobs catch everything else) is lost alone."""
    held, pid = _STATE["held"], os.getpid()
    for k, _ in chunk:
        held[k] = pid
    out = []
    seconds = _STATE.get("job_seconds", 0)
    for k, job in chunk:
        held[k] = pid + _RUNNING
        signal.alarm(seconds)  # a job past its time ends the worker (SIGALRM's default): lost alone, as above
        try:
            out.append(fn(job))
        except (MemoryError, SystemError):  # SystemError: what some C code makes of a failed allocation
            gc.collect()
            out.append(lost(job))
        finally:
            signal.alarm(0)
        held[k] = -1
    return out


def _lost_chunk(fn, ks, held, pool, jobs, lost, done, pending) -> bool:
    """True when the oldest chunk's worker is dead: its running job is lost, the rest go back to the pool."""
    live = {p.pid for p in list(pool._pool) if p.exitcode is None}
    holders = {held[k] % _RUNNING for k in ks if held[k] > 0}
    if not holders or holders <= live:
        return False
    pending.popleft()
    again = []
    for k in ks:
        if held[k] > _RUNNING and held[k] - _RUNNING not in live:
            done[k] = lost(jobs[k])
        else:
            held[k] = 0  # not held by anyone until a live worker takes it
            again.append(k)
    if again:
        pending.appendleft((again, pool.apply_async(_run_chunk, (fn, lost, [(k, jobs[k]) for k in again]))))
    return True


# --- the batch ---------------------------------------------------------------------------------------

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


def _unopened(exc: Exception) -> str:
    return str(exc) if isinstance(exc, ExtractionError) else f"无法打开（{os_reason(exc)}）"


def run_batch(paths: list[Path], out: Path, config: Config, narrative="heuristic", jobs: int = 0,
              stats: bool = True, cache: bool = True, fresh: bool = False, quiet: bool = False,
              llm=None, passed_over: Sequence[tuple[str, str]] = ()) -> BatchSummary:
    """Review every report of `paths` into `out` (see the module's text).

    `narrative` is a backend name: "heuristic" (offline), "openai" (with `llm`, the endpoint's LLMSettings; its
    `concurrency` bounds the requests in flight across every worker, its endpoint and model are part of what
    makes a stored review reusable), or None for the rules only.  The reviewer is built in each worker.
    `passed_over`: (input, why) of what was found but is not a file to review (reviewer.inputs.find_inputs);
    they are listed in summary.csv and index.html with the unreadable ones."""
    read_limits = config.read
    marks.absorb_workbook(out)  # the marks made in 问题清单.xlsx, before this run writes it again
    report_marks = marks.by_report(marks.load(out))
    work = out / WORK
    if fresh and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    scratch = work / "tmp"  # what a killed run was writing: never an output
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    _begin(out, scratch)
    processes = jobs or os.cpu_count() or 1
    setting = _setting_key(config, narrative, llm)

    def make():  # in each worker: an LLM client is not shared across a fork
        if narrative == "openai":
            return make_narrative(narrative, config, llm, use_cache=cache)
        return make_narrative(narrative, config) if narrative else None

    every = config.batch.progress_seconds
    summary = BatchSummary()
    journal, pack = Journal(work / "journal.jsonl"), Pack(work / "reviews.pack")
    try:
        done1, done2 = _finished(journal)
        limit = int(config.batch.max_input_mb * 2**20)
        entries, todo = _plan(paths, setting, done1, pack, limit, summary)
        _STATE.update(config=config, make_narrative=make, cache=cache, limit=limit, read_limits=read_limits,
                      setting=setting, scratch=scratch,
                      worker_mb=config.batch.max_worker_mb,
                      job_seconds=config.batch.max_seconds_per_report,
                      text_limit=int(config.batch.max_text_mb * 2**20))
        with _request_slots(llm), Progress(len(todo), "审核", quiet, every) as progress:
            for entry in _map(_pass1, todo, processes, progress, _lost1):
                if summary.reviewed == 1 and stats:
                    CorpusModel.prepare()  # the parent is idle while the workers read; the results wait
                entries[entry["path"]] = _record(entry, journal, pack, summary)
        ordered = [entries[str(p)] for p in paths]
        del entries
        ok = [e for e in ordered if e["status"] == "ok"]
        folders = memo_folders(paths, reserved=(*BATCH_OUTPUTS, WORK, UNFINISHED))
        frame = _features_frame(journal, ok)
        corpus = hashlib.sha256(json.dumps([setting, stats, [(e["name"], e["key"]) for e in ok]]).encode()).hexdigest()[:16]
        model = CorpusModel(frame if stats else frame.iloc[0:0], config)
        view = BatchView(frame)
        _STATE.update(model=model, view=view, out=out, pack=pack, review_marks=report_marks)
        # a memo is reused while its review, its batch and its marks are unchanged
        key2 = {e["path"]: e["key"] + marks.digest(report_marks.get(e["name"])) for e in ok}
        results = {e["path"]: done2.get((folders[e["path"]], key2[e["path"]], corpus)) for e in ok}
        todo2 = [(e["path"], folders[e["path"]], key2[e["path"]], corpus, e["review"]) for e in ok
                 if results[e["path"]] is None or not (out / folders[e["path"]] / "findings.json").exists()]
        gc.freeze()  # the forked workers share the parent's objects: a collection there would copy every page
        try:
            with Progress(len(todo2), "写出审核意见", quiet, every) as progress:
                for path, entry in _map(_pass2, todo2, processes, progress, _lost2):
                    if "error" in entry:  # not journaled: the next run tries again
                        ok = [e for e in ok if e["path"] != path]
                        ordered = [{**e, "status": "failed", "error": entry["error"]} if e["path"] == path else e
                                   for e in ordered]
                        continue
                    results[path] = journal.add(entry)
                    summary.memos_written += 1
        finally:
            gc.unfreeze()
        failures = _not_reviewed(ordered, passed_over, summary)
        written = write_batch_files(out, _JournalResults(journal, [results[e["path"]] for e in ok]),
                                    failures, frame, config, view, scratch)
        for k in ("reports", "partial", "findings", "faulted"):
            setattr(summary, k, written[k])
        (out / UNFINISHED).unlink()
    finally:
        journal.close()
        pack.close()
        _STATE.clear()
        shutil.rmtree(scratch, ignore_errors=True)  # and the memo folders this run replaced
    return summary


UNFINISHED = "审核未完成.txt"


def _begin(out: Path, scratch: Path) -> None:
    """Until the batch files are written, OUT says it is unfinished, and holds no index of an earlier run
    that would disagree with the memos this run writes."""
    with atomic_file(out / UNFINISHED, scratch) as fh:
        fh.write("本文件夹的审核尚未完成：审核正在进行，或已中断。各报告的审核意见可能只写出了一部分，"
                 "汇总文件（index.html、summary.csv、findings.jsonl、features.csv）在审核完成后才写出。\n"
                 "以同样的命令再次运行即可从中断处继续；完成后本文件自动删除。\n".encode("utf-8"))
    for name in BATCH_OUTPUTS:
        with contextlib.suppress(FileNotFoundError):
            os.rename(out / name, scratch / name)


def _record(entry: dict, journal: Journal, pack: Pack, summary: BatchSummary) -> dict:
    """A report's pass-1 outcome on disk (its review, then the journal line that points to it) and in the
    summary; returns what the batch keeps of it in memory."""
    if "packed" in entry:
        entry["review"] = pack.append(entry.pop("packed"))
    brief = _brief(entry, journal.add(entry))
    summary.reviewed += 1
    for k, v in entry.get("llm", {}).items():
        summary.llm[k] = summary.llm.get(k, 0) + v
    for note in entry.get("notes", []):
        summary.notes.setdefault(note, []).append(entry["name"])
    return brief


def _brief(entry: dict, at: tuple[int, int]) -> dict:
    """What the batch keeps of a pass-1 line in memory: its outcome and where the rest of it is."""
    return {"path": entry["path"], "name": entry["name"], "key": entry.get("key"), "status": entry["status"],
            "error": entry.get("error", ""), "at": at, "review": entry.get("review"), "retry": entry.get("retry")}


def _not_reviewed(ordered: list[dict], passed_over, summary: BatchSummary) -> list[tuple[str, str, str]]:
    """(input, status, reason) of every input without a memo: the program's errors, the unreadable files, then
    what is not a file to review (as found); counted in the summary."""
    rank = {k: i for i, k in enumerate(STATUS)}
    others = sorted(((e["status"], e["name"], e["error"]) for e in ordered if e["status"] != "ok"),
                    key=lambda f: (rank[f[0]], f[1], f[2]))
    others += [("passed_over", name, why) for name, why in passed_over]
    summary.unreadable = sum(e["status"] == "unreadable" for e in ordered)
    summary.failed = sum(e["status"] == "failed" for e in ordered)
    summary.passed_over = len(passed_over)
    summary.errors = [(name, STATUS[status], why) for status, name, why in others]
    return summary.errors


STATUS = {"failed": "程序错误", "unreadable": "未能读取", "passed_over": "未审核"}  # as summary.csv and the index say


def _finished(journal: Journal) -> tuple[dict, dict]:
    """What earlier runs finished: the last pass-1 outcome of each input, and where each memo's results are."""
    done1, done2 = {}, {}
    for e, at, length in Journal.read(journal.path):
        if e.get("pass") == 1:
            done1[e["path"]] = _brief(e, (at, length))
        elif e.get("pass") == 2 and "folder" in e:  # (a line of older code has none: its work is redone)
            done2[e["folder"], e["key"], e["corpus"]] = (at, length)
    return done1, done2


def _plan(paths: list[Path], setting: str, done1: dict, pack: Pack, limit: int, summary: BatchSummary):
    """(entries of what is known already, inputs for pass 1): an input whose bytes, name and settings are those
    of a finished review is not reviewed again.  Only inputs an earlier run saw are read here; the workers
    read the others."""
    entries: dict[str, dict] = {}
    todo: list[str] = []
    for path in paths:
        old = done1.get(str(path))
        if old and old["key"] and not old["retry"] and (old["status"] != "ok" or pack.holds(old["review"])):
            try:
                same = review_key(read_input(path, limit), path.name, setting) == old["key"]
            except (OSError, ExtractionError):
                same = False  # the worker says why
            if same:
                entries[str(path)] = old
                summary.skipped += 1
                continue
        todo.append(str(path))
    return entries, todo


def _features_frame(journal: Journal, ok: list[dict]) -> pd.DataFrame:
    """Every project's features, in input order, read back from the journal a report at a time."""
    columns: list[list] = [[] for _ in COLUMNS]
    strings = [k for k, c in enumerate(COLUMNS) if c in ("report", "project", "department", "region")]
    for e in ok:
        for row in journal.entry_at(*e["at"])["features"]:
            for k in strings:  # one string object per distinct name: a report's name is on each of its rows
                row[k] = sys.intern(row[k]) if isinstance(row[k], str) else row[k]
            for k, v in enumerate(row):
                columns[k].append(v)
    return pd.DataFrame(dict(zip(COLUMNS, columns)), columns=COLUMNS)


class _JournalResults(Sequence):
    """Each report's results (summary row, index row, findings lines), read from its journal line when asked."""

    def __init__(self, journal: Journal, places: list[tuple[int, int]]) -> None:
        self.journal, self.places = journal, places

    def __len__(self) -> int:
        return len(self.places)

    def __getitem__(self, i: int) -> dict:
        return self.journal.entry_at(*self.places[i])["result"]


@contextlib.contextmanager
def _request_slots(llm):
    """One bound on LLM requests in flight across every worker process of the batch."""
    if llm is None:
        yield
        return
    from .narrative import openai_backend  # here: the openai SDK takes a second to import, offline runs skip it

    ctx = multiprocessing.get_context("fork")
    openai_backend.REQUEST_SLOTS = ctx.BoundedSemaphore(int(llm.concurrency))
    openai_backend.FAILURES = ctx.Value("i", 0)  # one circuit breaker for the batch
    try:
        yield
    finally:
        openai_backend.REQUEST_SLOTS = openai_backend.FAILURES = None
