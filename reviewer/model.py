"""The typed records every stage talks through.

Extraction fills these; checks, statistics, narrative review and memos only read them.
Every value keeps the raw text it was read from, its display line(s) and its `Location` in the file
(page and line, Sheet1!C7, table/row/column …), so that a memo can quote the document exactly and say
where.  What could not be read is kept too (`Report.issues`): a report is never better than its reading.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

import pandas as pd

from .read.document import Location, ReadIssue


@dataclass
class Value:
    """One cell of a table: the raw text and what it means.

    `kind` is "number" (a parsed amount, rate, count…), "text" (qualitative, e.g. 有序推进)
    or "blank" (empty, —, -).  `decimals` is the displayed precision, which sets the
    rounding tolerance of every check that uses the number.
    """

    raw: str = ""
    number: float | None = None
    unit: str = ""
    op: str = ""
    decimals: int | None = None
    kind: str = "blank"
    line: int | None = None
    loc: Location | None = None

    @property
    def blank(self) -> bool:
        return self.kind == "blank"

    @property
    def is_number(self) -> bool:
        return self.number is not None

    def __bool__(self) -> bool:  # a Value is truthy when it says something
        return self.kind != "blank"


@dataclass
class Text:
    """A narrative passage with the lines it spans."""

    text: str = ""
    line: int | None = None
    end_line: int | None = None
    loc: Location | None = None

    def __bool__(self) -> bool:
        return bool(self.text.strip())


@dataclass
class Figure:
    """A figure stated in running text: 收入预算15621.11万元, 减少15.58%, 在职人员45人."""

    kind: str  # amount | percent | count | number
    label: str  # the words that name it: the clause before it
    value: Value = field(default_factory=Value)
    pos: int = 0  # where it starts in its paragraph


@dataclass
class Paragraph:
    """A paragraph of running text (说明, 报告, a note under a table) and the figures it states."""

    text: Text
    figures: list[Figure] = field(default_factory=list)


@dataclass
class Mention:
    """Something printed in the document that may disagree with itself elsewhere:
    a department name, a fiscal year, a money unit."""

    value: str
    context: str
    line: int


@dataclass
class FundsRow:
    """One row of the 项目资金 block (年度资金总额, 当年财政拨款, 上年结转资金, 其他资金)."""

    label: str
    budget_initial: Value = field(default_factory=Value)  # 年初预算数
    budget_full: Value = field(default_factory=Value)  # 全年预算数
    allocated: Value = field(default_factory=Value)  # 财政下达数 (only some templates)
    executed: Value = field(default_factory=Value)  # 全年执行数
    weight: Value = field(default_factory=Value)  # 分值
    rate: Value = field(default_factory=Value)  # 执行率
    score: Value = field(default_factory=Value)  # 得分
    reason: Text = field(default_factory=Text)  # 原因 (四川: why execution fell short, why adjusted)
    line: int | None = None

    def is_empty(self) -> bool:
        return not any(
            v for v in (self.budget_initial, self.budget_full, self.allocated, self.executed, self.rate, self.score)
        )


@dataclass
class Funds:
    unit: str = ""  # 万元 or 元, as printed on the block
    columns: list[str] = field(default_factory=list)  # header as printed, in order
    total: FundsRow | None = None  # 年度资金总额
    current: FundsRow | None = None  # 其中：当年财政拨款
    carryover: FundsRow | None = None  # 上年结转资金
    other: FundsRow | None = None  # 其他资金
    sources: list[FundsRow] = field(default_factory=list)  # further sources (财政专户管理资金, 单位资金)
    line: int | None = None

    def rows(self) -> list[FundsRow]:
        return [r for r in (self.total, self.current, self.carryover, self.other) if r is not None] + self.sources

    def parts(self) -> list[FundsRow]:
        """The rows under the total, that add up to it."""
        return [r for r in (self.current, self.carryover, self.other) if r is not None] + self.sources


# a figure in words that is a quantity, not a year: 不少于4次, 达100%, 10场次 (2023年人才名单 is not one)
_QUANTITY_RE = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])(?!\s*年)")


@dataclass
class Indicator:
    """One 三级 indicator row of a 绩效指标 table."""

    level1: str = ""
    level2: str = ""
    level3: str = ""
    op: str = ""  # ≥ ≤ = > < 定性, from 指标性质 or from the target text; "" when not printed
    target: Value = field(default_factory=Value)  # 年度指标值
    actual: Value = field(default_factory=Value)  # 实际完成值
    unit: str = ""  # 度量单位 column, where the template has one
    weight: Value = field(default_factory=Value)  # 分值
    score: Value = field(default_factory=Value)  # 得分
    deviation: Text = field(default_factory=Text)  # 偏差原因分析及改进措施
    extra: dict[str, Value] = field(default_factory=dict)  # columns some templates add (是否核心指标, 指标得分系数)
    line: int | None = None
    end_line: int | None = None
    # a row with one cell more than its header: each way of reading it without the surplus cell, until the
    # project reader keeps the one its figures confirm (extract/project.py); empty once settled
    alternatives: list["Indicator"] = field(default_factory=list, repr=False)

    @property
    def qualitative(self) -> bool:
        """No measure to meet: 定性, or a target in words — unless the words state a quantity against a compared
        measure (指标性质 ≥, target "全年开展推介活动不少于10场次" is ten, written as a sentence)."""
        if self.op == "定性":
            return True
        if self.target.kind != "text" or self.target.number is not None:
            return False
        return not (self.op and _QUANTITY_RE.search(self.target.raw))


@dataclass
class Project:
    """One 项目支出绩效自评表."""

    name: str = ""
    department: str = ""  # 主管部门
    implementer: str = ""  # 实施单位
    year: int | None = None
    unit: str = ""
    funds: Funds = field(default_factory=Funds)
    goal: Text = field(default_factory=Text)  # 预期目标
    outcome: Text = field(default_factory=Text)  # 实际完成情况
    indicators: list[Indicator] = field(default_factory=list)
    placeholder_indicators: int = 0  # rows like "指标1：" left blank
    placeholder_lines: list[int] = field(default_factory=list)  # … and where they are
    subtotals: list[tuple[Value, Value]] = field(default_factory=list)  # (分值, 得分) rows without a name
    total_weight: Value = field(default_factory=Value)  # 总分值
    total_score: Value = field(default_factory=Value)  # 总得分
    grade: Value = field(default_factory=Value)  # 自评等级
    notes: Text = field(default_factory=Text)  # 其他需要说明的事项
    analysis: dict[str, Text] = field(default_factory=dict)  # 项目绩效分析 paragraphs by key
    line: int | None = None
    end_line: int | None = None
    warnings: list[str] = field(default_factory=list)
    # 自评表 (what was done, with 执行数, 实际完成值, 得分) or 目标表 (a 绩效目标表/申报表: targets only, nothing scored)
    form: str = "自评表"
    incomplete: str = ""  # why the table was not read to its end ("" when it was)
    unread_cells: list[str] = field(default_factory=list)  # rows whose figures could not all be placed, and which

    @property
    def empty(self) -> bool:
        """A blank template: no name, no money, no filled indicator."""
        return not self.name and all(r.is_empty() for r in self.funds.rows()) and not self.indicators


@dataclass
class Section:
    """A numbered part of the 部门整体支出绩效自评情况 narrative (一…七), or a sub-part ((一)…)."""

    key: str
    number: str
    title: str
    text: Text = field(default_factory=Text)
    subsections: list["Section"] = field(default_factory=list)
    line: int | None = None

    def all_text(self) -> str:
        parts = [self.text.text] + [s.all_text() for s in self.subsections]
        return "\n".join(p for p in parts if p)


@dataclass
class KeyTask:
    """A row of 部门年度重点工作任务: a project as the department table reports it."""

    name: str
    level: str = ""
    content: Text = field(default_factory=Text)
    approved_total: Value = field(default_factory=Value)  # 批复金额 总额
    approved_fiscal: Value = field(default_factory=Value)  # 批复金额 财政拨款
    approved_other: Value = field(default_factory=Value)  # 批复金额 其他资金
    executed: Value = field(default_factory=Value)  # 实际支出金额
    rate: Value = field(default_factory=Value)  # 预算执行率
    reason: Text = field(default_factory=Text)  # 预算执行偏低原因及改进措施
    unit: str = ""
    line: int | None = None


@dataclass
class YearGoal:
    year: int | None
    target: Text = field(default_factory=Text)
    actual: Text = field(default_factory=Text)
    line: int | None = None


@dataclass
class DepartmentFundsRow:
    """A row of 部门预算资金 in the Yunnan 部门整体支出绩效自评表 (年初预算数, 调整数, 确定数, 执行数, 执行率)."""

    label: str
    values: dict[str, Value] = field(default_factory=dict)
    line: int | None = None


@dataclass
class Department:
    """The 部门整体支出绩效自评 part: narrative sections and the 自评表."""

    name: str = ""
    year: int | None = None
    sections: list[Section] = field(default_factory=list)
    duties: Text = field(default_factory=Text)  # 部门职责
    overall_goal: Text = field(default_factory=Text)  # 总体绩效目标
    year_goals: list[YearGoal] = field(default_factory=list)
    key_tasks: list[KeyTask] = field(default_factory=list)
    key_tasks_total: KeyTask | None = None
    funds: list[DepartmentFundsRow] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    total_weight: Value = field(default_factory=Value)  # 总分 row: 分值/权重
    total_score: Value = field(default_factory=Value)  # 总分 row: 得分
    grade: Value = field(default_factory=Value)  # 自评等级, where the table prints one
    notes: Text = field(default_factory=Text)
    line: int | None = None
    table_line: int | None = None

    def section(self, key: str) -> Section | None:
        for s in self.sections:
            if s.key == key:
                return s
            for sub in s.subsections:
                if sub.key == key:
                    return sub
        return None


@dataclass
class AccountsTable:
    """One 部门决算 table as a DataFrame.

    Code tables (收入/支出/财政拨款…) have columns `code, level, name, <value columns…>, line`;
    two-sided tables (收入支出决算表) have `side, item, row_no, <value columns…>, line`;
    economic-classification tables have `group, code, level, name, amount, line`.
    Amounts are in `unit`; `raw` keeps each row's source text.
    """

    kind: str
    title: str
    family: str = "决算"  # 决算 or 预算: the same table kinds exist in both
    number: str = ""  # 公开01表 … as printed
    department: str = ""
    unit: str = ""
    decimals: int = 2  # finest precision printed in the table, for rounding tolerances
    frame: pd.DataFrame = field(default_factory=pd.DataFrame)
    totals: dict[str, Value] = field(default_factory=dict)
    notes: list[Text] = field(default_factory=list)
    line: int | None = None
    end_line: int | None = None
    warnings: list[str] = field(default_factory=list)
    unread: str = ""  # why its rows could not be read ("" when they were): never an empty table
    # the figures an unread table prints, as numbers, their rows and columns unknown: kept for the reader
    # of the memo, never checked
    unplaced: list[Value] = field(default_factory=list)
    # rows read from text with fewer figures than columns: which column a figure stands in is not certain …
    uncertain_lines: set[int] = field(default_factory=set)
    # … except the first, when it is the row's 合计 (a row that prints any figure prints its total first)
    total_first: bool = False
    # figures printed among its rows that no row holds (a row whose label wrapped round its figures, a code
    # printed apart from its name): the table's structure is not certain, so no sum of it is judged
    lost: list[tuple[int, str]] = field(default_factory=list)
    # a column's name in the records (the national template's word) → the head the table prints, where they differ
    heads: dict[str, str] = field(default_factory=dict)

    def head(self, column: str) -> str:
        """A column as the table prints it ("决算数"), for what a reader is told; the records name it "金额"."""
        return ":".join(self.heads.get(part, part) for part in column.split(":")) if column not in self.heads \
            else self.heads[column]

    def records(self) -> list[dict]:
        """The frame's rows as dicts (cached: checks read them many times, pandas row access is slow)."""
        cached = self.__dict__.get("_records")
        if cached is None:
            cached = self.__dict__["_records"] = self.frame.to_dict("records")
        return cached

    def certain(self, column: str, lines) -> bool:
        """Every figure of the rows on `lines` in this column was read where it stands.  A text copy that lost a
        row's blank cells (uncertain_lines) leaves only the row's 合计 certain, when the table prints it first: any
        other first column (年初结转和结余) may be the blank one."""
        if self.total_first and self.value_columns and column == self.value_columns[0]:
            return True
        return not any(int(line) in self.uncertain_lines for line in lines if line is not None)

    @property
    def value_columns(self) -> list[str]:
        return [c for c in self.frame.columns if c not in NON_VALUE_COLUMNS]

    @property
    def empty(self) -> bool:
        cols = self.value_columns
        if self.frame.empty or not cols:
            return not self.totals
        return all(r[c] != r[c] or r[c] is None for r in self.records() for c in cols) and not self.totals


NON_VALUE_COLUMNS = {"side", "item", "row_no", "code", "level", "name", "group", "line", "loc", "raw"}


@dataclass
class Report:
    source: str
    encoding: str = "utf-8"
    format: str = "text"  # text, html, pdf, xlsx, xls, docx, doc
    pages: int = 0  # PDF pages, spreadsheet sheets
    recognised: int = 0  # of them, pages read from a picture by text recognition (OCR)
    layout: str = ""
    department: str = ""  # the name printed most often
    year: int | None = None  # the fiscal year printed most often in titles
    departments: list[Mention] = field(default_factory=list)
    years: list[Mention] = field(default_factory=list)
    units: list[Mention] = field(default_factory=list)
    # tables its 目录 lists: value "kind|family" ("kind|family|无" when the entry marks the table empty), the entry
    contents: list[Mention] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)  # 项目支出绩效自评表: what the scoring checks read
    blank_templates: list[Project] = field(default_factory=list)
    targets: list[Project] = field(default_factory=list)  # 绩效目标表 / 申报表: targets set, nothing done or scored
    department_part: Department | None = None
    accounts: list[AccountsTable] = field(default_factory=list)
    prose: list[Paragraph] = field(default_factory=list)  # running text outside the forms, with its figures
    kind: str = ""  # what the document is: 部门决算, 部门预算, 项目支出绩效自评表, 情况说明, 目录 …
    files: tuple[str, ...] = ()  # one report read from several files (reviewer.pipeline.grouping): their names
    lines: list[str] = field(default_factory=list, repr=False)
    line_locs: list[Location] = field(default_factory=list, repr=False)
    multiline_rows: list[tuple[int, int]] = field(default_factory=list, repr=False)  # cell-per-line blocks
    warnings: list[str] = field(default_factory=list)
    issues: list[ReadIssue] = field(default_factory=list)  # what could not be read, and where
    # what later stages may still quote once the lines are dropped (reviewer.pipeline.store.slim): line → Quote
    kept_quotes: dict[int, Quote] = field(default_factory=dict, repr=False)

    @property
    def accounts_label(self) -> str:
        """What its tables are called: 决算表, 预算表, or both."""
        families = {t.family for t in self.accounts}
        return "预算表" if families == {"预算"} else "决算/预算表" if len(families) > 1 else "决算表"

    @property
    def unit_key(self) -> str:
        """Which unit's series of documents this is of — "unit|部门 or 单位|预算 or 决算" — for a 预算/决算 that names
        its unit ("" otherwise): the unit's name without 中共, codes, brackets and spaces, as years print it alike."""
        if not self.department or not re.search(r"[预决]算", self.kind) or "目录" in self.kind:
            return ""
        unit = re.sub(r"\s+|\d+|[-—_（）()\[\]【】]", "", self.department).removeprefix("中共")
        return f"{unit}|{'单位' if '单位' in self.kind else '部门'}|{'预算' if '预算' in self.kind else '决算'}"

    def account(self, kind: str, family: str = "决算") -> AccountsTable | None:
        """The first table of a kind (income, gpb …) in a family (决算 or 预算)."""
        for table in self.accounts:
            if table.kind == kind and table.family == family:
                return table
        return None

    @property
    def complete(self) -> bool:
        """Everything the report prints was read: nothing is listed in `issues`."""
        return not self.issues

    @property
    def status(self) -> str:
        return "完整读取" if self.complete else "部分读取"

    def where(self, line: int | None) -> Location | None:
        """Where a display line is in the file (a line of a text has no other place than its number)."""
        if not line:
            return None
        return self.line_locs[line - 1] if 1 <= line <= len(self.line_locs) else Location(line=line)

    def recognised_at(self, line: int | None) -> bool:
        """Whether a display line was read from a picture by text recognition (a scan), where a glyph may be missed."""
        where = self.where(line)
        return where is not None and where.conf is not None

    def location(self, line: int | None) -> str:
        """Where a display line is in the file, as a user finds it: 第12行, 第3页第7行, Sheet1!第5行 …"""
        where = self.where(line)
        return str(where) if where else ""

    def quote_at(self, line: int | None) -> Quote | None:
        """A display line as a finding quotes it: where it is and what it prints (None when it prints nothing)."""
        if line in self.kept_quotes:
            return self.kept_quotes[line]
        text = self.quote(line)
        return Quote(line, self.where(line), text, self.around(line)) if text else None

    def _span(self, line: int) -> tuple[int, int]:
        """The display lines (0-based, inclusive) a quote of `line` takes: in the one-cell-per-line layout a table
        row spans several lines up to a blank one, and the whole row is quoted."""
        start = end = line - 1
        if any(a <= line <= b for a, b in self.multiline_rows):  # the row runs from one blank line to the next
            while start > 0 and self.lines[start - 1].rstrip("\r") != "" and line - start < 40:
                start -= 1
            while end + 1 < len(self.lines) and self.lines[end + 1].rstrip("\r") != "" and end - line < 40:
                end += 1
        return start, end

    def quote(self, line: int | None, width: int = 160) -> str:
        """The source text of a line, cells separated by │, for memos."""
        if line is None or not (1 <= line <= len(self.lines)):
            return ""
        start, end = self._span(line)
        cells = [_TAGS.sub("", c).strip() for text in self.lines[start:end + 1] for c in text.split("\t")]
        text = " │ ".join(c for c in cells if c)
        return text if len(text) <= width else text[: width - 1] + "…"

    def around(self, line: int | None, reach: int = 2, width: int = 60) -> tuple:
        """The quoted line with `reach` lines either side, each as (quoted?, its cells): what a memo shows of a
        place that has no page to picture (a sheet's rows, a text's lines), empty cells kept so columns align."""
        if line is None or not (1 <= line <= len(self.lines)):
            return ()
        start, end = self._span(line)
        out = []
        for k in range(max(0, start - reach), min(len(self.lines), end + reach + 1)):
            cells = [_TAGS.sub("", c).strip() for c in self.lines[k].rstrip("\r").split("\t")]
            while cells and not cells[-1]:
                cells.pop()
            out.append((start <= k <= end, tuple(c if len(c) <= width else c[:width - 1] + "…" for c in cells)))
        return tuple(out)


_TAGS = re.compile(r"</?(?:p|span|div|br|strong|b|i|em|font|td|tr|th|table)\b[^>]*>", re.I)


def to_jsonable(obj: Any) -> Any:
    """Dataclasses, DataFrames and Values to plain JSON types (NaN becomes null)."""
    if isinstance(obj, pd.DataFrame):
        frame = obj.astype(object).where(obj.notna(), None)
        return frame.to_dict(orient="records")
    if isinstance(obj, Location):
        return str(obj)
    if is_dataclass(obj) and not isinstance(obj, type):
        out = {}
        for f in fields(obj):
            if f.name in ("lines", "line_locs", "multiline_rows", "kept_quotes", "around"):
                continue
            out[f.name] = to_jsonable(getattr(obj, f.name))
        return out
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, (set, frozenset)):
        return [to_jsonable(v) for v in sorted(obj)]
    if isinstance(obj, float) and obj != obj:
        return None
    if hasattr(obj, "item") and not isinstance(obj, (str, bytes)):  # numpy scalars
        return obj.item()
    return obj


SUBJECT_DEPARTMENT = "部门整体"  # the subject of department-wide findings and of 决算 tables (FINDINGS.md)


@dataclass(frozen=True)
class Quote:
    """A place a finding rests on, as a reader finds it; serialised as {line, location, text}."""
    line: int | None  # the report's display line (the `line` of the outputs)
    location: Location  # where it is printed (file, page, sheet, table, row; on a PDF page the characters' box)
    text: str  # what is printed there (a table row with its cells separated by │)
    # the lines about it, each (quoted?, cells): what a memo shows where there is no page to picture (Report.around)
    around: tuple = ()


@dataclass
class Finding:
    """One thing a reviewer should look at.  The shape is the contract of FINDINGS.md."""

    report: str
    subject: str
    code: str
    category: str
    severity: str  # high | medium | low
    message: str
    evidence: dict = field(default_factory=dict)
    source: str = "rules"
    table: str = ""
    id: str = ""  # stable across runs (reviewer.consolidate.finding_id): what a reviewer's mark refers to
    # a merged finding's places, each (its lead Quote, the figures it is about): what the memo pictures one by one
    # (not part of the contract's shape: evidence.items says where each is)
    places: list = field(default_factory=list, repr=False, compare=False)

    def to_dict(self) -> dict:
        return {
            "report": self.report,
            "subject": self.subject,
            "table": self.table,
            "code": self.code,
            "category": self.category,
            "severity": self.severity,
            "message": self.message,
            "evidence": to_jsonable(self.evidence),
            "source": self.source,
            "id": self.id,  # added to the contract's fields: what a reviewer's mark refers to
        }

    def sort_key(self) -> tuple:
        quotes = self.evidence.get("quotes")
        return (SEVERITIES.index(self.severity), (quotes[0].line if quotes else 0) or 0, self.subject, self.code,
                self.message)


SEVERITIES = ["high", "medium", "low"]
