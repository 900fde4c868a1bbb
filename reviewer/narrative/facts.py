"""What a narrative backend may cite: labelled figures computed by code (facts) and the text to judge
(passages).  Backends never compute amounts; they cite fact ids.

Fact and passage ids are stable for a given report (F1, F2 …; P1, P2 …), so replies can be
validated, cached and replayed.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..checks.common import direction, fmt_num
from ..model import SUBJECT_DEPARTMENT, Indicator, Project, Report, Text, Value


@dataclass
class Fact:
    id: str
    subject: str
    label: str
    value: str  # as printed, or computed by code
    line: int | None = None
    kind: str = ""  # funds, rate, indicator, score, task, account
    number: float | None = None
    extra: dict = field(default_factory=dict)
    where: str = ""  # the line's location in the file: 第12行, 第3页表1第4行 …

    def render(self) -> str:
        where = f"（{self.where}）" if self.where else ""
        return f"{self.id} | {self.subject} | {self.label} | {self.value}{where}"


@dataclass
class Passage:
    id: str
    subject: str
    label: str
    text: str
    line: int | None = None
    key: str = ""  # goal, outcome, notes, implementation, output, problems, section:<key> …


def _v(v: Value, unit: str = "") -> str:
    if v.blank:
        return "（空）"
    return v.raw + (unit if v.is_number and not v.unit and unit and unit not in v.raw else "")


class FactBook:
    def __init__(self, locate=lambda line: f"第{line}行" if line else "") -> None:
        self.facts: list[Fact] = []
        self.by_id: dict[str, Fact] = {}
        self.locate = locate  # display line → location label

    def add(self, subject: str, label: str, value: str, line=None, kind="", number=None, **extra) -> Fact:
        f = Fact(f"F{len(self.facts) + 1}", subject, label, value, line, kind, number, extra, self.locate(line))
        self.facts.append(f)
        self.by_id[f.id] = f
        return f

    def of(self, subject: str, kind: str | None = None) -> list[Fact]:
        return [f for f in self.facts if f.subject == subject and (kind is None or f.kind == kind)]


def execution_ratio(p: Project) -> float | None:
    t = p.funds.total
    if t is None or t.executed.number is None or not t.budget_full.number:
        return None
    return t.executed.number / t.budget_full.number


def indicator_status(ind: Indicator) -> tuple[str, float | None]:
    """('met' | 'unmet' | 'unknown', actual/target) for a quantitative indicator, computed by code."""
    t, a = ind.target.number, ind.actual.number
    if t is None or a is None or t == 0:
        return "unknown", None
    ratio = a / t
    if direction(ind) == "down":
        return ("met" if a <= t else "unmet"), ratio
    return ("met" if a >= t else "unmet"), ratio


def build_facts(report: Report) -> FactBook:
    book = FactBook(report.location)
    for p in report.projects:
        _project_facts(book, p)
    dept = report.department_part
    if dept:
        for task in dept.key_tasks:
            book.add(SUBJECT_DEPARTMENT, f"重点工作任务“{task.name}”批复金额", _v(task.approved_total, task.unit),
                     task.line, "task", task.approved_total.number, task=task.name)
            book.add(SUBJECT_DEPARTMENT, f"重点工作任务“{task.name}”实际支出", _v(task.executed, task.unit),
                     task.line, "task", task.executed.number, task=task.name)
            book.add(SUBJECT_DEPARTMENT, f"重点工作任务“{task.name}”预算执行率", _v(task.rate), task.line, "task_rate",
                     task.rate.number, task=task.name)
        for row in dept.funds:
            for name, v in row.values.items():
                if v.is_number:
                    book.add(SUBJECT_DEPARTMENT, f"部门预算资金“{row.label}”{name}", _v(v, "万元"), row.line, "dept_funds",
                             v.number, row=row.label, column=name)
        for ind in dept.indicators:
            status, ratio = indicator_status(ind)
            book.add(SUBJECT_DEPARTMENT, f"部门整体指标“{ind.level3}”", f"目标 {ind.target.raw or '（空）'}，实际 "
                     f"{ind.actual.raw or '（空）'}", ind.line, "indicator", ratio, status=status)
    for table in report.accounts:
        if table.kind in ("income_expenditure", "expenditure") and not table.frame.empty:
            _account_facts(book, table)
    return book


def _project_facts(book: FactBook, p: Project) -> None:
    s, unit = p.name, p.funds.unit or "万元"
    t = p.funds.total
    if t is not None:
        for label, v in (("年初预算数", t.budget_initial), ("全年预算数", t.budget_full), ("财政下达数", t.allocated),
                         ("全年执行数", t.executed)):
            if not v.blank:
                book.add(s, label, _v(v, unit), t.line, "funds", v.number, column=label)
        ratio = execution_ratio(p)
        if ratio is not None:
            book.add(s, "执行率（按全年执行数 ÷ 全年预算数复核）", f"{fmt_num(ratio * 100)}%", t.line, "rate", ratio * 100)
        if not t.rate.blank:
            book.add(s, "执行率（表中填报）", _v(t.rate), t.line, "rate_stated", t.rate.number)
    for ind in p.indicators:
        status, ratio = indicator_status(ind)
        state = {"met": "已完成目标", "unmet": "未完成目标", "unknown": "定性或无法比较"}[status]
        pct = f"，完成比例 {fmt_num(ratio * 100)}%" if ratio is not None else ""
        book.add(s, f"指标“{ind.level3}”（{ind.level2}）",
                 f"年度指标值 {ind.target.raw or '（空）'}，实际完成值 {ind.actual.raw or '（空）'}，{state}{pct}，"
                 f"得分 {ind.score.raw or '（空）'}/{ind.weight.raw or '（空）'}", ind.line, "indicator", ratio,
                 status=status, level2=ind.level2, name=ind.level3, actual=ind.actual.number, target=ind.target.number)
    if not p.total_score.blank:
        book.add(s, "总得分", p.total_score.raw, p.total_score.line, "score", p.total_score.number)
    if p.grade:
        book.add(s, "自评等级", p.grade.raw, p.grade.line, "grade")


def _account_facts(book: FactBook, table) -> None:
    for r in table.records():
        name = r.get("name", "")
        if table.kind == "income_expenditure" and name in ("本年收入合计", "本年支出合计", "年初结转和结余", "年末结转和结余"):
            v = r.get("金额")
            book.add(SUBJECT_DEPARTMENT, f"{table.title}“{name}”", "0" if v != v or v is None else f"{v:,.2f}{table.unit}",
                     r["line"], "account", None if v != v else v, table=table.kind, name=name)
        if table.kind == "expenditure" and r.get("level") == "合计":
            for col in ("本年支出合计", "基本支出", "项目支出"):
                v = r.get(col)
                book.add(SUBJECT_DEPARTMENT, f"{table.title}“{col}”", "0" if v != v or v is None else f"{v:,.2f}{table.unit}",
                         r["line"], "account", None if v != v else v, table=table.kind, name=col)


def build_passages(report: Report) -> list[Passage]:
    out: list[Passage] = []

    def add(subject: str, label: str, text: Text, key: str) -> None:
        if text and text.text.strip():
            out.append(Passage(f"P{len(out) + 1}", subject, label, text.text.strip(), text.line, key))

    for p in report.projects:
        add(p.name, "预期目标", p.goal, "goal")
        add(p.name, "实际完成情况", p.outcome, "outcome")
        add(p.name, "其他需要说明的事项", p.notes, "notes")
        for key, text in p.analysis.items():
            add(p.name, ANALYSIS_LABELS.get(key, key), text, key)
        for ind in p.indicators:
            add(p.name, f"指标“{ind.level3}”偏差原因", ind.deviation, "deviation")
    dept = report.department_part
    if dept:
        def walk(sections, prefix=""):
            for s in sections:
                label = f"{prefix}{s.number}{s.title}"
                add(SUBJECT_DEPARTMENT, label, s.text, f"section:{s.key or s.number}")
                walk(s.subsections, label + " / ")

        walk(dept.sections)
        for g in dept.year_goals:
            add(SUBJECT_DEPARTMENT, f"{g.year or ''}年度目标", g.target, "year_goal")
            add(SUBJECT_DEPARTMENT, f"{g.year or ''}年度目标实际完成情况", g.actual, "year_actual")
        for task in dept.key_tasks:
            add(SUBJECT_DEPARTMENT, f"重点工作任务“{task.name}”执行偏低原因", task.reason, "task_reason")
        add(SUBJECT_DEPARTMENT, "其他需说明事项", dept.notes, "notes")
    return out


ANALYSIS_LABELS = {
    "implementation": "项目实施和预算执行情况及分析", "output": "产出情况及分析", "effect": "效益情况及分析",
    "satisfaction": "满意度情况及分析", "experience": "主要经验做法", "problems": "存在的主要问题及原因分析",
    "improvements": "下一步改进措施及管理建议", "conclusion": "评价结论", "total_remark": "总分栏说明",
}
