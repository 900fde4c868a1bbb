"""A batch on disk: thousands of reports reviewed in two streamed passes, resumed where a run stopped.

    summary = run_batch(find_reports(["corpus/"]), Path("out/review"), config)

Pass 1, per report, in worker processes (passes.Examine): read, extract, check, narrative.  The review (all but the comparison
with peers) is appended to OUT/.work/reviews.pack, its features and status to a line of OUT/.work/journal.jsonl.
Pass 2: the features of every report fit the corpus model (reviewer.stats.CorpusModel, drawn once for the
memos' scatter too); then per report, in workers again (passes.Settle): peers, settle, the memo folder; what the batch files
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

import gc
import hashlib
import json
import os
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import marks
from ..config import Config
from ..errors import ExtractionError
from ..output import BATCH_OUTPUTS, UNFINISHED, mark_finished, mark_unfinished, write_batch_files
from ..inputs import memo_folders
from ..memo.render import BatchView
from ..narrative.endpoint import SharedEndpoint
from ..progress import Progress
from ..stats import CorpusModel
from . import series
from .grouping import groups, report_name
from .passes import COLUMNS, Examine, ExamineJoined, Reviewer, Settle, source_files
from .store import WORK, Journal, Pack, read_input, review_key, setting_key
from .workers import Bounds, fan_out


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
    mark_problems: list[str] = field(default_factory=list)  # rows of 问题清单.xlsx whose marks were not taken, and why
    notes: dict[str, list[str]] = field(default_factory=dict)  # note → the reports it is about (e.g. an LLM
    # review that fell back to the heuristic): said once for the batch, and in each report's memo


def run_batch(paths: list[Path], out: Path, config: Config, narrative="heuristic", jobs: int = 0,
              stats: bool = True, cache: bool = True, fresh: bool = False, quiet: bool = False,
              llm=None, passed_over: Sequence[tuple[str, str]] = ()) -> BatchSummary:
    """Review every report of `paths` into `out` (see the module's text).

    `narrative` is a backend name: "heuristic" (offline), "openai" (with `llm`, the endpoint's LLMSettings; its
    `concurrency` bounds the requests in flight across every worker, its endpoint and model are part of what
    makes a stored review reusable), or None for the rules only.  The reviewer is built in each worker.
    `passed_over`: (input, why) of what was found but is not a file to review (reviewer.inputs.find_inputs);
    they are listed in summary.csv and index.html with the unreadable ones."""
    _, mark_problems = marks.absorb_workbook(out)  # the marks made in 问题清单.xlsx, before this run writes it again
    report_marks = marks.by_report(marks.load(out))
    scratch = _begin(out, fresh)
    processes = jobs or os.cpu_count() or 1
    setting = setting_key(config, narrative, llm)
    every, bounds = config.batch.progress_seconds, Bounds(config.batch.max_worker_mb,
                                                          config.batch.max_seconds_per_report)
    summary = BatchSummary(mark_problems=mark_problems)
    journal, pack = Journal(out / WORK / "journal.jsonl"), Pack(out / WORK / "reviews.pack")
    try:
        done1, done2 = _finished(journal)
        shared = SharedEndpoint.across_processes(llm.concurrency) if llm is not None else None
        first = Examine(Reviewer(config, narrative, llm, cache, shared), setting, int(config.batch.max_input_mb * 2**20),
                        int(config.batch.max_text_mb * 2**20))
        entries, todo = _plan(paths, setting, done1, pack, first.limit, summary)
        with Progress(len(todo), "审核", quiet, every) as progress:
            for entry in fan_out(first, todo, processes, progress, bounds):
                if summary.reviewed == 1 and stats:
                    CorpusModel.prepare()  # the parent is idle while the workers read; the results wait
                entries[entry["path"]] = _record(entry, journal, pack, summary)
        ordered = [entries[str(p)] for p in paths]
        del entries
        joined = ExamineJoined(first.reviewer, setting, first.limit, first.text_limit)
        ordered = _join_parts(ordered, joined, done1, journal, pack, summary,
                              lambda jobs: fan_out(joined, jobs, processes, Progress(len(jobs), "合并审核", quiet, every),
                                                   bounds))
        ok = [e for e in ordered if e["status"] == "ok"]
        folders = _folders(ordered)
        frame = _features_frame(journal, ok)
        # a unit's reports of consecutive years, read together (their statements read back for the linked only)
        # (the links follow from the reports' keys, which the corpus key holds already)
        linked = series.links(ok, lambda e: journal.entry_at(*e["at"])["series"])
        corpus = hashlib.sha256(json.dumps([setting, stats, [(e["name"], e["key"]) for e in ok]]).encode()).hexdigest()[:16]
        model = CorpusModel(frame if stats else frame.iloc[0:0], config)
        view = BatchView(frame)
        second = Settle(config, model, view, out, scratch, pack, report_marks)
        # a memo is reused while its review, its batch and its marks are unchanged
        # (and while the memo's pictures are as asked: --no-evidence writes them again without, and back)
        key2 = {e["path"]: e["key"] + marks.digest(report_marks.get(e["name"])) + ("" if config.batch.evidence else "-")
                for e in ok}
        results = {e["path"]: done2.get((folders[e["path"]], key2[e["path"]], corpus)) for e in ok}
        todo2 = [(e["path"], folders[e["path"]], key2[e["path"]], corpus, e["review"], linked.get(e["path"]),
                  source_files(e)) for e in ok
                 if results[e["path"]] is None or not (out / folders[e["path"]] / "findings.json").exists()]
        gc.freeze()  # the forked workers share the parent's objects: a collection there would copy every page
        try:
            with Progress(len(todo2), "写出审核意见", quiet, every) as progress:
                for path, entry in fan_out(second, todo2, processes, progress, bounds):
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
        mark_finished(out)
    finally:
        journal.close()
        pack.close()
        shutil.rmtree(scratch, ignore_errors=True)  # and the memo folders this run replaced
    return summary


def _begin(out: Path, fresh: bool) -> Path:
    """OUT/.work ready (emptied when `fresh`), and its scratch folder (returned); OUT marked unfinished."""
    work = out / WORK
    if fresh and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    scratch = work / "tmp"  # what a killed run was writing: never an output
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    mark_unfinished(out, scratch)
    return scratch


def _record(entry: dict, journal: Journal, pack: Pack, summary: BatchSummary) -> dict:
    """A report's pass-1 outcome on disk (its review, then the journal line that points to it) and in the
    summary; returns what the batch keeps of it in memory."""
    if "packed" in entry:
        entry["review"] = pack.append(entry.pop("packed"))
    brief = _brief(entry, journal.add(entry))
    summary.reviewed += "members" not in entry  # inputs: a report joined from files reviewed already counts none
    for k, v in entry.get("llm", {}).items():
        summary.llm[k] = summary.llm.get(k, 0) + v
    for note in entry.get("notes", []):
        summary.notes.setdefault(note, []).append(entry["name"])
    return brief


def _brief(entry: dict, at: tuple[int, int]) -> dict:
    """What the batch keeps of a pass-1 line in memory: its outcome and where the rest of it is (a file's
    identity without its text's fingerprints, which are read back when another file may be part of its report)."""
    ident = entry.get("identity")
    return {"path": entry["path"], "name": entry["name"], "key": entry.get("key"), "status": entry["status"],
            "error": entry.get("error", ""), "at": at, "review": entry.get("review"), "retry": entry.get("retry"),
            "identity": {k: v for k, v in ident.items() if k != "prints"} if ident else None,
            "members": entry.get("members"), "series": series.brief(entry.get("series"))}


def _folders(ordered: list[dict]) -> dict[str, str]:
    """Each entry's memo folder; a joined report's is named after the report, beside its first file."""
    named = {e["path"]: Path(e["members"][0]).parent / e["name"] if e.get("members") else Path(e["path"])
             for e in ordered}
    folders = memo_folders(list(named.values()), reserved=(*BATCH_OUTPUTS, WORK, UNFINISHED))
    return {place: folders[str(p)] for place, p in named.items()}


def _join_parts(ordered: list[dict], joined: ExamineJoined, done1: dict, journal: Journal, pack: Pack,
                summary: BatchSummary, run) -> list[dict]:
    """`ordered` with the files that are parts of one report (reviewer.pipeline.grouping) replaced by that report,
    in the first file's place; `run(jobs)` examines the reports to join.  A report whose files could not be
    examined together leaves them as they were, each reviewed on its own (the reason in the batch's notes)."""
    by_path = {e["path"]: e for e in ordered}

    def prints(path: str) -> list[int]:
        return journal.entry_at(*by_path[path]["at"])["identity"]["prints"]

    found = groups([(e["path"], e["identity"]) for e in ordered if e["status"] == "ok"], prints)
    done, jobs = {}, []
    for members in found:
        place = "\0".join(members)  # no path holds a NUL: never an input's place in the journal
        key = hashlib.sha256("|".join(by_path[m]["key"] for m in members).encode()).hexdigest()[:24]
        old = done1.get(place)
        if old and old["key"] == key and not old["retry"] and (old["status"] != "ok" or pack.holds(old["review"])):
            done[place] = old
        else:
            jobs.append((place, tuple(members), report_name(by_path[members[0]]["identity"]), key))
    for entry in run(jobs):
        done[entry["path"]] = _record(entry, journal, pack, summary)
    replaced: dict[str, dict] = {}
    for place, entry in done.items():
        if entry["status"] != "ok":
            note = f"以下文件属于同一报告，但合并审核未能完成（{entry['error']}），已分别审核"
            summary.notes.setdefault(note, []).extend(Path(m).name for m in place.split("\0"))
            continue
        for m in place.split("\0"):
            replaced[m] = entry
    out, placed = [], set()
    for e in ordered:
        entry = replaced.get(e["path"], e)
        if entry["path"] not in placed:
            out.append(entry)
            placed.add(entry["path"])
    return out


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
