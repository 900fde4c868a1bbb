"""Issue 25: scans read by text recognition (offline, rapidocr-onnxruntime), into the same records as the text
version, each place knowing how sure the recognition is; a figure it is unsure of is a read issue, never a finding.

The scans are made here from real pages (labelled 023, a 上海 决算; dev 001, a 预算): each page rendered to a picture
(150 and 300 dpi, askew, blurred and saved as JPEG, a red seal stamped over a table, a page turned a quarter) and
put back into a PDF or an image file that holds no text."""
from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw, ImageFilter
from pypdf import PdfReader, PdfWriter

import reviewer
from reviewer.config import load_config
from reviewer.memo import render_memo_md
from reviewer.read import ocr

from conftest import ROOT, real_pdf
from support.scan import AMOUNT, jpeg, pages as pdf_pages, picture as page_picture, scan_pdf, sealed

pytestmark = pytest.mark.skipif(not ocr.available(), reason="rapidocr-onnxruntime is not installed (Python ≥ 3.13)")

DECISION = ROOT / "corpus" / "labelled" / "files" / "023_shanghai_putuo_czj_2024_bmjs.pdf"


def _printed(path: Path, pages: list[int]) -> Counter:
    pdf = pdfium.PdfDocument(str(path))
    return Counter(AMOUNT.findall(" ".join(pdf[p - 1].get_textpage().get_text_range() for p in pages)))


def _read(doc) -> Counter:
    return Counter(AMOUNT.findall("\n".join(doc.lines)))


LABELLED = ROOT / "corpus" / "labelled" / "files"


@pytest.mark.parametrize("name, pages, dpi", [
    ("023_shanghai_putuo_czj_2024_bmjs.pdf", [13, 21], 150),  # 财政拨款收入支出决算总表, the 说明 of its total
    ("023_shanghai_putuo_czj_2024_bmjs.pdf", [13, 21], 300),
    ("025_shanghai_putuo_ghzyj_2024_bmjs.pdf", [16, 24], 150),  # 基本支出决算表, the 说明 of 基本支出
    ("026_shanghai_putuo_shgzb_2024_bmjs.pdf", [12, 22], 150),  # 一般公共预算财政拨款支出决算表, 政府采购
], ids=lambda v: v[:3] if isinstance(v, str) else str(v))
def test_a_scanned_table_and_text_read_every_amount_exactly(tmp_path, name, pages, dpi):
    source = LABELLED / name
    scan = scan_pdf([page_picture(source, p, dpi) for p in pages], tmp_path / "scan.pdf", dpi)
    doc = reviewer.read(scan, cache=False)
    want, got = _printed(source, pages), _read(doc)
    exact = sum(min(n, got[a]) for a, n in want.items())
    assert exact >= 0.95 * sum(want.values()) and not (got - want), (want - got, got - want)
    assert not doc.issues  # every figure read at or above the confidence threshold
    confident = [loc.conf for loc in doc.line_locs if loc is not None and loc.conf is not None]
    assert confident and min(confident) >= load_config().read.ocr_min_confidence


def _with_scanned_page(source: Path, page: int, out: Path, dpi: int = 200, picture: Image.Image | None = None) -> Path:
    """`source` with one page replaced by a picture of it (a PDF some of whose pages are scans): `picture`, or the
    page rendered at `dpi`."""
    reader, writer = PdfReader(str(source)), PdfWriter()
    picture = picture or page_picture(source, page, dpi)
    scan = PdfReader(str(scan_pdf([picture], out.with_suffix(".page.pdf"), dpi)))
    for k, p in enumerate(reader.pages, 1):
        writer.add_page(scan.pages[0] if k == page else p)
    writer.write(str(out))
    return out


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Path:
    """023 with its 财政拨款收入支出决算总表 (page 13) a scan."""
    return _with_scanned_page(DECISION, 13, tmp_path_factory.mktemp("mixed") / "mixed.pdf")


def test_a_scan_gives_the_same_records_and_findings_as_the_text(mixed):
    """The same reading (what was read, what was not), the same 决算 tables value for value, the same findings —
    the 说明's 0.3万元 against the table's 2961.68, now read from the picture."""
    a, b = reviewer.extract(DECISION, cache=False), reviewer.extract(mixed, cache=False)
    assert [str(i) for i in a.issues] == [str(i) for i in b.issues]
    assert [(t.kind, t.title) for t in a.accounts] == [(t.kind, t.title) for t in b.accounts] and a.accounts
    for ta, tb in zip(a.accounts, b.accounts):  # (the raw row text keeps a wrapped label's line break)
        assert ta.frame.drop(columns="raw").equals(tb.frame.drop(columns="raw")), ta.title
    ra, rb = reviewer.review(a), reviewer.review(b)
    key = lambda f: (f.code, f.evidence.get("rule", ""), str(f.evidence.get("stated")), str(f.evidence.get("recomputed")))
    assert sorted(map(key, ra.findings)) == sorted(map(key, rb.findings))
    (tx01,) = [f for f in rb.findings if f.evidence.get("rule") == "TX-01"]
    table = [q for q in tx01.evidence["quotes"] if q.location.table]
    assert table[0].location.page == 13 and table[0].location.conf is not None  # read from the picture
    memo = render_memo_md(rb, load_config())  # the memo says so, before anything found, and at each quote
    assert "其中 1 页为扫描件" in memo[:memo.index("## 一")] and "原文（OCR，第13页表1" in memo
    assert "OCR，rapidocr" in memo and "\n- 提取内容" in memo  # the 附录's reading line says so, on its own line


def test_a_figure_the_recognition_is_unsure_of_is_a_read_issue_never_a_finding(mixed):
    """The same report with the threshold above what recognition reaches: the scanned page's tables are read
    issues, and the finding resting on them (TX-01) is not made."""
    config = load_config(overrides={"read": {"ocr_min_confidence": 0.99999}})
    report = reviewer.extract(mixed, cache=False, limits=config.read)
    unsure = [i for i in report.issues if "识别置信度低" in i.reason]
    assert unsure and all(i.where.startswith("第13页") for i in unsure) and report.status == "部分读取"
    rv = reviewer.review(report, config)
    assert not [f for f in rv.findings for q in f.evidence.get("quotes") or [] if q.location.conf is not None]
    assert not [f for f in rv.findings if f.evidence.get("rule") == "TX-01"]
    assert rv.verdict.label != "建议认可"
    held = [c for c in rv.coverage.values() if c.held]  # held back, so not among what was checked clean
    memo = render_memo_md(rv, config)
    clean = memo[memo.index("已核查且未发现问题的事项"):memo.index("未作判断（")]
    assert held and all(c.label not in clean for c in held) and all(c.label in memo[memo.index("未作判断（"):] for c in held)


def test_pictures_as_files_askew_blurred_sealed_and_turned(tmp_path):
    """A multi-page TIFF of budget pages as a phone or a copier makes them: askew by 1.5°, blurred and JPEG-saved, a
    red seal over the table, one page lying on its side.  Every amount of the pages is read exactly."""
    budget = real_pdf("001")
    pages = [7, 20]
    askew = page_picture(budget, 7, 200).rotate(1.5, expand=True, fillcolor="white")
    blurred = Image.open(io.BytesIO(jpeg(page_picture(budget, 20, 200).filter(ImageFilter.GaussianBlur(0.8))))).convert("RGB")
    stamped = sealed(blurred)
    turned = page_picture(budget, 7, 200).rotate(90, expand=True)
    tiff = tmp_path / "scan.tif"
    askew.save(tiff, save_all=True, append_images=[stamped, turned], compression="tiff_deflate")
    doc = reviewer.read(tiff, cache=False)
    assert doc.format == "image" and doc.pages == 3
    want = _printed(budget, pages) + _printed(budget, [7])
    got = _read(doc)
    exact = sum(min(n, got[a]) for a, n in want.items())
    assert exact >= 0.95 * sum(want.values()), (want - got, got - want)


def test_with_ocr_off_a_scan_says_it_was_not_read(tmp_path):
    scan = scan_pdf([page_picture(DECISION, 13, 100)], tmp_path / "scan.pdf", 100)
    config = load_config(overrides={"read": {"ocr": False}})
    with pytest.raises(reviewer.ReadError, match="扫描件，无文字层，无法读取.*文字识别已关闭"):
        reviewer.read(scan, cache=False, limits=config.read)


def test_a_sum_failing_in_a_recognised_table_is_not_judged_never_a_finding(tmp_path):
    """023 with page 12 of its 财政拨款收入支出决算总表 scanned, and the figures of its “一般公共服务支出” row missed
    (whited out of the picture, as recognition misses a faint row): the 类 rows no longer add up to 本年支出合计,
    which page 13 prints as text.  That is a place not judged, said with its reason, not a finding of the report;
    the 说明's 0.3万元 against the table's total is still found."""
    picture = _without_figures(page_picture(DECISION, 12, 200), DECISION, 12, "一般公共服务支出", 200)
    rv = reviewer.review(_with_scanned_page(DECISION, 12, tmp_path / "p12.pdf", picture=picture), cache=False)
    assert not [f for f in rv.findings if f.evidence.get("rule", "").startswith("JS-01")]
    held = [i for i in rv.unjudged if "文字识别所得" in i.reason]
    # said at the sum's total row, printed as text on page 13: the rows it adds were recognised on page 12
    assert held and all(i.where.startswith(("第12页", "第13页")) for i in held)
    assert [f for f in rv.findings if f.evidence.get("rule") == "TX-01"]


def _without_figures(picture: Image.Image, source: Path, page: int, label: str, dpi: int) -> Image.Image:
    """The picture of a page with the figures printed on the row of `label` painted out (its rules kept)."""
    text = pdfium.PdfDocument(str(source))[page - 1].get_textpage()
    found = text.search(label).get_next()
    _, bottom, right, top = text.get_charbox(found[0] + found[1] - 1)
    return _painted_out(picture, source, page, dpi, lambda k, box: box[0] > right and box[1] < top and box[3] > bottom
                        and (text.get_text_range(k, 1).isdigit() or text.get_text_range(k, 1) in ",."))


def _without(picture: Image.Image, source: Path, page: int, label: str, dpi: int) -> Image.Image:
    """The picture of a page with `label` painted out where it is printed."""
    text = pdfium.PdfDocument(str(source))[page - 1].get_textpage()
    start, count = text.search(label).get_next()
    return _painted_out(picture, source, page, dpi, lambda k, box: start <= k < start + count)


def _painted_out(picture: Image.Image, source: Path, page: int, dpi: int, which) -> Image.Image:
    """The picture with the characters `which(index, box)` chooses painted white, as if never printed."""
    pdf_page = pdfium.PdfDocument(str(source))[page - 1]
    text, height, scale = pdf_page.get_textpage(), pdf_page.get_size()[1], dpi / 72
    out = picture.copy()
    draw = ImageDraw.Draw(out)
    for k in range(text.count_chars()):
        x0, y0, x1, y1 = box = text.get_charbox(k)
        if which(k, box):
            draw.rectangle((x0 * scale - 1, (height - y1) * scale - 1, x1 * scale + 1, (height - y0) * scale + 1), fill="white")
    return out


def test_a_table_whose_title_recognition_missed_is_not_said_missing(tmp_path):
    """023 with page 12 scanned and the title of its 财政拨款收入支出决算总表 not recognised (painted out; a misread
    “财政发款文入支出决算总表” was seen): the 目录 lists the table and no table of that name is found — in a report
    read partly from pictures that is a place not judged, not the finding that the published set is incomplete."""
    picture = _without(page_picture(DECISION, 12, 200), DECISION, 12, "财政拨款收入支出决算总表", 200)
    rv = reviewer.review(_with_scanned_page(DECISION, 12, tmp_path / "p12.pdf", picture=picture), cache=False)
    assert not [f for f in rv.findings if f.evidence.get("rule") == "JS-00"]
    assert [i for i in rv.unjudged if "财政拨款收入支出决算总表" in i.reason and "表名或文字可能未识别出" in i.reason]
    plain = reviewer.review(DECISION)  # the text layer finds it, so no such finding there either
    assert not [f for f in plain.findings if f.evidence.get("rule") == "JS-00"]


def test_an_empty_page_among_scans_is_neither_read_nor_unread(tmp_path):
    """A white page, and 023's page 14 — only the empty ruled row its table ran over into, no character in its
    text layer — are no pages unread, scanned as in print."""
    pictures = [page_picture(DECISION, 13, 150), Image.new("RGB", (1240, 1754), "white"), page_picture(DECISION, 14, 150)]
    doc = reviewer.read(scan_pdf(pictures, tmp_path / "scan.pdf", 150), cache=False)
    assert not doc.issues and doc.pages == 3 and doc.recognised == 3  # three scanned pages, one with content


def _word_with_pictures(pictures: list[Image.Image], path: Path) -> Path:
    """A Word file as units make them: a line of text, then scans of the pages pasted in as pictures."""
    import docx
    from docx.shared import Mm

    word = docx.Document()
    word.add_paragraph("附件：决算表（扫描件）")
    for picture in pictures:
        buf = io.BytesIO()
        picture.save(buf, format="PNG")
        buf.seek(0)
        word.add_picture(buf, width=Mm(160))
    word.save(str(path))
    return path


def test_scans_pasted_into_a_word_file_are_read_where_they_are(tmp_path):
    """026's 一般公共预算财政拨款支出决算表 and its 政府采购 page pasted into a Word file as pictures, with a photo that
    holds no text: the pictures are read like the scanned PDF pages — every amount exactly, the 决算 table value for
    value as from the text PDF — located by picture (图片1表1第3行第3列); the photo adds nothing and is nothing
    unread; the memo says what was recognised."""
    source = LABELLED / "026_shanghai_putuo_shgzb_2024_bmjs.pdf"
    photo = Image.linear_gradient("L").resize((600, 400)).convert("RGB")
    word = _word_with_pictures([page_picture(source, 12, 150), photo, page_picture(source, 22, 150)], tmp_path / "scan.docx")
    doc = reviewer.read(word, cache=False)
    assert doc.recognised == 2 and not doc.issues
    want, got = _printed(source, [12, 22]), _read(doc)
    assert sum(min(n, got[a]) for a, n in want.items()) >= 0.95 * sum(want.values()) and not (got - want)
    text, scan = reviewer.extract(pdf_pages(source, [12], tmp_path / "p12.pdf"), cache=False), reviewer.extract(word, cache=False)
    (a,), (b,) = text.accounts, scan.accounts
    assert a.kind == b.kind and a.frame.drop(columns=["raw", "line", "loc"]).equals(b.frame.drop(columns=["raw", "line", "loc"]))
    assert [str(x).replace("第1页", "图片1") for x in a.frame["loc"]] == [str(x) for x in b.frame["loc"]]  # cell by cell
    assert any(str(loc).startswith("图片3第") for loc in doc.line_locs if loc is not None)  # the photo is 图片2
    assert "本报告中有 2 幅图片为扫描件" in render_memo_md(reviewer.review(scan), load_config())


def test_with_ocr_off_pictures_in_a_word_file_are_said_unread(tmp_path):
    word = _word_with_pictures([page_picture(DECISION, 13, 100)], tmp_path / "scan.docx")
    config = load_config(overrides={"read": {"ocr": False}})
    doc = reviewer.read(word, cache=False, limits=config.read)
    assert [i.reason for i in doc.issues] == ["文档中有 1 幅图片未经文字识别（文字识别已关闭：[read] ocr = false 或 --no-ocr），"
                                            "其中如有表格或文字，未读取"]


def test_an_unruled_budget_scanned_gives_its_text_figures_and_no_other(tmp_path):
    """A 部门预算 in the national set printed without a single rule (columns set apart by space only, as the word
    layout of the PDF reader reads them), scanned at 150 dpi: every amount accepted is printed, 95% of them are
    accepted, and every figure of the 预算 tables read from the picture is the text version's, in the same place
    (table, code or item, column) — 85% of them read."""
    from support.budget_doc import VARIANTS, BudgetDoc, records, write

    printed = write(BudgetDoc.make(seed=3).render(VARIANTS[0]), "pdf_unruled", tmp_path, "budget")
    pdf = pdfium.PdfDocument(str(printed))
    scan = scan_pdf([page_picture(printed, k + 1, 150) for k in range(len(pdf))], tmp_path / "scan.pdf", 150)
    text, read = reviewer.extract(printed, cache=False), reviewer.extract(scan, cache=False)
    want = Counter(a for line in text.lines for a in AMOUNT.findall(line))
    least = load_config().read.ocr_min_confidence
    accepted = Counter(a for line, loc in zip(read.lines, read.line_locs)
                       if loc is None or loc.conf is None or loc.conf >= least for a in AMOUNT.findall(line))
    assert sum(min(n, accepted[a]) for a, n in want.items()) >= 0.95 * sum(want.values()) and not accepted - want
    a, b = records(text), records(read)
    cells = [(kind, key, col) for kind in a for key in a[kind] for col in a[kind][key]]
    both = [(kind, key, col) for kind, key, col in cells if col in b.get(kind, {}).get(key, {})]
    assert len(both) >= 0.85 * len(cells)
    assert [b[kind][key][col] for kind, key, col in both] == [a[kind][key][col] for kind, key, col in both]


def test_a_page_recognised_lying_on_its_side_gives_no_boxes_for_crops(tmp_path):
    """A page scanned a quarter turned is read upright, so where its text stands as read is not where it stands on
    the page as stored: its places carry no box, and a memo shows the rows about them rather than a crop of the
    wrong part of the page.  The upright page beside it keeps its boxes."""
    turned = page_picture(DECISION, 13, 150).rotate(90, expand=True)
    doc = reviewer.read(scan_pdf([page_picture(DECISION, 13, 150), turned], tmp_path / "scan.pdf", 150), cache=False)
    boxes = {page: [loc.box for loc in doc.line_locs if loc is not None and loc.page == page] for page in (1, 2)}
    assert boxes[2] and all(b is None for b in boxes[2])
    assert boxes[1] and all(b is not None for b in boxes[1])


def test_the_crop_of_a_place_on_a_scanned_page_boxes_its_figure(mixed):
    """The memo's crop of TX-01's place on the scanned 总表 marks the figure itself, 2,961.68, as on a text page:
    the page's characters are recognised again about the place (they are not kept after reading)."""
    from reviewer.memo.evidence import gather

    rv = reviewer.review(mixed, cache=False)
    exhibits = [e for shown in gather(rv.findings, {None: str(mixed)}).values() for e in shown]
    assert [e.figure for e in exhibits if e.page == 13] == ["2,961.68"]


def test_a_flat_stroke_read_as_a_digit_is_the_dash_of_an_empty_cell():
    """The recogniser, shown an empty cell's dash squeezed to its line height, read it "1" at 0.97 (a 300 dpi scan
    of seed 004, where it made a 资金 row add up wrong); the ink's shape settles it.  A real "1" stays a 1."""
    import numpy as np

    page = np.full((40, 60), 255, dtype=np.uint8)
    page[19:21, 10:22] = 0  # a dash: 12 pixels wide, 2 high
    page[8:32, 40:43] = 0  # a one: 3 pixels wide, 24 high
    box = lambda x0, x1: [[x0, 6], [x1, 6], [x1, 34], [x0, 34]]
    assert ocr._dash((box(6, 26), "1", 0.97), page)[1:] == ("-", 1.0)
    assert ocr._dash((box(36, 47), "1", 0.97), page)[1:] == ("1", 0.97)


def test_a_row_broken_across_two_scanned_pages_keeps_each_rows_confidence():
    """A ruled row the page break cut in two ("20805 │ 机关事 │ 42.14" ┆ "05 │ 业单位基本养老保险缴费支出 │") is put back
    together; on scanned pages each row's confidence goes with it, the mended row as sure as its less sure half
    (a whole seed 002 scanned stopped with an IndexError when it did not)."""
    from reviewer.read.pdf import _Item, _mend_broken_row

    def table(grid, confs, reach):
        return _Item(top=0.0, kind="table", grid=grid, boxes=[[None] * 3 for _ in grid], covered=[[""] * 3 for _ in grid],
                     xs=[0.0, 100.0, 200.0, 300.0], reach=reach, row_confs=confs, conf=min(confs))

    before = table([["科目编码", "科目名称", "金额"], ["20805", "机关事", "42.14"]], [0.99, 0.95], (0.1, 0.95))
    after = table([["05", "业单位基本养老保险缴费支出", ""], ["20806", "机关事业单位职业年金缴费支出", "1.00"]], [0.88, 0.97],
                  (0.05, 0.5))
    _mend_broken_row([before], [after])
    assert before.grid[-1][:2] == ["2080505", "机关事业单位基本养老保险缴费支出"]
    assert len(after.grid) == len(after.row_confs) == 1 and after.row_confs == [0.97] and before.row_confs[-1] == 0.88
