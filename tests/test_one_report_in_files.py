"""One report in several files: a unit's 预算说明 and its 预算表 published as two PDFs (or a Word 说明 beside the
tables) are reviewed as one report, its statements checked against its tables; copies of one document, and a
部门 budget beside its 单位 budget, are not joined.  The files are cut from a real 部门预算 PDF (33 pages: cover,
目录, 职能, 名词解释, 编制说明 on pages 1–9, the nine tables on 10–31, the 三公 and project notes on 32–33)."""
import csv
import json
from pathlib import Path

import pypdfium2 as pdfium
import pytest

import reviewer
from reviewer.config import load_config
from reviewer.pipeline import run_batch
from reviewer.read import read
from reviewer.read.combine import combine

ROOT = Path(__file__).resolve().parents[1]
WHOLE = ROOT / "corpus/real/files/001_shanghai_putuo_wanli_street_2024_dept_budget.pdf"
STATEMENT = list(range(0, 9)) + [31, 32]  # pages (from 0) of the 说明 file
TABLES = list(range(9, 31))
NAME = "上海市普陀区人民政府万里街道办事处2024年度部门预算"


def cut(source: Path, pages: list[int], to: Path) -> Path:
    doc = pdfium.PdfDocument(str(source))
    out = pdfium.PdfDocument.new()
    out.import_pages(doc, pages)
    out.save(str(to))
    return to


def findings(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()]


def summary(out: Path) -> list[dict]:
    with open(out / "summary.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def review(paths: list[Path], out: Path):
    return run_batch(paths, out, load_config(), jobs=1, quiet=True, cache=False)


@pytest.fixture(scope="module")
def parts(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("parts")
    cut(WHOLE, STATEMENT, folder / "预算说明.pdf")
    cut(WHOLE, TABLES, folder / "预算表.pdf")
    return folder


@pytest.fixture(scope="module")
def whole(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("whole") / "out"
    review([WHOLE], out)
    return out


def test_a_statement_and_its_tables_in_two_pdfs_are_one_report(parts, whole, tmp_path):
    out = tmp_path / "out"
    s = review([parts / "预算说明.pdf", parts / "预算表.pdf"], out)
    assert s.reports == 1 and s.reviewed == 2
    rows = summary(out)  # one row per input file, naming the report it belongs to
    assert [(r["report"], r["part_of"]) for r in rows] == [("预算说明.pdf", NAME), ("预算表.pdf", NAME)]
    assert rows[0]["memo"] == rows[1]["memo"] == f"{NAME}/memo.html"
    assert rows[0]["read_status"] == "完整读取" and rows[0]["department"] == "上海市普陀区人民政府万里街道办事处"
    memo = (out / NAME / "memo.md").read_text(encoding="utf-8")
    assert "由 2 个文件组成：预算说明.pdf、预算表.pdf" in memo
    # what the whole document's review finds, the joined one finds, each place naming its file
    joined, alone = findings(out), findings(whole)
    assert [(f["code"], f["message"]) for f in joined] == [(f["code"], f["message"]) for f in alone] and joined
    assert all(f["report"] == NAME for f in joined)
    where = [q["location"] for f in joined for q in f["evidence"]["quotes"]]
    assert where and all(w.startswith(("预算说明.pdf 第", "预算表.pdf 第")) for w in where)
    # the 三公 table under its template note '故本表为空表' (TP-06) is in the file of tables
    (note,) = [f for f in joined if f["evidence"].get("rule") == "TP-06"]
    assert all(q["location"].startswith("预算表.pdf 第") for q in note["evidence"]["quotes"])


def test_the_statement_is_checked_against_the_tables_of_the_other_file(parts):
    """Joined, the files get every check the whole document gets: 37 amounts of the 说明 against the tables."""
    whole = reviewer.review(str(WHOLE), cache=False)
    joined = reviewer.review(combine(NAME, [("预算说明.pdf", read(str(parts / "预算说明.pdf"), cache=False)),
                                            ("预算表.pdf", read(str(parts / "预算表.pdf"), cache=False))]))
    assert joined.coverage == whole.coverage and joined.coverage["text_vs_table"].checked == 37
    alone = reviewer.review(str(parts / "预算表.pdf"), cache=False)
    assert "text_vs_table" not in alone.coverage  # alone, the tables have no statement to check
    assert joined.report.files == ("预算说明.pdf", "预算表.pdf") and joined.report.kind == "部门预算"


def test_finding_ids_follow_the_report_not_the_run(parts, tmp_path):
    ids = []
    for k in range(2):
        out = tmp_path / f"out{k}"
        review([parts / "预算说明.pdf", parts / "预算表.pdf"], out)
        ids.append([f["id"] for f in findings(out)])
    assert ids[0] == ids[1] and ids[0]


def test_a_word_statement_beside_pdf_tables_is_one_report(parts, tmp_path):
    docx = pytest.importorskip("docx")
    statement = docx.Document()
    for line in read(str(parts / "预算说明.pdf")).lines:
        statement.add_paragraph(line)
    statement.save(tmp_path / "预算说明.docx")
    out = tmp_path / "out"
    s = review([tmp_path / "预算说明.docx", parts / "预算表.pdf"], out)
    assert s.reports == 1
    assert [r["report"] for r in summary(out)] == ["预算说明.docx", "预算表.pdf"]
    codes = sorted(f["code"] for f in findings(out))
    # the 万里街道 2024 budget: two contradictions, a growth from 0, 城管执法's purpose copied from the item before, and
    # the filled 三公 table's note "故本表为空表"
    assert codes == ["arithmetic", "boilerplate", "metadata", "narrative_contradiction", "narrative_contradiction"]


def test_copies_of_one_document_are_not_joined(parts, tmp_path):
    """The same document as PDF and as text (or a part beside the whole) is two reviews, as before."""
    text = ROOT / "corpus/real/001_shanghai_putuo_wanli_street_2024_dept_budget.txt"
    out = tmp_path / "out"
    s = review([WHOLE, text], out)
    assert s.reports == 2 and all(r["part_of"] == "" for r in summary(out))
    out2 = tmp_path / "out2"
    s = review([parts / "预算说明.pdf", parts / "预算表.pdf", WHOLE], out2)
    assert s.reports == 3


def test_a_department_budget_and_its_unit_budget_stay_apart(tmp_path):
    """部门预算 and 单位预算 of the same office and year are two documents: the level is kept."""
    dept = ROOT / "corpus/real/files/003_shanghai_putuo_district_gov_office_2025_dept_budget.pdf"
    unit = ROOT / "corpus/real/files/004_shanghai_putuo_district_gov_office_2025_unit_budget.pdf"
    cut(dept, list(range(0, 7)), tmp_path / "部门预算说明.pdf")
    cut(unit, list(range(7, 20)), tmp_path / "单位预算表.pdf")
    out = tmp_path / "out"
    s = review([tmp_path / "部门预算说明.pdf", tmp_path / "单位预算表.pdf"], out)
    assert s.reports == 2


def test_a_joined_report_resumes(parts, tmp_path):
    out = tmp_path / "out"
    paths = [parts / "预算说明.pdf", parts / "预算表.pdf"]
    review(paths, out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file() and ".work" not in p.parts}
    s = review(paths, out)
    assert s.reviewed == 0 and s.skipped == 2 and s.memos_written == 0
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file() and ".work" not in p.parts}
    assert after == before
