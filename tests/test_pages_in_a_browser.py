"""The pages and the Word memo as their readers open them: the index in headless Chromium (its filters run),
the Word memo through LibreOffice (it converts and lays out).  CI installs both (.ci/run)."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from reviewer.cli import main

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "corpus" / "seeds"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    out = tmp_path_factory.mktemp("pages")
    assert main(["review", str(SEEDS), "--out", str(out), "-q"]) == 0
    return out


def _dom(page: Path, fragment: str = "") -> str:
    proc = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                           page.as_uri() + fragment], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-500:]
    return proc.stdout


def _shown(dom: str) -> list[str]:
    rows = re.findall(r'<tr data-pairs="[^"]*"[^>]*?(style="display: none;")?>\s*<td[^>]*>\d+</td>\s*<td><a href="([^"]+)/memo', dom)
    return [link for hidden, link in rows if not hidden]


@pytest.mark.skipif(not CHROMIUM, reason="headless Chromium is not installed (CI installs it)")
def test_index_filters_match_code_and_severity_on_one_finding(out):
    page = out / "index.html"
    assert re.search(r"显示 5 / 5 份", _dom(page))
    # 001's budget cut is one high finding; 004's is low: code and severity are matched on the same finding
    assert _shown(_dom(page, "#code=budget_adjusted")) == ["001_244722537de4974c.txt", "004_655e35476e9ed446.txt"]
    assert _shown(_dom(page, "#code=budget_adjusted&severity=high")) == ["001_244722537de4974c.txt"]
    assert _shown(_dom(page, "#code=budget_adjusted&severity=medium")) == []
    assert _shown(_dom(page, "#verdict=建议修改后认可")) == ["002_edba66f1e8899577.txt", "004_655e35476e9ed446.txt"]
    assert _shown(_dom(page, "#region=大同市")) == ["003_ddff5fd3e69ced26.txt"]


@pytest.mark.skipif(not CHROMIUM, reason="headless Chromium is not installed (CI installs it)")
def test_memo_page_renders_with_its_contents_and_filter(out):
    dom = _dom(out / "003_ddff5fd3e69ced26.txt" / "memo.html")
    assert "审核结论：<strong>建议退回重报</strong>" in dom and 'class="sev-filter"' in dom
    findings = json.loads((out / "003_ddff5fd3e69ced26.txt" / "findings.json").read_text(encoding="utf-8"))["findings"]
    assert len(findings) == 16 and dom.count('class="finding') == len(findings) and 'id="rescore"' in dom


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed (CI installs it)")
def test_the_word_memo_opens_in_an_office_suite(out, tmp_path):
    proc = subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                           str(out / "003_ddff5fd3e69ced26.txt" / "memo.docx")], capture_output=True, text=True,
                          timeout=180)
    pdf = tmp_path / "memo.pdf"
    assert pdf.is_file(), proc.stderr[-500:]
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    first = doc[0].get_textpage().get_text_range()
    assert len(doc) >= 5 and "审核意见" in first and "审核结论" in first
    assert doc[0].get_size() == pytest.approx((595.3, 841.9), abs=1)  # A4


@pytest.mark.skipif(not CHROMIUM, reason="headless Chromium is not installed (CI installs it)")
def test_index_shows_one_units_reports_of_two_years(tmp_path):
    """万里街道 2024 and 2025 budgets beside a seed: the series filter keeps the unit's two reports only."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("001_shanghai_putuo_wanli_street_2024_dept_budget.txt", "002_shanghai_putuo_wanli_street_2025_dept_budget.txt"):
        shutil.copy(ROOT / "corpus" / "real" / name, folder / name)
    shutil.copy(SEEDS / "000_25822ca1c25975cd.txt", folder / "000_25822ca1c25975cd.txt")
    assert main(["review", str(folder), "--out", str(tmp_path / "out"), "-q"]) == 0
    page = tmp_path / "out" / "index.html"
    assert len(_shown(_dom(page))) == 3
    shown = _shown(_dom(page, "#series=上海市普陀区人民政府万里街道办事处|部门|预算"))
    assert sorted(shown) == ["001_shanghai_putuo_wanli_street_2024_dept_budget.txt",
                             "002_shanghai_putuo_wanli_street_2025_dept_budget.txt"]


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """A batch a triager meets: a 决算 PDF read in part, a text cut short, a seed read in full, a broken file."""
    folder = tmp_path_factory.mktemp("mixed")
    for path in (ROOT / "corpus" / "labelled" / "files" / "023_shanghai_putuo_czj_2024_bmjs.pdf",
                 ROOT / "corpus" / "real" / "010_sichuan_quxian_agri_tech_center_2024_unit_final.txt",
                 SEEDS / "000_25822ca1c25975cd.txt"):
        shutil.copy(path, folder / path.name)
    (folder / "zz_broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF")
    out = tmp_path_factory.mktemp("mixed-out")
    main(["review", str(folder), "--out", str(out), "-q"])
    return out


@pytest.mark.skipif(not CHROMIUM, reason="headless Chromium is not installed (CI installs it)")
def test_index_tells_why_a_person_is_needed_and_filters_by_it(mixed):
    page = mixed / "index.html"
    dom = _dom(page)
    banner = re.search(r'<p class="needs-person">(.*?)</p>', dom, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", banner).startswith("需要人工处理的报告排在最前：文件未能读取 1 份、来源不完整 1 份、表格未能读取 1 份")
    assert _shown(_dom(page, "#cause=表格未能读取")) == ["023_shanghai_putuo_czj_2024_bmjs.pdf"]
    assert _shown(_dom(page, "#cause=来源不完整")) == ["010_sichuan_quxian_agri_tech_center_2024_unit_final.txt"]
    # 涉及金额: 023's 说明 prints 0.3 for a total of 2961.68 (万元); the seed's money is its projects' budget
    assert re.search(r'<td class="num" data-v="2961.38" title="问题 1：不同表格之间数字不一致（部门整体）">2,961.38</td>', dom)
    # no chart without data: three reviews make no distribution of scores; a 决算 has no project to plot
    assert "风险评分分布" not in dom and "各类问题数量" in dom


@pytest.mark.skipif(not CHROMIUM, reason="headless Chromium is not installed (CI installs it)")
def test_what_needs_attention_is_one_line(mixed):
    """最需关注 and the reason a report was not read in full are one line each, whatever their length (the rest
    is their title): measured in the browser, by each line's height against the table's font."""
    script = mixed / "measure.html"
    index = (mixed / "index.html").read_text(encoding="utf-8")
    probe = ("<script>window.onload=function(){var out=[];document.querySelectorAll('.top,.why').forEach("
             "function(e){if(e.textContent.trim())out.push(Math.round(e.getBoundingClientRect().height/"
             "parseFloat(getComputedStyle(e).lineHeight)*10)/10);});document.title='lines:'+out.join(',');};</script>")
    script.write_text(index.replace("</body>", probe + "</body>"), encoding="utf-8")
    title = re.search(r"<title>lines:([^<]*)</title>", _dom(script)).group(1)
    heights = [float(x) for x in title.split(",") if x]
    assert heights and all(h == 1.0 for h in heights), heights


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed (CI installs it)")
def test_the_word_memo_shows_each_crop(mixed, tmp_path):
    folder = mixed / "023_shanghai_putuo_czj_2024_bmjs.pdf"
    crops = sorted((folder / "evidence").glob("*.png"))
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(folder / "memo.docx")],
                   capture_output=True, timeout=180)
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    doc = pdfium.PdfDocument(str(tmp_path / "memo.pdf"))
    images = sum(1 for page in doc for obj in page.get_objects() if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE)
    assert crops and images == len(crops)
