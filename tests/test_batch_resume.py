"""Batches on disk (reviewer.runner): the same outputs byte for byte whether a batch runs in one process or
several, in one go or resumed after a SIGKILL at any point; what is done is not redone; a file too large is
refused before it is read; the LLM requests of every worker share one bound."""
import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from reviewer.pipeline import find_reports, review_corpus
from reviewer.cli import main
from reviewer.config import load_config
from reviewer.progress import Progress
from reviewer.pipeline import run_batch
from support.synth import write_corpus

from support.fake_openai import FakeOpenAI

ROOT = Path(__file__).resolve().parents[1]
# a PDF, a 决算 template, a table of contents, 三公 tables, prose…
REAL = ["files/001_*.pdf", "009_*.txt", "011_*.txt", "016_*.txt", "024_*.txt", "031_*.txt"]


def tree(out: Path) -> dict[str, bytes]:
    """Every output file (the batch's own state in .work aside) and its bytes."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and ".work" not in p.relative_to(out).parts}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The seeds, a few real documents of several layouts, a broken file and 60 synthetic reports."""
    d = tmp_path_factory.mktemp("corpus")
    for p in (ROOT / "corpus" / "seeds").glob("*.txt"):
        shutil.copy(p, d / p.name)
    real = ROOT / "corpus" / "real"
    for pattern in REAL:
        for p in sorted(real.glob(pattern))[:1]:
            shutil.copy(p, d / p.name)
    (d / "broken.txt").write_bytes(b"\x00\x01\x02" * 100)
    write_corpus(d / "synth", 60, seed=7)
    return d


@pytest.fixture(scope="module")
def clean(corpus, tmp_path_factory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("clean")
    s = run_batch(find_reports([corpus]), out, load_config(), jobs=1, quiet=True)
    assert s.reviewed == s.reports + s.unreadable + s.failed and s.unreadable == 1 and s.failed == 0
    return tree(out)


def test_parallel_equals_sequential_byte_for_byte(corpus, clean, tmp_path):
    s = run_batch(find_reports([corpus]), tmp_path, load_config(), jobs=2, quiet=True)
    assert s.reports == 5 + len(REAL) + 60 and s.findings > 100
    assert tree(tmp_path) == clean
    assert {n for n in clean if n.count("/") == 0} == {"findings.jsonl", "summary.csv", "features.csv", "index.html",
                                                     "问题清单.xlsx"}
    assert sum(n.endswith("/memo.html") for n in clean) == s.reports


def test_the_batch_on_disk_finds_what_the_batch_in_memory_finds(corpus, clean):
    """The same passes either way: a review the disk batch stores keeps no indicators, and its comparison with peers
    must not depend on them (it once skipped every project)."""
    on_disk = [json.loads(line) for line in clean["findings.jsonl"].decode("utf-8").splitlines()]
    in_memory = [f.to_dict() for o in review_corpus(find_reports([corpus]), load_config()) if o.review
                 for f in o.review.findings]
    key = lambda f: (f["report"], f["subject"], f["code"], f["message"])  # noqa: E731
    assert sorted(map(key, on_disk)) == sorted(map(key, in_memory))
    stats = [f for f in on_disk if f["source"] == "stats" and f["subject"] != "部门整体"]
    assert len(stats) >= 3  # projects compared with their peers: the synthetic outliers are found on disk too


def test_a_second_run_redoes_nothing_and_fresh_redoes_everything(corpus, clean, tmp_path):
    paths = find_reports([corpus])
    run_batch(paths, tmp_path, load_config(), jobs=2, quiet=True)
    again = run_batch(paths, tmp_path, load_config(), jobs=2, quiet=True)
    assert again.reviewed == 0 and again.skipped == len(paths) and again.memos_written == 0
    assert tree(tmp_path) == clean
    fresh = run_batch(paths, tmp_path, load_config(), jobs=2, quiet=True, fresh=True)
    assert fresh.reviewed == len(paths) and fresh.skipped == 0 and tree(tmp_path) == clean


def test_changed_input_and_changed_rules_are_redone(corpus, tmp_path):
    inputs = tmp_path / "in"
    shutil.copytree(corpus, inputs)
    out = tmp_path / "out"
    run_batch(find_reports([inputs]), out, load_config(), jobs=2, quiet=True)
    target = inputs / "002_edba66f1e8899577.txt"
    target.write_text(target.read_text(encoding="utf-8").replace("优", "良", 1), encoding="utf-8")
    (out / "003_ddff5fd3e69ced26.txt" / "left-over.svg").write_text("an earlier run's file")
    s = run_batch(find_reports([inputs]), out, load_config(), jobs=2, quiet=True)
    assert s.reviewed == 1 and s.skipped == len(find_reports([inputs])) - 1
    # every memo compares its report with the new corpus, so every memo is written again
    assert s.memos_written == s.reports
    reference = tmp_path / "reference"
    run_batch(find_reports([inputs]), reference, load_config(), jobs=1, quiet=True)
    assert tree(out) == tree(reference)  # a memo folder written again is replaced whole: nothing left over
    stricter = run_batch(find_reports([inputs]), out, load_config("guangxi"), jobs=2, quiet=True)
    assert stricter.skipped == 0 and stricter.reviewed == len(find_reports([inputs]))


def _journal_lines(out: Path, kind: int) -> int:
    path = out / ".work" / "journal.jsonl"
    if not path.exists():
        return 0
    n = 0
    for line in path.read_bytes().splitlines():
        try:
            n += json.loads(line).get("pass") == kind
        except json.JSONDecodeError:
            pass
    return n


def _kill_when(out: Path, inputs: Path, kind: int, lines: int) -> None:
    """Start `reviewer review` as a user would, SIGKILL it (and its workers) once the journal holds `lines`
    finished steps of pass `kind`."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "reviewer", "review", str(inputs), "--out", str(out),
                             "--jobs", "2", "-q"], cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while _journal_lines(out, kind) < lines and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert proc.poll() is None, "the batch finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


@pytest.mark.parametrize("kind, lines", [(1, 5), (1, 40), (2, 1), (2, 30)])
def test_killed_batch_resumes_to_the_clean_outputs(corpus, clean, tmp_path, kind, lines):
    out = tmp_path / "out"
    _kill_when(out, corpus, kind, lines)
    assert (out / ".work" / "journal.jsonl").exists() and not (out / "index.html").exists()
    s = run_batch(find_reports([corpus]), out, load_config(), jobs=2, quiet=True)
    assert s.skipped >= lines if kind == 1 else s.skipped == len(find_reports([corpus]))
    assert tree(out) == clean
    assert not (out / ".work" / "tmp").exists()  # what the killed run was writing, and what this one replaced


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path):
    big = tmp_path / "in" / "big.txt"
    big.parent.mkdir()
    shutil.copy(ROOT / "corpus" / "seeds" / "001_244722537de4974c.txt", big)
    config = load_config(overrides={"batch": {"max_input_mb": big.stat().st_size / 2**20 / 2}})
    s = run_batch([big], tmp_path / "out", config, jobs=1, quiet=True)
    assert s.reports == 0 and s.unreadable == 1 and "文件过大" in s.errors[0][2] and "rules.toml" in s.errors[0][2]
    summary = (tmp_path / "out" / "summary.csv").read_text(encoding="utf-8-sig")
    assert "big.txt,,,,,,未能读取" in summary and "文件过大" in summary  # report, part_of, memo, unit, year, unit_key
    assert "未能读取" in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("bound", [1, 2])
def test_llm_requests_share_one_bound_across_workers(tmp_path, bound):
    server = FakeOpenAI(hold=0.05).start()
    try:
        settings = replace(load_config().llm, base_url=server.base_url, model="test-model", api_key="sk-test", timeout=5.0,
                               max_retries=0, concurrency=bound, max_chars=1500, cache=str(tmp_path / "llm.sqlite"))
        paths = sorted((ROOT / "corpus" / "seeds").glob("*.txt"))
        s = run_batch(paths, tmp_path / "out", load_config(), "openai", jobs=2, quiet=True, llm=settings)
        assert s.reports == 5 and s.llm["calls"] == len(server.requests) > 10
        assert server.max_in_flight == bound
    finally:
        server.stop()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_a_bar_on_a_terminal_and_plain_lines_elsewhere():
    plain = io.StringIO()
    with Progress(3, "审核", every=0, stream=plain) as p:
        for _ in range(3):
            p.step()
    lines = plain.getvalue().splitlines()
    assert len(lines) == 3 and lines[0].startswith("审核：1/3（") and "约剩" in lines[0] and "用时" in lines[2]
    bar = _Terminal()
    with Progress(3, "审核", stream=bar) as p:
        for _ in range(3):
            p.step()
    assert "3/3" in bar.getvalue() and "份/s" in bar.getvalue()
    quiet = io.StringIO()
    with Progress(3, "审核", quiet=True, every=0, stream=quiet) as p:
        p.step()
    assert quiet.getvalue() == ""


def test_cli_summary_says_what_was_reviewed_and_what_was_reused(tmp_path, capsys):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for p in sorted((ROOT / "corpus" / "seeds").glob("*.txt"))[:3]:
        shutil.copy(p, inputs / p.name)
    (inputs / "broken.txt").write_bytes(b"\x00\x01" * 50)
    assert main(["review", str(inputs), "--out", str(tmp_path / "out"), "-q"]) == 0
    first = capsys.readouterr()
    assert "本次审核 4 份，沿用上次结果 0 份" in first.out and "未能读取 1 份" in first.out
    assert "未能读取：broken.txt" in first.err and "审核：" not in first.err  # -q: no progress lines
    assert main(["review", str(inputs), "--out", str(tmp_path / "out")]) == 0
    second = capsys.readouterr()
    assert "已审核 3 份报告（本次审核 0 份，沿用上次结果 4 份" in second.out


def test_the_index_lists_the_riskiest_reports_and_summary_csv_all(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for p in sorted((ROOT / "corpus" / "seeds").glob("*.txt")):
        shutil.copy(p, inputs / p.name)
    (inputs / "broken.txt").write_bytes(b"\x00\x01" * 50)
    config = load_config(overrides={"batch": {"index_rows": 3}})
    run_batch(find_reports([inputs]), tmp_path / "out", config, jobs=1, quiet=True)
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    with open(tmp_path / "out" / "summary.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["report"] for r in rows][0] == "broken.txt" and len(rows) == 6
    listed = [r["report"] for r in rows if r["report"] in index]
    assert listed == [r["report"] for r in rows[:4]]  # the unreadable file, then the three riskiest
    assert "其余 2 份风险更低的报告见同一文件夹的 summary.csv" in index and "6 份报告" in index
