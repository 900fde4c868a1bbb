"""Where every finding is made: below each stage that raises one (the checks, the text review, the comparison with
peers), so that each builds findings the same way, in the shape of FINDINGS.md.

    book = FindingBook(report, config)
    book.checked("exec_rate", "执行率计算正确", "某项目")                      # a place examined
    book.finding("某项目", "rate_mismatch", "high", "…", check="exec_rate", at=[row.line], rule="PE-03")

A finding rests on places of the report (`at`: the report's display lines, or Quotes kept from an earlier pass);
each becomes a `Quote` when the finding is made: where it is printed (a read `Location`: file, page, sheet, table,
row, and on a PDF page the box of its characters) and the text printed there.  A finding carries its Quotes to
the memo, so a finding made after the document's lines are gone (the corpus pass) still says where.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from .config import Config
from .errors import describe_fault
from .model import Finding, Quote, Report, Value
from .read.document import ReadIssue


@dataclass
class Coverage:
    label: str
    checked: int = 0
    flagged: int = 0
    held: int = 0  # places whose finding was held back: they rest on what text recognition may have misread
    subjects: set = field(default_factory=set)


class FindingBook:
    """One report's findings and what was examined, as one stage raises them.  `prior`: the findings earlier
    stages raised on the same report (what the corpus pass adds to), for checks that must not say twice what is
    said already."""

    def __init__(self, report: Report, config: Config, prior: list[Finding] = ()) -> None:
        self.report = report
        self.config = config
        self.prior = list(prior)
        self.findings: list[Finding] = []
        self.coverage: dict[str, Coverage] = {}
        self._flagged: dict[str, set] = defaultdict(set)
        # projects whose table was cut short: checks that need the whole table are not run for them
        self.incomplete = {p.name for p in report.projects if p.incomplete}
        self.whole_table_checks = set(config.rules.whole_table_checks)
        self._suppressed: dict[str, list[str]] = {}  # subject → checks not run
        self.labels: dict[str, str] = {}  # check → what it verifies, in words
        self.faults: list[str] = []  # checks stopped by a fault of the program: what they did not finish
        self.unjudged: list[ReadIssue] = []  # what could not be judged, where and why: a gap like a read one

    def so_far(self) -> list[Finding]:
        """The report's findings so far: the earlier stages', then this one's."""
        return self.prior + self.findings

    def fault(self, family: str, exc: Exception) -> None:
        """A check that failed: said in the memo (its findings so far are kept), counted in the batch."""
        self.faults.append(f"“{family}”核查因程序错误未完成（{describe_fault(exc)}），其余核查照常进行；"
                           "这部分内容未经完整核查，不能视为无问题")

    def skipped(self, check: str, subject: str) -> bool:
        """True when `check` needs the whole table and `subject`'s table was not read to its end."""
        if check in self.whole_table_checks and subject in self.incomplete:
            done = self._suppressed.setdefault(subject, [])
            if check not in done:
                done.append(check)
            return True
        return False

    @property
    def suppressed(self) -> dict[str, list[str]]:
        """Subject → what was not checked for it because its table was not read to its end."""
        return {s: [self.labels.get(k, k) for k in keys] for s, keys in self._suppressed.items()}

    def checked(self, check: str, label: str, subject: str = "") -> None:
        self.labels.setdefault(check, label)
        if self.skipped(check, subject):  # not run, so not counted as found clean
            return
        cov = self.coverage.setdefault(check, Coverage(label))
        cov.label = label  # a finding may have come first, under the check's key
        cov.checked += 1
        if subject:
            cov.subjects.add(subject)

    def quotes(self, at) -> list[Quote]:
        """The places given, most relevant first, at most five, as Quotes (a place not printed is left out)."""
        out = []
        for place in list(dict.fromkeys(p for p in at if p))[:5]:
            quote = place if isinstance(place, Quote) else self.report.quote_at(place)
            if quote is not None:
                out.append(quote)
        return out

    @cached_property
    def _recognised_tables(self) -> set[str]:
        """The names (title, and number with title) of the report's 决算/预算 tables holding a row read from a picture:
        a sum over such a table may miss a row the recognition missed, wherever the sum's own quote is printed."""
        out = set()
        for t in self.report.accounts:
            lines = t.frame["line"] if "line" in t.frame.columns else ()
            if any(self.report.recognised_at(int(n)) for n in lines if n == n):
                out |= {t.title, f"{t.number} {t.title}".strip()}
        return out

    def _unsure(self, quotes: list[Quote], rule: str, message: str, table: str = "", code: str = "") -> bool:
        """A finding that rests on what text recognition may have misread is not made: a place recognised below
        the confidence threshold (its read issue says so already), or a table's own sum failing in a table read
        from a picture (a row missed or a digit misread fails a sum as surely as an error of the report), or a cell
        of such a table found blank (a glyph missed), or a table or words not found in a report some of whose pages
        were recognised (a title misread) — that is said as a place not judged, for a person to check against the
        original."""
        read = self.config.read
        recognised = [q for q in quotes if q.location and q.location.conf is not None]
        if any(q.location.conf < read.ocr_min_confidence for q in recognised):
            return True
        tables = [q for q in recognised if q.location.table]
        if not tables and rule in read.ocr_identities and table and quotes:
            if {part.strip() for part in table.split("/")} & self._recognised_tables:
                tables = quotes[:1]  # the sum's quote is printed as text, but rows it adds were recognised
        if rule in read.ocr_absences and self.report.recognised and quotes:  # a title misread is a table not found
            self.unjudged.append(ReadIssue("文档", str(quotes[0].location), f"{message}——本报告含文字识别所得的页面，"
                                           "表名或文字可能未识别出，未作为问题，请核对原件"))
            return True
        why = ("合计或表间数字不符可能是识别误差（如漏读一行、错读一栏）" if rule in read.ocr_identities else
               "空白处可能是未识别出的数字" if rule in read.ocr_blanks or f"{rule}:{code}" in read.ocr_blanks else "")
        if tables and why:
            self.unjudged.append(ReadIssue("表格", str(tables[0].location), f"{message}——该表含文字识别所得的内容，{why}，"
                                           "未作为问题，请核对原件"))
            return True
        return False

    def finding(
        self,
        subject: str,
        code: str,
        severity: str,
        message: str,
        *,
        check: str = "",
        table: str = "",
        stated=None,
        recomputed=None,
        tolerance=None,
        figures: dict | None = None,
        at: tuple | list = (),
        rule: str = "",
        ask: str = "",
        source: str = "rules",
        extra: dict | None = None,
        correction: str = "",
    ) -> Finding | None:
        """Build and keep one finding.  Every finding of every stage is made here; a finding that would
        rest on a part of the table that was not read, or on a place text recognition is unsure of, is not made
        (None)."""
        if self.skipped(check, subject):
            return None
        quotes = self.quotes(at)
        if self._unsure(quotes, rule, message, table, code):
            self._count(check, subject, table, "held")  # not a finding, and not a place found clean either
            return None
        meta = self.config.code(code)
        if severity not in ("high", "medium", "low"):
            raise ValueError(f"bad severity {severity!r}")
        evidence: dict = {}
        for key, val in (("stated", stated), ("recomputed", recomputed), ("tolerance", tolerance)):
            if val is not None:
                evidence[key] = _plain(val)
        if figures:
            evidence["figures"] = {k: (v.raw if isinstance(v, Value) else _plain(v)) for k, v in figures.items()}
        evidence["quotes"] = quotes
        if rule:
            evidence["rule"] = rule
        if correction:  # the figure as it should read, where the check knows it: "4.35% 应为 4.40%"
            evidence["correction"] = correction
        if extra:
            evidence.update(extra)
        evidence["ask"] = ask or meta.ask
        f = Finding(
            report=self.report.source, subject=subject, table=table, code=code, category=meta.category,
            severity=severity, message=message, evidence=evidence, source=source,
        )
        self.findings.append(f)
        self._count(check, subject, table, "flagged")
        return f

    def _count(self, check: str, subject: str, table: str, what: str) -> None:
        """A place of `check` found wrong ("flagged") or held back ("held"), once per subject and table."""
        if not check:
            return
        cov = self.coverage.setdefault(check, Coverage(self.labels.get(check, check)))
        key = (what, subject, table)
        if key not in self._flagged[check]:
            self._flagged[check].add(key)
            setattr(cov, what, getattr(cov, what) + 1)
            cov.checked = max(cov.checked, cov.flagged + cov.held)  # a place found wrong was a place checked


def _plain(v):
    if isinstance(v, Value):
        return v.raw if v.number is None else v.number
    if isinstance(v, float):
        return round(v, 6)
    return v
