"""Readers one by one: format from the bytes, merged cells, number formats, layouts per block, what cannot
be read (scans, encryption, formulas never calculated, broken files), Word 97, and the document cache."""
import json
import shutil

import pytest

import reviewer
from reviewer.read import READERS, read
from reviewer.read import cache as doc_cache
from reviewer.read import registry

from conftest import FIXTURES, real_pdf, seed_path


def _findings(rv):
    return sorted((f.subject, f.code, f.severity, f.message) for f in rv.findings)


# --- the format comes from the bytes ----------------------------------------------------------


def test_format_is_sniffed_from_bytes_not_the_name(tmp_path):
    pdf_named_txt = tmp_path / "report.txt"
    pdf_named_txt.write_bytes(real_pdf("009").read_bytes())
    assert read(pdf_named_txt).format == "pdf"
    text_named_docx = tmp_path / "report.docx"
    text_named_docx.write_bytes(seed_path("004").read_bytes())
    assert read(text_named_docx).format == "text"


@pytest.mark.parametrize("data, message", [
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "图片文件已损坏或格式无法识别"),
    ("{\\rtf1\\ansi 项目}".encode(), "RTF 格式暂不支持"),
    (b"PK\x03\x04" + b"\x00" * 64, "ZIP 结构无法打开"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 64, "文件已加密"),
])
def test_unreadable_formats_say_why_in_chinese(tmp_path, data, message):
    f = tmp_path / "report.bin"
    f.write_bytes(data)
    with pytest.raises(reviewer.ReadError, match=message):
        reviewer.extract(f)


# --- PDF: scans, encryption ------------------------------------------------------------------


def _pdf(path, pages, password=None):
    """pages: a list of ("text", str) or ("image", None) pages."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    encrypt = None
    if password:
        from reportlab.lib.pdfencrypt import StandardEncryption
        encrypt = StandardEncryption(password, password)
    c = canvas.Canvas(str(path), encrypt=encrypt)
    for kind, text in pages:
        if kind == "text":
            c.setFont("STSong-Light", 10)
            y = 800
            for line in text.split("\n"):
                c.drawString(50, y, line)
                y -= 14
        else:
            scan = Image.new("RGB", (200, 280), (250, 250, 250))  # a picture with ink and no text: a photo, a stamp
            ImageDraw.Draw(scan).ellipse((40, 60, 160, 180), outline=(90, 90, 90), width=6)
            ImageDraw.Draw(scan).rectangle((70, 200, 130, 240), fill=(120, 120, 120))
            c.drawImage(ImageReader(scan), 40, 40, 500, 700)
        c.showPage()
    c.save()
    return path


def test_a_scanned_pdf_is_refused_with_a_clear_message(tmp_path):
    path = _pdf(tmp_path / "scan.pdf", [("image", None), ("image", None)])
    with pytest.raises(reviewer.ReadError, match="扫描件，无文字层，无法读取（共 2 页）"):
        reviewer.extract(path)


def test_a_scanned_page_inside_a_pdf_makes_it_partly_read(tmp_path):
    text = seed_path("004").read_text(encoding="utf-8").split("\n")[:14]
    path = _pdf(tmp_path / "mixed.pdf", [("text", "\n".join(t.replace("\t", "    ") for t in text)), ("image", None)])
    report = reviewer.extract(path)
    assert report.status == "部分读取"
    # the page without text, the form on page 1 whose cells ran together (never a blank template: it prints
    # figures), and the funds row's figures no table took in
    scanned, form, figures = report.issues
    assert (scanned.where, scanned.reason) == ("第2页", "扫描件，无文字层，无法读取")
    assert form.where == "第1页第1行" and "未能拆分成单元格读取" in form.reason and not report.blank_templates
    assert figures.where == "第1页第6行" and "7 个数字未能读取" in figures.reason
    rv = reviewer.review(report)
    assert rv.risk.band == "需人工复核"


def test_an_encrypted_pdf_is_refused(tmp_path):
    path = _pdf(tmp_path / "locked.pdf", [("text", "2022年度项目支出绩效自评表")], password="secret")
    with pytest.raises(reviewer.ReadError, match="PDF 已加密"):
        reviewer.extract(path)


# --- spreadsheets ----------------------------------------------------------------------------


def test_xlsx_formula_never_calculated_is_reported_where_it_is(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "自评表"
    for row in (["项目支出绩效自评表"], ["项目名称", "测试项目"], ["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数"],
                ["年度资金总额", 10, 10, "=B4*0.5"]):
        ws.append(row)
    hidden = wb.create_sheet("备注")
    hidden["A1"] = "内部备注"
    hidden.sheet_state = "hidden"
    path = tmp_path / "formula.xlsx"
    wb.save(path)
    doc = read(path)
    assert [str(i) for i in doc.issues] == ["自评表!D4：公式没有计算结果（文件未经 Excel 保存），该单元格为空"]
    assert [b.note for b in doc.blocks] == ["", "隐藏的工作表"]  # every sheet is read, hidden ones too
    report = reviewer.extract(path)
    assert report.status == "部分读取" and report.projects[0].funds.total.executed.blank


def test_xls_shows_numbers_as_formatted(tmp_path):
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("表1")
    pct, money = xlwt.XFStyle(), xlwt.XFStyle()
    pct.num_format_str, money.num_format_str = "0.00%", "#,##0.00"
    ws.write_merge(0, 0, 0, 3, "项目资金")
    ws.write(1, 0, "执行率")
    ws.write(1, 1, 0.0112, pct)
    ws.write(1, 2, 506745.04, money)
    path = tmp_path / "t.xls"
    wb.save(str(path))
    rows = read(path).rows()
    assert [[c.text for c in r.cells] for r in rows] == [["项目资金", "", "", ""], ["执行率", "1.12%", "506,745.04"]]
    assert [c.covered for c in rows[0].cells] == ["", "left", "left", "left"]  # the merge A1:D1
    assert str(rows[1].cells[1].loc) == "表1!B2"


# --- web pages and HTML in text ----------------------------------------------------------------


def test_html_spans_are_resolved_and_bounded():
    html = """<!DOCTYPE html><html><head><style>td{}</style><script>var x = "项目名称";</script></head><body>
<table><tr><td rowspan="2">绩效指标</td><td colspan="2">产出指标</td></tr>
<tr><td>数量指标</td><td>≥8 次</td></tr>
<tr><td colspan="100000">合计</td><td>&gt;95%</td></tr></table></body></html>"""
    doc = read(html)
    rows = [[c.text for c in r.cells] for r in doc.rows()]
    assert rows[0] == ["绩效指标", "产出指标", ""]  # the colspan's covered cell
    assert rows[1] == ["", "数量指标", "≥8 次"]  # the rowspan covers the first column
    assert [c.covered for c in doc.rows()[0].cells] == ["", "", "left"]
    assert [c.covered for c in doc.rows()[1].cells] == ["up", "", ""]
    assert rows[2][0] == "合计" and len(rows[2]) == 101 and rows[2][-1] == ">95%"  # colspan capped at 100
    assert str(doc.rows()[1].cells[2].loc) == "表1第2行第3列"
    assert "var x" not in "".join(doc.lines)


def test_layout_tables_are_read_as_the_page_they_hold():
    html = """<html><body><table><tr><td><p>2022年度项目支出绩效自评表</p>
<table><tr><td>项目名称</td><td>测试项目</td></tr></table></td></tr></table></body></html>"""
    rows = [[c.text for c in r.cells] for r in read(html).rows()]
    assert rows == [["2022年度项目支出绩效自评表"], ["项目名称", "测试项目"]]


def test_an_html_table_at_the_top_of_a_tab_separated_file_changes_nothing_below_it():
    text = seed_path("004").read_text(encoding="utf-8")
    pasted = "<table><tr><td>附件</td><td>2022年度部门项目自评材料</td></tr></table>\n" + text
    doc = read(pasted)
    assert [b.layout for b in doc.blocks[:2]] == ["html", "tsv"]
    assert _findings(reviewer.review(pasted)) == _findings(reviewer.review(text))


def test_cell_per_line_and_tab_separated_blocks_in_one_file():
    tsv = seed_path("004").read_text(encoding="utf-8")
    cpl = seed_path("003").read_text(encoding="utf-8")
    both = reviewer.extract(tsv + "\n\n" + cpl)
    assert [p.name for p in both.projects] == ([p.name for p in reviewer.extract(tsv).projects]
                                               + [p.name for p in reviewer.extract(cpl).projects])


# --- Word ------------------------------------------------------------------------------------


def test_docx_merges_and_nested_tables(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("2022年度项目支出绩效自评表")
    t = d.add_table(rows=3, cols=3)
    t.cell(0, 0).text = "绩效指标"
    t.cell(0, 0).merge(t.cell(2, 0))  # vertical merge
    t.cell(0, 1).text = "产出指标"
    t.cell(0, 1).merge(t.cell(0, 2))  # horizontal merge
    t.cell(1, 1).text = "数量指标"
    t.cell(1, 2).text = "≥8次"
    inner = t.cell(2, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "培训", "3期"
    path = tmp_path / "t.docx"
    d.save(str(path))
    doc = read(path)
    rows = [[c.text for c in r.cells] for r in doc.rows()]
    assert rows == [["2022年度项目支出绩效自评表"], ["绩效指标", "产出指标", ""], ["", "数量指标", "≥8次"], ["", "培训 3期"]]
    assert [[c.covered for c in r.cells] for r in doc.rows()[1:]] == [["", "", "left"], ["up", "", ""], ["up", ""]]
    assert [str(c.loc) for c in doc.rows()[2].cells] == ["表1第2行第1列", "表1第2行第2列", "表1第2行第3列"]
    assert str(doc.rows()[0].cells[0].loc) == "第1段"


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")), reason="LibreOffice not installed")
def test_doc_read_through_libreoffice_gives_the_seeds_findings():
    rv = reviewer.review(FIXTURES / "seed004.doc")
    assert rv.report.format == "doc" and rv.report.complete
    assert _findings(rv) == _findings(reviewer.review(seed_path("004")))


@pytest.mark.skipif(not shutil.which("catdoc"), reason="catdoc not installed")
def test_doc_read_through_catdoc_is_partly_read(monkeypatch):
    real_which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name: None if name in ("soffice", "libreoffice") else real_which(name))
    report = reviewer.extract(FIXTURES / "seed004.doc", cache=False)
    assert report.status == "部分读取" and "catdoc" in report.issues[0].reason
    first = report.projects[0]
    assert (first.name, first.funds.total.executed.raw) == ("合作交流工作业务费", "506,745.04")
    assert reviewer.review(report).risk.band == "需人工复核"


def test_doc_without_a_converter_asks_for_docx(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(reviewer.ReadError, match="另存为 DOCX"):
        reviewer.extract(FIXTURES / "seed004.doc", cache=False)


# --- the document cache ----------------------------------------------------------------------


def test_a_pdf_is_read_once_then_found_by_its_content(tmp_path, monkeypatch):
    monkeypatch.setenv("REVIEWER_CACHE_DIR", str(tmp_path / "cache"))
    calls = []
    pdf_reader = READERS["pdf"]
    monkeypatch.setitem(READERS, "pdf", registry.Reader("pdf", lambda d, n: calls.append(n) or pdf_reader.read(d, n),
                                                        True))
    copy = tmp_path / "same_bytes_other_name.pdf"
    copy.write_bytes(real_pdf("003").read_bytes())
    first = read(real_pdf("003"))
    second = read(copy)
    assert len(calls) == 1 and second.source == copy.name and second.lines == first.lines
    monkeypatch.setattr(doc_cache, "READER_VERSION", "changed")  # a new reader version reads again
    read(copy)
    assert len(calls) == 2
    for entry in (tmp_path / "cache" / "documents").glob("*.pickle"):
        entry.write_bytes(b"broken")  # a damaged entry is read again from the file
    assert read(copy).lines == first.lines and len(calls) == 3
    read(copy, cache=False)
    assert len(calls) == 4


def test_cached_and_fresh_reading_give_byte_identical_outputs(tmp_path, monkeypatch):
    monkeypatch.setenv("REVIEWER_CACHE_DIR", str(tmp_path / "cache"))
    from reviewer.output import report_json

    fresh = report_json(reviewer.extract(real_pdf("009"), cache=False))
    reviewer.extract(real_pdf("009"))
    cached = report_json(reviewer.extract(real_pdf("009")))
    assert json.dumps(cached, ensure_ascii=False) == json.dumps(fresh, ensure_ascii=False)


def test_a_location_names_its_file_only_when_a_document_comes_in_several():
    from reviewer.read import Location

    assert str(Location(page=3, table=1, row=4)) == "第3页表1第4行"
    assert str(Location(page=3, table=1, row=4, file="附件2.pdf")) == "附件2.pdf 第3页表1第4行"
    assert str(Location(sheet="自评表", row=5, col=4, file="a.xlsx")) == "a.xlsx 自评表!D5"
    box = Location(page=1, box=(10.0, 20.0, 30.0, 40.0))
    assert str(box) == "第1页" and box != Location(page=1)  # the box is part of where, not of the label
