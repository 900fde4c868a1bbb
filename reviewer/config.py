"""Rule parameters (reviewer/rules.toml), a region profile, and the user's overrides.

    cfg = load_config(profile="guangxi", path="my_rules.toml")
    cfg.params["over_achievement_ratio"]   # 1.3
"""
from __future__ import annotations

import copy
import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

DEFAULT_RULES = Path(__file__).with_name("rules.toml")


class ConfigError(ValueError):
    pass


@dataclass
class Config:
    profile: str = "default"
    params: dict[str, Any] = field(default_factory=dict)
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    risk: dict[str, Any] = field(default_factory=dict)
    llm: dict[str, Any] = field(default_factory=dict)
    narrative: dict[str, Any] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)
    read: dict[str, Any] = field(default_factory=dict)  # how much of a file the readers take in (read/limits.py)
    rule_names: dict[str, str] = field(default_factory=dict)  # RULES.md ids in words, for readers
    batch: dict[str, Any] = field(default_factory=dict)  # how a batch runs (limits, progress): not in the fingerprint
    _fingerprint: str | None = field(default=None, init=False, repr=False, compare=False)

    def __getitem__(self, key: str) -> Any:
        return self.params[key]

    def code(self, code: str) -> dict[str, Any]:
        try:
            return self.codes[code]
        except KeyError:
            raise ConfigError(f"未知的问题代码 {code!r}") from None

    def rule_label(self, rule: str) -> str:
        """A cited rule as a reader meets it: its name in words, the id after it."""
        name = self.rule_names.get(rule)
        return f"{name}（{rule}）" if name else rule

    def fingerprint(self) -> str:
        """A short stable id of the effective rules, recorded with every review.  Worked out once: a Config is
        not changed once reviews use it (load_config or dataclasses.replace make a new one)."""
        if self._fingerprint is None:
            blob = json.dumps([self.profile, self.params, self.codes, self.risk, self.narrative, self.stats, self.read],
                              sort_keys=True, ensure_ascii=False)
            self._fingerprint = hashlib.sha256(blob.encode()).hexdigest()[:12]
        return self._fingerprint


def _merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


@lru_cache(maxsize=1)
def _default_data() -> dict:
    with open(DEFAULT_RULES, "rb") as fh:
        return tomllib.load(fh)


def load_config(profile: str = "default", path: str | Path | None = None) -> Config:
    data = copy.deepcopy(_default_data())  # each Config its own: changing one never changes the defaults
    if path:
        try:
            with open(path, "rb") as fh:
                data = _merge(data, tomllib.load(fh))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"无法读取配置文件 {path}：{exc}") from exc
    profiles = data.get("profile", {})
    if profile not in profiles:
        raise ConfigError(f"未知的规则配置 {profile!r}；可选：{', '.join(sorted(profiles))}")
    params = _merge(profiles["default"], profiles[profile]) if profile != "default" else dict(profiles["default"])
    return Config(profile=profile, params=params, codes=data.get("codes", {}), risk=data.get("risk", {}),
                  llm=data.get("llm", {}), narrative=data.get("narrative", {}), stats=data.get("stats", {}),
                  read=data.get("read", {}), batch=data.get("batch", {}), rule_names=data.get("rule_names", {}))
