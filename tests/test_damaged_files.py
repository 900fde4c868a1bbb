"""Issue 23: a damaged or hostile file is the file's problem, not the tool's — 未能读取 (or a cut, 部分读取) with a Chinese
reason, in bounded memory and time, the rest of the batch reviewed; and a real bug still says 程序错误."""
from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from reviewer.config import load_config
from reviewer.pipeline import run_batch
from reviewer.pipeline.workers import Bounds, fan_out
from reviewer.progress import Progress
from reviewer.read import read
from reviewer.read.sniff import sniff

from support import hostile

SECRET_FILE = Path("/tmp/hostile-secret.txt")

# what each attack must come to: the read status and words of its Chinese reason
EXPECTED = {
    "docx-not-xml.docx": ("未能读取", "不是有效的 XML"),
    "docx-billion-laughs.docx": ("未能读取", "声明了实体"),
    "docx-xxe.docx": ("未能读取", "声明了实体"),
    "xlsx-xxe-shared.xlsx": ("未能读取", "声明了实体"),
    "xlsx-laughs-shared.xlsx": ("未能读取", "声明了实体"),
    "docx-ppmd.docx": ("未能读取", "不受支持的压缩方式"),
    "docx-nested-400.docx": ("未能读取", "嵌套过深"),
    "docx-nested-deep.docx": ("未能读取", "嵌套过深"),
    "docx-huge-paragraph.docx": ("未能读取", "超过解析上限"),
    "xlsx-not-xml.xlsx": ("未能读取", "不是有效的 XML"),
    "xlsx-xxe-sheet.xlsx": ("未能读取", "声明了实体"),
    "xlsx-merges.xlsx": ("未能读取", "合并单元格共覆盖 300000000 个单元格"),
    "pdf-page-loop.pdf": ("未能读取", "PDF 文件结构已损坏"),
    "pdf-page-deep.pdf": ("未能读取", "PDF 文件结构已损坏"),
    "xls-far-cell.xls": ("未能读取", "工作表过大（65536 行 × 256 列"),  # its only sheet not read: the reason says why
}


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> dict[str, dict]:
    SECRET_FILE.write_text(hostile.SECRET, encoding="utf-8")
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "in").mkdir()
    for name, data in hostile.family("test").items():
        (folder / "in" / name).write_bytes(data)
    out = folder / "out"
    run_batch(sorted((folder / "in").iterdir()), out, load_config(), jobs=2, quiet=True)
    rows = {r["report"]: r for r in csv.DictReader((out / "summary.csv").open(encoding="utf-8-sig"))}
    return {"rows": rows, "out": out}


def test_every_damaged_file_is_unread_with_a_chinese_reason_and_none_is_a_program_fault(batch):
    rows = batch["rows"]
    assert len(rows) == len(hostile.family("test"))  # every file has its row: none stopped the batch
    assert not [n for n, r in rows.items() if r["read_status"] == "程序错误"]
    for name, (status, words) in EXPECTED.items():
        row = rows[name]
        assert row["read_status"] == status and words in row["error"], (name, row["read_status"], row["error"])
        assert "请报告此问题" not in row["error"] and "Error" not in row["error"]


def test_no_external_entity_reaches_any_output(batch):
    for path in batch["out"].rglob("*"):
        if path.is_file():
            assert hostile.SECRET.encode() not in path.read_bytes(), path


def test_spans_columns_and_sheets_are_held_to_the_read_limits():
    family = hostile.family("test")
    span = read(family["docx-gridspan-abc.docx"], "a.docx", cache=False)  # gridSpan="abc" counts one column
    assert [c.text for c in span.blocks[0].rows[0].cells if c.text] == ["项目名称", "测试"]
    huge = read(family["docx-gridspan-huge.docx"], "b.docx", cache=False)  # 10,000,000 columns: cut at 1,000
    assert max(len(r.cells) for b in huge.blocks for r in b.rows) <= load_config().read.max_columns
    wide = read(family["docx-50000-columns.docx"], "c.docx", cache=False)
    assert any("只读取前 1000 列" in i.reason for i in wide.issues)
    far = read(family["xls-far-cell.xls"], "d.xls", cache=False)  # a cell at (65535, 255): 16.7 million cells
    assert any("工作表过大（65536 行 × 256 列" in i.reason for i in far.issues)
    ruled = read(family["pdf-ruled-lines.pdf"], "e.pdf", cache=False)  # 2,200 ruled segments on one page (corpus: 522)
    assert any("画有 2200 条表格线，超过上限 2000" in i.reason for i in ruled.issues)


def test_a_text_that_mentions_pdf_stays_text_and_a_pdf_with_leading_bytes_is_a_pdf():
    assert sniff("附件格式 %PDF-1.4 已转为文本\n项目名称\t测试".encode()) == "text"
    assert sniff(b"\r\n%PDF-1.4\n1 0 obj\n<< >>\nendobj\n") == "pdf"
    assert sniff(hostile.family("test")["pdf-page-loop.pdf"]) == "pdf"


def test_a_bug_in_the_tool_is_still_a_program_fault(tmp_path, monkeypatch):
    """A fault of the tool must never pass for a broken file: a reader that fails with an error of its own (not a
    parser's complaint about the file) still gives 程序错误 and asks for a report."""
    from reviewer.read.registry import READERS, Reader

    def broken(data: bytes, name: str):
        raise AttributeError("a bug of the tool")

    monkeypatch.setitem(READERS, "text", Reader("text", broken, False))
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("项目名称\t测试\n", encoding="utf-8")
    run_batch([tmp_path / "in" / "a.txt"], tmp_path / "out", load_config(), jobs=1, quiet=True)
    (row,) = csv.DictReader((tmp_path / "out" / "summary.csv").open(encoding="utf-8-sig"))
    assert row["read_status"] == "程序错误" and "AttributeError" in row["error"] and "请报告此问题" in row["error"]


class _Pid:
    def run(self, job):
        return os.getpid()

    def lost(self, job):
        return None


def test_a_file_reviewed_alone_runs_within_the_worker_bounds():
    """With a memory or time bound, even one job in one process runs in a worker (a file reviewed on its own, or
    --jobs 1, keeps its limits); without any bound it runs here."""
    bounded = list(fan_out(_Pid(), [1], 1, Progress(1, "", quiet=True), Bounds(worker_mb=0, job_seconds=60)))
    assert bounded[0] != os.getpid()
    assert list(fan_out(_Pid(), [1], 1, Progress(1, "", quiet=True), Bounds())) == [os.getpid()]


def test_a_compression_bomb_is_refused_before_it_is_unpacked():
    """A Flate stream that inflates past max_unzipped_mb (a 1 GB bomb took pdfium 2.1 GB) is counted a megabyte at
    a time and refused; the real PDFs unpack to a few megabytes."""
    import dataclasses

    from reviewer.errors import ReadError

    small = dataclasses.replace(load_config().read, max_unzipped_mb=32)
    with pytest.raises(ReadError, match="压缩数据解压后超过 32 MB"):
        read(hostile.family("test")["pdf-flate-bomb.pdf"], "bomb.pdf", cache=False, limits=small)
