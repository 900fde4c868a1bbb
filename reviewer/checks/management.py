"""The 预算绩效管理情况 a 决算 reports (RULES PM-01; FINDINGS `budget_adjusted`): the same projects through target
setting (编报绩效目标), monitoring (绩效跟踪) and self-evaluation (绩效自评) carry the same money, or the report
says why not.  "编报绩效目标的项目48个，涉及预算金额7,589.42万元 … 绩效自评的项目48个，涉及预算金额4,974.93万元"
with every project 优 and 发现问题0个 is a budget cut under the self-evaluation, not a clean record.
"""
from __future__ import annotations

import re

from ..model import SUBJECT_DEPARTMENT
from .base import Context
from .common import TO_YUAN, fmt_num

S = SUBJECT_DEPARTMENT
STAGE = re.compile(r"(?P<stage>编报绩效目标|绩效目标编报|绩效跟踪(?:评价)?|绩效(?:运行)?监控|绩效自评)的?\s*(?:\d{4}\s*年度?)?的?\s*"
                   r"项目\s*(?P<n>\d+)\s*个[，,]\s*涉及(?:预算)?(?:金额|资金)\s*(?P<a>\d[\d,]*(?:\.\d+)?)\s*(?P<u>万元|元)")
REASON = re.compile(r"调整|调减|调剂|收回|压减|未执行|因为|由于|原因")
GRADES = re.compile(r"评级为“?优”?的项目\s*(?P<n>\d+)\s*个")
NO_PROBLEM = re.compile(r"发现问题\s*0\s*个")
SHRINK = 0.10  # money of the same projects smaller by this share at a later stage needs a reason
REACH = 800  # characters: the stages of one 预算绩效管理 passage


def check(ctx: Context) -> None:
    text, line_of = ctx.text
    stages = list(STAGE.finditer(text))
    if len(stages) < 2:
        return
    first = stages[0]
    ctx.checked("management_stages", "预算绩效管理各环节的项目和金额前后一致")
    base = _amount(first)
    for later in stages[1:]:
        if later.start() - first.end() > REACH or later.group("n") != first.group("n"):
            continue
        cut = base - _amount(later)
        passage = text[first.start():later.end() + 200]
        if cut <= SHRINK * base or REASON.search(passage):
            continue
        tail = passage[later.end() - first.start():]
        graded = GRADES.search(tail)
        verdict = ""
        if graded and graded.group("n") == first.group("n") and NO_PROBLEM.search(tail):
            verdict = f"；而 {graded.group('n')} 个项目全部评为“优”，自评发现问题 0 个"
        ctx.finding(S, "budget_adjusted", "medium",
                    f"预算绩效管理情况：{first.group('stage')}的项目 {first.group('n')} 个，涉及 {first.group('a')}{first.group('u')}；"
                    f"{later.group('stage')}的同样 {later.group('n')} 个项目只涉及 {later.group('a')}{later.group('u')}"
                    f"（少 {fmt_num(cut / 1e4)}万元，{fmt_num(cut / base * 100, 1)}%），未说明原因{verdict}。",
                    check="management_stages", table="文字说明", stated=_amount(later) / 1e4, recomputed=base / 1e4,
                    at=[line_of[first.start()], line_of[later.start()]], rule="PM-01")
        return  # the stages after it repeat the same cut


def _amount(m: re.Match) -> float:
    return float(m.group("a").replace(",", "")) * TO_YUAN[m.group("u")]
