"""审核结论: what the reviewer recommends for one report, decided by the rules of `[verdict]` in rules.toml, on what
was read.

    建议退回重报     a high finding of a code in `return_codes` on a 重大 amount, `return_high` such findings, or a
                     risk score of `return_score` or more
    建议修改后认可   findings that need an answer or a correction, none that sends the report back
    建议认可         nothing but low findings, everything read and checked, and at least `min_checks` figures or
                     identities actually checked (an approval never rests on an empty list)
    未能审核         nothing checkable was read, or the part that was read is clean but something was not read

Findings in the part that was read count whatever was not read: the verdict follows them and adds
"另有 N 处未能读取，需人工复核", so a high finding in a partly read report still sends it back.  Stated first in the
memo with the (at most three) findings that decide it, the same in the index, summary.csv and 问题清单.xlsx.
Findings a reviewer rejected (驳回) never count.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..config import Config
from ..model import Finding
from .consolidate import subjects_label

APPROVE, AMEND, RETURN, UNREVIEWED = "建议认可", "建议修改后认可", "建议退回重报", "未能审核"


@dataclass
class Verdict:
    label: str
    reasons: list[str] = field(default_factory=list)  # in words, the deciding ones first

    def sentence(self) -> str:
        if not self.reasons:
            return f"{self.label}。"
        return f"{self.label}。理由：" + "；".join(f"{n}. {r}" for n, r in enumerate(self.reasons, 1)) + "。"


def reason(f: Finding, config: Config) -> str:
    return f"{config.code(f.code).label}（{subjects_label(f)}）：{f.message.rstrip('。')}"


def decide(ranked: list[Finding], score: float, unread: int, faults: int, checks: int, config: Config,
           unjudged: int = 0) -> Verdict:
    """`ranked`: the findings by risk contribution, the deciding ones first; `unread`: places not read (read
    issues); `faults`: checks a program fault stopped; `checks`: figures and identities actually checked;
    `unjudged`: places read but not judged (a table whose structure the checks could not confirm, a check resting
    on what recognition may have missed)."""
    rules = config.risk.verdict
    live = [f for f in ranked if not rejected(f)]
    grave = [f for f in live if f.severity == "high" and f.code in rules.return_codes]
    major = [f for f in grave if (f.evidence.get("materiality") or {}).get("level") == "major"]
    gaps = _gaps(unread, faults, unjudged)
    if major or len(grave) >= rules.return_high or (score >= rules.return_score and live):
        deciding = major + [f for f in grave if f not in major] or live
        return Verdict(RETURN, [reason(f, config) for f in deciding[:3]] + gaps)
    if checks < rules.min_checks and not any(f.severity == "high" for f in live):
        return Verdict(UNREVIEWED, [f"未读到可核查的内容（实际核对的数字或勾稽关系只有 {checks} 处，少于 "
                                    f"{rules.min_checks} 处），不能据此下结论"]
                       + [reason(f, config) for f in live[:2]] + gaps)
    needing = [f for f in live if f.severity in rules.amend_severities]
    if needing:
        return Verdict(AMEND, [reason(f, config) for f in needing[:3]] + gaps)
    if gaps:
        return Verdict(UNREVIEWED, [f"已读部分未发现需更正的问题，但{gaps[0]}"] + [reason(f, config) for f in live[:2]])
    return Verdict(APPROVE, [f"仅有 {len(live)} 项低风险提示，无需单位更正" if live else "所有核查项均未发现问题"])


def _gaps(unread: int, faults: int, unjudged: int = 0) -> list[str]:
    """What was not read or not checked, as the verdict adds it."""
    out = []
    if unread:
        out.append(f"另有 {unread} 处未能读取，需人工复核")
    if unjudged:
        out.append(f"另有 {unjudged} 处未作判断（表格结构未能确认，或所涉数字为文字识别所得、可能有误），需人工复核")
    if faults:
        out.append(f"另有 {faults} 类核查因程序错误未完成，需人工复核")
    return out


def rejected(f: Finding) -> bool:
    return (f.evidence.get("mark") or {}).get("mark") == "驳回"
