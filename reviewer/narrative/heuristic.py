"""The offline narrative backend: deterministic, no network, the default.

It reads Chinese completion and shortfall phrases, counts and percentages in the narrative and
compares them with the facts code computed, returning claims in the same shape an LLM would,
so the same validation turns them into findings.
"""
from __future__ import annotations

import re
from collections import defaultdict

from ..checks.common import same_project, similarity_at_least
from ..config import Config, NarrativeRules
from ..model import SUBJECT_DEPARTMENT, Report
from .facts import FactBook, Passage, execution_ratio
from .registry import register

COMPLETE_RE = re.compile(r"按预定进度完成|按预算要求(?:及时)?完成|按计划(?:进度)?完成|圆满完成|全面完成|顺利完成|"
                         r"全部完成|如期完成|均已完成|完成了?既定|达到预期")
NEGATION_RE = re.compile(r"(未|没有|尚未|不能|未能|无法|不够|是否|力争|确保)\s*$")
NOT_DONE_RE = re.compile(r"(尚未|未能|没有)(开展|实施|启动|完成|捐赠|支付|拨付|采购|举办|落实|到位)")
NO_ACTIVITY_RE = re.compile(r"无[\u4e00-\u9fff]{0,8}(收入|支出|活动)|未开展|未实施|未能(开展|实施)|未发生")
NOT_STARTED_OBJECT_RE = re.compile(r"尚未(?:开展|实施|启动|举办)([\u4e00-\u9fff]{1,6}?)(?:工作|活动|项目|任务)")
NAMED_AMOUNT_RE = re.compile(r"([\u4e00-\u9fff“”（）()—\-]{2,30}?(?:经费|资金))\s*(\d+(?:\.\d+)?)\s*万元")
CHANGE_PCT_RE = re.compile(r"(?:较|比)(?:上年|去年|上年度|同期)[^。；，,]{0,8}?(?:增加|增长|下降|减少|上升)\s*(\d+(?:\.\d+)?)\s*%")
PRIOR_AMOUNT_RE = re.compile(r"(?:上年|去年|上年度|\d{4}年)[^。；]{0,12}?\d[\d,]*(?:\.\d+)?\s*(?:万元|元)")
SENTENCE_SPLIT_RE = re.compile(r"[。；;\n]")
PROJECT_CLAIM_KEYS = {"outcome", "implementation", "output", "effect", "notes", "total_remark", "deviation"}


@register("heuristic", offline=True)
def make(config: Config, **_) -> HeuristicBackend:
    """The offline checker, with the rules' [narrative] thresholds."""
    return HeuristicBackend(config.narrative)


class HeuristicBackend:
    name = "heuristic"

    def __init__(self, rules: NarrativeRules) -> None:
        self.cut_high, self.cut_medium = rules.completion_contradiction
        self.not_done_share = rules.not_done_exec_share
        self.min_chars = rules.boilerplate_min_chars
        self.min_projects = rules.boilerplate_min_projects
        self.restate = rules.restate_similarity

    def run(self, report: Report, facts: FactBook, passages: list[Passage]) -> list[dict]:
        claims: list[dict] = []
        self._no_activity_flagged: set[str] = set()  # one such claim per project, from its first passage
        projects = {p.name: p for p in report.projects}
        for ps in passages:
            if ps.subject in projects:
                claims += self._project_claims(projects[ps.subject], ps, facts)
            else:
                claims += self._department_claims(report, ps, facts, passages)
            claims += self._unsupported_changes(ps, facts)
        claims += self._repeated_sentences(passages)
        claims += self._restated_goals(passages)
        return claims

    # --- a project's text against its own figures --------------------------------------------

    def _project_claims(self, p, ps: Passage, facts: FactBook) -> list[dict]:
        out = []
        if ps.key not in PROJECT_CLAIM_KEYS:
            return out
        rate_fact = next(iter(facts.of(p.name, "rate")), None)
        ratio = execution_ratio(p)
        m = _first_claim(COMPLETE_RE, ps.text)
        if m:
            shortfalls = [f for f in facts.of(p.name, "indicator") if f.extra.get("status") == "unmet"
                          and f.extra.get("level2", "").startswith("数量") and f.number is not None]
            worst = min([f.number for f in shortfalls] + ([ratio] if ratio is not None else []), default=None)
            if worst is not None and worst < self.cut_medium:
                cited = ([rate_fact.id] if rate_fact and ratio is not None and ratio < self.cut_medium else [])
                cited += [f.id for f in shortfalls if f.number < self.cut_medium]
                if cited:
                    parts = []
                    if rate_fact and ratio is not None and ratio < self.cut_medium:
                        parts.append(f"预算执行率仅 {rate_fact.value}")
                    parts += [_short(f) for f in shortfalls if f.number < self.cut_medium][:3]
                    out.append(_claim(ps, m.group(0), cited, "contradicted", "contradiction",
                                      "high" if worst < self.cut_high else "medium",
                                      f"文中称“{m.group(0)}”，但" + "；".join(parts) + "。"))
        m = NO_ACTIVITY_RE.search(ps.text)
        if m and ratio == 0 and ps.key in ("outcome", "notes") and p.name not in self._no_activity_flagged:
            sat = [f for f in facts.of(p.name, "indicator") if "满意" in f.extra.get("name", "")
                   and f.extra.get("actual")]
            spent = [f.id for f in facts.of(p.name, "funds") if f.extra.get("column") == "全年执行数"]
            if sat and spent:
                self._no_activity_flagged.add(p.name)
                out.append(_claim(ps, m.group(0), [sat[0].id] + spent, "unverifiable", "unsupported", "medium",
                                  f"文中称“{m.group(0)}”、全年执行数为 0，却填报{_short(sat[0])}，没有对象可以调查。"))
        m = _first_claim(NOT_DONE_RE, ps.text)
        if m and ratio is not None and ratio >= self.not_done_share and rate_fact:
            quote = _clause(ps.text, m)
            out.append(_claim(ps, quote, [rate_fact.id] + [f.id for f in facts.of(p.name, "funds")
                                                             if f.extra.get("column") == "全年执行数"],
                              "contradicted", "contradiction", "high",
                              f"文中称“{quote}”，但项目资金已执行 {rate_fact.value}，资金已全部支出而事项未办。"))
        return out

    # --- the department's text: completion claims, cross-section statements, amounts -------

    def _department_claims(self, report: Report, ps: Passage, facts: FactBook, passages: list[Passage]) -> list[dict]:
        out = []
        m = _first_claim(COMPLETE_RE, ps.text)
        if m and ps.key.startswith(("section:", "year_actual")):
            low = [f for f in facts.of(SUBJECT_DEPARTMENT, "task_rate") if f.number is not None and f.number < 100 * self.cut_medium]
            undone = [q for q in passages if q.subject == SUBJECT_DEPARTMENT and q.id != ps.id
                      and q.key.startswith("section:") and _first_claim(NOT_DONE_RE, q.text)]
            if low or undone:
                why = [f"{f.label} {f.value}" for f in low[:3]]
                why += [f"“{q.label}”称“{_clause(q.text, _first_claim(NOT_DONE_RE, q.text))}”" for q in undone[:2]]
                out.append(_claim(ps, m.group(0), [f.id for f in low], "contradicted", "contradiction", "medium",
                                  f"文中称“{m.group(0)}”，但" + "；".join(why) + "。", [q.id for q in undone]))
        for m in NOT_STARTED_OBJECT_RE.finditer(ps.text):
            thing = m.group(1)
            for p in report.projects:
                done = [f for f in facts.of(p.name, "indicator") if thing in f.extra.get("name", "")
                        and (f.extra.get("actual") or 0) > 0]
                if done:
                    quote = _clause(ps.text, m)
                    out.append(_claim(ps, quote, [f.id for f in done], "contradicted", "contradiction", "high",
                                      f"部门整体自评“{ps.label}”称“{quote}”，而项目“{p.name}”的绩效指标填报已完成："
                                      + "；".join(_short(f) for f in done[:3]) + "。",
                                      subject=p.name))
        for m in NAMED_AMOUNT_RE.finditer(ps.text):
            name, amount = m.group(1).lstrip("号的为、及和"), float(m.group(2))
            quote = m.group(0)[len(m.group(1)) - len(name):]
            for p in report.projects:
                if not same_project(name, p.name) or p.funds.total is None:
                    continue
                t = p.funds.total
                unit_k = 1e4 if (p.funds.unit == "元") else 1.0
                figures = [v.number for v in (t.budget_full, t.executed) if v.number is not None]
                if figures and all(abs(amount * unit_k - x) > 0.006 * unit_k for x in figures):
                    cited = [f.id for f in facts.of(p.name, "funds")]
                    out.append(_claim(ps, quote, cited, "contradicted", "contradiction", "medium",
                                      f"部门整体自评“{ps.label}”写“{quote}”，而项目“{p.name}”表中全年预算数 "
                                      f"{t.budget_full.raw}、全年执行数 {t.executed.raw}。", subject=p.name))
        return out

    # --- figures the report gives no basis for -------------------------------------------------

    def _unsupported_changes(self, ps: Passage, facts: FactBook) -> list[dict]:
        out = []
        for sentence in SENTENCE_SPLIT_RE.split(ps.text):
            for m in CHANGE_PCT_RE.finditer(sentence):
                if PRIOR_AMOUNT_RE.search(sentence):
                    continue  # the base is printed; reviewer.checks.narrative_math verifies it
                cited = [f.id for f in facts.of(ps.subject) if f.kind in ("account", "funds", "dept_funds")][:3]
                if not cited:
                    cited = [f.id for f in facts.facts if f.kind in ("account", "dept_funds")][:2]
                if cited:
                    out.append(_claim(ps, m.group(0), cited, "unverifiable", "unsupported", "low",
                                      f"“{m.group(0)}”：报告中没有上年数，该增减率无从核对。"))
        return out

    def _repeated_sentences(self, passages: list[Passage]) -> list[dict]:
        where: dict[str, list[Passage]] = defaultdict(list)
        for ps in passages:
            if ps.subject == SUBJECT_DEPARTMENT or ps.key in ("goal", "deviation"):
                continue
            for s in SENTENCE_SPLIT_RE.split(ps.text):
                s = s.strip(" ，,")
                if len(re.sub(r"\s", "", s)) >= self.min_chars:
                    where[s].append(ps)
        per_project: dict[str, list[tuple[str, Passage, list[Passage]]]] = defaultdict(list)
        for sentence, seen in where.items():
            subjects = {ps.subject for ps in seen}
            if len(subjects) < self.min_projects:
                continue
            for ps in seen:
                others = [q for q in seen if q.subject != ps.subject]
                per_project[ps.subject].append((sentence, ps, others))
        out = []
        for items in per_project.values():
            sentence, ps, others = items[0]
            names = sorted({q.subject for q in others})
            more = f"；另有 {len(items) - 1} 句同样重复" if len(items) > 1 else ""
            out.append(_claim(ps, sentence, [], "unverifiable", "boilerplate", "low",
                              f"“{sentence}”与 {len(names)} 个其他项目（{'、'.join(names[:4])}{'等' if len(names) > 4 else ''}）"
                              f"一字不差{more}，未针对本项目填写。", [q.id for q in others][:6]))
        return out

    def _restated_goals(self, passages: list[Passage]) -> list[dict]:
        out = []
        by_subject: dict[str, dict[str, Passage]] = defaultdict(dict)
        pairs = []
        for ps in passages:
            by_subject[ps.subject].setdefault(ps.key, ps)
            if ps.key == "year_actual":
                goal = next((q for q in passages if q.key == "year_goal" and q.label.replace("年度目标", "")
                             == ps.label.replace("年度目标实际完成情况", "")), None)
                if goal:
                    pairs.append((goal, ps))
        for keyed in by_subject.values():
            if "goal" in keyed and "outcome" in keyed:
                pairs.append((keyed["goal"], keyed["outcome"]))
        for goal, actual in pairs:
            a, b = re.sub(r"\s|\d{4}年", "", goal.text), re.sub(r"\s|\d{4}年", "", actual.text)
            if len(a) < 8 or len(b) < 8:
                continue
            if re.findall(r"\d+(?:\.\d+)?", a) != re.findall(r"\d+(?:\.\d+)?", b):
                continue  # the same sentence with what was achieved in place of what was planned: a report
            ratio = similarity_at_least(a, b, self.restate, autojunk=False)
            if ratio is not None:
                out.append(_claim(actual, actual.text[:60], [], "unverifiable", "boilerplate", "medium",
                                  f"“{actual.label}”与“{goal.label}”相似度 {ratio:.0%}，照抄目标而未写实际完成情况。",
                                  [goal.id]))
        return out


def _short(f) -> str:
    """“培训次数”实际 1次（目标 ≥7次）: an indicator fact in a few words."""
    m = re.search(r"年度指标值 (.*?)，实际完成值 (.*?)，", f.value)
    name = f.extra.get("name") or f.label
    return f"“{name}”实际 {m.group(2)}（目标 {m.group(1)}）" if m else f"{f.label} {f.value}"


def _first_claim(rx: re.Pattern, text: str):
    for m in rx.finditer(text):
        if not NEGATION_RE.search(text[max(0, m.start() - 3): m.start()]):
            return m
    return None


def _clause(text: str, m: re.Match) -> str:
    start = max(text.rfind(ch, 0, m.start()) for ch in "，。；,;：:\n") + 1
    ends = [i for i in (text.find(ch, m.end()) for ch in "，。；,;\n") if i >= 0]
    end = min(ends) if ends else len(text)
    return text[start:end].strip()


def _claim(ps: Passage, quote: str, facts: list[str], verdict: str, kind: str, severity: str, reason: str,
           passages: list[str] | None = None, subject: str | None = None) -> dict:
    c = {"passage": ps.id, "quote": quote, "facts": facts, "passages": passages or [], "verdict": verdict,
         "kind": kind, "severity": severity, "reason": reason}
    if subject and subject != ps.subject:
        c["subject"] = subject  # the finding belongs to the project the text contradicts
    return c
