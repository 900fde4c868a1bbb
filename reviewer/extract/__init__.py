"""Extraction: a report, in any format `reviewer.read` reads, into a typed `Report` (see `reviewer.model`).

    from reviewer import extract
    report = extract("corpus/seeds/003_ddff5fd3e69ced26.txt")
    report.projects[0].funds.total.rate.number   # 15.45

report.py runs it: the file is read into a `Document`, its rows cut into parts by their titles (segment.py), each
part read by its own reader (project.py, department.py, account_tables.py, prose.py), and what a document lacks or could
not give said as read issues (completeness.py).
"""
from .report import extract

__all__ = ["extract"]
