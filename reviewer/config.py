"""The rules of a review (reviewer/rules.toml), a region profile, and the user's overrides, read once into typed
sections.

    cfg = load_config(profile="guangxi", path="my_rules.toml")
    cfg.rules.over_achievement_ratio      # 1.3
    cfg.risk.verdict.min_checks           # 2

rules.toml is the one place a default lives: every section here is a dataclass without defaults of its own (bar the
few keys a rules file may leave out), a user's file is merged over rules.toml, and what results is checked against
the sections' types.  A missing, unknown or mistyped key is a ConfigError that names the section and the key, in
Chinese, before anything is reviewed.
"""
from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import tomllib
import typing
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

DEFAULT_RULES = Path(__file__).with_name("rules.toml")


class ConfigError(ValueError):
    pass


# --- the sections --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rules:
    """[profile.*]: the thresholds of the checks; a region profile overrides some of [profile.default]."""
    name: str
    grade_bands: list  # [[等级, 下限], …] from the highest
    exec_score_mode: str  # "proportional" | "at_most_proportional"
    over_achievement_ratio: float
    far_over_achievement_ratio: float
    low_exec_rate: float
    very_low_exec_rate: float
    high_score: float
    claimed_vs_exec_gap: float
    satisfaction_ceiling: float
    survey_pattern: str
    qualitative_weight_share: float
    restated_share: float
    budget_cut_share: float
    budget_change_share: float
    adjustment_words: list
    rounding_slack: float
    rate_slip: float
    indicator_score_tolerance: list
    structure_failures: int
    whole_table_checks: list

    def check(self, where: str) -> None:
        if self.exec_score_mode not in ("proportional", "at_most_proportional"):
            raise ConfigError(f"{where} exec_score_mode 须为 proportional 或 at_most_proportional"
                              f"（现为 {self.exec_score_mode!r}）")


@dataclass(frozen=True)
class CodeRule:
    """[codes.*]: one finding code: its category, risk weight, label in memos and what to ask the department."""
    category: str
    weight: float
    label: str
    ask: str
    merge: str = "report"  # findings of this code merged per report, or per "rule" (cited rule) in a memo


@lru_cache(maxsize=1)
def ocr_engine() -> str:
    """The text recognition engine and its version ("" where it is not installed)."""
    try:
        from importlib.metadata import version
        return f"rapidocr-onnxruntime {version('rapidocr-onnxruntime')}"
    except Exception:  # not installed (a Python it has no wheel for): scans are said to be unread
        return ""


@dataclass(frozen=True)
class ReadLimits:
    """[read]: how much of a file the readers take in (read/limits.py)."""
    max_colspan: int  # columns one merged cell may cover
    max_columns: int  # columns of one table row
    max_rows_per_table: int  # rows of one table; the rest is left unread (and said)
    max_cell_chars: int  # characters of one cell or paragraph; the rest is cut (and said)
    max_cells_per_sheet: int  # a worksheet larger than this is not read at all (and said)
    max_rules_per_page: int  # a PDF page drawing more ruled segments is read without its rules (and said)
    max_unzipped_mb: int  # an Office file whose parts unpack to more than this is not read (and said)
    ocr: bool  # pages that are pictures (scans, photos) read by text recognition (read/ocr.py)
    ocr_min_confidence: float  # a figure recognised below this is not checked (a read issue), never a finding
    max_image_pixels: int  # an image (a file, a frame, an embedded picture) larger than this is not read (and said)
    max_image_pages: int  # frames of one image file (a multi-page TIFF) read; the rest is said
    ocr_identities: list  # rules of a table's own sums: failing in a table read from a picture, not a finding
    ocr_blanks: list  # rules that a cell is blank: in a table read from a picture, a glyph missed, not a finding
    ocr_absences: list  # rules that a table or words are not in the report: with pages recognised, not a finding
    KIND_WORDS: ClassVar[dict] = {int: "正整数"}

    def check(self, where: str) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, int) and not isinstance(value, bool) and value < 1:
                raise ConfigError(f"{where} {f.name} 须为正整数（现为 {value!r}）")
        if not 0 <= self.ocr_min_confidence <= 1:
            raise ConfigError(f"{where} ocr_min_confidence 须在 0 与 1 之间（现为 {self.ocr_min_confidence!r}）")

    def tag(self) -> str:
        """Short and stable: part of the document cache key, since a document read under other limits differs (and
        a page recognised by another engine or model: its version is part of the key while OCR is on)."""
        engine = ocr_engine() if self.ocr else ""
        return hashlib.sha256((repr(dataclasses.astuple(self)) + engine).encode()).hexdigest()[:8]


@dataclass(frozen=True)
class BatchRules:
    """[batch]: how a batch runs (size, memory and time bounds, progress); not part of the rules' fingerprint."""
    max_input_mb: float
    max_text_mb: float  # 0: no bound on the characters of a text file
    max_worker_mb: int  # 0: no bound on a worker's memory
    max_seconds_per_report: int  # 0: no bound on a report's time
    progress_seconds: float
    index_rows: int
    evidence: bool  # each PDF place pictured in the memo, and 标注.pdf (off: the rows about each place only)
    KIND_WORDS: ClassVar[dict] = {int: "非负整数", float: "非负数"}

    def check(self, where: str) -> None:
        for f in dataclasses.fields(self):
            if getattr(self, f.name) < 0:
                kind = typing.get_type_hints(type(self))[f.name]
                raise ConfigError(f"{where} {f.name} 须为{self.KIND_WORDS[kind]}（现为 {getattr(self, f.name)!r}）")


@dataclass(frozen=True)
class NarrativeRules:
    """[narrative]: the offline checker of the text (narrative/heuristic.py)."""
    completion_contradiction: list  # [high, medium]: a completion share below these against a "done" claim
    not_done_exec_share: float
    boilerplate_min_chars: int
    boilerplate_min_projects: int
    restate_similarity: float


@dataclass(frozen=True)
class LLMSettings:
    """[llm]: an OpenAI-compatible endpoint; REVIEWER_LLM_* variables and the command line override it."""
    base_url: str
    model: str
    timeout: float
    max_retries: int
    concurrency: int
    max_chars: int
    max_tokens: int
    json_mode: bool
    price_in: float
    price_out: float
    cache: str
    breaker_after: int  # consecutive failed requests after which the batch stops calling the endpoint
    api_key: str = field(default="", repr=False)  # better given in the environment than written in a file


@dataclass(frozen=True)
class StatsRules:
    """[stats]: the corpus statistics (stats/)."""
    min_group: int
    outlier_z: float
    outlier_rank: float
    outlier_z_alone: float
    iforest_features: list
    outlier_features: list  # [[feature, sign], …]
    score_gap_points: float
    score_gap_z: float
    perfect_share: float
    perfect_min_projects: int
    perfect_peer_share: float
    floors: dict  # feature -> the least spread a peer group is given


@dataclass(frozen=True)
class VerdictRules:
    """[risk.verdict]: when a report is returned, amended or approved."""
    return_codes: list
    return_high: int
    return_score: float
    amend_severities: list
    min_checks: int
    not_substantive: list


@dataclass(frozen=True)
class MaterialityRules:
    """[risk.materiality]: how much money or how many points make a finding major or minor."""
    major_amount: float
    major_share: float
    minor_amount: float
    factor: dict
    minor_points: float
    score_codes: list
    money_codes: list
    form_rules: list


@dataclass(frozen=True)
class RiskRules:
    """[risk]: the risk score and band, and the verdict."""
    severity_factor: dict
    repeat_decay: float
    bands: list
    incomplete_band: str
    verdict: VerdictRules
    materiality: MaterialityRules


@dataclass
class Config:
    profile: str
    rules: Rules
    codes: dict[str, CodeRule]
    risk: RiskRules
    llm: LLMSettings
    narrative: NarrativeRules
    stats: StatsRules
    read: ReadLimits
    batch: BatchRules
    rule_names: dict[str, str]  # RULES.md ids in words, for readers
    _fingerprint: str | None = field(default=None, init=False, repr=False, compare=False)

    def code(self, code: str) -> CodeRule:
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
        not changed once reviews use it (load_config makes a new one)."""
        if self._fingerprint is None:
            blob = json.dumps([self.profile, _plain(self.rules), {c: _plain(r) for c, r in self.codes.items()},
                               _plain(self.risk), _plain(self.narrative), _plain(self.stats), _plain(self.read)],
                              sort_keys=True, ensure_ascii=False)
            self._fingerprint = hashlib.sha256(blob.encode()).hexdigest()[:12]
        return self._fingerprint


def _plain(section) -> dict:
    """A section as the rules file says it: a key left at its optional default is left out, so a key added to the
    rules later does not change the fingerprint of rules that do not use it."""
    out = {}
    for f in dataclasses.fields(section):
        value = getattr(section, f.name)
        if f.default is not dataclasses.MISSING and value == f.default:
            continue
        out[f.name] = _plain(value) if dataclasses.is_dataclass(value) else value
    return out


# --- reading a section ---------------------------------------------------------------------------------------

_KINDS = {int: "整数", float: "数字", bool: " true 或 false", str: "文字", list: "列表", dict: "表"}


def _fits(value: Any, kind: type) -> bool:
    if isinstance(value, bool):
        return kind is bool
    if kind is float:
        return isinstance(value, (int, float))
    return isinstance(value, kind)


def _section(cls, data: Any, where: str):
    """`data` (a table of the merged rules) as a `cls`, every key known, present and of its type."""
    if not isinstance(data, dict):
        raise ConfigError(f"{where} 须为一个表（现为 {data!r}）")
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise ConfigError(f"{where} 中没有参数 {'、'.join(unknown)}（可用：{'、'.join(sorted(names))}）")
    values = {}
    for f in dataclasses.fields(cls):
        if f.name not in data:
            if f.default is dataclasses.MISSING:
                raise ConfigError(f"{where} 缺少参数 {f.name}")
            continue
        kind, value = hints[f.name], data[f.name]
        if dataclasses.is_dataclass(kind):
            values[f.name] = _section(kind, value, f"{where[:-1]}.{f.name}]")
            continue
        kind = typing.get_origin(kind) or kind
        if not _fits(value, kind):
            words = getattr(cls, "KIND_WORDS", {}).get(kind, _KINDS[kind])
            raise ConfigError(f"{where} {f.name} 须为{words}（现为 {value!r}）")
        values[f.name] = value
    section = cls(**values)
    if hasattr(section, "check"):
        section.check(where)
    return section


def _merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


@lru_cache(maxsize=1)
def _default_data() -> dict:
    with open(DEFAULT_RULES, "rb") as fh:
        return tomllib.load(fh)


_SECTIONS = {"risk": RiskRules, "llm": LLMSettings, "narrative": NarrativeRules, "stats": StatsRules,
             "read": ReadLimits, "batch": BatchRules}


def load_config(profile: str = "default", path: str | Path | None = None,
                overrides: dict | None = None) -> Config:
    """rules.toml, the user's file at `path` merged over it, then `overrides` (the same shape, given in code), read
    into typed sections under `profile`."""
    data = copy.deepcopy(_default_data())  # each Config its own: changing one never changes the defaults
    if path:
        try:
            with open(path, "rb") as fh:
                data = _merge(data, tomllib.load(fh))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"无法读取配置文件 {path}：{exc}") from exc
    data = _merge(data, overrides or {})
    origin = str(path) if path else "rules.toml"  # a user's file is where a mistake most likely is
    unknown = sorted(set(data) - {*_SECTIONS, "profile", "codes", "rule_names"})
    if unknown:
        raise ConfigError(f"{origin}：规则配置中没有 [{']、['.join(unknown)}] 段")
    profiles = data["profile"]
    if profile not in profiles:
        raise ConfigError(f"未知的规则配置 {profile!r}；可选：{', '.join(sorted(profiles))}")
    rules = _merge(profiles["default"], profiles[profile]) if profile != "default" else profiles["default"]
    return Config(profile=profile, rules=_section(Rules, rules, f"{origin} [profile.{profile}]"),
                  codes={c: _section(CodeRule, v, f"{origin} [codes.{c}]") for c, v in data["codes"].items()},
                  rule_names=dict(data["rule_names"]),
                  **{name: _section(cls, data[name], f"{origin} [{name}]") for name, cls in _SECTIONS.items()})
