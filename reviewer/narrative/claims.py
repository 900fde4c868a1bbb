"""The shape every narrative backend returns, and the validation that keeps replies honest.

A reply is JSON: {"claims": [{"passage", "quote", "facts", "passages", "verdict", "kind", "severity",
"reason"}]}.  A claim survives only if its passage exists, its quote is really in that passage,
and it cites at least one real fact or passage.  Code then turns claims into findings; the
backend never decides a number.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from .facts import Fact, Passage

VERDICTS = {"supported", "contradicted", "unverifiable"}
KINDS = {"contradiction", "unsupported", "boilerplate"}
SEVERITIES = {"high", "medium", "low"}
CODE_OF_KIND = {"contradiction": "narrative_contradiction", "unsupported": "unsupported_claim", "boilerplate": "boilerplate"}



class InvalidReply(ValueError):
    """The reply is not the JSON object the schema asks for."""


@dataclass
class Claim:
    passage: str
    quote: str
    facts: list[str]
    verdict: str
    kind: str
    reason: str
    severity: str = "medium"
    passages: list[str] = field(default_factory=list)
    subject: str = ""  # when the claim is about another subject than its passage's (a project named in 部门整体 text)

    @property
    def code(self) -> str | None:
        if self.verdict == "supported":
            return None
        if self.kind == "contradiction" and self.verdict != "contradicted":
            return None
        return CODE_OF_KIND[self.kind]

    def to_dict(self) -> dict:
        return {"passage": self.passage, "quote": self.quote, "facts": self.facts, "passages": self.passages,
                "verdict": self.verdict, "kind": self.kind, "severity": self.severity, "reason": self.reason,
                "subject": self.subject}


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def parse_reply(text: str) -> list[dict]:
    """The list of raw claims in a reply; InvalidReply when it is not valid JSON of the right shape."""
    text = (text or "").strip()
    if text.startswith("```"):
        text = re.sub(r"^```(?:json)?\s*|\s*```$", "", text)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidReply(f"not JSON: {exc.msg} at char {exc.pos}") from None
    if not isinstance(data, dict) or not isinstance(data.get("claims"), list):
        raise InvalidReply('expected an object with a "claims" list')
    return data["claims"]


def validate(raw: list, facts: dict[str, Fact], passages: dict[str, Passage],
             subjects: set[str] | None = None) -> tuple[list[Claim], list[str]]:
    """Keep the claims that quote real text and cite real facts; say why each other one was dropped."""
    kept, dropped, seen = [], [], set()
    for i, c in enumerate(raw):
        if not isinstance(c, dict):
            dropped.append(f"claim {i}: not an object")
            continue
        pid, quote = str(c.get("passage", "")), str(c.get("quote", "")).strip()
        verdict, kind = c.get("verdict"), c.get("kind")
        severity = c.get("severity") if c.get("severity") in SEVERITIES else "medium"
        cited = [f for f in c.get("facts") or [] if isinstance(f, str) and f in facts]
        cited_p = [p for p in c.get("passages") or [] if isinstance(p, str) and p in passages and p != pid]
        if pid not in passages:
            dropped.append(f"claim {i}: unknown passage {pid!r}")
        elif not quote or _squash(quote) not in _squash(passages[pid].text):
            dropped.append(f"claim {i}: quote not found in {pid}")
        elif verdict not in VERDICTS or kind not in KINDS:
            dropped.append(f"claim {i}: bad verdict/kind {verdict!r}/{kind!r}")
        elif not cited and not cited_p:
            dropped.append(f"claim {i}: cites no real fact")
        elif (pid, _squash(quote), kind) in seen:
            dropped.append(f"claim {i}: duplicate")
        else:
            seen.add((pid, _squash(quote), kind))
            subject = c.get("subject") if subjects and c.get("subject") in subjects else ""
            kept.append(Claim(pid, quote, cited, verdict, kind, str(c.get("reason", ""))[:400], severity, cited_p,
                              subject))
    return kept, dropped
