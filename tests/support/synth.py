"""Synthetic reports for evals, benchmarks and reference distributions — never real data.  A test-data
generator: it uses the reviewer's text layouts, the reviewer never uses it.

    python tests/support/synth.py --n 1000 --seed 7 --out out/synth          # a corpus (bench_scale.py uses it)
    python tests/support/synth.py --spec evals/synth.toml --out out/eval-synth  # the eval set: out/eval-synth/synth.jsonl

Reports come in the seeds' layouts (云南 tab-separated with 指标性质/度量单位, central one-cell-per-line
with 项目绩效分析, 元 with thousands separators) and units.  Budgets, execution rates, indicator counts
and weights are drawn from distributions fitted to the real project tables in corpus/seeds.  Clean
projects are arithmetically right; anomalies are injected at a known rate and written beside the
reports as labels (labels.jsonl, one finding-shaped object per anomaly, and `clean` entries).
Same seed, same corpus, byte for byte.
"""
from __future__ import annotations

import argparse
import copy
import json
import math
import random
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from reviewer.read.document import Cell, Row
from reviewer.read.text import render_rows

SYNTH_MARK = "【合成数据】本报告由测试数据生成器生成，仅用于测试和评估，不是真实单位的报告。"
CITIES = ["甲州市", "乙川市", "丙山市", "丁江市", "戊原市", "己平市", "庚宁市", "辛安市", "壬水市", "癸林市",
          "东陵市", "西岭市", "南湖市", "北岗市", "中屿市"]
OFFICES = ["人民政府外事办公室", "人民政府驻北京联络处", "人民政府合作交流办公室", "文化和旅游局", "商务局",
           "人力资源和社会保障局", "科学技术局", "民族宗教事务委员会"]
TOPICS = ["外事接待", "友城交流", "对外宣传", "人才培训", "招商推介", "会议保障", "课题研究", "信息化建设", "办公设备更新",
          "档案数字化", "志愿服务", "技能培训", "展会参展", "联络服务", "政策宣讲"]
TAILS = ["专项经费", "工作经费", "业务费", "专项资金"]
COUNT_UNITS = [("次", "开展活动次数"), ("场", "举办活动场次"), ("批", "接待团组批次"), ("人次", "服务人次"),
               ("篇", "发布稿件数量"), ("期", "培训期数"), ("个", "对接项目个数"), ("册", "印制宣传册数量")]
PCT_NAMES = ["任务完成率", "资料归档率", "验收合格率", "信息报送准确率", "问题整改率"]
QUAL = [("工作开展及时性", "及时", "及时"), ("制度建设情况", "制度健全", "制度健全"),
        ("对外形象提升", "有所提升", "明显提升"), ("工作机制运行", "运行顺畅", "运行顺畅")]
EFFECTS = [("社会效益指标", "服务对象覆盖面", "%"), ("社会效益指标", "政策知晓率", "%"),
           ("经济效益指标", "促成合作意向数量", "个"), ("可持续影响指标", "长效机制运行率", "%")]
PROBLEMS = ["部分活动受天气和场地影响需要调整时间", "资金支付审批流程较长影响进度", "项目前期论证不够充分",
            "参与单位之间沟通衔接还需加强", "绩效目标细化程度不足", "宣传覆盖面有待扩大"]
IMPROVE = ["提前制定实施计划并细化时间节点", "加强与财政部门沟通加快支付", "完善绩效目标和指标设置",
           "建立定期调度机制", "扩大宣传渠道提升覆盖面", "加强过程监控和绩效跟踪"]

PROJECT_CODES = ["total_mismatch", "rate_mismatch", "exec_score", "weights", "grade", "indicator_score",
                 "exec_exceeds_allocation", "budget_adjusted", "arithmetic", "missing", "high_score_low_exec",
                 "target_too_low", "satisfaction_ceiling", "qualitative", "narrative_contradiction", "boilerplate",
                 "unsupported_claim", "outlier"]
LABEL_CATEGORY = {"high_score_low_exec": "stat", "target_too_low": "stat", "satisfaction_ceiling": "stat",
                  "qualitative": "stat", "outlier": "stat", "narrative_contradiction": "narrative",
                  "boilerplate": "narrative", "unsupported_claim": "narrative", "metadata": "meta"}


@dataclass
class Fitted:
    """Distributions fitted to the real project tables (computed from corpus/seeds)."""

    log_budget_mean: float = 2.3
    log_budget_sd: float = 0.9
    exec_rates: list[float] = field(default_factory=lambda: [1.0])
    n_indicators: list[int] = field(default_factory=lambda: [6])

    @classmethod
    def from_seeds(cls, seeds_dir: Path | None = None) -> "Fitted":
        from reviewer import extract

        seeds_dir = seeds_dir or Path(__file__).resolve().parents[2] / "corpus" / "seeds"
        budgets, rates, counts = [], [], []
        for path in sorted(seeds_dir.glob("*.txt")):
            report = extract(path)
            for p in report.projects:
                t = p.funds.total
                if t is None or not t.budget_full.number:
                    continue
                b = t.budget_full.number / (1e4 if p.funds.unit == "元" else 1)
                budgets.append(math.log(b))
                if t.executed.number is not None:
                    rates.append(min(1.0, t.executed.number / t.budget_full.number))
                if p.indicators:
                    counts.append(len(p.indicators))
        if len(budgets) < 2:
            return cls()
        mean = sum(budgets) / len(budgets)
        sd = (sum((x - mean) ** 2 for x in budgets) / (len(budgets) - 1)) ** 0.5
        return cls(mean, sd, sorted(rates), sorted(counts))


@dataclass
class Indicator:
    level1: str
    level2: str
    name: str
    op: str
    target: float | str
    actual: float | str
    unit: str
    weight: float
    score: float = 0.0
    deviation: str = ""
    qualitative: bool = False
    shortfall: bool = False  # the one indicator a clean project falls short on (so not every score is full)

    def target_text(self, inline: bool) -> str:
        return _value_text(self.op if inline else "", self.target, self.unit if inline else "")

    def actual_text(self, inline: bool) -> str:
        return _value_text("", self.actual, self.unit if inline else "")


def _value_text(op: str, v, unit: str) -> str:
    if isinstance(v, str):
        return v
    num = f"{v:g}" if float(v).is_integer() else f"{v:.2f}".rstrip("0").rstrip(".")
    return f"{op}{num}{(' ' + unit) if unit and unit != '%' else unit}"


@dataclass
class Project:
    name: str
    department: str
    implementer: str
    b0: float
    b1: float
    executed: float
    allocated: float | None
    indicators: list[Indicator]
    goal: str
    outcome: str
    notes: str = ""
    problems: str = ""
    improvements: str = ""
    rate_printed: float = 0.0
    exec_score: float = 0.0
    total: float = 0.0
    total_weight: float = 100.0
    grade: str = ""
    sub_current: float | None = None  # 当年财政拨款 全年执行数 (defaults to the total)
    empty_indicators: bool = False
    labels: list[dict] = field(default_factory=list)


class Generator:
    def __init__(self, seed: int = 0, fitted: Fitted | None = None, anomaly_rate: float = 0.3) -> None:
        self.rng = random.Random(seed)
        self.fit = fitted or Fitted.from_seeds()
        self.anomaly_rate = anomaly_rate

    # --- clean projects ------------------------------------------------------------------------

    def project(self, dept: str, used: set[str]) -> Project:
        rng = self.rng
        for _ in range(50):
            name = rng.choice(TOPICS) + rng.choice(TAILS)
            if name not in used:
                break
        else:
            name = f"{rng.choice(TOPICS)}{len(used)}号{rng.choice(TAILS)}"
        used.add(name)
        b1 = round(math.exp(rng.gauss(self.fit.log_budget_mean, self.fit.log_budget_sd)), 2)
        b1 = max(0.5, min(b1, 500.0))
        b0 = b1 if rng.random() < 0.75 else round(b1 * rng.uniform(1.0, 1.08), 2)
        r = self.clean_rate()
        executed = round(b1 * r, 2)
        p = Project(name, dept, dept, b0, b1, executed, None, [], "", "")
        p.indicators = self.indicators(p)
        self.texts(p)
        self.score(p)
        return p

    def clean_rate(self) -> float:
        """An execution rate drawn from the seeds' rates, within the range a clean project has (≥ 86%)."""
        pool = [x for x in self.fit.exec_rates if x >= 0.86] or [1.0]
        r = self.rng.choice(pool)
        return 1.0 if r >= 0.9999 else self.rng.uniform(max(0.86, r - 0.03), min(0.999, r + 0.03))

    def indicators(self, p: Project) -> list[Indicator]:
        rng = self.rng
        n_out = max(3, min(6, rng.choice(self.fit.n_indicators) - 2))
        out_weights = _split(50, n_out, rng)
        inds = []
        units = rng.sample(COUNT_UNITS, k=min(n_out, len(COUNT_UNITS)))
        for k in range(n_out):
            w = out_weights[k]
            kind = ["数量指标", "数量指标", "质量指标", "时效指标", "成本指标", "数量指标"][k % 6]
            if kind == "数量指标":
                unit, label = units[k % len(units)]
                t = rng.choice([2, 3, 4, 5, 6, 8, 10, 12, 20, 30, 50, 100, 200])
                a = _slightly_above(t, rng)
                inds.append(Indicator("产出指标", kind, f"{label}", "≥", t, a, unit, w))
            elif kind == "质量指标":
                t = rng.choice([85, 90, 95])
                a = rng.choice([t + 1, t + 2, t + 3, min(99, t + 4)])
                inds.append(Indicator("产出指标", kind, rng.choice(PCT_NAMES), "≥", t, a, "%", w))
            elif kind == "时效指标":
                name, tgt, act = rng.choice(QUAL)
                inds.append(Indicator("产出指标", kind, name, "定性", tgt, act, "", w, qualitative=True))
            else:
                cap = round(p.b1, 2)
                inds.append(Indicator("产出指标", kind, "项目成本控制", "≤", cap, round(p.executed, 2), "万元", w))
        effects = rng.sample(EFFECTS, k=2)
        for (l2, name, unit), w in zip(effects, _split(30, 2, rng)):
            if unit == "%":
                t = rng.choice([80, 85, 90])
                inds.append(Indicator("效益指标", l2, name, "≥", t, t + rng.choice([2, 4, 5, 6]), "%", w))
            else:
                t = rng.choice([2, 3, 5, 8])
                inds.append(Indicator("效益指标", l2, name, "≥", t, _slightly_above(t, rng), unit, w))
        t = rng.choice([85, 90])
        inds.append(Indicator("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥", t, rng.choice([91, 92, 93, 95, 96, 97]),
                              "%", 10))
        # one indicator falls short, with its score reduced and the reason given (real tables do this)
        short = next((i for i in inds if i.level2 == "数量指标" and isinstance(i.target, int) and i.target >= 3), None)
        short = short or next(i for i in inds if i.unit == "%" and i.level1 != "满意度指标")
        short.actual = min(short.target - 1, max(1, round(short.target * self.rng.uniform(0.7, 0.9))))
        short.shortfall = True
        short.deviation = f"受{self.rng.choice(['天气', '场地', '档期', '人员调整'])}影响，{short.name}未达计划，下一步将提前安排。"
        return inds

    def texts(self, p: Project) -> None:
        rng = self.rng
        topic = p.name.rstrip("专项经费工作业务资金")
        p.goal = (f"围绕{topic}工作，全年计划安排{p.name}{p.b1:g}万元，"
                  f"用于{rng.choice(['组织实施', '保障开展', '统筹推进'])}{topic}相关任务，提升服务质量。")
        quant = [i for i in p.indicators if i.level2 == "数量指标"]
        facts = "，".join(f"{i.name}{_value_text('', i.actual, i.unit)}" for i in quant[:2])
        p.outcome = (f"{p.name}全年实际支出{p.executed:g}万元，{facts}，"
                     f"{rng.choice(['服务对象反映良好', '相关单位评价较好', '工作得到上级肯定'])}。")
        p.problems = f"{topic}实施中{rng.choice(PROBLEMS)}。"
        p.improvements = f"针对{topic}，{rng.choice(IMPROVE)}。"
        if p.b0 != p.b1:
            p.notes = f"年中根据实际需要调整预算，{p.name}由{p.b0:g}万元调减为{p.b1:g}万元。"

    def score(self, p: Project, keep_total: bool = False) -> None:
        for i in p.indicators:
            if i.qualitative or isinstance(i.target, str):
                i.score = i.weight
            elif i.op == "≤":
                i.score = i.weight if i.actual <= i.target else round(i.weight * i.target / i.actual, 2)
            else:
                i.score = i.weight if i.actual >= i.target else round(i.weight * i.actual / i.target, 2)
        r = p.executed / p.b1 if p.b1 else 0.0
        p.rate_printed = round(r * 100, 2)
        p.exec_score = round(10 * min(r, 1.0), 2)
        if not keep_total:
            p.total = round(p.exec_score + sum(i.score for i in p.indicators), 2)
        p.grade = grade_of(p.total)


def _slightly_above(t: int, rng: random.Random) -> int:
    """A realistic actual value for a met count target: at most 15% above it."""
    return max(t, min(round(t * rng.uniform(1.0, 1.15)), math.ceil(t * 1.15) - 1 if t >= 7 else t))


def _sync_cost(p: "Project") -> None:
    for i in p.indicators:
        if i.level2 == "成本指标":
            i.target, i.actual = round(p.b1, 2), round(p.executed, 2)


def grade_of(total: float) -> str:
    return "优" if total >= 90 else "良" if total >= 80 else "中" if total >= 60 else "差"


def _split(total: int, n: int, rng: random.Random) -> list[int]:
    base = [total // n] * n
    for k in range(total - sum(base)):
        base[k % n] += 1
    return base


# --- anomalies ---------------------------------------------------------------------------------


def inject(gen: Generator, p: Project, code: str, report: str, style: str) -> bool:
    """Change a clean project so that exactly one thing a reviewer should find is wrong.

    When the anomaly cannot be made on this project, the project is left exactly as it was."""
    snapshot = copy.deepcopy(p)
    if _inject(gen, p, code, report, style):
        return True
    p.__dict__.update(snapshot.__dict__)
    return False


def _inject(gen: Generator, p: Project, code: str, report: str, style: str) -> bool:
    rng = gen.rng
    note = ""
    if code == "total_mismatch":
        deltas = [d for d in (-5, -3.5, -2, 2, 3, 6) if grade_of(p.total + d) == p.grade and p.total + d <= 100]
        if not deltas:
            return False
        p.total = round(p.total + rng.choice(deltas), 2)
        note = f"总分改为 {p.total:g}，与分项之和不符"
    elif code == "rate_mismatch":
        if p.rate_printed >= 99.99:
            return False
        wrong = round(p.rate_printed + rng.choice([-7.3, -4.1, 3.2, 5.5]), 2)
        if not 0 < wrong < 100:
            return False
        p.rate_printed = wrong
        note = f"执行率填为 {wrong}%"
    elif code == "exec_score":
        if p.exec_score >= 9.0:
            p.executed = round(p.b1 * rng.uniform(0.8, 0.88), 2)
            _sync_cost(p)
            gen.score(p)
        p.exec_score = 10.0
        p.total = round(p.exec_score + sum(i.score for i in p.indicators), 2)
        p.grade = grade_of(p.total)
        note = "执行率未满仍给预算执行满分 10"
    elif code == "weights":
        i = rng.choice([x for x in p.indicators[:-1] if not x.deviation and x.weight > 5])
        i.weight -= 5
        gen.score(p)
        note = f"指标“{i.name}”分值减 5，分值合计 95"
    elif code == "grade":
        better = {"良": "优", "中": "良", "差": "中"}.get(p.grade)
        if better is None:
            return False
        p.grade = better
        note = f"总分 {p.total:g} 自评为“{better}”"
    elif code == "indicator_score":
        i = next((x for x in p.indicators if not x.qualitative and x.op == "≥" and x.level2 == "数量指标"
                  and isinstance(x.target, int) and x.target >= 3 and not x.shortfall), None)
        if i is None:
            return False
        i.actual = max(1, round(i.target * rng.uniform(0.4, 0.7)))
        i.score = i.weight
        i.deviation = ""
        p.total = round(p.exec_score + sum(x.score for x in p.indicators), 2)
        p.grade = grade_of(p.total)
        note = f"指标“{i.name}”未完成却得满分"
    elif code == "exec_exceeds_allocation":
        if style != "yunnan":  # only the 云南 template prints 财政下达数
            return False
        p.allocated = round(p.executed * rng.uniform(0.2, 0.6), 2)
        note = f"财政下达数 {p.allocated:g} 小于执行数 {p.executed:g}"
    elif code == "budget_adjusted":
        p.b0 = round(p.b1 * rng.uniform(1.3, 2.0), 2)
        p.b1 = p.executed
        p.notes = ""
        _sync_cost(p)
        gen.score(p)
        note = f"全年预算数由 {p.b0:g} 调减至执行数 {p.b1:g}"
    elif code == "arithmetic":
        p.sub_current = round(p.executed * rng.uniform(0.5, 0.8), 2)
        note = "当年财政拨款执行数与年度资金总额不符"
    elif code == "missing":
        p.empty_indicators = True
        note = "有预算而绩效指标全部空白"
    elif code == "high_score_low_exec":
        p.executed = round(p.b1 * rng.uniform(0.0, 0.25), 2)
        _sync_cost(p)
        gen.score(p)
        lift = max(0.0, 90.5 - p.total)
        if lift > 0:  # the self-score stays high: indicators fully met
            for i in p.indicators:
                if i.deviation:
                    i.actual, i.deviation = i.target, ""
            gen.score(p)
        if p.total < 90:
            return False
        quant = [i for i in p.indicators if i.level2 == "数量指标"]
        p.outcome = f"{p.name}全年支出{p.executed:g}万元，" + "，".join(
            f"{i.name}{_value_text('', i.actual, i.unit)}" for i in quant[:2]) + "。"
        note = f"执行率 {p.rate_printed:g}% 自评 {p.total:g} 分"
    elif code == "target_too_low":
        i = next((x for x in p.indicators if x.level2 == "数量指标" and not x.deviation and not x.shortfall), None)
        if i is None:
            return False
        i.actual = i.target * rng.choice([3, 4, 5, 6])
        gen.score(p)
        note = f"指标“{i.name}”目标 {i.target} 实际 {i.actual}"
    elif code == "satisfaction_ceiling":
        i = p.indicators[-1]
        i.actual = 100
        gen.score(p)
        note = "满意度 100%，无调查依据"
    elif code == "qualitative":
        core = [i for i in p.indicators if i.level1 in ("产出指标", "效益指标") and not i.qualitative]
        for i in [x for x in core if not x.shortfall][: max(0, len(core) - 2)]:
            name, tgt, act = rng.choice(QUAL)
            i.name, i.op, i.target, i.actual, i.unit, i.qualitative, i.deviation = name + i.level2[:2], "定性", tgt, tgt, "", True, ""
        gen.score(p)
        note = "产出和效益指标大多为定性表述"
    elif code == "narrative_contradiction":
        # 55–65%: low enough to contradict "按预定进度完成", not so low that the scores become a second anomaly
        p.executed = round(p.b1 * rng.uniform(0.55, 0.65), 2)
        quant = next((i for i in p.indicators if i.level2 == "数量指标" and isinstance(i.target, int)
                      and i.target >= 3), None)
        if quant is None:
            return False
        quant.actual = max(1, min(quant.target - 1, round(quant.target * 0.3)))
        _sync_cost(p)
        gen.score(p)
        if p.total >= 90:  # 优 on this execution would be a second anomaly (high_score_low_exec)
            return False
        quant.deviation = "受客观因素影响未完成，下一步加快推进。"
        p.outcome = f"{p.name}各项工作按预定进度完成，全年支出{p.executed:g}万元。"
        note = f"称“按预定进度完成”而执行率 {p.rate_printed:g}%、{quant.name}仅完成 {quant.actual}"
    elif code == "boilerplate":
        p.outcome = p.goal
        note = "实际完成情况照抄预期目标"
    elif code == "unsupported_claim":
        p.notes = (p.notes + " " if p.notes else "") + f"本项目支出较上年增长{rng.uniform(8, 60):.2f}%。"
        note = "较上年增长率没有上年数可核对"
    elif code == "outlier":
        # a budget far above what similar projects get: a multiple of the corpus median, not of its own
        factor = rng.uniform(80, 200)
        scale = math.exp(gen.fit.log_budget_mean) * factor / p.b1
        p.b0, p.b1, p.executed = round(p.b0 * scale, 2), round(p.b1 * scale, 2), round(p.executed * scale, 2)
        _sync_cost(p)
        gen.score(p)
        p.notes = ""
        p.goal = p.goal.split("，全年计划")[0] + "，提升服务质量。"
        p.outcome = p.outcome.split("全年实际支出")[0] + "全年工作有序推进。"
        note = f"预算 {p.b1:g} 万元，约为同类项目的 {factor:.0f} 倍"
    else:
        return False
    p.labels.append({"report": report, "subject": p.name, "code": code, "note": note})
    return True


# --- rendering ---------------------------------------------------------------------------------


def _row(*cells: str) -> Row:
    return Row([Cell(str(c), 0) for c in cells], 0, 0)


def _money(x: float | None, style: str) -> str:
    if x is None:
        return ""
    if style == "yuan":
        return f"{x * 1e4:,.2f}"
    return f"{x:.2f}"


def project_rows(p: Project, style: str, year: int) -> list[Row]:
    """A project table as rows, in the 云南 (yunnan), central or 元 (yuan) template."""
    unit = "元" if style == "yuan" else "万元"
    rows = [_row(f"{year}年度项目支出绩效自评表" if style != "yuan" else "财政项目支出绩效自评表"),
            _row(f"（ {year} 年度）"), _row("项目名称", p.name), _row("主管部门", p.department, "实施单位", p.implementer)]
    has_alloc = style == "yunnan" and p.allocated is not None
    head = ["项目资金（" + unit + "）", "", "年初预算数", "全年预算数"] + (["财政下达数"] if has_alloc else []) + \
        ["全年执行数", "分值", "执行率", "得分"]
    rows.append(_row(*head))
    alloc = [_money(p.allocated, style)] if has_alloc else []
    rows.append(_row("", "年度资金总额", _money(p.b0, style), _money(p.b1, style), *alloc, _money(p.executed, style),
                     "10", f"{p.rate_printed:.2f}%", f"{p.exec_score:.2f}"))
    current = p.executed if p.sub_current is None else p.sub_current
    rows.append(_row("", "其中：当年财政拨款", _money(p.b0, style), _money(p.b1, style), *alloc, _money(current, style),
                     "—", "", "—"))
    rows.append(_row("", "上年结转资金", "", "", *([""] if has_alloc else []), "", "—", "", "—"))
    rows.append(_row("", "其他资金", "", "", *([""] if has_alloc else []), "", "—", "", "—"))
    rows.append(_row("年度总体目标", "预期目标", "实际完成情况"))
    rows.append(_row("", p.goal, p.outcome))
    yunnan = style == "yunnan"
    if yunnan:
        rows.append(_row("绩效指标", "", "", "年度指标值", "", "", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"))
        rows.append(_row("一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位"))
    else:
        rows.append(_row("绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                         "偏差原因分析及改进措施"))
    last1 = last2 = None
    if p.empty_indicators:
        for l1, l2 in (("产出指标", "数量指标"), ("", "质量指标"), ("效益指标", "社会效益指标"), ("满意度指标", "服务对象满意度指标")):
            rows.append(_row(*(([l1, l2, "", "", "", "", "", "", "", ""]) if yunnan else ["", l1, l2, "指标1：", "", "", "", "", ""])))
    for i in ([] if p.empty_indicators else p.indicators):
        l1 = i.level1 if i.level1 != last1 else ""
        l2 = i.level2 if (i.level2 != last2 or l1) else ""
        last1, last2 = i.level1, i.level2
        score = f"{i.score:.2f}"
        if yunnan:
            op = i.op if i.op != "定性" else "定性"
            tgt = i.target if isinstance(i.target, str) else _value_text("", i.target, "")
            rows.append(_row(l1, l2, i.name, op, tgt, "" if i.qualitative else (i.unit or ""),
                             i.actual_text(False), f"{i.weight:.2f}", score, i.deviation))
        else:
            rows.append(_row("", l1, l2, i.name, i.target_text(True), i.actual_text(True), f"{i.weight:g}", score,
                             i.deviation))
    if yunnan:
        rows.append(_row("其他需要说明的事项", "", p.notes))
        rows.append(_row("总分", "", "", "", "", "", "", "总分值", "总得分", "自评等级"))
        total = "" if p.empty_indicators else f"{p.total:.2f}"
        rows.append(_row("", "", "", "", "", "", "", f"{p.total_weight:.2f}", total, "" if p.empty_indicators else p.grade))
    else:
        total = "" if p.empty_indicators else f"{p.total:g}"
        rows.append(_row("总分", f"{p.total_weight:g}", total, "" if p.empty_indicators else p.grade))
        if p.notes:
            rows.append(_row("其他需要说明的事项", p.notes))
        if style == "central":
            rows.append(_row("项目绩效分析", "自评结果分析", "产出情况及分析", p.outcome))
            rows.append(_row("", "项目管理中存在的主要问题及原因分析", p.problems))
            rows.append(_row("", "下一步改进措施及管理建议", p.improvements))
    return rows


def department_rows(dept: str, year: int, projects: list[Project], task_override: dict) -> list[Row]:
    """A 部门整体支出绩效自评表 listing each project as a 重点工作任务 (云南 reports)."""
    rows = [_row(f"{year}年度部门整体支出绩效自评表"), _row("部门名称", dept),
            _row("二、部门年度重点工作任务"),
            _row("任务名称", "项目级次", "主要内容", "批复金额(万元)", "", "", "实际支出金额(万元)", "预算执行率",
                 "预算执行偏低原因及改进措施"),
            _row("", "", "", "总额", "财政拨款", "其他资金")]
    for p in projects:
        rate = task_override.get(p.name, p.rate_printed)
        rows.append(_row(p.name, "本级", p.goal[:30], f"{p.b1:.2f}", f"{p.b1:.2f}", "", f"{p.executed:.2f}",
                         f"{rate:.2f}%", ""))
    return rows


@dataclass
class SynthReport:
    name: str
    text: str
    labels: list[dict]
    clean: list[str]  # subjects with no injected anomaly
    projects: list[Project]
    department: str
    year: int
    style: str


def generate(n: int, seed: int = 0, anomaly_rate: float = 0.3, fitted: Fitted | None = None):
    """Yield n synthetic reports; deterministic for a seed."""
    gen = Generator(seed, fitted, anomaly_rate)
    rng = gen.rng
    for k in range(1, n + 1):
        style = rng.choices(["yunnan", "central", "yuan"], weights=[0.45, 0.35, 0.2])[0]
        dept = rng.choice(CITIES) + rng.choice(OFFICES)
        year = rng.choice([2021, 2022, 2023, 2024])
        name = f"synth_{seed}_{k:05d}.txt"
        used: set[str] = set()
        projects = [gen.project(dept, used) for _ in range(rng.choice([2, 3, 3, 4, 4, 5, 6]))]
        labels: list[dict] = []
        for p in projects:
            if rng.random() < anomaly_rate:
                codes = [c for c in PROJECT_CODES if not (style != "yunnan" and c == "exec_exceeds_allocation")]
                inject(gen, p, rng.choice(codes), name, style)
            labels += p.labels
        task_override: dict = {}
        rows = [_row(SYNTH_MARK)]
        if style == "yunnan":
            rows.append(_row(f"部门：{dept}"))
            if rng.random() < 0.1 and projects:
                target = rng.choice(projects)
                task_override[target.name] = round(max(1.0, target.rate_printed - rng.uniform(15, 30)), 2)
                labels.append({"report": name, "subject": target.name, "code": "cross_table",
                               "note": f"部门重点工作任务执行率 {task_override[target.name]}% 与项目表 {target.rate_printed}% 不符"})
        if rng.random() < 0.06 and "人民政府" in dept:
            victim = rng.choice(projects)
            victim.department = dept.replace("人民政府", "热门政府")
            labels.append({"report": name, "subject": "部门整体", "code": "metadata", "note": "主管部门名称笔误"})
        for p in projects:
            rows += project_rows(p, style, year)
        if style == "yunnan":
            rows += department_rows(dept, year, projects, task_override)
        layout = "cell-per-line" if style == "central" else "tsv"
        text = render_rows(rows, layout)
        dirty = {lab["subject"] for lab in labels}
        clean = [p.name for p in projects if p.name not in dirty]
        yield SynthReport(name, text, labels, clean, projects, dept, year, style)


def write_corpus(out: Path, n: int, seed: int = 0, anomaly_rate: float = 0.3, labels: str = "labels.jsonl") -> dict:
    """DIR/synth_*.txt, DIR/<labels> (finding-shaped labels and clean entries), DIR/README.md."""
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    lines = []
    reports = 0
    for r in generate(n, seed, anomaly_rate):
        (out / r.name).write_text(r.text, encoding="utf-8")
        reports += 1
        for lab in r.labels:
            counts[lab["code"]] = counts.get(lab["code"], 0) + 1
            lines.append(json.dumps({
                "report": lab["report"], "subject": lab["subject"], "table": "", "code": lab["code"],
                "category": LABEL_CATEGORY.get(lab["code"], "rule"), "severity": "", "message": lab["note"],
                "evidence": {"injected": True, "seed": seed}, "source": "synth", "note": lab["note"]},
                ensure_ascii=False))
        for subject in r.clean:
            lines.append(json.dumps({"report": r.name, "subject": subject, "clean": True,
                                     "note": "合成数据：未注入异常"}, ensure_ascii=False))
    (out / labels).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    (out / "README.md").write_text(
        f"{SYNTH_MARK}\n生成参数：n={n} seed={seed} anomaly_rate={anomaly_rate}\n"
        f"{labels}：每行一个注入的异常（字段同 findings.jsonl），或一个未注入异常的项目（clean: true）。\n",
        encoding="utf-8")
    return {"reports": reports, "anomalies": counts}


def write_eval_set(spec: Path, out: Path) -> Path:
    """The synthetic eval set a spec (evals/synth.toml: n, seed, anomaly_rate) describes, written into `out`;
    returns its label file, named after the spec (synth.jsonl), which `reviewer eval` takes like any other."""
    params = tomllib.loads(spec.read_text(encoding="utf-8"))
    labels = f"{spec.stem}.jsonl"
    write_corpus(out, int(params["n"]), int(params["seed"]), float(params["anomaly_rate"]), labels)
    return out / labels


def main() -> None:
    ap = argparse.ArgumentParser(description="write a synthetic corpus with labelled anomalies (never real data)")
    ap.add_argument("--spec", type=Path, help="an eval spec (evals/synth.toml): write that eval set")
    ap.add_argument("--n", type=int, default=100, help="reports (default 100)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--anomaly-rate", type=float, default=0.3, help="share of projects with an injected anomaly")
    ap.add_argument("--out", type=Path, default=Path("out/synth"), help="output folder (default: out/synth)")
    args = ap.parse_args()
    if args.spec:
        print(f"→ {write_eval_set(args.spec, args.out)}")
        return
    summary = write_corpus(args.out, args.n, args.seed, args.anomaly_rate)
    print(f"wrote {summary['reports']} synthetic reports with {sum(summary['anomalies'].values())} injected "
          f"anomalies → {args.out} (labels in {args.out / 'labels.jsonl'})")


if __name__ == "__main__":
    main()
