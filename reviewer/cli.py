"""Command line: parses arguments, calls the library, prints.  No review logic lives here."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import batch
from .config import ConfigError, load_config


def _extract(args: argparse.Namespace) -> int:
    outcomes = list(batch.extract_each(batch.find_reports(args.paths)))
    if not outcomes:
        print("no input files found", file=sys.stderr)
        return 2
    for o in outcomes:
        if o.report is None:
            print(f"error: {o.path}: {o.error}", file=sys.stderr)
        elif not args.quiet:
            r = o.report
            print(f"{o.name}: {len(r.projects)} projects, {len(r.blank_templates)} blank templates, "
                  f"{len(r.accounts)} 决算 tables, department part: {'yes' if r.department_part else 'no'}"
                  + (f", {len(r.warnings)} warnings" if r.warnings else ""))
    summary = batch.write_extraction(outcomes, Path(args.out))
    print(f"extracted {summary['reports']} reports ({summary['projects']} projects, "
          f"{summary['indicators']} indicators), {summary['failed']} failed → {args.out}")
    return 0 if summary["reports"] else 1


def _review(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.profile, args.config)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    outcomes = []
    for o in batch.review_each(batch.find_reports(args.paths), config):
        outcomes.append(o)
        if o.review is None:
            print(f"error: {o.path}: {o.error}", file=sys.stderr)
        elif not args.quiet:
            rv = o.review
            c = rv.counts()
            print(f"{o.name}: risk {rv.risk.score:g} ({rv.risk.band}), {len(rv.findings)} findings "
                  f"(high {c['high']}, medium {c['medium']}, low {c['low']})")
    if not outcomes:
        print("no input files found", file=sys.stderr)
        return 2
    summary = batch.write_reviews(outcomes, Path(args.out), config)
    print(f"reviewed {summary['reports']} reports, {summary['findings']} findings, {summary['failed']} failed "
          f"→ {Path(args.out) / 'index.html'}")
    return 0 if summary["reports"] else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reviewer", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("extract", help="extract every table and section into JSON and CSV")
    p.add_argument("paths", nargs="+", help="report files or folders")
    p.add_argument("--out", default="out/extract", help="output folder (default: out/extract)")
    p.add_argument("-q", "--quiet", action="store_true", help="print only errors and the summary")
    p.set_defaults(func=_extract)

    p = sub.add_parser("review", help="check every report and write memos, findings and a triage index")
    p.add_argument("paths", nargs="+", help="report files or folders")
    p.add_argument("--out", default="out/review", help="output folder (default: out/review)")
    p.add_argument("--profile", default="default", help="rule profile from rules.toml (default, guangxi, …)")
    p.add_argument("--config", help="a TOML file whose keys override reviewer/rules.toml")
    p.add_argument("-q", "--quiet", action="store_true", help="print only errors and the summary")
    p.set_defaults(func=_review)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
