# `make run` reviews the bundled corpus; `make test` runs the tests. Both set up .venv first.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: run test eval bench bench-scale clean

$(BIN)/reviewer: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

run: $(BIN)/reviewer
	$(BIN)/reviewer review corpus/ --out out/review

test: $(BIN)/reviewer
	$(BIN)/pytest -q

eval: $(BIN)/reviewer  # the eval gate: every committed label set and the synthetic one, against the baseline
	$(BIN)/python tests/support/synth.py --spec evals/synth.toml --out out/eval-synth
	$(BIN)/reviewer eval evals/*.jsonl out/eval-synth/synth.jsonl --out out/eval --check-baseline evals/baseline.json

bench: $(BIN)/reviewer
	$(BIN)/python bench/bench_read.py
	$(BIN)/python bench/bench_extract.py
	$(BIN)/python bench/bench_review.py

bench-scale: $(BIN)/reviewer  # 1k / 10k / 100k synthetic reports as a user runs them (about 25 minutes on 2 cores)
	$(BIN)/python bench/bench_scale.py

clean:
	rm -rf out .pytest_cache
