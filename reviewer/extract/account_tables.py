"""部门决算 tables (公开01…12) into pandas DataFrames that keep codes, hierarchy, labels and units.

Four shapes cover the set:
- two-sided tables (收入支出决算表, 财政拨款收入支出决算表): income items on the left, expenditure on the
  right, each with a 行次;
- item tables ("三公"经费): one label column, a 行次, value columns;
- code tables (收入/支出/一般公共预算/政府性基金/国有资本经营, 国有资产): 功能分类 codes 类/款/项 with value columns;
- economic-classification tables (基本支出, 项目支出): blocks of 科目编码 / 科目名称 / 金额 side by side.
"""
from __future__ import annotations

import re
from itertools import combinations
import tomllib
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..model import NON_VALUE_COLUMNS, AccountsTable, Text, Value
from ..read.document import Row
from . import text_tables
from .segment import Part
from .values import clean_text, compact, parse_value

EMPTY_TABLE_RE = re.compile(r"空表|无数据|没有.*(?:收入|支出)")
SPACED_CODE_RE = re.compile(r"^(\d{3})((?:\s+\d{2}){1,2})(?:\s+(\D.*))?$")
# a code, and its name after a space — or none, where a narrow cell wrapped between them ("2101103公务员医疗补助")
CODE_RE = re.compile(r"^(\d{3}(?:\d{2}){0,2})(?:\s+(\S.*)|(?<=\d)(?![万元年月日个次人])(?=[\u4e00-\u9fff])(.+))?$")
ECON_CODE_RE = re.compile(r"^\d{3}(?:\d{2})?$")
UNIT_RE = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|千元|元)")
DEPT_RE = re.compile(r"^部门(?:名称)?\s*[:：]\s*(\S.*)$")
NUMBER_RE = re.compile(r"^公开\s*\d+\s*表$")
LEVELS = {3: "类", 5: "款", 7: "项"}
ORDINAL_RE = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]\s*|\d+[.．、]\s*|其中[:：]\s*)+")


@lru_cache(maxsize=1)
def schemas() -> dict:
    with open(Path(__file__).with_name("account_tables.toml"), "rb") as fh:
        return tomllib.load(fh)


@lru_cache(maxsize=1)
def _column_words() -> dict[str, dict[str, str]]:
    """section ("all", 预算, 决算, 决算.income_expenditure …) → a head as printed → the name the records give it
    (columns.toml)."""
    with open(Path(__file__).with_name("columns.toml"), "rb") as fh:
        data = tomllib.load(fh)
    out = {}
    for section, names in data.items():
        out[section] = {compact(w): name for name, words in names.items() if isinstance(words, list) for w in words}
        out |= {f"{section}.{kind}": {compact(w): name for name, words in table.items() for w in words}
                for kind, table in names.items() if isinstance(table, dict)}
    return out


@lru_cache(maxsize=1)
def known_heads() -> frozenset[str]:
    """Every column name a template or the national vocabulary gives: a header whose words are all among them says
    which column is which, in whatever order it prints them."""
    names = {n for table in schemas().values() if isinstance(table, dict) for n in table.get("columns", [])}
    names |= {n for words in _column_words().values() for n in words.values()}
    return frozenset(names | {part for n in names for part in n.split(":")})


_HEAD_UNIT = re.compile(r"[（(](?:万元|千元|元)[)）]$")


def named(printed: list[str], table: AccountsTable) -> list[str]:
    """The names the records give the columns whose heads the table prints, remembered beside them (table.heads)."""
    names = canonical(printed, table.family, table.kind)
    table.heads.update({n: p for n, p in zip(names, printed) if n != p and not p.startswith("列")})
    return names


def canonical(names: list[str], family: str, kind: str = "") -> list[str]:
    """Column names in the national template's words, part by part ("本年支出:小计" → "本年支出:合计"); a unit
    printed after a head ("预算数（万元）") is the table's unit, not part of the column's name."""
    words = _column_words()
    own = {**words.get(f"{family}.{kind}", {}), **words.get(family, {}), **words["all"]}
    out = []
    for name in names:
        parts = [_HEAD_UNIT.sub("", part) or part for part in name.split(":")]
        out.append(":".join(own.get(part, part) for part in parts))
    return out


def strip_ordinal(label: str) -> str:
    return ORDINAL_RE.sub("", compact(label))


def parse_accounts(part: Part, kind: str) -> AccountsTable:
    table = AccountsTable(kind=kind, title=part.title, family=_family(part), line=part.line,
                          end_line=part.end_line)
    body = _take_meta(part.rows, table)
    if text_tables.is_text_table(body) or kind.startswith("sangong") and text_tables.figure_line(body):
        frame = _text_table(body, table)
    elif kind in ("income_expenditure", "fiscal", "sangong", "sangong_gpb"):
        frame = _side_table(body, table)
    elif kind in ("basic_gpb", "project_gpb") and _side_by_side(body):
        frame = _economic_table(body, table)
    else:  # one code per row: 功能分类 (类/款/项) or, in 预算 tables, 经济分类 (类/款)
        frame = _code_table(body, table, schemas().get(kind if table.family == "决算" else f"budget_{kind}", {}))
        if kind == "other" and (frame.empty or not frame["code"].astype(bool).any()):
            table.lost.clear()  # a table of the province's own, without codes: its rows as printed
            frame = _rows_table(body, table)
    table.frame = frame
    if frame.empty and not table.totals:
        table.unplaced = _figures_of(body)
        if not _prints_figures(body):  # headers and no figure at all: an empty table, read as such (metadata.py)
            table.warnings.append("表中没有数字（空表）")
            return table
        said = any(w.endswith("未读取") for w in table.warnings)  # the reason is already given
        table.unread = "；".join(table.warnings + ([] if said else ["未识别出数据行，表中数字未读取"]))
        table.warnings.append("未识别出数据行")
    return table


def _figures_of(rows: list[Row]) -> list[Value]:
    """Every figure the rows print (1,234.56, 0.30), located, for a table whose figures could not be placed."""
    out = []
    for row in rows:
        for cell in row.cells:
            for token in text_tables.tokens_of(cell.text):
                if text_tables.NUMBER.match(token) and ("." in token or "," in token):
                    out.append(parse_value(token, cell.line, cell.loc))
    return out


_COLUMN_NUMBERS = ("栏次", "行次")
_YEAR = re.compile(r"^(?:19|20)\d{2}$")


def _prints_figures(rows: list[Row]) -> bool:
    """Any figure among the rows, whole numbers included ("46"), but the column and row numbers of a header
    (栏次 1 2 3 …) and years: a table printing none is empty, one printing some that no row took is unread."""
    for row in rows:
        texts = [compact(c.text) for c in row.nonempty()]
        if any(t.startswith(_COLUMN_NUMBERS) for t in texts):
            continue
        if any(text_tables.NUMBER.match(tok) and not _YEAR.match(tok) for c in row.cells
               for tok in text_tables.tokens_of(c.text)):
            return True
    return False


def _family(part: Part) -> str:
    """决算 or 预算: as the title says, or, for a title that says neither, as the columns say (决算数)."""
    if part.family != "auto":
        return part.family or "决算"
    header = "".join(compact(c.text) for r in part.rows[:8] for c in r.nonempty())
    return "决算" if "决算" in header or "決算" in header else "预算"


def _take_meta(rows: list[Row], table: AccountsTable) -> list[Row]:
    """Pull 公开NN表, 部门, 单位 and 注 rows out; return the table body."""
    body = []
    in_notes = False
    for row in rows:
        cells = row.nonempty()
        if not cells:
            continue
        first = compact(cells[0].text)
        if len(cells) == 1:
            if NUMBER_RE.match(first):
                table.number = first
                continue
            if m := UNIT_RE.search(first):
                table.unit = table.unit or m.group(1)
                continue
            if m := DEPT_RE.match(cells[0].text.strip()):
                table.department = table.department or m.group(1).strip()
                continue
            if first.startswith(("注", "说明")) or (in_notes or _sentence(cells[0].text)) and not \
                    text_tables.looks_like_row(cells[0].text) and not _code_line(cells[0].text):
                in_notes = True
                table.notes.append(Text(clean_text(cells[0].text), row.line, row.end_line, cells[0].loc))
                continue
        for c in cells:  # unit or department printed beside the header, or after a column's head (预算数（万元）)
            if (m := UNIT_RE.search(compact(c.text)) or _HEAD_UNIT.search(compact(c.text))) and not table.unit:
                table.unit = m.group(0).strip("（()）") if m.re is _HEAD_UNIT else m.group(1)
        body.append(row)
    return body


def _sentence(text: str) -> bool:
    """A line of running text under or around a table (a note, a 说明), not a header: long, and written as
    words rather than as cells (a header line in text keeps its cells apart with spaces); a name wrapped off
    its row ("险机缴关费事支业出单位职业年金缴") is words without a stop, and short."""
    t = text.strip()
    n = len(compact(t))
    return n > 15 and not parse_value(t).is_number and (bool(re.search(r"[，。；：,;]", t)) or " " not in t and n > 30)


def _code_line(text: str) -> bool:
    """A line that starts with a 功能/经济分类 code ("2080599", "301 01 基本工资"): a row, never a note."""
    tokens = text.split()
    return bool(tokens) and bool(text_tables.CODE.match(tokens[0]))


def _number(text: str, line: int, decimals: list[int]) -> float | None:
    v = parse_value(text, line)
    if v.decimals is not None:
        decimals.append(v.decimals)
    return v.number if v.kind == "number" else None


def _cell(row: Row, pos: int) -> str:
    return row.cells[pos].text if 0 <= pos < len(row.cells) else ""


def _loc(row: Row) -> str:
    return str(row.cells[0].loc) if row.cells and row.cells[0].loc else ""


def _raw(row: Row) -> str:
    return " | ".join(c.text.strip() for c in row.cells if c.text.strip())


def _finish(records: list[dict], columns: list[str], decimals: list[int], table: AccountsTable) -> pd.DataFrame:
    table.decimals = max(decimals) if decimals else 2
    frame = pd.DataFrame.from_records(records, columns=columns) if records else pd.DataFrame(columns=columns)
    value_columns = [c for c in frame.columns if c not in NON_VALUE_COLUMNS]
    if value_columns:
        frame[value_columns] = frame[value_columns].astype(float)  # None → NaN
    if "side" in frame.columns and not frame["side"].astype(bool).any():
        frame = frame.drop(columns=["side"])
    return frame


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n}({seen[n]})")
    return out


# --- two-sided and item tables -------------------------------------------------------------


# the label column's head of one side of a two-sided table: 项目, 收入项目, 支出 项目, 科目, or the side itself
_SIDE_LABEL = re.compile(r"^(?:收入|支出)?(?:项目|科目|项目名称)$|^(?:收入|支出)$")


def _side_header(rows: list[Row]) -> int | None:
    """The header row of a two-sided or item table: it prints 行次, or a label column twice (收入 │ 支出 side by side:
    项目 │ 预算数 │ 项目 │ 预算数, 收入项目 │ 金额 │ 支出项目 │ 金额)."""
    def heads(r: Row) -> bool:
        texts = [compact(c.text) for c in r.cells]
        return "行次" in texts or sum(1 for t in texts if _SIDE_LABEL.match(t)) >= 2

    for i, r in enumerate(rows):
        if heads(r):
            while i + 1 < len(rows) and heads(rows[i + 1]):  # 收入 │ 支出 over 项目 │ 预算数 │ 项目 │ 预算数
                i += 1
            return i
    return None


def _sides(header: Row, side_names: list[str]) -> list[tuple]:
    """(side, label position, 行次 position or None, value positions, value names) of each side."""
    texts = [compact(c.text) for c in header.cells]
    row_no = [i for i, t in enumerate(texts) if t == "行次"]
    labels = [r - 1 for r in row_no] if row_no else [i for i, t in enumerate(texts) if _SIDE_LABEL.match(t)]
    names = side_names if len(labels) >= 2 else [""]
    sides = []
    for k, label in enumerate(labels[: len(names)]):
        first = label + (2 if row_no else 1)
        end = labels[k + 1] if k + 1 < len(labels) else len(header.cells)
        value_pos = list(range(first, end))
        sides.append((names[k], label, label + 1 if row_no else None, value_pos,
                      [compact(_cell(header, p)) or f"列{p}" for p in value_pos]))
    return sides


def _side_table(rows: list[Row], table: AccountsTable) -> pd.DataFrame:
    header_i = _side_header(rows)
    if header_i is None:
        if table.kind.startswith("sangong") and _is_item_list(rows):
            return _item_list(rows, table)
        if table.kind.startswith("sangong") and (frame := _column_table(rows, table)) is not None:
            return frame
        table.warnings.append("未找到“行次”或“项目”表头")
        return pd.DataFrame()
    sides = [(*side, named(heads, table)) for *side, heads in _sides(rows[header_i], ["收入", "支出"])]
    value_columns = list(dict.fromkeys(n for *_, names in sides for n in names))  # both sides may say 金额
    records, decimals = [], []
    for row in rows[header_i + 1 :]:
        first = compact(row.nonempty()[0].text) if row.nonempty() else ""
        if first.startswith("栏次"):
            continue
        for side, label_pos, no_pos, value_pos, names in sides:
            label = clean_text(_cell(row, label_pos))
            if not label or compact(label).startswith("栏次"):
                continue
            row_no = _cell(row, no_pos).strip() if no_pos is not None else ""
            rec = {"side": side, "item": label, "name": strip_ordinal(label), "row_no": row_no}
            for p, n in zip(value_pos, names):
                rec[n] = _number(_cell(row, p), row.line, decimals)
            rec["line"], rec["loc"], rec["raw"] = row.line, _loc(row), _raw(row)
            records.append(rec)
    return _finish(records, ["side", "item", "name", "row_no", *value_columns, "line", "loc", "raw"], decimals, table)


def _is_number(text: str) -> bool:
    """A figure as a table prints it (1,234.56, 0, 12%): "2.公务接待费" is a label, not 2 of some unit."""
    return bool(text_tables.NUMBER.match(compact(text).rstrip("%")))


def _item_row(row: Row) -> bool:
    """A label, then figures (or blanks): "2.公务接待费 │ 1.70 │ 1.70"."""
    cells = row.nonempty()
    return len(cells) >= 2 and not _is_number(cells[0].text) and all(_is_number(c.text) for c in cells[1:])


def _is_item_list(rows: list[Row]) -> bool:
    """Items down the rows, each with its figures (the 三公 table of many 预算 and 决算 pages)."""
    return sum(1 for r in rows if _item_row(r)) >= 3


def _item_list(rows: list[Row], table: AccountsTable) -> pd.DataFrame:
    """One record per item row; the columns named by the header that prints 项目, else by the family (预算数)."""
    header_i = next((i for i, r in enumerate(rows) if r.cells and compact(r.cells[0].text) == "项目"), None)
    width = max(len(r.cells) for r in rows)
    start = header_i + 1 if header_i is not None else 0
    if header_i is not None and len(rows[header_i].cells) > 1:
        names = [compact(_cell(rows[header_i], p)) or f"列{p}" for p in range(1, width)]
    else:  # "项目" alone on its line, the column names on the lines after it ("预算数"), or no header at all
        names = []
        while start < len(rows) and header_i is not None and len(rows[start].cells) == 1:
            names.append(compact(rows[start].cells[0].text))
            start += 1
        names = (names + [f"{table.family}数"] + [f"列{p}" for p in range(2, width)])[: width - 1]
    names = _unique(names)
    records, decimals = [], []
    for row in rows[start:]:
        cells = row.nonempty()
        if len(row.cells) < 2 or _is_number(cells[0].text) or not all(_is_number(c.text) for c in cells[1:]):
            continue  # a title, a unit line, a header
        label = clean_text(row.cells[0].text) if row.cells[0].text.strip() else clean_text(cells[0].text)
        rec = {"side": "", "item": label, "name": strip_ordinal(label), "row_no": ""}
        for p, n in enumerate(names, start=1):
            rec[n] = _number(_cell(row, p), row.line, decimals)
        rec["line"], rec["loc"], rec["raw"] = row.line, _loc(row), _raw(row)
        records.append(rec)
    return _finish(records, ["side", "item", "name", "row_no", *names, "line", "loc", "raw"], decimals, table)


def _rows_table(rows: list[Row], table: AccountsTable) -> pd.DataFrame:
    """A table no template names (项目 │ 采购品目 │ 金额): each row that prints a figure, its cells under the names
    its header rows give them, words as words and figures as numbers.  Read so that its figures are its own; no
    check knows what they mean."""
    first = next((i for i, r in enumerate(rows) if any(_is_number(c.text) for c in r.cells[1:])), None)
    if first is None:
        return pd.DataFrame()
    data = [r for r in rows[first:] if any(_is_number(c.text) for c in r.cells[1:])]
    width = max(len(r.cells) for r in data)
    # a column of figures holds nothing else; the words of a row (its name, 采购品目 …) are its name
    figure_pos = [p for p in range(1, width) if all(_is_number(_cell(r, p)) or not _cell(r, p).strip() for r in data)
                  and any(_cell(r, p).strip() for r in data)]
    names = _unique(named(_flat_header_names(rows[:first], figure_pos, strip_common=False), table))
    records, decimals = [], []
    for row in data:
        words = [clean_text(_cell(row, p)) for p in range(width) if p not in figure_pos and _cell(row, p).strip()]
        rec = {"code": "", "level": "合计" if words and compact(words[0]) in ("合计", "总计") else "",
               "name": " ".join(words)}
        for p, n in zip(figure_pos, names):
            rec[n] = _number(_cell(row, p), row.line, decimals)
        rec["line"], rec["loc"], rec["raw"] = row.line, _loc(row), _raw(row)
        records.append(rec)
    return _finish(records, ["code", "level", "name", *names, "line", "loc", "raw"], decimals, table)


def _column_table(rows: list[Row], table: AccountsTable) -> pd.DataFrame | None:
    """Items across the columns and one row of figures under them (the 三公 table of 预算): one record per item,
    named by its header ("小计" under 公务用车购置及运行费 is that group)."""
    data_i = next((i for i, r in enumerate(rows)
                   if r.nonempty() and all(parse_value(c.text).kind == "number" for c in r.nonempty())), None)
    if not data_i:
        return None
    data = rows[data_i]
    positions = [p for p, c in enumerate(data.cells) if c.text.strip()]
    column = f"{table.family}数"
    records, decimals = [], []
    paths = _flat_header_names(rows[:data_i], positions, strip_common=False)
    if len(set(paths)) < len(paths):  # two figures under one heading: the cells do not stand under their names
        table.warnings.append(f"第{data.line}行的 {len(positions)} 个数字与表头各列对不齐（空单元格未保留），"
                              "各数所属的项目无法确定，未读取")
        return pd.DataFrame()
    for p, path in zip(positions, paths):
        parts = path.split(":")
        leaf = parts[-1] if parts[-1] != "小计" or len(parts) < 2 else parts[-2]
        records.append({"side": "", "item": path, "name": strip_ordinal(leaf), "row_no": "",
                        column: _number(_cell(data, p), data.line, decimals), "line": data.line, "loc": _loc(data),
                        "raw": _raw(data)})
    return _finish(records, ["side", "item", "name", "row_no", column, "line", "loc", "raw"], decimals, table)


# --- economic classification ---------------------------------------------------------------


def _is_code_header(text: str) -> bool:
    return compact(text).endswith("科目编码")


def _side_by_side(rows: list[Row]) -> bool:
    """The 决算 layout of 基本支出/项目支出 tables: blocks of 科目编码 │ 科目名称 │ 金额 repeated across a row."""
    return any(sum(_is_code_header(c.text) for c in r.cells) >= 2 for r in rows[:6])


def _economic_table(rows: list[Row], table: AccountsTable) -> pd.DataFrame:
    header_i = next((i for i, r in enumerate(rows) if any(_is_code_header(c.text) for c in r.cells)), None)
    if header_i is None:
        table.warnings.append("未找到“科目编码”表头")
        return pd.DataFrame()
    starts = [i for i, c in enumerate(rows[header_i].cells) if _is_code_header(c.text)]
    groups = []
    for r in rows[:header_i]:
        groups += [(i, compact(c.text)) for i, c in enumerate(r.cells) if compact(c.text).endswith("经费")]
    default_group = "项目支出" if table.kind == "project_gpb" else ""

    def group_of(pos: int) -> str:
        found = [g for p, g in groups if p <= pos]
        return found[-1] if found else default_group

    records, decimals = [], []
    lei: dict[int, str] = {}  # block → its last 类, for a 款 printed without it
    for row in rows[header_i + 1 :]:
        _economic_totals(row, table, decimals)
        for k, b in enumerate(starts):
            end = starts[k + 1] if k + 1 < len(starts) else len(row.cells)
            found = _economic_entry([(i, row.cells[i]) for i in range(b, min(end, len(row.cells)))
                                     if row.cells[i].text.strip()], lei.get(b, ""))
            if found is None:
                continue
            code, name, amount = found
            if len(code) == 3:
                lei[b] = code
            records.append({
                "group": group_of(b),
                "code": code,
                "level": "类" if len(code) == 3 else "款",
                "name": clean_text(name),
                "amount": _number(amount, row.line, decimals),
                "line": row.line,
                "loc": _loc(row),
                "raw": _raw(row),
            })
    return _finish(records, ["group", "code", "level", "name", "amount", "line", "loc", "raw"], decimals, table)


def _economic_entry(cells: list, lei: str) -> tuple[str, str, str] | None:
    """(code, name, amount text) of one block of an economic-classification row: 30101 │ 基本工资 │ 262.33, or with the
    code over its 类 │ 款 cells (301 │ 01 │ 基本工资 │ 262.33), or a 款 alone under the 类 above it (01 │ 基本工资)."""
    if not cells:
        return None
    code = compact(cells[0][1].text)
    if ECON_CODE_RE.match(code):
        code, rest = _joined_code(code, cells[1:]) if len(code) == 3 else (code, cells[1:])
    elif re.fullmatch(r"\d{1,2}", code) and lei:
        code, rest = lei + code.zfill(2), cells[1:]
    else:
        return None
    words = [c.text for _, c in rest if parse_value(c.text).kind != "number"]
    figures = [c.text for _, c in rest if parse_value(c.text).kind == "number"]
    return code, words[0] if words else "", figures[0] if figures else ""


def _economic_totals(row: Row, table: AccountsTable, decimals: list[int]) -> None:
    """Rows like 人员经费合计 397.19 │ 公用经费合计 50.60: each label takes the next number to its right."""
    label = None
    for c in row.cells:
        t = compact(c.text)
        if t.endswith("合计") or t == "合计":
            label = t
        elif label and t:
            v = parse_value(t, row.line)
            if v.kind == "number":
                table.totals[label] = v
                if v.decimals is not None:
                    decimals.append(v.decimals)
                label = None


# --- code tables -----------------------------------------------------------------------------


def _code_and_name(row: Row) -> tuple[str, str, int] | None:
    """(code, name, position of the name cell) of a data row, or None for a header row."""
    cells = [(i, c) for i, c in enumerate(row.cells) if c.text.strip()]
    if not cells:
        return None
    i0, c0 = cells[0]
    first = clean_text(c0.text)
    if compact(first) in ("合计", "总计"):
        # a total row holds figures only; "合计 │ 基本支出结转 │ …" is a header row
        if all(parse_value(c.text).kind == "number" for _, c in cells[1:]):
            return "", compact(first), i0
        return None
    spaced = SPACED_CODE_RE.match(first)  # "201 03 01" (类 款 项 one space apart), its name here or in the next cell
    if re.fullmatch(r"\d[\d\s]*\d", first) and len(digits := re.sub(r"\s", "", first)) in (5, 7):
        first = digits  # a code wrapped in a narrow cell wherever the line ended: "201 320 2" is 2013202
    elif spaced:
        first = spaced.group(1) + compact(spaced.group(2)) + (f" {spaced.group(3)}" if spaced.group(3) else "")
    m = CODE_RE.match(first)
    if not m:
        return None
    if m.group(2) or m.group(3):
        return m.group(1), clean_text(m.group(2) or m.group(3)), i0
    code, rest = _joined_code(m.group(1), cells[1:])
    for i, c in rest:
        if parse_value(c.text).kind != "number":
            return code, clean_text(c.text), i
    return code, "", i0


def _joined_code(code: str, cells: list) -> tuple[str, list]:
    """A code printed over its 类 │ 款 │ 项 cells ("201 │ 05 │ 07 │ 专项普查活动" → 2010507): up to two one- or
    two-digit cells between the 类 and the name are its 款 and 项 (a 款 printed "2" is 02)."""
    parts = []
    for _, c in cells[:2]:
        if not re.fullmatch(r"\d{1,2}", compact(c.text)):
            break
        parts.append(compact(c.text).zfill(2))
    rest = cells[len(parts):]
    if parts and rest and parse_value(rest[0][1].text).kind != "number":  # the name follows: they were code
        return code + "".join(parts), rest
    return code, cells


def _lanci_positions(header_rows: list[Row]) -> list[int] | None:
    """Positions of the 栏次 numbers 1, 2, 3 … in a header row, if the table prints them."""
    for row in header_rows:
        nums = [(i, compact(c.text)) for i, c in enumerate(row.cells) if compact(c.text).isdigit()]
        if len(nums) >= 2 and [int(t) for _, t in nums] == list(range(1, len(nums) + 1)):
            return [i for i, _ in nums]
    return None


def _group_positions(header_rows: list[Row], groups: list) -> list[int] | None:
    for row in header_rows:
        found = {compact(c.text): i for i, c in enumerate(row.cells) if c.text.strip()}
        if all(name in found for name, _ in groups):
            return [found[name] + k for name, width in groups for k in range(width)]
    return None


def _header_text(row: Row, p: int) -> str:
    """The text a header row gives column p: the nearest text at or left of p (a merged header cell leaves
    blanks to its right), or nothing when p lies inside a cell merged down from a row above, which has
    already named the column."""
    cells = row.cells
    if p < len(cells) and cells[p].covered == "up":
        return ""
    for q in range(min(p, len(cells) - 1), -1, -1):
        if cells[q].text.strip():
            return compact(cells[q].text)
    return ""


def _flat_header_names(header_rows: list[Row], positions: list[int], strip_common: bool = True) -> list[str]:
    names = []
    for p in positions:
        parts = []
        for row in header_rows:
            texts = [compact(c.text) for c in row.cells]
            if any(t == "栏次" for t in texts) or all(t in ("", "类", "款", "项") or t.isdigit() for t in texts):
                continue
            text = _header_text(row, p)
            if text and text not in parts and text not in ("项目", "科目名称") and "编码" not in text:
                parts.append(text)
        names.append(":".join(parts) or f"列{p}")
    return _without_common_group(names) if strip_common else names


def _without_common_group(names: list[str]) -> list[str]:
    """"收入预算:合计", "收入预算:事业收入" … → "合计", "事业收入": a group heading over every column adds nothing."""
    heads = {n.split(":", 1)[0] for n in names}
    if len(names) > 1 and len(heads) == 1 and all(":" in n for n in names):
        return [n.split(":", 1)[1] for n in names]
    return names


def _code_table(rows: list[Row], table: AccountsTable, schema: dict) -> pd.DataFrame:
    data = [(r, cn) for r in rows if (cn := _code_and_name(r))]
    first_data = rows.index(data[0][0]) if data else len(rows)
    header_rows = rows[:first_data]
    columns = schema.get("columns", [])
    name_pos = max((cn[2] for _, cn in data), key=[cn[2] for _, cn in data].count) if data else 0

    positions = _lanci_positions(header_rows)
    names: list[str] = []
    if positions:
        shift = max(0, name_pos + 1 - positions[0])  # the header was printed one cell left of the data
        orig = positions
        positions = [p + shift for p in positions]
        said = _named(header_rows, orig, columns, table)
        names = said or (columns if len(columns) == len(positions) else _flat_header_names(header_rows, orig))
    elif schema.get("groups") and (positions := _group_positions(header_rows, schema["groups"])):
        names = columns
    else:
        width = max((len(r.cells) for r, _ in data), default=name_pos + 1)
        positions = list(range(name_pos + 1, width))
        said = _named(header_rows, positions, columns, table)
        names = said or (columns[: len(positions)] if columns else _flat_header_names(header_rows, positions))
        if data and not said and columns:
            table.warnings.append("无栏次行或分组表头，列按顺序对应")

    names = _unique(named(names, table))
    records, decimals = [], []
    for row, (code, name, npos) in data:
        rec = {"code": code, "level": LEVELS.get(len(code), "合计"), "name": name}
        cells = _row_values(row, npos, name_pos, positions, table)
        for p, n in zip(positions, names):
            rec[n] = _number(cells.get(p, ""), row.line, decimals) if p > npos else None
        rec["line"], rec["loc"], rec["raw"] = row.line, _loc(row), _raw(row)
        records.append(rec)
    return _finish(records, ["code", "level", "name", *names, "line", "loc", "raw"], decimals, table)


def _named(header_rows: list[Row], positions: list[int], columns: list[str], table: AccountsTable) -> list[str] | None:
    """The columns as the header's own words name them, when each names a different column of the table's template
    (in the national template's words): a province's order, or a template column it does not print, is read as
    printed.  None when the words do not say (a converted table whose merged heads lost their places)."""
    if not positions:
        return None
    printed = _flat_header_names(header_rows, positions)
    said = canonical(printed, table.family, table.kind)
    if len(set(said)) != len(said) or not set(said) <= (set(columns) | known_heads()):
        return None
    return named(printed, table)


def _row_values(row: Row, npos: int, name_pos: int, positions: list[int], table: AccountsTable) -> dict[int, str]:
    """Column position → text of a data row.  A row printed on a grid of its own (a 合计 row alone on the
    next page of a PDF, its label no longer spanning the code and name columns) is narrower than the header:
    when it holds exactly one figure per column, the figures are the columns in order, and the table says so."""
    values = [c.text for c in row.cells[npos + 1:] if c.text.strip()]
    if (positions and npos < name_pos and len(row.cells) <= max(positions) and len(values) == len(positions)
            and all(parse_value(v).kind == "number" for v in values)):
        table.warnings.append(f"{row.cells[npos].loc or f'第{row.line}行'}“{compact(row.cells[npos].text)}”行的网格与表头不同"
                              f"（表格跨页），按顺序对应 {len(values)} 列")
        return dict(zip(positions, values))
    return {p: _cell(row, p) for p in positions}


# --- tables read from text whose cells were lost ----------------------------------------------------


def _template(table: AccountsTable, header_text: str) -> dict:
    """The text layout of the table's kind and family: the first variant whose words the header prints."""
    for variant in schemas().get("text", {}).get(table.family, {}).get(table.kind, []):
        if all(w in header_text for w in variant.get("words", [])):
            return variant
    return {}


ROW_TOTAL = re.compile(r"(本年(收入|支出))?(合计|总计)")  # a row's own total, printed first by the national templates


def _text_table(rows: list[Row], table: AccountsTable) -> pd.DataFrame:
    header = "".join(compact(c.text) for r in rows[:12] for c in r.cells if not text_tables.looks_like_row(c.text))
    template = _template(table, header)
    economic = table.kind in ("basic_gpb", "project_gpb") and table.family == "决算"
    if not template and not economic:
        table.warnings.append("表格的文字失去了单元格结构，且没有可对应的列模板")
        return pd.DataFrame()
    table.warnings.append("表格的文字失去了单元格结构（由 PDF 转换的文本），按行内文字拆分")
    if economic:
        return _text_economic(rows, table)
    if "sides" in template:
        return _text_sides(rows, table, template["sides"])
    if "items" in template:
        return _text_items(rows, table, template)
    columns = template["columns"]
    records, decimals = [], []
    for row in text_tables.code_rows(rows):
        cells = [c.text for c in row.cells]
        if not (text_tables.CODE.match(cells[0]) and len(cells) >= 2 or cells[0] in text_tables.TOTALS):
            continue
        code = cells[0] if text_tables.CODE.match(cells[0]) else ""
        name, figures = (cells[1], cells[2:]) if code else (cells[0], cells[1:])
        if len(figures) > len(columns):
            table.warnings.append(f"第{row.line}行有 {len(figures)} 个数字，多于 {len(columns)} 列，未读取")
            continue
        rec = {"code": code, "level": LEVELS.get(len(code), "合计"), "name": clean_text(name)}
        for k, col in enumerate(columns):
            rec[col] = _number(figures[k], row.line, decimals) if k < len(figures) else None
        rec["line"], rec["loc"], rec["raw"] = row.line, _loc(row), _raw(row)
        records.append(rec)
        if 0 < len(figures) < len(columns):  # which columns its later figures stand in, the text does not say
            table.uncertain_lines.add(row.line)
    table.total_first = bool(columns) and bool(ROW_TOTAL.fullmatch(columns[0]))
    if table.uncertain_lines:
        table.warnings.append(f"{len(table.uncertain_lines)} 行的数字少于列数（空单元格在文本中没有留下位置）："
                              + ("这些行只有第一列（合计）确定" if table.total_first else "这些行的数字在哪一列无法确定，未用于核对"))
    if not records and any(EMPTY_TABLE_RE.search(n.text) for n in table.notes):
        # its header read, no row of figures, and a note saying so: an empty table, not an unread one
        records.append({"code": "", "level": "合计", "name": "合计", **{c: None for c in columns},
                        "line": table.line, "loc": "", "raw": ""})
    return _finish(records, ["code", "level", "name", *columns, "line", "loc", "raw"], decimals, table)


def _text_sides(rows: list[Row], table: AccountsTable, sides: list[list[str]]) -> pd.DataFrame:
    """收入 │ 支出 tables: a line's first label is the 收入 side, the second the 支出 side; a line with one label
    goes to the side its words belong to."""
    header = next((i for i, r in enumerate(rows) if "项目" in r.nonempty()[0].text.split()), None) if rows else None
    row_no = header is not None and "行次" in rows[header].nonempty()[0].text
    columns = list(dict.fromkeys(c for side in sides for c in side))
    records, decimals = [], []
    start = (header or -1) + 1
    while start < len(rows) and not text_tables.looks_like_row(rows[start].nonempty()[0].text):
        start += 1  # the header's further lines (合计 项目支出 / 人员经费 公用经费) before the first row of figures
    for row, segments in text_tables.side_rows(rows[start:], row_no):
        if len(segments) == 1:
            side_of = [0 if text_tables.is_income_label(segments[0][0]) else 1]
        else:
            side_of = list(range(len(segments)))[:2]
        for (label, figures), k in zip(segments, side_of):
            if compact(label).startswith("注"):
                continue
            number = ""
            if row_no and figures and re.fullmatch(r"\d{1,3}", figures[0]):
                number, figures = figures[0], figures[1:]
            cols = sides[k]
            rec = {"side": ["收入", "支出"][k], "item": clean_text(label), "name": strip_ordinal(label), "row_no": number}
            for col in columns:
                rec[col] = None
            for j, col in enumerate(cols):
                rec[col] = _number(figures[j], row.line, decimals) if j < len(figures) else None
            rec["line"], rec["loc"], rec["raw"] = row.line, _loc(row), _raw(row)
            records.append(rec)
    return _finish(records, ["side", "item", "name", "row_no", *columns, "line", "loc", "raw"], decimals, table)


def _text_items(rows: list[Row], table: AccountsTable, template: dict) -> pd.DataFrame:
    """A 三公 table: one line of figures under the items, each item with its amounts (预算数, 决算数)."""
    items, columns = template["items"], template["columns"]
    data = next((r for r in rows if (t := r.nonempty()[0].text.split()) and all(text_tables.NUMBER.match(x) for x in t)),
                None)
    if data is None:
        return pd.DataFrame()
    figures = data.nonempty()[0].text.split()
    slots = len(items) * len(columns)
    unsure: set[str] = set()
    if len(figures) < slots and (placed := _blanks_placed(figures, items, columns, template.get("identities", []))):
        printed = len(figures)
        figures, unsure = placed
        table.warnings.append(f"第{data.line}行只印出 {printed} 个数字（{slots - printed} 个空单元格在文本中没有留下位置），"
                              + (f"空格的位置由表内合计关系确定；“{'”“'.join(sorted(unsure))}”的数字可归入不止一项，未读取"
                                 if unsure else "空格的位置由表内合计关系唯一确定"))
    if len(figures) != slots:
        table.warnings.append(f"第{data.line}行有 {len(figures)} 个数字，与 {len(items)} 项 × {len(columns)} 列不符，未读取")
        return pd.DataFrame()
    records, decimals = [], []
    for k, item in enumerate(items):
        if item in unsure:  # its figures could stand under it or under another item: not placed by guess
            table.unplaced += [parse_value(f, data.line, _loc(data)) for f in
                               figures[k * len(columns):(k + 1) * len(columns)] if f]
            continue
        rec = {"side": "", "item": item, "name": item, "row_no": ""}
        for j, col in enumerate(columns):
            figure = figures[k * len(columns) + j]
            rec[col] = _number(figure, data.line, decimals) if figure else None
        rec["line"], rec["loc"], rec["raw"] = data.line, _loc(data), _raw(data)
        records.append(rec)
    return _finish(records, ["side", "item", "name", "row_no", *columns, "line", "loc", "raw"], decimals, table)


MAX_BLANKS = 4  # blank cells a line of figures may have lost and still be placed (C(12, 4) = 495 ways to try)
MAX_FITS = 4  # placements that fit: more, and the line says too little to place anything


def _blanks_placed(figures: list[str], items: list[str], columns: list[str], identities: list
                   ) -> tuple[list[str], set[str]] | None:
    """The line's figures with "" where its lost blank cells were, placed where every sum of the table holds in every
    column (合计 = 因公出国 + 公务用车 + 公务接待, 公务用车 = 购置 + 运行), and the items whose cells differ between the
    placements that fit (their figures are not placed); None when no placement fits, too many do, or the placements
    disagree on a total."""
    slots, missing = len(items) * len(columns), len(items) * len(columns) - len(figures)
    if not identities or not 0 < missing <= MAX_BLANKS:
        return None
    values = [float(f.replace(",", "")) for f in figures]
    at = {item: k for k, item in enumerate(items)}
    fits = []
    for blanks in combinations(range(slots), missing):
        it = iter(values)
        grid = [0.0 if s in blanks else next(it) for s in range(slots)]
        cell = lambda item, j: grid[at[item] * len(columns) + j]  # noqa: E731
        if all(abs(cell(total, j) - sum(cell(p, j) for p in parts)) <= 0.006 * (len(parts) + 1)
               for total, parts in identities for j in range(len(columns))):
            fits.append(blanks)
            if len(fits) > MAX_FITS:
                return None
    if not fits:
        return None
    placements = []
    for blanks in fits:
        it = iter(figures)
        placements.append(["" if s in blanks else next(it) for s in range(slots)])
    unsure = {items[s // len(columns)] for s in range(slots) if len({p[s] for p in placements}) > 1}
    if unsure & {total for total, _ in identities}:
        return None  # a total itself in doubt: nothing is certain
    return placements[0], unsure


def _text_economic(rows: list[Row], table: AccountsTable) -> pd.DataFrame:
    """Blocks of 科目编码 名称 金额 side by side on a line ("301 工资福利支出 7,728.96 302 商品和服务支出 1,708.26")."""
    records, decimals = [], []
    lines = [row.nonempty()[0].text.split() if row.nonempty() else [] for row in rows]
    for i, row in enumerate(rows):
        tokens = lines[i]
        if i + 1 < len(lines) and (joined := _codes_then_rest(tokens, lines[i + 1])):
            tokens, lines[i + 1] = joined, []  # one row printed over two lines: read once, here
        _economic_totals(_tokens_row(row, tokens), table, decimals)
        k = 0
        while k < len(tokens):
            if not text_tables.CODE.match(tokens[k]) or len(tokens[k]) > 5:
                k += 1
                continue
            code, k = tokens[k], k + 1
            if len(code) == 3 and k < len(tokens) and re.fullmatch(r"\d{2}", tokens[k]):
                code, k = code + tokens[k], k + 1  # "301 01 基本工资": the 款 printed apart from its 类
            name = []
            while k < len(tokens) and not text_tables.NUMBER.match(tokens[k]):
                name.append(tokens[k])
                k += 1
            amount = tokens[k] if k < len(tokens) and not text_tables.CODE.match(tokens[k]) else ""
            k += bool(amount)
            records.append({"group": "", "code": code, "level": "类" if len(code) == 3 else "款",
                            "name": "".join(name), "amount": _number(amount, row.line, decimals), "line": row.line,
                            "loc": _loc(row), "raw": _raw(row)})
    return _finish(records, ["group", "code", "level", "name", "amount", "line", "loc", "raw"], decimals, table)


def _codes_then_rest(codes: list[str], rest: list[str]) -> list[str] | None:
    """A row of side-by-side blocks that a converter printed over two lines, the codes first ("301 01 302") and the
    names and amounts after, each later block's 款 among them ("基本工资 262.33 01 办公费 21.21"), as one row of tokens
    ("301 01 基本工资 262.33 302 01 办公费 21.21"), when exactly that reading fits: every token of the first line a
    code, the second starting with a name, and one 款 on it for each later block that lacks one."""
    if not codes or not rest or not all(re.fullmatch(r"\d{3}|\d{2}", t) for t in codes) \
            or not re.fullmatch(r"\d{3}", codes[0]) or text_tables.NUMBER.match(rest[0]) or re.fullmatch(r"\d+", rest[0]):
        return None
    blocks: list[list[str]] = []
    for t in codes:
        if len(t) == 3:
            blocks.append([t])
        elif len(blocks[-1]) == 1:
            blocks[-1].append(t)
        else:
            return None
    kuan = [k for k, t in enumerate(rest) if re.fullmatch(r"\d{2}", t)]
    lacking = [b for b in blocks[1:] if len(b) == 1]
    if len(kuan) != len(lacking) or any(len(b) == 2 for b in blocks[1:]) and lacking:
        return None
    out, start = list(blocks[0]), 0
    for block, cut in zip(blocks[1:], kuan):
        out += rest[start:cut] + block + [rest[cut]]
        start = cut + 1
    return out + rest[start:]


def _tokens_row(row: Row, tokens: list[str]) -> Row:
    c0 = row.nonempty()[0] if row.nonempty() else None
    return Row([type(c0)(t, row.line, c0.loc) for t in tokens], row.line, row.end_line) if c0 else row
