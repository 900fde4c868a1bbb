"""Scoring findings against labels, per finding code and per category.

Labels are JSONL: one expected finding per line `{report, subject, code, note}`, or a clean case
`{report, subject, clean: true, note}` (no high-severity finding expected on that subject).  Labels made from
reviewers' marks (`reviewer mark OUT --labels FILE`) add `{…, rejected: true}` (the finding was wrong: its key
is a false alarm) and `{…, unsure: true}` (待核 or not marked: its key counts neither way).

Matching rule: a finding matches a label when the report file names are equal, the subjects are
equal after normalisation (whitespace removed, full-width brackets and punctuation folded, case
ignored), and the codes are equal.  Several findings with the same (report, subject, code) count
once.  Only labelled reports are scored: a finding in such a report whose key matches no label is
a false alarm.  Recall = matched labels / labels; precision = matched keys / finding keys.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .consolidate import places
from .model import Finding

_FOLD = str.maketrans({"（": "(", "）": ")", "“": '"', "”": '"', "：": ":", "，": ",", "、": ","})


def norm_subject(s: str) -> str:
    s = unicodedata.normalize("NFKC", s or "").translate(_FOLD)
    return re.sub(r"\s+", "", s).lower()


@dataclass
class Label:
    report: str
    subject: str
    code: str = ""
    note: str = ""
    clean: bool = False
    rejected: bool = False  # a reviewer rejected this finding (reviewer mark … 驳回): its key is a false alarm
    unsure: bool = False  # marked 待核, or not marked in a marked report: its key counts neither way

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.report, norm_subject(self.subject), self.code)


def load_labels(paths) -> list[Label]:
    out = []
    for path in map(Path, paths):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            try:
                d = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{n}: not JSON ({exc.msg})") from None
            if not d.get("report") or "subject" not in d or not (d.get("code") or d.get("clean")):
                raise ValueError(f"{path}:{n}: a label needs report, subject and code (or clean: true)")
            out.append(Label(d["report"], d["subject"], d.get("code", ""), d.get("note") or d.get("message", ""),
                             bool(d.get("clean")), bool(d.get("rejected")), bool(d.get("unsure"))))
    return out


@dataclass
class CodeScore:
    code: str
    category: str
    labels: int = 0
    matched: int = 0
    finding_keys: int = 0
    true_keys: int = 0

    @property
    def recall(self) -> float | None:
        return self.matched / self.labels if self.labels else None

    @property
    def precision(self) -> float | None:
        return self.true_keys / self.finding_keys if self.finding_keys else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if not p or not r:
            return 0.0 if (p is not None and r is not None) else None
        return 2 * p * r / (p + r)

    def to_dict(self) -> dict:
        return {"code": self.code, "category": self.category, "labels": self.labels, "matched": self.matched,
                "findings": self.finding_keys, "true": self.true_keys, "precision": _r(self.precision),
                "recall": _r(self.recall), "f1": _r(self.f1)}


def _r(x):
    return None if x is None else round(x, 4)


@dataclass
class EvalResult:
    codes: dict[str, CodeScore]
    categories: dict[str, CodeScore]
    misses: list[dict] = field(default_factory=list)
    false_alarms: list[dict] = field(default_factory=list)
    clean_cases: int = 0
    clean_violations: list[dict] = field(default_factory=list)
    reports: int = 0

    def to_dict(self) -> dict:
        return {"reports": self.reports, "codes": [c.to_dict() for c in self.codes.values()],
                "categories": [c.to_dict() for c in self.categories.values()],
                "clean_cases": self.clean_cases, "clean_violations": self.clean_violations,
                "misses": self.misses, "false_alarms": self.false_alarms}


def score(findings: list[Finding], labels: list[Label], categories: dict[str, str]) -> EvalResult:
    """Compare findings with labels (see the module docstring for the matching rule)."""
    reports = {lab.report for lab in labels}
    findings = [f for f in findings if f.report in reports]
    positive = [lab for lab in labels if not (lab.clean or lab.rejected or lab.unsure)]
    label_keys = {lab.key for lab in positive}
    ignored = {lab.key for lab in labels if lab.unsure} - label_keys
    by_key: dict[tuple, list[Finding]] = defaultdict(list)
    for f in findings:
        for subject, _ in places(f):  # a merged finding stands for each of its subjects
            key = (f.report, norm_subject(subject), f.code)
            if key not in ignored:
                by_key[key].append(f)
    codes: dict[str, CodeScore] = {}

    def cs(code: str) -> CodeScore:
        return codes.setdefault(code, CodeScore(code, categories.get(code, "")))

    result = EvalResult(codes, {}, reports=len(reports))
    for lab in positive:
        c = cs(lab.code)
        c.labels += 1
        if lab.key in by_key:
            c.matched += 1
        else:
            result.misses.append({"report": lab.report, "subject": lab.subject, "code": lab.code, "note": lab.note})
    for key, fs in by_key.items():
        c = cs(key[2])
        c.finding_keys += 1
        if key in label_keys:
            c.true_keys += 1
        else:
            f = fs[0]
            result.false_alarms.append({"report": f.report, "subject": f.subject, "code": f.code,
                                        "severity": f.severity, "message": f.message,
                                        "quotes": f.evidence.get("quotes", [])[:2]})
    clean = [lab for lab in labels if lab.clean]
    result.clean_cases = len(clean)
    high_by_subject: dict[tuple, list[Finding]] = defaultdict(list)
    for f in findings:
        for subject, severity in places(f):
            if severity == "high":
                high_by_subject[(f.report, norm_subject(subject))].append(f)
    for lab in clean:
        high = high_by_subject.get((lab.report, norm_subject(lab.subject)), [])
        if high:
            result.clean_violations.append({"report": lab.report, "subject": lab.subject,
                                            "codes": sorted({f.code for f in high}),
                                            "messages": [f.message for f in high[:3]]})
    for c in codes.values():
        agg = result.categories.setdefault(c.category, CodeScore(c.category, c.category))
        agg.labels += c.labels
        agg.matched += c.matched
        agg.finding_keys += c.finding_keys
        agg.true_keys += c.true_keys
    result.codes = dict(sorted(codes.items()))
    result.categories = dict(sorted(result.categories.items()))
    return result


def table(result: EvalResult) -> str:
    """The compact text table `reviewer eval` prints."""
    fmt = lambda x: "  —  " if x is None else f"{x:5.2f}"  # noqa: E731
    lines = [f"{'code':26} {'cat':9} {'labels':>6} {'found':>6} {'recall':>6} {'prec.':>6} {'F1':>6}"]
    for c in result.codes.values():
        lines.append(f"{c.code:26} {c.category:9} {c.labels:6d} {c.finding_keys:6d} {fmt(c.recall):>6} "
                     f"{fmt(c.precision):>6} {fmt(c.f1):>6}")
    lines.append("")
    for c in result.categories.values():
        lines.append(f"{'[' + c.code + ']':26} {'':9} {c.labels:6d} {c.finding_keys:6d} {fmt(c.recall):>6} "
                     f"{fmt(c.precision):>6} {fmt(c.f1):>6}")
    lines.append(f"clean cases: {result.clean_cases}, with a high-severity finding: {len(result.clean_violations)}")
    return "\n".join(lines)


# --- running an eval ----------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_LABELS = [ROOT / "evals" / "seeds.jsonl", ROOT / "evals" / "synth.toml"]


@dataclass
class LabelSet:
    name: str
    labels: list[Label]
    reports: list[Path]
    missing: list[str]


def _find_reports(names: set[str], dirs: list[Path]) -> tuple[list[Path], list[str]]:
    found: dict[str, Path] = {}
    for d in dirs:
        if not d.is_dir():
            continue
        for p in sorted(d.rglob("*")):
            if p.is_file() and p.name in names and p.name not in found:
                found[p.name] = p
    return [found[n] for n in sorted(found)], sorted(names - set(found))


def load_set(path: Path, work_dir: Path, corpus_dirs: list[Path]) -> LabelSet:
    """A label file (.jsonl, reports found beside it or in the corpus folders) or a synthetic spec
    (.toml, reports and labels regenerated into work_dir)."""
    if path.suffix == ".toml":
        import tomllib

        from .synth import write_corpus

        spec = tomllib.loads(path.read_text(encoding="utf-8"))
        out = work_dir / path.stem
        write_corpus(out, int(spec.get("n", 100)), int(spec.get("seed", 0)), float(spec.get("anomaly_rate", 0.3)))
        labels = load_labels([out / "labels.jsonl"])
        reports, missing = _find_reports({lab.report for lab in labels}, [out])
        return LabelSet(path.stem, labels, reports, missing)
    labels = load_labels([path])
    reports, missing = _find_reports({lab.report for lab in labels}, [path.parent, *corpus_dirs, ROOT / "corpus"])
    return LabelSet(path.stem, labels, reports, missing)


def run(label_paths, out_dir: Path, config=None, narrative="heuristic", corpus_dirs=(), jobs: int = 1) -> dict:
    """Review the labelled reports of each set (each set is its own corpus) and score them."""
    from .batch import review_corpus
    from .config import load_config

    config = config or load_config()
    out_dir.mkdir(parents=True, exist_ok=True)
    categories = {c: v["category"] for c, v in config.codes.items()}
    backend_name = "heuristic" if narrative == "heuristic" else "none" if narrative is None else narrative.name
    prompt = getattr(getattr(narrative, "backend", None), "prompt_version", "")
    result = {"backend": backend_name, "prompt_version": prompt, "profile": config.profile,
              "rules": config.fingerprint(), "sets": {}}
    for path in map(Path, label_paths):
        ls = load_set(path, out_dir, [Path(d) for d in corpus_dirs])
        outcomes = review_corpus(ls.reports, config, narrative, jobs=jobs)
        findings = [f for o in outcomes if o.review for f in o.review.findings]
        scored = score(findings, ls.labels, categories)
        entry = scored.to_dict()
        entry["reports_missing"] = ls.missing
        entry["reports_failed"] = [{"report": o.name, "error": o.error} for o in outcomes if o.review is None]
        entry["llm"] = _llm_totals(outcomes)
        entry["table"] = table(scored)
        result["sets"][ls.name] = entry
    return result


def write(result: dict, out_dir: Path, config) -> None:
    """DIR/eval.json (figures, misses, false alarms with evidence) and DIR/eval.html."""
    from .memo.render import render_eval

    data = {**result, "sets": {k: {kk: vv for kk, vv in v.items() if kk != "table"} for k, v in result["sets"].items()}}
    (out_dir / "eval.json").write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (out_dir / "eval.html").write_text(render_eval(data, config), encoding="utf-8")


def read_baseline(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def write_baseline(result: dict, path: Path) -> None:
    data = {"_note": "per-code floors for the CI gate; update deliberately, with the reason in the commit",
            **baseline_of(result)}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _llm_totals(outcomes) -> dict:
    tot: dict = {}
    for o in outcomes:
        if o.review is None:
            continue
        for k in ("calls", "cache_hits", "tokens_in", "tokens_out", "cost"):
            v = o.review.narrative_stats.get(k)
            if v is not None:
                tot[k] = round(tot.get(k, 0) + v, 6)
    return tot


def baseline_of(result: dict) -> dict:
    return {name: {c["code"]: {"precision": c["precision"], "recall": c["recall"]} for c in s["codes"]}
            for name, s in result["sets"].items()}


def regressions(result: dict, baseline: dict, eps: float = 1e-9) -> list[str]:
    """Every code whose recall or precision fell below the recorded baseline."""
    out = []
    current = baseline_of(result)
    for name, codes in baseline.items():
        if name.startswith("_"):
            continue
        if name not in current:
            continue  # a run on some label sets is checked against those sets only
        for code, ref in codes.items():
            now = current[name].get(code, {"precision": None, "recall": None})
            for metric in ("recall", "precision"):
                want, got = ref.get(metric), now.get(metric)
                if want is None:
                    continue
                if got is None or got < want - eps:
                    out.append(f"{name}/{code}: {metric} {got if got is not None else '—'} < baseline {want}")
    return out
