"""A few hundred mutated reports (tests/support/fuzz.py, a fixed seed): no internal error, no check that
stops on a fault, every input accounted for.  bench/fuzz.py runs the same generator at 10,000."""
from __future__ import annotations

from reviewer.config import load_config
from reviewer.pipeline import run_batch

from support.fuzz import mutants


def test_mutated_reports_give_a_result_each_and_no_internal_error(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    done = {}
    for name, data, how in mutants(240, seed=12):
        (inputs / name).write_bytes(data)
        done[name] = how
    s = run_batch(sorted(inputs.iterdir()), tmp_path / "out", load_config(), jobs=2, quiet=True)
    internal = [(name, done.get(name), why) for name, status, why in s.errors if status == "程序错误"]
    assert internal == []
    assert s.faulted == 0, [line for line in (tmp_path / "out" / "summary.csv").read_text(encoding="utf-8-sig")
                            .splitlines() if "程序错误" in line][:3]
    assert s.reports + s.unreadable == len(done) and s.passed_over == 0
    assert s.reports > len(done) // 2  # most damage still leaves a report to review
