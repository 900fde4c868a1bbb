"""What `reviewer eval` writes: eval.json (figures, misses, false alarms with their evidence), eval.html, and
the baseline file of the CI gate."""
from __future__ import annotations

import json
from pathlib import Path

from ..memo.render import render_eval


def write_eval(result: dict, out_dir: Path, config) -> None:
    """DIR/eval.json (figures, misses, false alarms with evidence) and DIR/eval.html."""
    data = {**result, "sets": {k: {kk: vv for kk, vv in v.items() if kk != "table"} for k, v in result["sets"].items()}}
    (out_dir / "eval.json").write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (out_dir / "eval.html").write_text(render_eval(data, config), encoding="utf-8")


def write_baseline(baseline: dict, path: Path) -> None:
    """The CI gate's floors (evaluate.baseline_of of a result), with the note that says how to change them."""
    data = {"_note": "per-code floors for the CI gate; update deliberately, with the reason in the commit", **baseline}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
