"""自评表 whose text lost every space and line break: cells run together, "年度资金总额:202010100.00%10".

Some sites publish a Word/PDF form as one run of characters.  The labels the templates print (forms.toml)
are still there, so the text is cut at them into rows again; the figures run together between them are
split only where one split alone fits the form's rules (执行率 = 执行数 ÷ 预算数, 得分 ≤ 分值 ≤ the points of
its 一级指标, no leading zeros, a row of the block not above the total).  A run that splits more than
one way, or not at all, is left unread and said so: it is never split by guess.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..read.document import Cell, Row
from .values import compact, parse_value
from .vocab import FUNDS_COLUMNS, FUNDS_HEADERS, FUNDS_ROWS, INDICATOR_COLUMNS, LEVEL1, LEVEL2, field_of

MIN_LENGTH = 300  # a form run together is long; a heading is not
_NUMBER = r"(?:0|[1-9]\d*)(?:\.\d+)?"
_OPS = "≥≤=<>＞＜"
_UNIT = r"(?:%|[\u4e00-\u9fff]{1,3}(?:/[\u4e00-\u9fff]{1,2})?)"
_VALUE_RE = re.compile(rf"[{_OPS}]?{_NUMBER}{_UNIT}?")
_PLAIN_RE = re.compile(_NUMBER)
_POINTS_RE = re.compile(r"[(（](\d+)分[)）]")
_HEAD_LABELS = ["项目名称", "项目负责人及电话", "主管部门", "项目实施单位", "实施单位", "项目类别", "项目属性", "项目类型", "年度总体目标完成情况综述", "年度总体目标",
                "年初设定目标", "绩效指标", "一级指标", "二级指标", "三级指标", "总分"]
_NOTE_RE = re.compile(r"注[:：]")


def is_run_together(text: str) -> bool:
    """One line of a form, all its spaces gone: long, no whitespace, the 绩效指标 header words in it."""
    t = text.strip()
    return len(t) >= MIN_LENGTH and not re.search(r"\s", t) and "一级指标" in t and "三级指标" in t


@dataclass
class Split:
    rows: list[Row] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)  # what could not be split, and why


def split_form(cell: Cell) -> Split:
    """Rows of cells from a form run together (all at the cell's location)."""
    text = cell.text.strip()
    out = Split()
    start = text.find("项目名称")
    if start < 0:
        out.unread.append("未找到“项目名称”")
        return out
    if start > 0:
        out.rows.append(_row(cell, [text[:start]]))  # the notice before the form: running text
    text, notes = _cut_notes(text[start:])
    funds_at = _first(text, FUNDS_HEADERS)
    goal_at = text.find("年度总体目标")
    table_at = text.find("绩效指标一级指标") if "绩效指标一级指标" in text else text.find("一级指标")
    head = text[:min(p for p in (funds_at, goal_at, table_at) if p >= 0)]
    out.rows += _head_rows(cell, head)
    if funds_at >= 0:
        end = min(p for p in (goal_at, table_at, len(text)) if p > funds_at)
        _funds_rows(cell, text[funds_at:end], out)
    if 0 <= goal_at < table_at:
        _goal_rows(cell, text[goal_at:table_at], out)
    if table_at >= 0:
        _indicator_rows(cell, text[table_at:], out)
    if notes:
        out.rows.append(_row(cell, [notes]))
    return out


def _row(cell: Cell, texts: list[str]) -> Row:
    return Row([Cell(t, cell.line, cell.loc) for t in texts], cell.line, cell.line)


def _first(text: str, words: list[str]) -> int:
    found = [text.find(w) for w in words if w in text]
    return min(found) if found else -1


def _cut_notes(text: str) -> tuple[str, str]:
    """The form, and the notes (注:) printed after its 总分."""
    total = text.rfind("总分")
    m = _NOTE_RE.search(text, total if total >= 0 else 0)
    return (text[:m.start()], text[m.start():]) if m else (text, "")


def _labelled(text: str, labels: list[str]) -> list[tuple[str, str]]:
    """(label, the text after it up to the next label)."""
    rx = re.compile("|".join(re.escape(x) for x in sorted(labels, key=len, reverse=True)))
    marks = list(rx.finditer(text))
    return [(m.group(), text[m.end():marks[k + 1].start() if k + 1 < len(marks) else len(text)])
            for k, m in enumerate(marks)]


def _head_rows(cell: Cell, text: str) -> list[Row]:
    rows = []
    for label, value in _labelled(text, _HEAD_LABELS):
        if label in ("项目名称", "主管部门", "实施单位", "项目实施单位"):
            rows.append(_row(cell, [label.replace("项目实施", "实施"), value]))
    return rows


# --- 项目资金 ----------------------------------------------------------------------------------------

def _funds_rows(cell: Cell, text: str, out: Split) -> None:
    column_labels = [s for names in FUNDS_COLUMNS.values() for s in names]
    row_labels = [s + suffix for names in FUNDS_ROWS.values() for s in names for suffix in (":", "：", "")] + \
        [f"其中{sep}{s}" for s in FUNDS_ROWS["current"] for sep in (":", "：", "")]
    parts = _labelled(text, row_labels)
    header = text[:text.find(parts[0][0])] if parts else text
    columns = _columns(header, column_labels)
    out.rows.append(_row(cell, [re.sub(r"(\([^)]*\)).*", r"\1", header)] + columns))
    total = None
    for label, run in parts:
        fields = [_funds_field(c) for c in columns]
        if total is not None:  # the rows under the total print their amounts only (分值, 执行率, 得分: —)
            fields = [f if f in _AMOUNTS else "" for f in fields]
        values = _split_funds(run, fields, total) if run else [""] * len(columns)
        if values is None:
            why = "没有印出数字" if not re.search(r"\d", run) else "无法唯一拆分"
            out.unread.append(f"“{label.rstrip(':：')}”一行的数字“{run[:40]}”{why}")
            values = [""] * len(columns)
        if total is None:
            total = values
        out.rows.append(_row(cell, [label] + values))


def _columns(header: str, labels: list[str]) -> list[str]:
    """The column names of the 项目资金 header, in order (全年预算数(A) 全年执行数(B) 分值 执行率(B/A) 得分)."""
    rx = re.compile("(?:" + "|".join(re.escape(x) for x in sorted(labels, key=len, reverse=True)) + r")(?:\([A-Z/]+\))?")
    return [m.group() for m in rx.finditer(header)]


def _funds_field(column: str) -> str:
    return field_of(column, FUNDS_COLUMNS) or ""


def _split_funds(run: str, fields: list[str], total: list[str] | None) -> list[str] | None:
    """The one split of a run of figures into the block's columns that fits: 执行率 = 执行数 ÷ 预算数,
    得分 = 分值 × 执行率 (at most), a row under the total not above it.  Columns may be left blank at the
    end of the run (其中 rows print only the amounts)."""
    found = []
    printed = [k for k, f in enumerate(fields) if f]
    for n in range(len(printed), 0, -1):
        names = [fields[k] for k in printed[:n]]
        for tokens in _tokenize(run, n, rate_at=names.index("rate") if "rate" in names else None):
            if _funds_fit(dict(zip(names, tokens)), dict(zip(fields, total)) if total else None):
                row = [""] * len(fields)
                for k, t in zip(printed, tokens):
                    row[k] = t
                found.append(row)
        if found:
            break
    return found[0] if len(found) == 1 else None


_AMOUNTS = ("budget_initial", "budget_full", "allocated", "executed")


def _tokenize(run: str, n: int, rate_at: int | None) -> list[list[str]]:
    """Every way to cut `run` into n figures (the 执行率 one ending in %)."""
    if n == 0:
        return [[]] if not run else []
    out = []
    for end in range(1, len(run) + 1):
        head = run[:end]
        if not re.fullmatch(rf"{_NUMBER}%" if rate_at == 0 else _NUMBER, head):
            continue
        for rest in _tokenize(run[end:], n - 1, None if rate_at is None else rate_at - 1):
            out.append([head] + rest)
    return out


def _num(text: str | None) -> float | None:
    if not text:
        return None
    v = parse_value(text)
    return v.number if v.kind == "number" else None


def _funds_fit(values: dict[str, str], total: dict[str, str] | None) -> bool:
    budget, executed = _num(values.get("budget_full") or values.get("budget_initial")), _num(values.get("executed"))
    rate, weight, score = _num(values.get("rate")), _num(values.get("weight")), _num(values.get("score"))
    if rate is not None:
        if not budget or executed is None or abs(executed / budget * 100 - rate) > 0.01 + 0.5 * 10 ** -_decimals(values["rate"]):
            return False
    if weight is not None and not 0 < weight <= 100:
        return False
    if score is not None and (weight is None or score > weight + 1e-9):
        return False
    if None not in (rate, weight, score) and \
            abs(score - weight * min(rate, 100) / 100) > 0.5 * 10 ** -_decimals(values["score"]) + 0.01:
        return False  # 得分 = 分值 × 执行率
    if total:
        for key, text in values.items():
            own, whole = _num(text), _num(total.get(key))
            if own is not None and whole is not None and key in ("budget_full", "budget_initial", "executed") and own > whole:
                return False
    return True


def _decimals(text: str) -> int:
    m = re.search(r"\.(\d+)", text)
    return len(m.group(1)) if m else 0


# --- 年度总体目标 ------------------------------------------------------------------------------------

def _goal_rows(cell: Cell, text: str, out: Split) -> None:
    body = re.sub(r"^(?:年度总体目标完成情况综述|年度总体目标|年初设定目标)+", "", text)
    for w in ("年初设定目标", "年度总体目标完成情况综述"):
        body = body.replace(w, "")
    out.rows.append(_row(cell, ["年度总体目标", "年初设定目标", "年度总体目标完成情况综述"]))
    out.rows.append(_row(cell, [body]))
    out.unread.append("年度总体目标的“年初设定目标”与“完成情况综述”连在一起，无法拆分，按一段文字读取")


# --- 绩效指标 ----------------------------------------------------------------------------------------

def _indicator_rows(cell: Cell, text: str, out: Split) -> None:
    column_labels = [s for names in INDICATOR_COLUMNS.values() for s in names]
    header_end = 0
    rx = re.compile("|".join(re.escape(x) for x in sorted(["绩效指标", "一级指标", "二级指标", "三级指标"] + column_labels,
                                                         key=len, reverse=True)))
    header = []
    for m in rx.finditer(text):
        if m.start() != header_end:
            break
        header.append(m.group())
        header_end = m.end()
    out.rows.append(_row(cell, header))
    fields = [f for h in header if (f := field_of(h, INDICATOR_COLUMNS)) and f != "deviation"]
    body, total = _cut_total(text[header_end:])
    level_rx = re.compile("(" + "|".join(re.escape(x) for x in sorted(
        [x for x in LEVEL1 if x.endswith("指标")] + [f"{k}指标" for k in LEVEL2], key=len, reverse=True)) + r")((?:[(（]\d+分[)）])?)")
    marks = list(level_rx.finditer(body))
    level1, cap = "", 100.0
    for k, m in enumerate(marks):
        name = m.group(1)
        segment = body[m.end():marks[k + 1].start() if k + 1 < len(marks) else len(body)].strip("…. ")
        if name in LEVEL1:
            level1 = name
            cap = float(_POINTS_RE.search(m.group(2)).group(1)) if m.group(2) else 100.0
            if not segment:
                continue
            level2 = ""
        else:
            level2 = name
        if not segment:
            continue
        parsed = _split_indicators(segment, fields, cap)
        if parsed is None:
            why = "没有印出任何数值" if not re.search(r"\d", segment) else "无法唯一拆分成指标名称与各列数值"
            out.unread.append(f"“{name}”下的指标“{segment[:40]}”{why}")
            continue
        for ind_name, values in parsed:
            out.rows.append(_row(cell, [level1, level2, ind_name] + values))
            level1 = ""
    if total is not None:
        out.rows.append(_row(cell, ["总分"] + total))


def _cut_total(text: str) -> tuple[str, list[str] | None]:
    at = text.rfind("总分")
    if at < 0:
        return text, None
    run = text[at + 2:]
    splits = [t for t in _tokenize(run, 2, None) if all(0 < float(x) <= 100 for x in t) and float(t[1]) <= float(t[0])]
    return text[:at], (splits[0] if len(splits) == 1 else [run])


_NAME_END = re.compile(rf"[\d{_OPS}]")


def _split_indicators(segment: str, fields: list[str], cap: float) -> list[tuple[str, list[str]]] | None:
    """The indicators of a run "安装坡面水标尺10≥266米≥266米10水标尺宽度10≥50厘米≥50厘米10": each a name
    (up to its first figure) and its values in the header's order; None unless exactly one split fits."""
    results = list(_parses(segment, fields, cap, limit=2))
    return results[0] if len(results) == 1 else None


def _parses(text: str, fields: list[str], cap: float, limit: int):
    if not text:
        yield []
        return
    m = _NAME_END.search(text)
    if not m or m.start() == 0:
        return
    name, run = text[:m.start()], text[m.start():]
    if len(name) < 3 or re.match(_UNIT, name) and re.fullmatch(r"[\u4e00-\u9fff]{1,3}", name):
        return  # "万元", "人": the unit of the figure before, not an indicator's name
    count = 0
    for values, rest in _value_splits(run, fields, cap):
        if rest and re.match(rf"[\d{_OPS}%.]", rest):
            continue  # the next name must start with a word
        for more in _parses(rest, fields, cap, limit):
            yield [(name, values)] + more
            count += 1
            if count >= limit:
                return


def _value_splits(run: str, fields: list[str], cap: float):
    """(values in field order, the text left) for every reading of the run's head that fits the rules."""
    def go(k: int, pos: int, acc: list[str]):
        if k == len(fields):
            if _indicator_fit(dict(zip(fields, acc)), cap):
                yield list(acc), run[pos:]
            return
        f = fields[k]
        for token in _tokens(run, pos, f):
            yield from go(k + 1, pos + len(token), acc + [token])
    yield from go(0, 0, [])


def _tokens(run: str, pos: int, f: str) -> list[str]:
    rest = run[pos:]
    if f in ("weight", "score"):
        return [rest[:e] for e in range(1, len(rest) + 1) if _PLAIN_RE.fullmatch(rest[:e])]
    out = [rest[:e] for e in range(1, len(rest) + 1) if _VALUE_RE.fullmatch(rest[:e])]
    words = re.match(r"[\u4e00-\u9fff]+", rest)  # a qualitative value (显著提升), the same words twice at most
    if words:
        w = words.group()
        out += [w[:e] for e in range(2, len(w) + 1)]
    return out


def _indicator_fit(values: dict[str, str], cap: float) -> bool:
    weight, score = _num(values.get("weight")), _num(values.get("score"))
    if weight is None or not 0 < weight <= cap or score is not None and score > weight + 1e-9:
        return False
    target, actual = values.get("target", ""), values.get("actual", "")
    if target and actual and not re.search(r"\d", target + actual) and target != actual:
        return False  # two qualitative values run together: only the same words twice split safely
    if any(not re.search(r"\d", a) and _PLAIN_RE.fullmatch(b) for a, b in ((target, actual), (actual, target)) if a):
        return False  # words against a bare number: a figure of the next column taken as a value
    return _unit(target) == _unit(actual) or not _unit(target) or not _unit(actual)


def _unit(text: str) -> str:
    m = re.search(rf"{_NUMBER}(.*)$", compact(text))
    return m.group(1) if m else ""
