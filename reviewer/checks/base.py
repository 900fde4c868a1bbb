"""What every check gets: the report, the rules, and one place to build findings.

A check is a function `check(ctx)` that reads `ctx.report`, calls `ctx.finding(...)` for each
problem and `ctx.checked(...)` for each thing it examined, so that a memo can say what was
found clean as well as what was not.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..config import Config
from ..errors import describe_fault
from ..model import Finding, Report, Value
from ..read import ReadIssue


@dataclass
class Coverage:
    label: str
    checked: int = 0
    flagged: int = 0
    subjects: set = field(default_factory=set)


class Context:
    def __init__(self, report: Report, config: Config) -> None:
        self.report = report
        self.config = config
        self.findings: list[Finding] = []
        self.coverage: dict[str, Coverage] = {}
        self._flagged: dict[str, set] = defaultdict(set)
        # projects whose table was cut short: checks that need the whole table are not run for them
        self.incomplete = {p.name for p in report.projects if p.incomplete}
        self.whole_table_checks = set(config.rules.whole_table_checks)
        self._suppressed: dict[str, list[str]] = {}  # subject → checks not run
        self.labels: dict[str, str] = {}  # check → what it verifies, in words
        # tables whose figures were found off their rows: one finding says so, nothing is compared with them
        self.untrusted: set[int] = set()
        self.faults: list[str] = []  # checks stopped by a fault of the program: what they did not finish
        # a table's identity checks as they run: how many held and failed, and the findings held back until the
        # table is done (release): a table most of whose identities fail was not understood, not wrong N times
        self._compared: dict[int, int] = defaultdict(int)
        self._held: dict[int, list] = defaultdict(list)
        self.unjudged: list[ReadIssue] = []  # what the checks could not judge, where and why: a gap like a read one

    def fault(self, family: str, exc: Exception) -> None:
        """A check that failed: said in the memo (its findings so far are kept), counted in the batch."""
        self.faults.append(f"“{family}”核查因程序错误未完成（{describe_fault(exc)}），其余核查照常进行；"
                           "这部分内容未经完整核查，不能视为无问题")

    def compared(self, table) -> None:
        """One identity of `table` compared (whether it held is told by the findings held on it)."""
        self._compared[id(table)] += 1

    def hold(self, table, make) -> None:
        """A finding on `table`'s identities, made (by `make()`) when the table is released."""
        self._held[id(table)].append(make)

    def release(self, table, what: str) -> None:
        """The findings held on `table`: made, unless most of its identities failed (at least `structure_failures`),
        which says its rows or columns were not understood — then one place not judged, where and why."""
        makes = self._held.pop(id(table), [])
        failed = len(makes)
        held_ok = max(0, self._compared.get(id(table), 0) - failed)
        if failed >= self.config.rules.structure_failures and failed > held_ok:
            where = self.report.location(table.line)
            self.unjudged.append(ReadIssue("表格", where, f"{what} {failed + held_ok} 处中有 {failed} 处不成立，多于成立的："
                                           "表格的行列对应多半没有读对（或表格本身错乱），未逐项列为问题，需人工核对",
                                           table.title))
            self.untrusted.add(id(table))  # nothing is compared with a table not understood
            return
        for make in makes:
            make()

    def verified(self, table) -> bool:
        """At least one of the table's own identities (a sum, a 合计 = 基本 + 项目) was compared, the table was not
        found misread, and every figure it prints was placed in a row: its rows and columns are confirmed by its own
        figures, not merely assumed."""
        return self._compared.get(id(table), 0) > 0 and self.trusted(table) and not table.lost

    def structure(self) -> dict[str, list[str]]:
        """The report's tables whose rows and columns their own sums confirmed, and those whose structure was
        only assumed (no sum of theirs could be compared, or it failed): what a memo says of each table read."""
        tables = [t for t in self.report.accounts if not t.unread and not t.empty]
        return {"verified": [t.title for t in tables if self.verified(t)],
                "assumed": [t.title for t in tables if not self.verified(t)]}

    def trusted(self, table) -> bool:
        return table is not None and id(table) not in self.untrusted

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
        lines: tuple | list = (),
        rule: str = "",
        ask: str = "",
        source: str = "rules",
        extra: dict | None = None,
        correction: str = "",
    ) -> Finding | None:
        """Build and keep one finding.  Every finding of every check is made here; a finding that would
        rest on a part of the table that was not read is not made (None)."""
        if self.skipped(check, subject):
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
        quotes = []
        # the lines as given, most relevant first, at most five
        for ln in list(dict.fromkeys(ln for ln in lines if ln))[:5]:
            text = self.report.quote(ln)
            if text:
                quotes.append({"line": ln, "location": self.report.location(ln), "text": text})
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
        if check:
            cov = self.coverage.setdefault(check, Coverage(self.labels.get(check, check)))
            key = (subject, table)
            if key not in self._flagged[check]:
                self._flagged[check].add(key)
                cov.flagged += 1
                cov.checked = max(cov.checked, cov.flagged)  # a place found wrong was a place checked
        return f


def _plain(v):
    if isinstance(v, Value):
        return v.raw if v.number is None else v.number
    if isinstance(v, float):
        return round(v, 6)
    return v
