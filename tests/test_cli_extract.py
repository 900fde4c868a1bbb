import csv
import json

from reviewer.cli import main

from conftest import SEEDS


def _read(path):
    with open(path, encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def test_extract_corpus_writes_json_and_csv(tmp_path):
    assert main(["extract", str(SEEDS), "--out", str(tmp_path), "-q"]) == 0
    assert sorted(p.name for p in tmp_path.glob("*.json")) == sorted(p.name + ".json" for p in SEEDS.glob("*.txt"))

    projects = _read(tmp_path / "projects.csv")
    required = ["report", "project", "department", "year", "unit", "budget_initial", "budget_full", "allocated",
                "executed", "execution_rate", "execution_weight", "execution_score", "total_weight", "total_score",
                "grade"]
    assert all(c in projects[0] for c in required)
    assert len([r for r in projects if not r["blank_template"]]) == 24
    taiwan = next(r for r in projects if r["project"] == "对台工作特费")
    assert (taiwan["budget_initial"], taiwan["executed"], taiwan["execution_rate"], taiwan["execution_score"],
            taiwan["total_score"], taiwan["unit"]) == ("8.0", "0.09", "1.12", "0.07", "72.13", "万元")
    blank = next(r for r in projects if r["blank_template"])
    assert blank["report"].startswith("002_") and blank["executed"] == "" and blank["execution_rate"] == ""

    indicators = _read(tmp_path / "indicators.csv")
    required = ["report", "project", "level1", "level2", "level3", "operator", "target_raw", "target_value",
                "target_unit", "actual_raw", "actual_value", "actual_unit", "weight", "score", "deviation"]
    assert all(c in indicators[0] for c in required)
    row = next(r for r in indicators if r["level3"] == "指标1：接待费用" and r["project"] == "对台工作特费")
    assert (row["target_raw"], row["target_value"], row["target_unit"], row["actual_value"], row["score"]) == (
        "1万/批次", "1.0", "万/批次", "0.09", "0.1")
    assert any(r["project"] == "部门整体" for r in indicators)

    report = json.loads((tmp_path / "003_ddff5fd3e69ced26.txt.json").read_text(encoding="utf-8"))
    rate = report["projects"][5]["funds"]["total"]["rate"]
    assert rate == {"raw": "1.12%", "number": 1.12, "unit": "%", "op": "", "decimals": 2, "kind": "number",
                    "line": 1195, "loc": "第1195行"}
