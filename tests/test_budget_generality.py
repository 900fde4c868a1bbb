"""Reading by structure, not by the templates seen so far (issue 21): one 部门预算 and one 部门决算 of the national
public sets, printed
the ways provinces print it (header synonyms, column order, with and without 栏次, four code styles, one to three
header rows, 元 and 万元, letter-spaced titles, a table over two pages) and written as a web page, a workbook, a Word
file and three kinds of PDF (a CID font, an embedded TrueType font, LibreOffice's): every figure of every table is
read into the same records, under the national template's column names."""
from __future__ import annotations

import pytest

import reviewer

from support.accounts_doc import AccountsDoc
from support.budget_doc import (SLIP, VARIANTS, BudgetDoc, accounts_records, office, office_pdfs, records, ttf_font,
                                 write)

FORMS = ["html", "xlsx", "docx", "pdf", "pdf_ttf", "pdf_office"]
DOC = BudgetDoc.make(seed=3)
TRUTH = DOC.truth()


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[tuple[str, str], object]:
    folder = tmp_path_factory.mktemp("budgets")
    out = {}
    for k, v in enumerate(VARIANTS):
        blocks = DOC.render(v)
        for form in ("html", "xlsx", "docx", "pdf") + (("pdf_ttf",) if ttf_font() else ()):
            out[v.name, form] = write(blocks, form, folder / f"v{k}", f"budget{k}")
    if office():
        for v, pdf in zip(VARIANTS, office_pdfs([out[v.name, "docx"] for v in VARIANTS], folder / "office")):
            out[v.name, "pdf_office"] = pdf
    return out


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("variant", VARIANTS, ids=[v.name for v in VARIANTS])
def test_every_figure_of_a_national_budget_is_read_whatever_the_template_and_form(files, variant, form):
    if (variant.name, form) not in files:
        pytest.skip({"pdf_ttf": "no CJK TrueType font (CI installs fonts-wqy-zenhei)",
                     "pdf_office": "LibreOffice is not installed (CI installs it)"}[form])
    report = reviewer.extract(files[variant.name, form], cache=False)
    assert report.kind == "部门预算" and report.complete and not report.projects, report.issues
    got = records(report)
    wrong = [(kind, key, column, value, got.get(kind, {}).get(key, {}).get(column))
             for kind, rows in TRUTH.items() for key, cols in rows.items() for column, value in cols.items()
             if got.get(kind, {}).get(key, {}).get(column) != value]
    assert not wrong, f"{len(wrong)} of 238 figures misread, e.g. {wrong[:3]}"
    assert sum(len(cols) for rows in TRUTH.values() for cols in rows.values()) == 238


def test_the_generated_budget_adds_up_as_a_real_one_must():
    """The truth the readers are held to obeys the identities a real budget obeys."""
    e = TRUTH["expenditure"]
    assert all(cols["合计"] == cols["基本支出"] + cols["项目支出"] for cols in e.values())
    assert e["201"]["合计"] == e["20103"]["合计"] == sum(e[c]["合计"] for c in ("2010301", "2010302", "2010350"))
    income = TRUTH["income"]
    assert all(cols["合计"] == sum(v for k, v in cols.items() if k != "合计") for cols in income.values())
    sides = TRUTH["income_expenditure"]
    assert sides["收入|收入总计"] == sides["支出|支出总计"]


def test_no_budget_or_accounts_table_of_the_corpus_is_taken_for_a_self_evaluation_and_every_one_still_is():
    """Every table of every document: the 自评表 are where they are printed, and nowhere else."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "corpus"
    found = {}
    for p in sorted(root.rglob("*")):
        if p.suffix in (".txt", ".pdf") and p.parent.name != "templates":
            try:
                report = reviewer.extract(p)
            except reviewer.ExtractionError:
                continue
            if report.projects:
                found[p.stem[:3] + p.suffix] = (report.kind, len(report.projects))
    assert found == {"000.txt": ("项目支出绩效自评表", 4), "001.txt": ("部门决算", 4),  # a 决算 with its projects' 自评表
                     "003.txt": ("项目支出绩效自评表", 12), "004.txt": ("项目支出绩效自评表", 4),
                     "030.txt": ("项目支出绩效自评表", 1), "039.txt": ("项目支出绩效自评表", 1),
                     "102.txt": ("项目支出绩效自评表", 1), "104.txt": ("项目支出绩效自评表", 1)}



def test_the_budget_tables_of_a_province_are_told_by_their_words_without_its_own_title_patterns(monkeypatch):
    """Leave one province out: without the title patterns written from 上海's 预算 documents, the words of their
    titles alone still name all nine tables of a 上海 部门预算."""
    from pathlib import Path

    from reviewer.extract import segment

    monkeypatch.setattr(segment, "_TITLES", [t for t in segment._TITLES if t[1] != "预算"])
    pdf = Path(__file__).resolve().parents[1] / "corpus" / "real" / "files" / "002_shanghai_putuo_wanli_street_2025_dept_budget.pdf"
    report = reviewer.extract(pdf, cache=False)
    assert [t.kind for t in report.accounts] == ["income_expenditure", "income", "expenditure", "fiscal", "gpb",
                                                 "gov_fund", "soe_capital", "basic_gpb", "sangong"]
    assert {t.family for t in report.accounts} == {"预算"} and report.complete


@pytest.mark.parametrize("form", ["html", "pdf"])
@pytest.mark.parametrize("variant", VARIANTS, ids=[v.name for v in VARIANTS])
def test_a_correct_budget_is_approved_and_a_slip_is_found_in_every_variant(tmp_path, variant, form):
    right = reviewer.review(write(DOC.render(variant), form, tmp_path / "right", "budget"))
    assert right.verdict.label == "建议认可" and not right.findings and not right.unjudged
    wrong = reviewer.review(write(BudgetDoc.make(seed=3, slip=True).render(variant), form, tmp_path / "wrong", "budget"))
    (f,) = wrong.findings  # the row's own sum and its 款's, one root cause, one finding
    assert f.code == "arithmetic" and f.severity == "high" and SLIP[0] in f.message + str(f.evidence)


ACCOUNTS = AccountsDoc.make(seed=5)
ACCOUNTS_TRUTH = ACCOUNTS.truth()


@pytest.mark.parametrize("form", ["html", "xlsx", "docx", "pdf"])
@pytest.mark.parametrize("variant", VARIANTS, ids=[v.name for v in VARIANTS])
def test_every_figure_of_a_national_final_accounts_is_read_and_a_correct_one_approved(tmp_path, variant, form):
    """The 决算 twin: 收入支出决算总表 (with and without 行次), 收入/支出决算表, 一般公共预算财政拨款支出决算表 and the side-by-side
    基本支出决算表, in the same 8 ways: every figure read under the national names, and nothing to find in it."""
    rv = reviewer.review(write(ACCOUNTS.render(variant), form, tmp_path, "accounts"))
    assert rv.report.kind == "部门决算" and rv.report.complete and not rv.report.projects, rv.report.issues
    got = accounts_records(rv.report)
    wrong = [(kind, key, column, value, got.get(kind, {}).get(key, {}).get(column))
             for kind, rows in ACCOUNTS_TRUTH.items() for key, cols in rows.items() for column, value in cols.items()
             if got.get(kind, {}).get(key, {}).get(column) != value]
    assert not wrong, f"{len(wrong)} figures misread, e.g. {wrong[:3]}"
    assert rv.verdict.label == "建议认可" and not rv.findings and not rv.unjudged

