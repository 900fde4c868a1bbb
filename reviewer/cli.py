"""Command line: parses arguments, calls the library, prints.  No review logic lives here."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import batch


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reviewer", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("extract", help="extract every table and section into JSON and CSV")
    p.add_argument("paths", nargs="+", help="report files or folders")
    p.add_argument("--out", default="out/extract", help="output folder (default: out/extract)")
    p.add_argument("-q", "--quiet", action="store_true", help="print only errors and the summary")
    p.set_defaults(func=_extract)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
