"""Issue 24: each finding shown at its place — a crop of its PDF page with the figure boxed in red, an annotated copy
of the PDF, the rows about a place that has no page — and a memo whose body speaks a reviewer's words (rule ids,
finding ids and versions only in its appendix).  On the real 上海 决算 PDFs (labelled 023–026) and a real 预算 PDF of
the dev corpus (001)."""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
from PIL import Image
from pypdf import PdfReader

import reviewer
from reviewer.config import load_config
from reviewer.memo.annotate import COLOURS, MARKED, marked_copies
from reviewer.memo.evidence import gather, shown_quotes
from reviewer.memo.render import md_escape, render_memo
from reviewer.pipeline import run_batch

from conftest import ROOT, real_pdf, seed_path

LABELLED = ROOT / "corpus" / "labelled" / "files"
PDFS = sorted(LABELLED.glob("02[3-6]_*.pdf")) + [real_pdf("001")]


@pytest.fixture(scope="module")
def reviewed() -> dict[Path, tuple]:
    """Each PDF's review and exhibits (findings in memo order)."""
    out = {}
    for path in PDFS:
        rv = reviewer.review(path)
        out[path] = (rv, gather(rv.findings, {None: path}))
    return out


def _printed_within(path: Path, page: int, box: tuple) -> str:
    """The characters pdfplumber (not the reader) finds under `box` on the page (their middle inside it: the box
    fits the glyphs, pdfplumber's characters are as tall as the font), spaces dropped."""
    with pdfplumber.open(path) as pdf:
        x0, top, x1, bottom = box
        return "".join(c["text"] for c in pdf.pages[page - 1].chars
                       if x0 - 1 <= (c["x0"] + c["x1"]) / 2 <= x1 + 1 and top - 3 <= (c["top"] + c["bottom"]) / 2 <= bottom + 3
                       and c["text"].strip())


def test_every_pdf_place_has_a_crop_boxed_on_its_figure(reviewed):
    places = figures = 0
    for path, (rv, exhibits) in reviewed.items():
        for n, f in enumerate(rv.findings, 1):
            located = [q for q in shown_quotes(f) if q.location.page and q.location.box]
            crops = [x for x in exhibits.get(n, []) if x.image]
            assert len(crops) == len(located), (path.name, n, f.code)
            for x in crops:
                places += 1
                under = _printed_within(path, x.page, x.box)
                if x.figure:  # the characters under the red box are the figure, and only it
                    figures += 1
                    assert under == re.sub(r"\s+", "", x.figure), (path.name, n, x.location, under, x.figure)
                else:  # the whole line or row quoted
                    quoted = next(q for q in located if q.location.in_file == x.location)
                    # (quotation marks stand high on the line: their middle is off the text's)
                    assert re.sub(r"[\s│“”]", "", quoted.text)[:12] in re.sub("[“”]", "", under), (path.name, n, x.location)
                image = Image.open(io.BytesIO(x.image)).convert("RGB")
                assert image.size == x.size and image.width >= 600  # sized for reading: 2 pixels a point
                red = sum(k for k, (r, g, b) in image.getcolors(1 << 20) if r > 180 and g < 70 and b < 70)
                assert red > 100, (path.name, x.name)  # the red box is drawn
    assert places >= 10 and figures >= 8, (places, figures)


def test_a_figure_is_boxed_where_the_finding_quotes_it(reviewed):
    rv, exhibits = reviewed[LABELLED / "023_shanghai_putuo_czj_2024_bmjs.pdf"]
    (n,) = [n for n, f in enumerate(rv.findings, 1) if f.evidence.get("rule") == "TX-01"]
    text, table = exhibits[n]
    # "…收入支出总计0.3万元" in the 说明, against the 总计 of the table printed with a thousands separator
    assert (text.page, text.figure, table.page, table.figure) == (21, "0.3", 13, "2,961.68")
    assert text.caption == "第21页第14行（红框处：0.3）"


def test_the_annotated_pdf_highlights_each_place_once_in_its_colour(reviewed, tmp_path):
    config = load_config()
    for path, (rv, exhibits) in reviewed.items():
        labels = {f.code: config.code(f.code).label for f in rv.findings}
        copies = marked_copies(rv.findings, labels, exhibits, {None: path})
        placed = [(x, rv.findings[x.finding - 1].severity) for xs in exhibits.values() for x in xs if x.rect]
        assert list(copies) == [MARKED] and placed
        data = copies[MARKED]
        assert data == marked_copies(rv.findings, labels, exhibits, {None: path})[MARKED]  # the same bytes again
        highlights = [a.get_object() for page in PdfReader(io.BytesIO(data)).pages
                      for a in (page.get("/Annots") or []) if a.get_object()["/Subtype"] == "/Highlight"]
        assert len(highlights) == len(placed)  # one annotation per place
        assert all("/AP" in h and h["/Contents"].startswith("问题") for h in highlights)
        pdf = pdfium.PdfDocument(data)
        for x, severity in placed:
            page = pdf[x.page - 1].render(scale=2, may_draw_forms=True).to_pil().convert("RGB")
            x0, top, x1, bottom = (round(v * 2) for v in x.box)
            colours = sorted(page.crop((x0, top, x1, bottom)).getcolors(1 << 20), reverse=True)
            want = tuple(round(255 * c) for c in COLOURS[severity])
            assert all(abs(a - b) <= 3 for a, b in zip(colours[0][1], want)), (path.name, x.name, colours[0])
        pdf.close()


def test_a_text_place_shows_its_lines_with_the_figure_marked():
    rv = reviewer.review(seed_path("000"))
    exhibits = gather(rv.findings, {})
    assert exhibits and all(not x.image and x.rows for xs in exhibits.values() for x in xs)
    marked = [x for xs in exhibits.values() for x in xs if x.figure]
    assert marked
    for x in marked:
        hit = [c for quoted, cells in x.rows if quoted for c in cells]
        assert any(x.figure in c for c in hit)
        assert len(x.rows) >= 3  # lines either side


_JARGON = re.compile(r"\b[A-Z]{2,3}-\d{2}[a-z]?\b|版本|[0-9a-f]{10}")


def _before_appendix(text: str, heading: str) -> str:
    assert heading in text
    return text[:text.index(heading)]


@pytest.mark.parametrize("source", [PDFS[0], PDFS[-1], seed_path("000"), seed_path("003")], ids=lambda p: p.name[:3])
def test_no_rule_id_hash_or_version_before_the_appendix(source):
    config = load_config()
    rv = reviewer.review(source)
    exhibits = gather(rv.findings, {None: source})
    md, html, _, docx = render_memo(rv, config, None, exhibits)
    body = re.sub(r"<[^>]+>", "", re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S))
    word = re.sub(r"<[^>]+>", "", zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode())
    for text, heading in ((md, "## 附录"), (body, "附录\n"), (word, "附录：问题编号与依据")):
        before = _before_appendix(text, heading)
        before = before.replace(rv.report.source, "").replace(md_escape(rv.report.source), "")  # its name is its own
        assert not _JARGON.findall(before), _JARGON.findall(before)
        after = text[text.index(heading):]
        assert all(f.id in after for f in rv.findings)  # the ids are there, for marking
    assert config.fingerprint() in md[md.index("## 附录"):]


def test_a_batch_writes_crops_the_word_memo_embeds_them_and_an_annotated_copy(tmp_path):
    import docx as python_docx

    source = LABELLED / "026_shanghai_putuo_shgzb_2024_bmjs.pdf"
    run_batch([source], tmp_path / "on", load_config(), jobs=1, quiet=True)
    folder = tmp_path / "on" / source.name
    crops = sorted((folder / "evidence").glob("*.png"))
    assert crops and (folder / MARKED).exists()
    html = (folder / "memo.html").read_text(encoding="utf-8")
    assert all(f'src="evidence/{c.name}"' in html for c in crops)
    word = python_docx.Document(str(folder / "memo.docx"))
    assert len(word.inline_shapes) == len(crops)
    media = sorted(n for n in zipfile.ZipFile(folder / "memo.docx").namelist() if n.startswith("word/media/"))
    assert [Path(n).name for n in media] == [c.name for c in crops]
    # skipped on request: no crops, no copy, the memo shows the lines about each place instead
    run_batch([source], tmp_path / "off", load_config(overrides={"batch": {"evidence": False}}), jobs=1, quiet=True)
    off = tmp_path / "off" / source.name
    assert not (off / "evidence").exists() and not (off / MARKED).exists()
    assert 'class="around"' in (off / "memo.html").read_text(encoding="utf-8")
    # the same input gives the same pictures and copy, byte for byte
    run_batch([source], tmp_path / "again", load_config(), jobs=1, quiet=True)
    again = tmp_path / "again" / source.name
    assert all((again / "evidence" / c.name).read_bytes() == c.read_bytes() for c in crops)
    assert (again / MARKED).read_bytes() == (folder / MARKED).read_bytes()


def test_figures_of_neighbouring_cells_recognised_without_spaces_are_not_one_number():
    """As seed 001's scan gave a row of its 项目资金 table (page 40), every cell's characters run together with no
    space (“13.000.0010.000.00%0.00”): the 全年执行数 0.00 is boxed in its own cell, not “000.00” across two."""
    from reviewer.memo.evidence import mark
    from reviewer.read.geometry import Char

    cells = [("13.00", 355.5), ("0.00", 421.1), ("10.00", 487.6), ("0.00%", 554.1), ("0.00", 619.6)]
    chars = [Char(ch, x + 6.25 * k, 379.5, x + 6.25 * (k + 1), 386.7) for text, x in cells for k, ch in enumerate(text)]
    box, figure = mark(chars, (221.1, 377.6, 646.6, 398.8), (0.0, "0.00"))
    assert figure == "0.00" and box[0] == 421.1 and box[2] == 421.1 + 6.25 * 4
