"""The labelled eval set guards every change: CI fails when a code's recall or precision drops below
evals/baseline.json (update it deliberately, with the reason in the commit)."""
import json
from dataclasses import replace
from pathlib import Path

import pytest

from reviewer import evaluate
from reviewer.cli import main
from reviewer.config import load_config
from reviewer.narrative import make_narrative

from support.fake_openai import FakeOpenAI, recorded
from support.synth import write_eval_set

ROOT = Path(__file__).resolve().parents[1]
EVALS = ROOT / "evals"
BASELINE = json.loads((EVALS / "baseline.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def heuristic_result(tmp_path_factory):
    synth = write_eval_set(EVALS / "synth.toml", tmp_path_factory.mktemp("synth"))
    return evaluate.run([EVALS / "seeds.jsonl", synth, EVALS / "real.jsonl",
                         EVALS / "labelled.jsonl", EVALS / "labelled_pdf.jsonl", EVALS / "heldout.jsonl"],
                        tmp_path_factory.mktemp("eval"))


def test_no_code_falls_below_the_baseline(heuristic_result):
    assert evaluate.regressions(heuristic_result, BASELINE) == []


def test_no_check_stops_on_a_fault_of_the_program_on_any_labelled_document(heuristic_result):
    # a fault costs its check and turns the verdict to 未能审核: on the labelled corpus it is a bug, never a reading
    assert {name: s["reports_faulted"] for name, s in heuristic_result["sets"].items() if s["reports_faulted"]} == {}


def test_seed_labels_cover_every_seed_and_clean_cases_stay_clean(heuristic_result):
    seeds = heuristic_result["sets"]["seeds"]
    assert seeds["reports"] == 5 and not seeds["reports_missing"]
    assert seeds["clean_cases"] >= 3 and seeds["clean_violations"] == []


def test_dev_corpus_labels_are_found_and_their_clean_cases_stay_clean(heuristic_result):
    real = heuristic_result["sets"]["real"]
    assert real["reports"] == 59 and not real["reports_missing"] and not real["reports_failed"]
    assert real["clean_cases"] >= 6 and real["clean_violations"] == []


def test_a_broken_rule_fails_the_gate(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text("[profile.default]\nrounding_slack = 5000.0\n", encoding="utf-8")  # every rounding "explains" all
    result = evaluate.run([EVALS / "seeds.jsonl"], tmp_path / "out", load_config(path=broken))
    found = evaluate.regressions(result, {"seeds": BASELINE["seeds"]})
    assert any(line.startswith("seeds/rate_mismatch: recall") for line in found)
    assert any(line.startswith("seeds/total_mismatch: recall") for line in found)


def test_cli_eval_prints_table_and_checks_baseline(tmp_path, capsys):
    code = main(["eval", str(EVALS / "seeds.jsonl"), "--out", str(tmp_path),
                 "--check-baseline", str(EVALS / "baseline.json")])
    out = capsys.readouterr().out
    assert code == 0 and "rate_mismatch" in out and "no regression" in out
    data = json.loads((tmp_path / "eval.json").read_text(encoding="utf-8"))
    assert data["backend"] == "heuristic" and data["sets"]["seeds"]["misses"] is not None
    assert "漏报" in (tmp_path / "eval.html").read_text(encoding="utf-8")


def test_openai_backend_eval_against_the_loopback_server(tmp_path, heuristic_result):
    replies = json.loads((ROOT / "tests" / "fixtures" / "llm_replies.json").read_text(encoding="utf-8"))
    server = FakeOpenAI(recorded(replies)).start()
    try:
        settings = replace(load_config().llm, base_url=server.base_url, model="loopback-model", cache=str(tmp_path / "c.sqlite"))
        narrative = make_narrative("openai", load_config(), settings)
        result = evaluate.run([EVALS / "seeds.jsonl"], tmp_path / "out", narrative=narrative)
    finally:
        server.stop()
    assert result["backend"] == "loopback-model" and result["prompt_version"].startswith("narrative_review/v1+")
    assert result["sets"]["seeds"]["llm"]["calls"] == 5
    get = lambda r: {c["code"]: (c["recall"], c["precision"]) for c in r["sets"]["seeds"]["codes"]}  # noqa: E731
    llm, heur = get(result), get(heuristic_result)
    for code in ("narrative_contradiction", "unsupported_claim", "boilerplate"):
        assert llm[code] == heur[code]


def test_labelled_documents_are_scored_by_place_and_verdict(heuristic_result):
    """The 16 labelled documents (and the four as PDF) are in the gate: every report found and reviewed, every one
    with an expected verdict, and each label matched only where its note says the problem is."""
    for name, n in (("labelled", 16), ("labelled_pdf", 4)):
        s = heuristic_result["sets"][name]
        assert s["reports"] == n and not s["reports_missing"] and not s["reports_failed"]
        assert len(s["verdicts"]) == n
    labelled = heuristic_result["sets"]["labelled"]
    missed = {(m["report"][:3], m["code"]) for m in labelled["misses"]}
    assert ("023", "cross_table|narrative_contradiction") not in missed  # "0.3万元…持平", line 411


def _finding(report, code, line, location="", subject="部门整体", severity="high"):
    from reviewer.model import Finding
    return Finding(report, subject, code, "rule", severity, f"{code} at {line}",
                   {"quotes": [{"line": line, "location": location or f"第{line}行", "text": ""}]}, id=f"{code}{line}")


def test_a_label_that_says_where_is_matched_there_and_only_there(tmp_path):
    """A label with `where` counts a finding of its code at that place; the same code elsewhere is a false alarm,
    "a|b" takes either code, a page matches a PDF's place, and a report with only a verdict label is not scored
    for findings."""
    labels = tmp_path / "l.jsonl"
    labels.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in [
        {"report": "a.txt", "subject": "部门整体", "code": "cross_table|narrative_contradiction",
         "where": {"lines": [[411, 412]], "pages": [[21, 21]]}, "note": "0.3万元"},
        {"report": "a.pdf", "subject": "部门整体", "code": "metadata", "where": {"pages": [[2, 2]]}, "note": "202 年度"},
        {"report": "a.txt", "verdict": "建议修改后认可", "note": "v"},
        {"report": "b.txt", "verdict": "未能审核|建议退回重报", "note": "v"},
    ]), encoding="utf-8")
    found = [_finding("a.txt", "narrative_contradiction", 413), _finding("a.txt", "narrative_contradiction", 600),
             _finding("a.pdf", "metadata", 26, "第2页第14行"), _finding("b.txt", "arithmetic", 5)]
    result = evaluate.score(found, evaluate.load_labels([labels]), {},
                            {"a.txt": "建议修改后认可", "b.txt": "建议认可"})
    codes = {c: s for c, s in result.codes.items()}
    assert codes["narrative_contradiction"].matched == 1 and codes["narrative_contradiction"].finding_keys == 2
    assert codes["narrative_contradiction"].true_keys == 1  # line 600 is another place: a false alarm
    assert codes["metadata"].matched == 1 and codes["metadata"].true_keys == 1
    assert "arithmetic" not in codes  # b.txt has a verdict label only
    assert [v["agree"] for v in result.verdicts] == [True, False] and result.verdict_agreement == 0.5
    assert [f["message"] for f in result.false_alarms] == ["narrative_contradiction at 600"]


def test_a_synthetic_spec_given_to_eval_says_how_to_write_its_set(tmp_path, capsys):
    assert main(["eval", str(EVALS / "synth.toml"), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "tests/support/synth.py --spec" in err and "synth.jsonl" in err and "Traceback" not in err
