"""Scoring findings and verdicts against labels, per finding code and per category.

Labels are JSONL: one expected finding per line `{report, subject, code, where?, note}`, a clean case
`{report, subject, clean: true, note}` (no high-severity finding expected on that subject), or the verdict a careful
reviewer would give `{report, verdict, note}`.  `code` and `verdict` may name alternatives, "a|b": either counts.
`where` says where the problem is printed: `{"lines": [[a, b], …], "pages": [[p, q], …]}` (display lines of a text
file, pages of a PDF).  Labels made from reviewers' marks (`reviewer mark OUT --labels FILE`) add
`{…, rejected: true}` (the finding was wrong: its key is a false alarm) and `{…, unsure: true}` (待核 or not
marked: its key counts neither way).

Matching rule: a finding's place matches a label when the report file names are equal, the subjects are equal
after normalisation (whitespace removed, full-width brackets and punctuation folded, case ignored), the code is one
of the label's, and — when the label says where — the place is there (a quoted line within the label's lines, ±3,
in a text file; its page within the label's pages in a paginated one).  Only reports with finding or clean labels
are scored for findings (a report with a verdict label only is scored for its verdict).
Recall = matched labels / labels.  Precision = true units / units, where a unit is a (report, subject, code) key,
or, when every label of that key says where, the label a place matched or else the finding itself: another finding
of the same code elsewhere in the document is a false alarm, not a match.  Verdict agreement = reports whose
审核结论 is one of the labelled alternatives / reports with a verdict label.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .config import ConfigError
from .model import Finding, Quote, to_jsonable
from .read import Location
from .settle import places

_FOLD = str.maketrans({"（": "(", "）": ")", "“": '"', "”": '"', "：": ":", "，": ",", "、": ","})


def norm_subject(s: str) -> str:
    s = unicodedata.normalize("NFKC", s or "").translate(_FOLD)
    return re.sub(r"\s+", "", s).lower()


@dataclass
class Label:
    report: str
    subject: str = ""
    code: str = ""  # "a|b": either code counts
    note: str = ""
    clean: bool = False
    rejected: bool = False  # a reviewer rejected this finding (reviewer mark … 驳回): its key is a false alarm
    unsure: bool = False  # marked 待核, or not marked in a marked report: its key counts neither way
    lines: tuple = ()  # ((first, last), …): display lines of a text file where the problem is printed
    pages: tuple = ()  # ((first, last), …): pages of a PDF
    verdict: str = ""  # a verdict label: the 审核结论 a careful reviewer gives ("a|b": either)
    rule: str = ""  # the rule that should catch it (rules.toml [rule_names]): recall is reported per rule too

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.strip() for c in self.code.split("|") if c.strip())

    @property
    def located(self) -> bool:
        return bool(self.lines or self.pages)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.report, norm_subject(self.subject), self.code)

    def keys(self) -> list[tuple[str, str, str]]:
        return [(self.report, norm_subject(self.subject), c) for c in self.codes]

    def holds(self, spots: list[tuple[int | None, int | None]]) -> bool:
        """True when one of a finding place's (line, page) spots lies where this label says the problem is."""
        for line, page in spots:
            if page is not None:
                if any(a <= page <= b for a, b in self.pages):
                    return True
            elif line is not None and any(a - LINE_SLACK <= line <= b + LINE_SLACK for a, b in self.lines):
                return True
        return False


LINE_SLACK = 3  # a finding quotes the row or sentence; the label may name the paragraph around it


def _ranges(value, path: Path, n: int) -> tuple:
    try:
        return tuple((int(a), int(b)) for a, b in (value or ()))
    except (TypeError, ValueError):
        raise ValueError(f"{path}:{n}: where.lines / where.pages are lists of [first, last]") from None


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
            if d.get("report") and d.get("verdict"):
                out.append(Label(d["report"], note=d.get("note", ""), verdict=d["verdict"]))
                continue
            if not d.get("report") or "subject" not in d or not (d.get("code") or d.get("clean")):
                raise ValueError(f"{path}:{n}: a label needs report, subject and code (or clean: true, or verdict)")
            where = d.get("where") or {}
            out.append(Label(d["report"], d["subject"], d.get("code", ""), d.get("note") or d.get("message", ""),
                             bool(d.get("clean")), bool(d.get("rejected")), bool(d.get("unsure")),
                             _ranges(where.get("lines"), path, n), _ranges(where.get("pages"), path, n),
                             rule=d.get("rule", "")))
    return out



def spots_of(f: Finding) -> list[tuple[str, str, list[tuple[int | None, int | None]]]]:
    """(subject, severity, [(display line, page)…]) for each place a finding stands for: a merged finding's places
    (each where it is quoted), or the finding itself with every line it quotes."""
    items = f.evidence.get("items")
    if items:
        return [(i["subject"], i["severity"], [_spot(i.get("line"), i.get("location"))]) for i in items]
    quotes = [(q.line, q.location) if isinstance(q, Quote) else (q.get("line"), q.get("location"))
              for q in f.evidence.get("quotes") or []]
    return [(f.subject, f.severity, [_spot(line, where) for line, where in quotes])]


_PAGE = re.compile(r"第(\d+)页")


def _spot(line, where) -> tuple[int | None, int | None]:
    """(display line, page) of a place: `where` is a Location (a review in memory) or its label (findings.jsonl)."""
    if isinstance(where, Location):
        return line, where.page
    m = _PAGE.search(where or "")
    return line, int(m.group(1)) if m else None


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
    verdicts: list[dict] = field(default_factory=list)  # {report, expected, got, agree, note}
    rules: dict[str, dict] = field(default_factory=dict)  # rule → {labels, matched, recall}: labels that name one

    @property
    def verdict_agreement(self) -> float | None:
        return sum(v["agree"] for v in self.verdicts) / len(self.verdicts) if self.verdicts else None

    def to_dict(self) -> dict:
        return {"reports": self.reports, "codes": [c.to_dict() for c in self.codes.values()],
                "categories": [c.to_dict() for c in self.categories.values()],
                "clean_cases": self.clean_cases, "clean_violations": self.clean_violations,
                "verdict_agreement": _r(self.verdict_agreement), "verdicts": self.verdicts, "rules": self.rules,
                "misses": self.misses, "false_alarms": self.false_alarms}


def score(findings: list[Finding], labels: list[Label], categories: dict[str, str],
          verdicts: dict[str, str] | None = None) -> EvalResult:
    """Compare findings with labels, and each report's verdict (`verdicts`: report → 审核结论) with its verdict
    label (see the module docstring for the matching rule)."""
    reports = {lab.report for lab in labels}
    read_for_findings = {lab.report for lab in labels if not lab.verdict}  # a verdict label alone says nothing of them
    findings = [f for f in findings if f.report in read_for_findings]
    positive = [lab for lab in labels if lab.code and not (lab.clean or lab.rejected or lab.unsure)]
    by_key: dict[tuple, list[Label]] = defaultdict(list)
    for lab in positive:
        for key in lab.keys():
            by_key[key].append(lab)
    ignored = {key for lab in labels if lab.unsure for key in lab.keys()} - set(by_key)
    matched: set[int] = set()  # id() of the labels a place matched
    units: dict[tuple, list] = {}  # unit → [true?, first finding]
    for f in findings:
        for subject, _, spots in spots_of(f):
            key = (f.report, norm_subject(subject), f.code)
            if key in ignored:
                continue
            labs = by_key.get(key, [])
            if labs and not all(lab.located for lab in labs):
                hits = [lab for lab in labs if not lab.located or lab.holds(spots)]
                unit = key
            else:
                hits = [lab for lab in labs if lab.holds(spots)]
                unit = key + (("label", id(hits[0])) if hits else ("finding", f.id or f.message))
            matched.update(id(lab) for lab in hits)
            entry = units.setdefault(unit, [False, f])
            entry[0] = entry[0] or bool(hits)
    codes: dict[str, CodeScore] = {}

    def cs(code: str) -> CodeScore:
        return codes.setdefault(code, CodeScore(code, categories.get(code, "")))

    result = EvalResult(codes, {}, reports=len(reports))
    found_codes = {(u[0], u[1], u[2]) for u, (true, _) in units.items() if true}
    for lab in positive:
        hit = [c for c in lab.codes if (lab.report, norm_subject(lab.subject), c) in found_codes]
        c = cs(hit[0] if id(lab) in matched and hit else lab.codes[0])
        c.labels += 1
        if id(lab) in matched:
            c.matched += 1
        else:
            result.misses.append({"report": lab.report, "subject": lab.subject, "code": lab.code, "note": lab.note})
    for unit, (true, f) in units.items():
        c = cs(unit[2])
        c.finding_keys += 1
        if true:
            c.true_keys += 1
        else:
            result.false_alarms.append({"report": f.report, "subject": f.subject, "code": f.code,
                                        "severity": f.severity, "message": f.message,
                                        "quotes": to_jsonable(f.evidence.get("quotes", [])[:2])})
    for lab in positive:
        if lab.rule:
            r = result.rules.setdefault(lab.rule, {"labels": 0, "matched": 0})
            r["labels"] += 1
            r["matched"] += id(lab) in matched
    for r in result.rules.values():
        r["recall"] = _r(r["matched"] / r["labels"])
    result.rules = dict(sorted(result.rules.items()))
    result.clean_cases, result.clean_violations = _clean(findings, labels)
    result.verdicts = _verdicts(labels, verdicts or {})
    for c in codes.values():
        agg = result.categories.setdefault(c.category, CodeScore(c.category, c.category))
        agg.labels += c.labels
        agg.matched += c.matched
        agg.finding_keys += c.finding_keys
        agg.true_keys += c.true_keys
    result.codes = dict(sorted(codes.items()))
    result.categories = dict(sorted(result.categories.items()))
    return result


def _clean(findings: list[Finding], labels: list[Label]) -> tuple[int, list[dict]]:
    """Clean cases, and those on whose subject a high-severity finding stands."""
    clean = [lab for lab in labels if lab.clean]
    high_by_subject: dict[tuple, list[Finding]] = defaultdict(list)
    for f in findings:
        for subject, severity in places(f):
            if severity == "high":
                high_by_subject[(f.report, norm_subject(subject))].append(f)
    violations = []
    for lab in clean:
        high = high_by_subject.get((lab.report, norm_subject(lab.subject)), [])
        if high:
            violations.append({"report": lab.report, "subject": lab.subject, "codes": sorted({f.code for f in high}),
                               "messages": [f.message for f in high[:3]]})
    return len(clean), violations


def _verdicts(labels: list[Label], got: dict[str, str]) -> list[dict]:
    out = []
    for lab in labels:
        if not lab.verdict:
            continue
        want = [v.strip() for v in lab.verdict.split("|")]
        verdict = got.get(lab.report, "")
        out.append({"report": lab.report, "expected": lab.verdict, "got": verdict or "（未审核）",
                    "agree": verdict in want, "note": lab.note})
    return out


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
    if result.rules:
        lines.append("recall by rule: " + ", ".join(f"{rule} {r['matched']}/{r['labels']}" for rule, r in result.rules.items()))
    lines.append(f"clean cases: {result.clean_cases}, with a high-severity finding: {len(result.clean_violations)}")
    if result.verdicts:
        agree = sum(v["agree"] for v in result.verdicts)
        lines.append(f"verdicts: {agree} of {len(result.verdicts)} as labelled ({result.verdict_agreement:.2f})")
    return "\n".join(lines)


# --- running an eval ----------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_LABELS = sorted((ROOT / "evals").glob("*.jsonl"))  # the committed label sets


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


def load_set(path: Path, corpus_dirs: list[Path]) -> LabelSet:
    """A label file (.jsonl), its reports found beside it or in the corpus folders.  A synthetic set is written
    by the test-data generator first (tests/support/synth.py --spec evals/synth.toml --out DIR: DIR/synth.jsonl)."""
    if path.suffix != ".jsonl":
        raise ConfigError(f"{path}：评估集须为标注文件（.jsonl）；合成评估集请先用 python tests/support/synth.py "
                          f"--spec {path} --out 目录 生成，再评估 目录/{path.stem}.jsonl")
    labels = load_labels([path])
    reports, missing = _find_reports({lab.report for lab in labels}, [path.parent, *corpus_dirs, ROOT / "corpus"])
    return LabelSet(path.stem, labels, reports, missing)


def run(label_paths, out_dir: Path, config=None, narrative="heuristic", corpus_dirs=(), jobs: int = 1) -> dict:
    """Review the labelled reports of each set (each set is its own corpus) and score them."""
    from .pipeline import review_corpus
    from .config import load_config

    config = config or load_config()
    out_dir.mkdir(parents=True, exist_ok=True)
    categories = {c: v.category for c, v in config.codes.items()}
    backend_name = "heuristic" if narrative == "heuristic" else "none" if narrative is None else narrative.name
    prompt = getattr(getattr(narrative, "backend", None), "prompt_version", "")
    result = {"backend": backend_name, "prompt_version": prompt, "profile": config.profile,
              "rules": config.fingerprint(), "sets": {}}
    for path in map(Path, label_paths):
        ls = load_set(path, [Path(d) for d in corpus_dirs])
        outcomes = review_corpus(ls.reports, config, narrative, jobs=jobs)
        findings = [f for o in outcomes if o.review for f in o.review.findings]
        verdicts = {o.name: o.review.verdict.label for o in outcomes if o.review and o.review.verdict}
        scored = score(findings, ls.labels, categories, verdicts)
        entry = scored.to_dict()
        entry["reports_missing"] = ls.missing
        entry["reports_failed"] = [{"report": o.name, "error": o.error} for o in outcomes if o.review is None]
        # a check stopped by a fault of the program: its findings are missing, the verdict is 未能审核
        entry["reports_faulted"] = [{"report": o.name, "faults": o.review.faults} for o in outcomes
                                    if o.review is not None and o.review.faults]
        entry["llm"] = _llm_totals(outcomes)
        entry["table"] = table(scored)
        result["sets"][ls.name] = entry
    return result


def read_baseline(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


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


VERDICTS = "_verdicts"  # a set's verdict agreement, beside its codes in the baseline


def baseline_of(result: dict) -> dict:
    out = {}
    for name, s in result["sets"].items():
        out[name] = {c["code"]: {"precision": c["precision"], "recall": c["recall"]} for c in s["codes"]}
        if s.get("verdict_agreement") is not None:
            out[name][VERDICTS] = {"agreement": s["verdict_agreement"]}
    return out


def regressions(result: dict, baseline: dict, eps: float = 1e-9) -> list[str]:
    """Every code whose recall or precision, and every set whose verdict agreement, fell below the baseline."""
    out = []
    current = baseline_of(result)
    for name, codes in baseline.items():
        if name.startswith("_"):
            continue
        if name not in current:
            continue  # a run on some label sets is checked against those sets only
        for code, ref in codes.items():
            now = current[name].get(code, {"precision": None, "recall": None})
            for metric in ("recall", "precision", "agreement"):
                want, got = ref.get(metric), now.get(metric)
                if want is None:
                    continue
                if got is None or got < want - eps:
                    out.append(f"{name}/{code}: {metric} {got if got is not None else '—'} < baseline {want}")
    return out
