"""What every check gets: the report, the rules, one place to build findings (reviewer.findings), and the gate
that keeps a table's findings until its own identities confirm how it was read.

A check is a function `check(ctx)` that reads `ctx.report`, calls `ctx.finding(...)` for each
problem and `ctx.checked(...)` for each thing it examined, so that a memo can say what was
found clean as well as what was not.
"""
from __future__ import annotations

from collections import defaultdict
from functools import cached_property

from ..config import Config
from ..findings import Coverage, FindingBook
from ..model import Report
from ..read import ReadIssue
from .common import document_text

__all__ = ["Context", "Coverage"]


class Context(FindingBook):
    def __init__(self, report: Report, config: Config) -> None:
        super().__init__(report, config)
        # tables whose figures were found off their rows: one finding says so, nothing is compared with them
        self.untrusted: set[int] = set()
        # a table's identity checks as they run: how many held and failed, and the findings held back until the
        # table is done (release): a table most of whose identities fail was not understood, not wrong N times
        self._compared: dict[int, int] = defaultdict(int)
        self._held: dict[int, list] = defaultdict(list)

    @cached_property
    def text(self) -> tuple[str, list[int]]:
        """The document's text with wrapped lines joined, and each character's line (common.document_text): made
        once for the checks that read it (template residue, cut-off dates, the 预算绩效管理 stages)."""
        return document_text(self.report.lines)

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
