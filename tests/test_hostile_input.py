"""Hostile and broken input: every path accounted for once, one fault costs one check, damaged text still read.

Each test is a reproduction from the reliability pass (issue 12) and stands for its family."""
from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import reviewer
from reviewer.checks import scores
from reviewer.config import load_config
from reviewer.inputs import find_inputs, memo_folders
from reviewer.memo import render_memo
from reviewer.read import read
from reviewer.read.text import decode_damaged
from reviewer.pipeline import UNFINISHED, run_batch

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "corpus" / "seeds"
S004 = SEEDS / "004_655e35476e9ed446.txt"


def _summary(out: Path) -> list[dict]:
    with open(out / "summary.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _review_cli(args: list[str], timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reviewer", "review", *args, "-q"], cwd=ROOT, timeout=timeout,
                          capture_output=True, text=True)


def test_every_path_given_or_found_is_accounted_for_once(tmp_path):
    inputs = tmp_path / "in"
    (inputs / "s1").mkdir(parents=True)
    (inputs / "s2").mkdir()
    (inputs / ".git").mkdir()
    (inputs / ".git" / "HEAD").write_text("ref")
    shutil.copy(SEEDS / "001_244722537de4974c.txt", inputs / "s1" / "same.txt")
    shutil.copy(SEEDS / "002_edba66f1e8899577.txt", inputs / "s2" / "same.txt")
    shutil.copy(SEEDS / "003_ddff5fd3e69ced26.txt", inputs / "a b.txt")
    shutil.copy(S004, inputs / "a_b.txt")
    shutil.copy(S004, inputs / "summary.csv")  # a report named like one of the batch's own files
    (inputs / ".hidden.txt").write_text("x")
    (inputs / "README.md").write_text("# notes")
    (inputs / "broken.txt").symlink_to(inputs / "nowhere")
    (inputs / "loop1").symlink_to(inputs / "loop2")
    (inputs / "loop2").symlink_to(inputs / "loop1")
    (inputs / "s1link").symlink_to(inputs / "s1")
    os.mkfifo(inputs / "pipe")
    named_fifo = tmp_path / "named.fifo"
    os.mkfifo(named_fifo)
    out = tmp_path / "out"
    # a named pipe on the command line must not hang the run; the same file named twice is reviewed once
    proc = _review_cli([str(inputs), str(named_fifo), str(inputs / "a_b.txt"), "--out", str(out)], timeout=300)
    assert proc.returncode == 0, proc.stderr
    rows = _summary(out)
    reviewed = [r for r in rows if r["read_status"] == "完整读取"]
    assert len(reviewed) == 5 and len({r["memo"] for r in reviewed}) == 5  # five memo folders, none shared
    why = {r["report"]: r["error"] for r in rows if r["read_status"] == "未审核"}
    assert len(rows) == 5 + len(why) == 15
    assert "隐藏文件夹" in why["in/.git"] and "隐藏文件" in why["in/.hidden.txt"]
    assert "不是报告" in why["in/README.md"] and "不存在" in why["in/broken.txt"]
    assert "循环" in why["in/loop1"] and "循环" in why["in/loop2"] and "链接" in why["in/s1link"]
    assert "命名管道" in why["in/pipe"] and "命名管道" in why[str(named_fifo)]
    assert "不重复审核" in why[str(inputs / "a_b.txt")]
    assert (out / "summary.csv").is_file() and not (out / UNFINISHED).exists()
    # each memo is its own report's, and the memo of the report named summary.csv is not the batch's summary
    departments = {r["memo"]: r["department"] for r in reviewed}
    for memo, department in departments.items():
        assert department and department in (out / memo).read_text(encoding="utf-8")
    assert "未审核 10 个非报告文件" in proc.stdout
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "in/.hidden.txt" in index and "另有 10 个文件或文件夹不是待审核的报告" in index


def test_memo_folder_names_are_unique_safe_and_stable():
    paths = [Path("x/a b.txt"), Path("y/a_b.txt"), Path("s1/same.txt"), Path("s2/SAME.txt"), Path("index.html"),
             Path("..hidden"), Path("唯一的报告.pdf")]
    names = memo_folders(paths, reserved=["index.html", ".work"])
    assert len(set(n.casefold() for n in names.values())) == len(paths)
    assert names["唯一的报告.pdf"] == "唯一的报告.pdf"  # a name without a clash stays as it is
    assert names["index.html"].startswith("index.html-") and not names["..hidden"].startswith(".")
    assert all("/" not in n and len(n.encode()) <= 255 for n in names.values())
    assert memo_folders(paths, reserved=["index.html", ".work"]) == names


def test_a_folder_that_cannot_be_listed_is_named_with_its_reason(tmp_path, monkeypatch):
    (tmp_path / "in" / "locked").mkdir(parents=True)
    shutil.copy(S004, tmp_path / "in" / "a.txt")
    real_scandir = os.scandir

    def scandir(path="."):
        if Path(path).name == "locked":  # as for a user without the right to list it (tests run as root)
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found = find_inputs([tmp_path / "in"])
    assert found.reports == [tmp_path / "in" / "a.txt"]
    assert found.passed_over == [("in/locked", "无法打开文件夹（无权访问），其中的文件未审核")]


def test_a_fault_in_one_check_costs_that_check_not_the_report(monkeypatch):
    clean = reviewer.review(S004)

    def broken(ctx):
        raise KeyError("模拟的程序错误")

    monkeypatch.setattr(scores, "check", broken)
    rv = reviewer.review(S004)
    assert len(rv.faults) == 1 and "评分与权重" in rv.faults[0] and "KeyError" in rv.faults[0]
    assert rv.risk.band == load_config().risk.incomplete_band  # not checked is never clean or low risk
    others = {(f.code, f.subject) for f in clean.findings if f.evidence.get("rule", "").split("-")[0] != "SC"}
    assert others and others <= {(f.code, f.subject) for f in rv.findings}
    md, html, _, _ = render_memo(rv, load_config())
    assert "核查未完成" in md and "评分与权重" in html


def test_a_broken_check_is_counted_in_the_batch_and_the_batch_goes_on(tmp_path, monkeypatch):
    for p in sorted(SEEDS.glob("*.txt")):
        shutil.copy(p, tmp_path / p.name)

    def broken(ctx):
        if "004" in ctx.report.source:
            raise ZeroDivisionError("模拟")
        return real(ctx)

    real = scores.check
    monkeypatch.setattr(scores, "check", broken)
    s = run_batch(sorted(tmp_path.glob("*.txt")), tmp_path / "out", load_config(), jobs=1, quiet=True)
    assert s.reports == 5 and s.faulted == 1 and s.failed == 0
    row = next(r for r in _summary(tmp_path / "out") if r["report"].startswith("004"))
    assert "ZeroDivisionError" in row["error"] and row["risk_band"] == "需人工复核"


def test_a_zero_ceiling_exceeded_is_scored_not_a_crash(tmp_path):
    """投诉次数 ≤0, 实际 2, 得分 5 of 10: SC-05 gives 0 (A = 分值 × 0 / 实际), so 5 is too high."""
    lines = S004.read_text(encoding="utf-8").split("\n")
    assert lines[52].endswith("0 次\t0 次\t10\t10\t")
    lines[52] = lines[52].replace("0 次\t0 次\t10\t10", "0 次\t2 次\t10\t5")
    p = tmp_path / "complaints.txt"
    p.write_text("\n".join(lines), encoding="utf-8")
    rv = reviewer.review(p)
    assert not rv.faults
    f = next(f for f in rv.findings if f.evidence.get("rule") == "SC-05")
    assert "投诉" in f.message and f.severity == "high" and f.evidence["recomputed"] == 0


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "gb18030"])
def test_wide_and_chinese_encodings_read_as_utf8_does(tmp_path, encoding):
    text = S004.read_text(encoding="utf-8")
    p = tmp_path / f"{encoding}.txt"
    p.write_bytes(text.encode(encoding))
    base, rv = reviewer.review(S004), reviewer.review(p)
    assert rv.report.complete and [f.message for f in rv.findings] == [f.message for f in base.findings]


def test_one_bad_byte_is_replaced_and_reported_where_it_is(tmp_path):
    data = S004.read_bytes()
    at = data.index("合作交流专项工作经费".encode())
    p = tmp_path / "ff.txt"
    p.write_bytes(data[:at] + b"\xff" + data[at:])
    line = data[:at].count(b"\n") + 1
    rv = reviewer.review(p)
    assert rv.report.status == "部分读取"
    assert any(f"第{line}行" in i.where and "无法解码" in i.reason for i in rv.report.issues)
    assert len(rv.findings) >= len(reviewer.review(S004).findings) - 1


def test_lines_of_two_encodings_are_each_decoded():
    lines = S004.read_text(encoding="utf-8").split("\n")
    data = b"\n".join(l.encode("gb18030") if k % 5 == 2 else l.encode("utf-8") for k, l in enumerate(lines))
    text, encoding, damaged = decode_damaged(data)
    assert text.split("\n") == lines and encoding == "utf-8+gb18030" and damaged == []


def test_binary_and_mostly_undecodable_files_are_refused_clearly(tmp_path):
    from reviewer.errors import ReadError

    with pytest.raises(ReadError, match="二进制"):
        decode_damaged(bytes(range(256)) * 40)
    s = run_batch([_write(tmp_path / "noise.txt", bytes(range(256)) * 40)], tmp_path / "out",
                  load_config(), jobs=1, quiet=True)
    assert s.unreadable == 1 and "二进制" in s.errors[0][2]


def test_a_kill_over_an_earlier_run_leaves_no_stale_index_and_says_unfinished(tmp_path):
    for p in sorted(SEEDS.glob("*.txt")):
        shutil.copy(p, tmp_path / p.name)
    out = tmp_path / "out"
    run_batch(sorted(tmp_path.glob("*.txt")), out, load_config(), jobs=1, quiet=True)
    assert (out / "index.html").exists() and not (out / UNFINISHED).exists()
    waiting = tmp_path / "waiting"
    stalled = ("import sys, time, reviewer.pipeline.batch as r\n"  # as if killed before the batch files are written:
               f"r.write_batch_files = lambda *a, **k: (open({str(waiting)!r}, 'w').close(), time.sleep(600))\n"
               "from reviewer.cli import main\n"
               f"sys.argv = ['reviewer', 'review', {str(tmp_path)!r}, '--out', {str(out)!r}, '-q', '--fresh']\n"
               "main()")
    proc = subprocess.Popen([sys.executable, "-c", stalled], cwd=ROOT)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None and not waiting.exists():
            time.sleep(0.2)
    finally:
        proc.kill()
        proc.wait()
    assert (out / UNFINISHED).exists() and not (out / "index.html").exists() and not (out / "summary.csv").exists()
    run_batch(sorted(tmp_path.glob("*.txt")), out, load_config(), jobs=1, quiet=True)
    assert (out / "index.html").exists() and not (out / UNFINISHED).exists()


def _write(p: Path, data: bytes) -> Path:
    p.write_bytes(data)
    return p


@pytest.mark.parametrize("head", ["<table><tr><td>x</td><td>1</td></tr></table>\n", "<body>\n",
                                  "<html><body><p>导出说明</p></body></html>\n",
                                  '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'])
def test_one_html_line_above_a_text_report_changes_nothing(head):
    text = (SEEDS / "003_ddff5fd3e69ced26.txt").read_text(encoding="utf-8")
    base, rv = reviewer.review(text), reviewer.review(head + text)
    assert [f.message for f in rv.findings] == [f.message for f in base.findings]
    assert rv.risk.score == base.risk.score


def test_a_report_that_needs_too_much_memory_fails_alone(tmp_path):
    """Run as a user runs it, in a fresh process: a worker's memory bound counts from the address space it inherits,
    and a test process that has run hundreds of tests hands its workers a heap with room to spare (the 24 MB were
    then read whole, in 90 s)."""
    big = tmp_path / "in" / "big.txt"
    big.parent.mkdir()
    big.write_text("\n\n".join([S004.read_text(encoding="utf-8")] * 3000), encoding="utf-8")  # 24 MB, 3000 reports
    shutil.copy(S004, tmp_path / "in" / S004.name)
    # far below what reading 24 MB of text takes, far above a normal report; no length limit: the memory bound stops it
    (tmp_path / "bounds.toml").write_text("[batch]\nmax_worker_mb = 100\nmax_text_mb = 0\n", encoding="utf-8")
    proc = _review_cli([str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--jobs", "2", "--config",
                        str(tmp_path / "bounds.toml")])
    rows = {r["report"]: r for r in _summary(tmp_path / "out")}
    assert rows[S004.name]["read_status"] == "完整读取", proc.stderr
    assert rows["big.txt"]["read_status"] == "未能读取" and "max_worker_mb" in rows["big.txt"]["error"]


def test_a_worker_killed_mid_report_costs_that_report_not_the_batch(tmp_path, monkeypatch):
    """As the kernel's OOM killer or a crash in a C library would: a plain process pool waits forever."""
    import signal

    import reviewer.pipeline.passes as runner

    for p in sorted(SEEDS.glob("*.txt")):
        shutil.copy(p, tmp_path / p.name)
    shutil.copy(S004, tmp_path / "crash.txt")
    real = runner.examine

    def review(doc, *a, **k):
        if doc.source == "crash.txt":
            os.kill(os.getpid(), signal.SIGKILL)
        return real(doc, *a, **k)

    monkeypatch.setattr(runner, "examine", review)
    s = run_batch(sorted(tmp_path.glob("*.txt")), tmp_path / "out", load_config(), jobs=2, quiet=True)
    assert s.reports == 5 and s.unreadable == 1
    assert s.errors[0][0] == "crash.txt" and "异常退出" in s.errors[0][2]


def test_a_report_past_its_time_costs_that_report_not_the_batch(tmp_path, monkeypatch):
    import reviewer.pipeline.passes as runner

    for p in sorted(SEEDS.glob("*.txt"))[:2]:
        shutil.copy(p, tmp_path / p.name)
    shutil.copy(S004, tmp_path / "stall.txt")
    real = runner.examine

    def review(doc, *a, **k):
        if doc.source == "stall.txt":
            time.sleep(600)  # as a pathological regex or layout would
        return real(doc, *a, **k)

    monkeypatch.setattr(runner, "examine", review)
    config = load_config(overrides={"batch": {"max_seconds_per_report": 2}})
    start = time.monotonic()
    s = run_batch(sorted(tmp_path.glob("*.txt")), tmp_path / "out", config, jobs=2, quiet=True)
    assert time.monotonic() - start < 120
    assert s.reports == 2 and s.unreadable == 1 and "超时" in s.errors[0][2]


def test_a_text_file_too_long_for_any_report_is_refused_unread(tmp_path):
    (tmp_path / "long.txt").write_text("\n\n".join([S004.read_text(encoding="utf-8")] * 800), encoding="utf-8")
    config = load_config(overrides={"batch": {"max_text_mb": 5}})
    s = run_batch([tmp_path / "long.txt", S004], tmp_path / "out", config, jobs=1, quiet=True)
    assert s.reports == 1 and s.unreadable == 1 and "max_text_mb" in s.errors[0][2]


# --- input limits, from the [read] section of the rules --------------------------------------------------

def _limits_config(tmp_path: Path, **read) -> reviewer.Config:
    lines = ["[read]"] + [f"{k} = {v}" for k, v in read.items()]
    (tmp_path / "limits.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_config(path=tmp_path / "limits.toml")


def _long_table(rows: int) -> str:
    body = "".join(f"<tr><td>指标{i}</td><td>{i} 次</td></tr>" for i in range(1, rows + 1))
    return f"<table><tr><td>项目名称</td><td>测试项目</td></tr>{body}</table>"


@pytest.mark.parametrize("form", ["page", "pasted"])
def test_a_table_past_the_row_limit_is_cut_and_the_cut_is_said(tmp_path, form):
    config = _limits_config(tmp_path, max_rows_per_table=5)
    html = _long_table(9)
    source = f"<html><body>{html}</body></html>" if form == "page" else "项目支出绩效自评表\n" + html
    doc = read(source, limits=config.read)
    table = [b for b in doc.blocks if b.kind == "table"][-1]
    assert [c.text for c in table.rows[-1].cells] == ["指标4", "4 次"] and len(table.rows) == 5
    assert [i.reason for i in doc.issues] == ["表格超过 5 行，只读取前 5 行，其余未经审核"]
    assert str(doc.issues[0].where) in ("表1", "第2行")
    # under the default rules the whole table is read
    assert len([b for b in read(source).blocks if b.kind == "table"][-1].rows) == 10


def test_a_worksheet_past_the_row_limit_is_cut_and_not_served_from_the_cache_under_other_limits(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for i in range(1, 13):
        ws.append([f"指标{i}", f"{i} 次"])
    wb.save(tmp_path / "t.xlsx")
    short = _limits_config(tmp_path, max_rows_per_table=4).read
    doc = read(tmp_path / "t.xlsx", limits=short)
    assert sum(len(b.rows) for b in doc.blocks) == 4
    assert [str(i) for i in doc.issues] == ["Sheet：表格超过 4 行，只读取前 4 行，其余未经审核"]
    again = read(tmp_path / "t.xlsx")  # the default limits: the cached short read is not reused
    assert sum(len(b.rows) for b in again.blocks) == 12 and not again.issues


def test_span_and_cell_limits_come_from_the_rules(tmp_path):
    config = _limits_config(tmp_path, max_colspan=3, max_cell_chars=40)
    page = f"<table><tr><td colspan=50>合计</td><td>{'说明' * 30}</td></tr></table>"
    doc = read(page, limits=config.read)
    cells = [c.text for c in doc.rows()[0].cells]
    assert cells[:3] == ["合计", "", ""] and cells[3] == "说明" * 20 and len(cells) == 4
    assert [i.reason for i in doc.issues] == ["内容过长（60 字），只读取前 40 字，其余未经审核"]


def test_a_cut_table_makes_the_report_partly_read_in_a_review(tmp_path):
    config = _limits_config(tmp_path, max_rows_per_table=3)
    page = tmp_path / "r.html"
    page.write_text(f"<html><body><p>2022年度项目支出绩效自评表</p>{_long_table(6)}</body></html>", encoding="utf-8")
    rv = reviewer.review(page, config)
    assert rv.report.status == "部分读取" and not rv.checked_whole
    assert any("表格超过 3 行" in str(i) for i in rv.report.issues)


@pytest.mark.parametrize("value", ["0", "-5", "\"many\"", "2.5"])
def test_a_bad_read_limit_is_a_clear_error_before_anything_is_written(tmp_path, value):
    (tmp_path / "bad.toml").write_text(f"[read]\nmax_rows_per_table = {value}\n", encoding="utf-8")
    proc = _review_cli([str(S004), "--out", str(tmp_path / "out"), "--config", str(tmp_path / "bad.toml")])
    assert proc.returncode == 2 and "[read] max_rows_per_table 须为正整数" in proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "out").exists()


# --- document text never becomes a spreadsheet formula --------------------------------------------------------

@pytest.mark.parametrize("value, written", [
    ('=HYPERLINK("http://x","点击")', '\'=HYPERLINK("http://x","点击")'), ("+1+1", "'+1+1"), ("@SUM(A1)", "'@SUM(A1)"),
    ("-2+3", "'-2+3"), ("=1次", "'=1次"), ("-5", "-5"), ("+3.5%", "+3.5%"), ("-", "-"), ("项目=1", "项目=1"), (7.5, 7.5)])
def test_a_cell_a_spreadsheet_would_run_is_written_as_text(value, written):
    from reviewer.output import cell

    assert cell(value) == written


def test_no_output_of_a_batch_holds_a_formula_from_the_documents_text(tmp_path):
    import openpyxl

    text = SEEDS.joinpath("003_ddff5fd3e69ced26.txt").read_text(encoding="utf-8")
    name = '=HYPERLINK("http://example.invalid","宣传交流工作经费")'
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "r.txt").write_text(text.replace("宣传交流工作经费", name), encoding="utf-8")
    s = run_batch([tmp_path / "in" / "r.txt"], tmp_path / "out", load_config(), jobs=1, quiet=True)
    assert s.reports == 1
    ws = openpyxl.load_workbook(tmp_path / "out" / "问题清单.xlsx").active
    cells = [c for row in ws.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    # the name as it is, a string cell Excel shows as text (quotePrefix), not a formula and not altered
    named = [c for c in cells if isinstance(c.value, str) and c.value.startswith("=HYPERLINK")]
    assert named and all(c.data_type == "s" and c.quotePrefix for c in named)
    for f in ("features.csv", "summary.csv"):
        with open(tmp_path / "out" / f, encoding="utf-8-sig") as fh:
            values = [v for row in csv.reader(fh) for v in row]
        assert not [v for v in values if v.startswith("=")], f
    with open(tmp_path / "out" / "features.csv", encoding="utf-8-sig") as fh:
        assert "'" + name in [row["project"] for row in csv.DictReader(fh)]


def test_a_figure_printed_with_an_equals_sign_is_extracted_as_text_not_a_formula(tmp_path):
    from reviewer.cli import main

    assert main(["extract", str(SEEDS / "003_ddff5fd3e69ced26.txt"), "--out", str(tmp_path), "-q"]) == 0
    with open(tmp_path / "indicators.csv", encoding="utf-8-sig") as fh:
        actual = {r["level3"]: r["actual_raw"] for r in csv.DictReader(fh) if r["project"] == "宣传交流工作经费"}
    assert actual["接待次数"] == "'=1次"  # the report prints "=1次"; a spreadsheet would run it as a formula
