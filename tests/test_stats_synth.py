"""Corpus statistics and the synthetic corpus."""
import json
import math

import pandas as pd
import pytest

import reviewer
from reviewer import stats
from reviewer.pipeline import review_corpus
from reviewer.config import load_config
from reviewer.evaluate import load_labels, score
from reviewer.stats.detectors import IForest, RobustZ
from support.synth import generate, write_corpus

from conftest import SEEDS, seed_path


@pytest.fixture(scope="module")
def seed_reviews():
    cfg = load_config()
    outcomes = review_corpus(sorted(SEEDS.glob("*.txt")), cfg)
    return {o.name[:3]: o.review for o in outcomes}


def test_features_from_real_tables():
    frame = stats.project_features([reviewer.extract(seed_path("003"))])
    row = frame[frame.project == "对台工作特费"].iloc[0]
    assert row.exec_rate == pytest.approx(1.125) and row.self_score == 72.13
    assert row.log_budget == pytest.approx(math.log(8))
    assert row.region == "大同市" and row.year == 2021
    ok = frame[frame.project == "残疾人就业保障金"].iloc[0]
    assert ok.full_mark_share == 1.0 and ok.satisfaction == 100
    yuan = stats.project_features([reviewer.extract(seed_path("004"))])
    assert yuan.log_budget.iloc[0] == pytest.approx(math.log(62.65))  # 626,500 元 in 万元


def test_detectors_are_deterministic_and_robust():
    frame = pd.DataFrame({"x": [1.0, 1.1, 0.9, 1.0, 1.05, 0.95, 1.0, 9.0], "g": ["a"] * 8})
    z = RobustZ(["x"], min_group=5).fit(frame, frame["g"]).decision_function(frame, frame["g"])
    assert z["x"].iloc[-1] > 20 and abs(z["x"].iloc[0]) < 1
    a = IForest(["x"]).fit(frame).decision_function(frame)
    b = IForest(["x"]).fit(frame).decision_scores_
    assert a.equals(b) and a["iforest_rank"].iloc[-1] == a["iforest_rank"].max()


def test_every_detector_fits_in_the_manner_of_pyod():
    from reviewer.stats.detectors import Detector, NotFittedError

    frame = pd.DataFrame({"x": [1.0, 1.1, 0.9, 1.0, 1.05, 0.95, 1.0, 9.0], "g": ["a"] * 8})
    for det in (RobustZ(["x"], min_group=5), IForest(["x"])):
        assert isinstance(det, Detector) and not [k for k in vars(det) if k.endswith("_")]  # nothing learnt yet
        with pytest.raises(NotFittedError):
            det.decision_function(frame, frame["g"])
        fitted = det.fit(frame, frame["g"])
        assert fitted is det and [k for k in vars(det) if k.endswith("_") and not k.startswith("_")]
        again = det.decision_function(frame, frame["g"])
        assert again.equals(det.decision_scores_)  # the fitted rows scored again: the same scores


def test_stat_findings_carry_features_peer_group_and_median(seed_reviews):
    f = next(f for f in seed_reviews["000"].findings if f.code == "high_score_low_exec")
    assert f.evidence["peer_group"] and "执行率(%)" in f.evidence["features"]
    assert f.evidence["features"]["执行率(%)"] == 0 and "执行率(%)" in f.evidence["peer_median"]
    dept = [f for f in seed_reviews["003"].findings if f.source == "stats" and f.code == "satisfaction_ceiling"]
    assert dept and dept[0].subject == "部门整体" and "100%" in dept[0].message
    # what it is compared with is named: this batch's other reports, or the tool's own reference
    (perfect,) = [f for f in seed_reviews["001"].findings if f.code == "outlier" and "满分" in f.message]
    assert perfect.message == "本报告 4 个项目中 3 个（75%）自评满分 100，本批其他报告中这一比例为 26%。"


def test_corpus_of_one_uses_the_reference(seed_reviews):
    cfg = load_config()
    (alone,) = review_corpus([seed_path("003")], cfg)
    f = next(f for f in alone.review.findings if f.code == "target_too_low" or f.code == "satisfaction_ceiling")
    assert "参考分布" in f.evidence["peer_group"] or "同部门" in f.evidence["peer_group"]
    assert stats.reference()["projects"] > 1000


def test_seed_high_score_low_exec_tops_the_triage(seed_reviews):
    ranked = sorted(seed_reviews.values(), key=lambda rv: -rv.risk.score)
    with_case = [rv.report.source[:3] for rv in ranked if any(f.code == "high_score_low_exec" and f.severity == "high"
                                                                for f in rv.findings)]
    assert set(with_case) == {"000", "001"}
    assert {rv.report.source[:3] for rv in ranked[:3]} >= {"000", "001"}


def test_synth_is_deterministic_and_labelled(tmp_path):
    a = [(r.name, r.text, r.labels) for r in generate(20, seed=5)]
    b = [(r.name, r.text, r.labels) for r in generate(20, seed=5)]
    assert a == b and a != [(r.name, r.text, r.labels) for r in generate(20, seed=6)]
    summary = write_corpus(tmp_path, 30, seed=3)
    assert summary["reports"] == 30 and sum(summary["anomalies"].values()) > 5
    lines = [json.loads(x) for x in (tmp_path / "labels.jsonl").read_text(encoding="utf-8").splitlines()]
    injected = [x for x in lines if not x.get("clean")]
    assert all(set(x) >= {"report", "subject", "code", "category", "severity", "message", "evidence", "source"}
               for x in injected)
    assert "合成数据" in (tmp_path / "synth_3_00001.txt").read_text(encoding="utf-8")


def test_synthetic_anomalies_are_recovered(tmp_path):
    write_corpus(tmp_path, 60, seed=11)
    cfg = load_config()
    outcomes = review_corpus(sorted(tmp_path.glob("synth_*.txt")), cfg)
    assert all(o.review is not None for o in outcomes)
    findings = [f for o in outcomes for f in o.review.findings]
    result = score(findings, load_labels([tmp_path / "labels.jsonl"]), {c: v.category for c, v in cfg.codes.items()})
    rule = result.categories["rule"]
    assert rule.recall >= 0.95 and rule.precision >= 0.95
    assert not result.clean_violations
