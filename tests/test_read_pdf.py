"""The 7 real PDFs of corpus/real/files, read end to end: every page's text and every ruled table.

The .txt beside each PDF (corpus/real/NNN_*.txt) is pdfplumber's extract_text() of it, page by page: our
reading must hold exactly the same characters on every page.  The ruled tables must be cell for cell the
tables pdfplumber's table finder sees (the reference reader, 20× slower).
"""
import re
from collections import Counter

import pdfplumber
import pypdfium2 as pdfium
import pytest

import reviewer
from reviewer.cli import main
from reviewer.read import read
from reviewer.read.pdf import read_page
from reviewer.settle import UNREVIEWED

from conftest import REAL, real_pdf

PAGES = {"001": 33, "002": 31, "003": 22, "004": 21, "005": 26, "006": 22, "009": 23}


def _txt_pages(prefix: str) -> list[str]:
    (txt,) = REAL.glob(f"{prefix}_*.txt")
    body = "\n".join(line for line in txt.read_text(encoding="utf-8").split("\n") if not line.startswith("#"))
    return re.split(r"^=== 第\d+页 ===$", body, flags=re.M)[1:]


def _squash(text: str) -> Counter:
    return Counter(re.sub(r"\s", "", text))


@pytest.mark.parametrize("prefix", sorted(PAGES))
def test_every_character_of_every_page_is_read(prefix):
    doc = read(real_pdf(prefix), cache=False)
    assert doc.format == "pdf" and doc.pages == PAGES[prefix] and not doc.issues
    ours: dict[int, list[str]] = {}
    for block in doc.blocks:  # page numbers included: the document holds all that is printed
        for row in block.rows:
            for cell in row.cells:
                ours.setdefault(cell.loc.page, []).append(cell.text)
    pages = _txt_pages(prefix)
    assert len(pages) == PAGES[prefix]
    for number, text in enumerate(pages, 1):
        assert _squash("".join(ours.get(number, []))) == _squash(text), f"page {number}"


def _grid(rows) -> list[list[str]]:
    out = []
    for row in rows:
        cells = [re.sub(r"\s", "", c or "") for c in row]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            out.append(cells)
    return out


@pytest.mark.parametrize("prefix", ["001", "009"])
def test_ruled_tables_are_the_tables_pdfplumber_finds(prefix):
    path = real_pdf(prefix)
    checked = 0
    with pdfplumber.open(path) as plumber:
        pdf = pdfium.PdfDocument(path)
        for i, page in enumerate(plumber.pages):
            theirs = [_grid(t.extract()) for t in page.find_tables()]
            items, _, _ = read_page(pdf[i])
            ours = [_grid(it.grid) for it in items if it.layout == "ruled"]
            assert ours == theirs, f"page {i + 1}"
            checked += len(theirs)
    assert checked >= 11


def test_cells_and_paragraphs_are_located_and_whole():
    doc = read(real_pdf("001"))
    rows = {str(r.cells[0].loc): [c.text for c in r.cells] for r in doc.rows()}
    # 第10页 部门财务收支预算总表: a two-sided table, every cell where it is printed
    assert rows["第10页表1第3行第1列"] == ["一、财政拨款收入", "156,211,123", "一、一般公共服务支出", "2,932,700"]
    assert rows["第10页表1第16行第1列"] == ["收入总计", "156,211,123", "支出总计", "156,211,123"]
    # the line above the table: one line of text, its two parts one space apart
    assert rows["第10页第2行"] == ["编制部门：上海市普陀区人民政府万里街道办事处 单位：元"]
    # 第11页 部门收入预算总表: codes in their 类/款/项 columns
    assert rows["第11页表1第6行第1列"] == ["201", "05", "07", "专项普查活动", "257,700", "257,700", "0", "0", "0"]
    # a sentence wrapped before a number that did not fit is one paragraph again
    (para,) = [t for t in (r.cells[0].text for r in doc.rows()) if t.startswith("31. “住房保障支出")]
    assert "2023年当年预算执行数为348.52万元" in para
    value = next(c for r in doc.rows() for c in r.cells if c.text == "2,932,700")
    assert str(value.loc) == "第10页表1第3行第4列"


def test_every_cell_row_and_paragraph_of_a_pdf_knows_the_box_of_its_characters():
    """The box is where the characters are on the page: cropping the page to it gives the cell's text back."""
    doc = read(real_pdf("001"), cache=False)
    cells = [c for r in doc.rows() for c in r.cells if c.text.strip()]
    assert cells and all(c.loc.box is not None for c in cells)
    value = next(c for r in doc.rows() for c in r.cells if c.text == "2,932,700")
    (row,) = [r for r in doc.rows() if value in r.cells]
    row_box = doc.line_locs[row.line - 1].box
    with pdfplumber.open(real_pdf("001")) as pdf:
        page = pdf.pages[value.loc.page - 1]
        assert page.crop(value.loc.box).extract_text().strip() == "2,932,700"
        assert "一般公共服务支出" in page.crop(row_box).extract_text()  # the row's box holds every cell of it
        para = next(r for r in doc.rows() if r.cells[0].text.startswith("31. “住房保障支出"))
        where = doc.line_locs[para.line - 1]
        text = pdf.pages[where.page - 1].crop(where.box).extract_text().replace("\n", "")
        assert text.startswith("31. “住房保障支出") and "348.52" in text


def test_a_finding_on_a_pdf_carries_the_box_of_the_row_it_quotes():
    rv = reviewer.review(real_pdf("001"))
    quoted = [q for f in rv.findings for q in f.evidence["quotes"]]
    assert quoted and all(q.location.page and q.location.box for q in quoted)
    with pdfplumber.open(real_pdf("001")) as pdf:
        for q in quoted:
            shown = pdf.pages[q.location.page - 1].crop(q.location.box).extract_text()
            assert re.sub(r"\s", "", shown)[:6] == re.sub(r"[\s│]", "", q.text)[:6]


def test_a_blank_template_pdf_is_read_as_empty_tables_and_never_approved(tmp_path):
    """The 上海 决算 template: nine tables of headers and no figure.  A table that prints no figure is read as
    empty (nothing in it was left unread), the document is said to be a blank template, and with nothing to check
    the verdict is 未能审核, never 建议认可."""
    rv = reviewer.review(real_pdf("009"))
    r = rv.report
    assert r.format == "pdf" and r.status == "完整读取" and len(r.accounts) == 9
    sangong = r.account("sangong")  # a header of 预算数/决算数 pairs and no row of figures
    assert sangong.empty and not sangong.unread and "表中没有数字（空表）" in sangong.warnings
    # the two-sided 收入支出决算总表 has no 行次 column: read by its two 项目 columns
    t01 = r.account("income_expenditure")
    assert len(t01.frame) == 40 and not t01.unread
    (blank,) = [f for f in rv.findings if "空白模板" in f.message]
    assert blank.code == "missing" and rv.verdict.label == UNREVIEWED
    assert rv.verdict.reasons[0].startswith("未读到可核查的内容（实际核对的数字或勾稽关系只有 0 处")
    out = tmp_path / "out"
    assert main(["review", str(real_pdf("009")), str(REAL.parent / "seeds"), "--out", str(out), "-q"]) == 0
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.index(real_pdf("009").name) < index.index("003_ddff5fd3e69ced26.txt")  # needs a person: first
    memo = (out / real_pdf("009").name / "memo.md").read_text(encoding="utf-8")
    assert f"**审核结论：{UNREVIEWED}**" in memo and "空白模板" in memo


def test_inspect_shows_blocks_with_locations_and_what_each_part_became(capsys):
    assert main(["inspect", str(real_pdf("009"))]) == 0
    out = capsys.readouterr().out
    assert out.startswith("文件：009_shanghai_mof_style_dept_final_accounts_template_2024.pdf（PDF，23 页）")
    assert "读取状态：完整读取" in out
    assert "表格 第11页表1 · 40 行 × 6 列（PDF 框线表格）" in out
    assert "第11页表1第2行第1列：301 │ 工资福利支出 │ 302 │ 商品和服务支出" in out
    assert "第6页第1行 决算表“收入决算表”：6 行" in out
    assert "财政拨款“三公”经费支出决算表（第12页第1行）：表中没有数字（空表）" in out


def test_extract_prints_what_was_read_and_the_share_of_amounts(tmp_path, capsys):
    assert main(["extract", str(REAL.parent / "seeds"), str(real_pdf("009")), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "009_shanghai_mof_style_dept_final_accounts_template_2024.pdf：PDF 23 页，完整读取；决算表 9 张" in out
    assert "004_655e35476e9ed446.txt：文本，完整读取；项目支出绩效自评表 4 张（指标 41 项）；金额读取 16/16（100%）" in out
