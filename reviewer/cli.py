"""Command line: parses arguments, calls the library, prints.  No review logic lives here."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import marks, pipeline
from .config import ConfigError, load_config
from .errors import ExtractionError, MarkError
from .output import write_eval, write_baseline, write_extraction
from .inputs import find_inputs, visible
from .inspect import inspect_text, reading_summary


def _extract(args: argparse.Namespace) -> int:
    outcomes = list(pipeline.extract_each(pipeline.find_reports(args.paths), cache=not args.no_cache))
    if not outcomes:
        print("没有找到输入文件", file=sys.stderr)
        return 2
    for o in outcomes:
        if o.report is None:
            print(visible(f"未能读取：{o.path}：{o.error}"), file=sys.stderr)
        elif not args.quiet:
            print(visible(f"{o.name}：{reading_summary(o.report)}"))
    summary = write_extraction(outcomes, Path(args.out))
    print(f"已提取 {summary['reports']} 份报告（其中部分读取 {summary['partial']} 份；项目 {summary['projects']} 个，"
          f"指标 {summary['indicators']} 项；金额读取 {summary['amounts_read']}/{summary['amounts']}），"
          f"未能读取 {summary['failed']} 份 → {args.out}")
    return 0 if summary["reports"] else 1


def _inspect(args: argparse.Namespace) -> int:
    try:
        sys.stdout.write(inspect_text(args.path, -1 if args.all else args.rows, cache=not args.no_cache))
    except (ExtractionError, OSError) as exc:
        print(visible(f"未能读取：{args.path}：{exc}"), file=sys.stderr)
        return 1
    return 0


def _narrative(args: argparse.Namespace, config):
    """None (rules only), "heuristic" (built in each worker process), or the configured LLM reviewer."""
    if args.backend != "openai":
        return None if args.backend == "none" else args.backend
    from .narrative import make_narrative

    settings = _llm_settings(args, config)
    return make_narrative("openai", config, settings, use_cache=not args.no_cache)


def _llm_settings(args: argparse.Namespace, config):
    from .narrative.openai_backend import settings_from

    return settings_from(config, base_url=args.llm_base_url, model=args.llm_model)  # ConfigError when unset


def _setup(args: argparse.Namespace):
    """(config, narrative reviewer) from the shared options; ConfigError says what is wrong."""
    config = load_config(args.profile, args.config)
    return config, _narrative(args, config)


def _jobs(args: argparse.Namespace) -> int:
    return args.jobs or os.cpu_count() or 1


def _review(args: argparse.Namespace) -> int:
    overrides = {**({"batch": {"evidence": False}} if args.no_evidence else {}), **({"read": {"ocr": False}} if args.no_ocr else {})}
    config = load_config(args.profile, args.config, overrides or None)
    llm = _llm_settings(args, config) if args.backend == "openai" else None  # checked here, once
    narrative = None if args.backend == "none" else args.backend
    found = find_inputs(args.paths)
    if not found.reports and not found.passed_over:
        print("没有找到输入文件", file=sys.stderr)
        return 2
    s = pipeline.run_batch(found.reports, Path(args.out), config, narrative, jobs=args.jobs, stats=not args.no_stats,
                         cache=not args.no_cache, fresh=args.fresh, quiet=args.quiet, llm=llm,
                         passed_over=found.passed_over)
    _some(s.mark_problems, "其余行同样未读入")  # a workbook the reviewer edited: what of it was not taken, row by row
    _some([f"{status}：{name}：{why}" for name, status, why in s.errors], "见 summary.csv")
    _some([f"说明（{names[0]}" + (f" 等 {len(names)} 份报告" if len(names) > 1 else "") + f"）：{note}"
           for note, names in s.notes.items()], "见各报告的审核意见")
    if s.llm:
        print(f"大模型调用 {s.llm.get('calls', 0)} 次（缓存 {s.llm.get('cache_hits', 0)} 次），"
              f"{s.llm.get('tokens_in', 0)}+{s.llm.get('tokens_out', 0)} tokens")
    print(f"已审核 {s.reports} 份报告（本次审核 {s.reviewed} 份，沿用上次结果 {s.skipped} 份；部分读取 {s.partial} 份），"
          f"问题 {s.findings} 项，未能读取 {s.unreadable} 份" + (f"，程序错误 {s.failed} 份" if s.failed else "")
          + (f"，核查未完成 {s.faulted} 份" if s.faulted else "")
          + (f"，未审核 {s.passed_over} 个非报告文件" if s.passed_over else "") + f" → {Path(args.out) / 'index.html'}")
    return 0 if s.reports else 1


def _mark(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if args.labels:
        n = marks.write_labels(out, Path(args.labels))
        print(f"已将 {out} 的复核标记写成 {n} 条评估标注 → {args.labels}（用法：reviewer eval {args.labels}）")
        return 0
    if not (args.id and args.mark):
        print("用法：reviewer mark OUT 编号 确认|驳回|待核|清除 [--comment 意见]，或 reviewer mark OUT --labels FILE",
              file=sys.stderr)
        return 2
    entry = marks.mark(out, args.id, args.mark, args.comment or "")
    print(f"已标记 {entry['report']} 的问题 {args.id}：{entry['mark'] or '（已清除）'}；再次运行 reviewer review … --out {out} "
          "后，审核意见、风险评分和审核结论随之更新")
    return 0


def _some(lines: list[str], rest: str, shown: int = 20) -> None:
    """The first lines of a long list on stderr, and where the rest are."""
    for line in lines[:shown]:
        print(visible(line), file=sys.stderr)  # a file's name may hold what a terminal would act on
    if len(lines) > shown:
        print(f"另有 {len(lines) - shown} 条，{rest}", file=sys.stderr)


def _eval(args: argparse.Namespace) -> int:
    from . import evaluate

    config, narrative = _setup(args)
    out = Path(args.out)
    result = evaluate.run(args.labels or evaluate.DEFAULT_LABELS, out, config, narrative,
                          corpus_dirs=args.corpus or [], jobs=_jobs(args))
    for name, s in result["sets"].items():
        print(f"== {name} ({s['reports']} reports, backend {result['backend']})")
        print(s["table"])
        for m in s["reports_missing"]:
            print(f"  report not found: {m}", file=sys.stderr)
        for m in s["reports_faulted"]:
            print(f"  核查因程序错误未完成：{m['report']}：{m['faults'][0]}", file=sys.stderr)
    write_eval(result, out, config)
    print(f"→ {out / 'eval.json'}, {out / 'eval.html'}")
    if args.write_baseline:
        write_baseline(evaluate.baseline_of(result), Path(args.write_baseline))
        print(f"baseline written → {args.write_baseline}")
    if args.check_baseline:
        found = evaluate.regressions(result, evaluate.read_baseline(Path(args.check_baseline)))
        for line in found:
            print(f"REGRESSION {line}", file=sys.stderr)
        if found:
            return 1
        print(f"baseline {args.check_baseline}: no regression")
    return 0


def _review_options(p: argparse.ArgumentParser) -> None:
    """Options shared by review and eval: rules, narrative backend, parallelism."""
    p.add_argument("--profile", default="default", help="rule profile from rules.toml (default, guangxi, …)")
    p.add_argument("--config", help="a TOML file whose keys override reviewer/rules.toml")
    p.add_argument("--backend", choices=["heuristic", "openai", "none"], default="heuristic",
                   help="narrative review: heuristic (offline, default), openai (any OpenAI-compatible endpoint), none")
    p.add_argument("--llm-base-url", help="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1")
    p.add_argument("--llm-model", help="model name at that endpoint")
    p.add_argument("--no-cache", action="store_true",
                   help="ignore the caches: read every file again and call the LLM again even for cached requests")
    p.add_argument("--jobs", type=int, default=0, help="worker processes (default 0: one per core)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reviewer", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("extract", help="extract every table and section into JSON and CSV")
    p.add_argument("paths", nargs="+", help="report files or folders")
    p.add_argument("--out", default="out/extract", help="output folder (default: out/extract)")
    p.add_argument("-q", "--quiet", action="store_true", help="print only errors and the summary")
    p.add_argument("--no-cache", action="store_true", help="read every file again (ignore the document cache)")
    p.set_defaults(func=_extract)

    p = sub.add_parser("inspect", help="show what was read from one file: its blocks with locations, and what "
                                       "each part became")
    p.add_argument("path", help="one report file")
    p.add_argument("--rows", type=int, default=3, help="rows shown per block (default 3)")
    p.add_argument("--all", action="store_true", help="show every row of every block")
    p.add_argument("--no-cache", action="store_true", help="read the file again (ignore the document cache)")
    p.set_defaults(func=_inspect)

    p = sub.add_parser("review", help="check every report and write memos, findings and a triage index")
    p.add_argument("paths", nargs="+", help="report files or folders")
    p.add_argument("--out", default="out/review", help="output folder (default: out/review)")
    _review_options(p)
    p.add_argument("--no-stats", action="store_true", help="skip the comparison with peers (reviewer.stats)")
    p.add_argument("--no-ocr", action="store_true",
                   help="no text recognition: scanned pages and image files are said to be unread")
    p.add_argument("--no-evidence", action="store_true",
                   help="no page crops in the memos and no 标注.pdf (faster; the memo shows the lines about each place)")
    p.add_argument("--fresh", action="store_true",
                   help="start over: forget what an earlier run into the same --out reviewed (it resumes otherwise)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress; print only errors and the summary")
    p.set_defaults(func=_review)

    p = sub.add_parser("mark", help="mark a finding 确认/驳回/待核 (or turn the marks into eval labels)")
    p.add_argument("out", help="the output folder of a review (holds findings.jsonl and marks.jsonl)")
    p.add_argument("id", nargs="?", help="the finding's 编号 (in the memo and 问题清单.xlsx)")
    p.add_argument("mark", nargs="?", help="确认, 驳回, 待核, or 清除 to remove a mark")
    p.add_argument("--comment", help="the reviewer's comment (复核意见)")
    p.add_argument("--labels", help="write eval labels from the marks to this .jsonl file instead")
    p.set_defaults(func=_mark)

    p = sub.add_parser("eval", help="score the review against labelled findings, per code and category")
    p.add_argument("labels", nargs="*", help="label files (.jsonl); default: every label set in evals/")
    p.add_argument("--out", default="out/eval", help="output folder (default: out/eval)")
    p.add_argument("--corpus", action="append", help="folder to look for the labelled reports in (repeatable)")
    _review_options(p)
    p.add_argument("--check-baseline", help="fail when a code's recall or precision falls below this baseline")
    p.add_argument("--write-baseline", help="record the current figures as the baseline")
    p.set_defaults(func=_eval)

    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ConfigError, MarkError) as exc:  # a bad profile, config file, LLM setting or mark: say what, stop
        print(f"错误：{exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
