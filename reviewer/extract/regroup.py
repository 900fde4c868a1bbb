"""Rows again from tables printed a cell a line ("项目名称 |", "某某项目 |", "|" for an empty cell), where the
page's text export kept every cell but lost which cells make a row.

A 自评表 printed so is regrouped by its labels: a row starts at a label the templates begin a row with
(项目名称, 总额, 其中:财政资金, 产出指标, 合计 … from forms.toml) and a header row ends at its last heading
(年度目标完成情况).  Any other table (a 三公 list) is a label and the figures printed after it.
"""
from __future__ import annotations

import re

from ..read import Document
from ..read.document import Row
from .values import compact
from .vocab import ANALYSIS, FORMS, FUNDS_HEADERS, FUNDS_ROWS, GOAL_HEADERS, LEVEL1, field_of, label_key

_FIGURE = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?$")
_LIST_NUMBER = re.compile(r"^\d{1,2}[.．、]")
_FORM_WORDS = ("一级指标", "项目名称", "三级指标")
ROW_STARTS = (["项目名称", "主管部门", "项目基本情况", "绩效指标", "合计", "总分", "项目负责人", "其他需要说明",
               "其他需说明", "部门预算项目支出绩效自评表", "项目支出绩效自评表"]
              + FUNDS_HEADERS + GOAL_HEADERS + LEVEL1 + [w for words in ANALYSIS.values() for w in words])
ROW_ENDS = FORMS["funds"]["goal_row_ends"]


def regrouped_rows(doc: Document) -> list[Row]:
    """The document's rows, those of cell-a-line blocks regrouped."""
    out: list[Row] = []
    for block in doc.blocks:
        if block.kind == "furniture":
            continue
        if block.layout != "pipe-cells":
            out += block.rows
        elif any(compact(c.text) in _FORM_WORDS for r in block.rows for c in r.cells):
            out += _form_rows(block.rows)
        else:
            out += _label_rows(block.rows)
    return out


def _cells(rows: list[Row]) -> Row:
    return Row([c for r in rows for c in r.cells], rows[0].line, rows[-1].end_line)


def _form_rows(lines: list[Row]) -> list[Row]:
    groups: list[list[Row]] = []
    ended = True
    for line in lines:
        text = line.cells[0].text if line.cells else ""
        key = _LIST_NUMBER.sub("", label_key(text))
        starts = bool(key) and (any(key.startswith(w) for w in ROW_STARTS)
                                or field_of(key, FUNDS_ROWS, contains=False) is not None)
        if ended or starts and not (groups and key in ROW_ENDS):
            groups.append([line])
        else:
            groups[-1].append(line)
        ended = key in ROW_ENDS
    return [_cells(g) for g in groups]


def _label_rows(lines: list[Row]) -> list[Row]:
    """A label and the figures on the lines after it make one row ("合计 |" then "4432 |")."""
    out: list[Row] = []
    waiting = False  # the last row is a label alone, waiting for its figures
    for line in lines:
        text = line.cells[0].text.strip() if len(line.cells) == 1 else None
        figure = text is not None and bool(_FIGURE.match(text))
        if figure and waiting:
            out[-1] = _cells([out[-1], line])
            continue
        out.append(line)
        waiting = text is not None and bool(text) and not figure
    return out
