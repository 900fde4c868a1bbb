"""One report, extracted: a file (or a `Document` already read) into a typed `Report`.

The file is read into a `Document` (rows of located cells, whatever the format); the parts of a report
(project tables, department sections, 决算 tables) are found in its rows by their titles and header words.
"""
from __future__ import annotations

import re
from dataclasses import replace
from collections import Counter
from pathlib import Path

from ..errors import ExtractionError
from ..model import Department, Mention, Report
from ..read import Document, Limits, ReadIssue, read
from .account_tables import parse_accounts
from .completeness import FORM_UNREAD, ending_issue, lost_figures, missing_parts, unread_amounts
from .department import parse_department_table, parse_narrative
from .project import parse_project
from .prose import paragraphs
from .regroup import regrouped_rows
from . import spaced_form
from .run_together import is_run_together, split_form
from .script import simplified_rows
from .segment import DOCUMENT_WORDS, Part, contents_entry, marked_none, split_parts
from .values import YEAR_RE, clean_text, compact

UNIT_AFTER_RE = re.compile(r"\s*(?:金额)?单位\s*[:：]")
# who a 决算/预算 is, from its headings: "上海市普陀区文化和旅游局2025年度部门决算", "第一部分 某某局概况"
_ORG = (r"(?P<name>[\u4e00-\u9fff（）()]{2,30}?(?:委员会|办公室|办事处|局|委|办|中心|院|所|站|馆|社|厅|部|政府|街道|学校|医院|"
        r"幼儿园|大队|支队|协会|学会))")
TITLE_NAME_RE = re.compile(r"^(?:第[一二三四五六七八九十]+部分)?(?!纳入|关于|根据|按照)" + _ORG +
                           r"(?:\d{4}年度?(?:部门|单位)?(?:决算|预算)|概况)")
# a cover that prints its year first ("2024年度" / "大竹县农业技术推广中心" / "单位决算"), its lines joined
YEAR_FIRST_RE = re.compile(r"^\d{4}年度?" + _ORG + r"(?:部门|单位)?(?:决算|预算)")
# what may follow a title's "…部门决算": "公开说明", "情况说明", "表"
TITLE_TAIL_RE = re.compile(r"^(?:公开)?(?:说明|情况说明)?(?:表)?$")
COVER_LINES = 4  # a cover's title may be broken over this many lines
_DEPT_LABEL_STARTS = ("部门", "主管", "实施", "填列", "编制", "预算", "决算")
# a label with its value after a colon, or a label alone (its value in the next cell); a 预算/决算 cover's
# "预算主管部门：某某局", "预算单位：某某局"
DEPT_LABEL_RE = re.compile(
    r"^(部门(?:名称)?|(?:预算|决算)?主管部门|实施单位|填列单位(?:（公章）)?|编制(?:部门|单位)|(?:预算|决算)单位)"
    r"\s*(?:[:：]\s*(\S.*)?)?$")
# a cover's or heading's title: "上海市普陀区2024年区级部门预算", "2025年单位预算编制说明", "某某局2023年度部门决算"
COVER_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年度?(?:[区市县省州镇乡]级)?(?:部门|单位)(?:预算|决算)")


def extract(source: str | Path | Document, name: str | None = None, cache: bool = True,
            limits: Limits | None = None) -> Report:
    """Read one report (a path, its text, or a `Document` already read, within `limits`) into a `Report`.

    Raises `ExtractionError` when the file cannot be read or nothing in it is recognisable as a report part.
    """
    doc = source if isinstance(source, Document) else read(source, name, cache=cache, limits=limits)
    rows, traditional = simplified_rows(regrouped_rows(doc))
    rows, split_issues, split_notes = _split_run_together(rows)
    if not any(r.nonempty() for r in rows):
        if doc.issues:  # nothing read because a limit or a damaged part stopped it: that is the reason
            raise ExtractionError(f"{doc.issues[0].where}：{doc.issues[0].reason}")
        raise ExtractionError("文件中没有可读取的文字" if doc.format != "text" else "空文件")
    parts = split_parts(rows)
    report = Report(source=name or doc.source, encoding=doc.encoding, format=doc.format, pages=doc.pages,
                    recognised=doc.recognised,
                    layout=doc.layout, files=doc.files,
                    lines=doc.lines, line_locs=doc.line_locs or [], issues=list(doc.issues),
                    multiline_rows=[(b.rows[0].line, b.rows[-1].end_line) for b in doc.blocks
                                    if b.layout == "cell-per-line"])
    report.issues += split_issues
    report.warnings += split_notes
    if traditional:
        report.warnings.append("页面为繁体字（多为转载网站转换所致），按对应的简体字识别；引文保留原文")
    for part in parts:
        _read_part(part, report)
        if part.kind == "preamble":
            report.contents += [Mention(f"{found[0].split(':', 1)[1]}|{found[1]}" + ("|无" if marked_none(row) else ""),
                                        compact(row.joined()), row.line)
                                for row in part.rows if (found := contents_entry(row))]
    if report.targets and "自评" in compact("".join(c.text for r in rows[:60] for c in r.nonempty())):
        for p in report.targets:  # a 绩效目标自评表 whose header lost its words: a self-evaluation all the same
            p.form = "自评表"
        report.projects, report.targets = report.projects + report.targets, []
    _collect_mentions(report, parts)
    report.kind = _document_kind(report, rows)
    family = "预算" if "预算" in report.kind else "决算"  # of a 目录's entries whose title says neither
    report.contents = [replace(m, value=m.value.replace("|auto", f"|{family}")) for m in report.contents]
    if not report.kind:
        raise ExtractionError(
            "未识别出报告内容：没有找到项目支出绩效自评表、部门整体支出绩效自评、决算或预算表，文字中也没有"
            "决算、预算、绩效自评的内容" + (f"（已读取 {len(rows)} 行文字）" if rows else ""))
    if report.kind == "目录":
        report.issues.append(ReadIssue("文档", "全文", f"只有目录（{len(rows)} 行），没有正文和表格：所列内容未能审核"))
    elif report.kind in FORM_KINDS and not (report.projects or report.blank_templates or report.department_part
                                            or any(i.reason == FORM_UNREAD for i in report.issues)):
        report.issues.append(ReadIssue("文档", "全文", f"是{report.kind}，但表格未能拆分成单元格读取（版式无法识别），"
                                                     "表中数字未审核"))
    if cut := ending_issue(doc):
        report.issues.append(cut)
    report.issues += missing_parts(report) + lost_figures(report)
    if lost := unread_amounts(report):
        report.issues.append(lost)
    return report


def _split_run_together(rows: list) -> tuple[list, list[ReadIssue], list[str]]:
    """Rows again from a form whose text lost every space (run_together.py): the rows, what could not be
    split (issues), and where a form was split back whole (notes)."""
    out, issues, notes = [], [], []
    for row in rows:
        cells = row.nonempty()
        if len(cells) != 1 or not is_run_together(cells[0].text):
            out.append(row)
            continue
        split = split_form(cells[0])
        out += split.rows
        where = str(cells[0].loc or f"第{row.line}行")
        said = "表格文字的空格和换行全部丢失，按表中词语拆回单元格"
        if split.unread:
            issues.append(ReadIssue("表格", where, f"{said}；" + "；".join(split.unread)))
        else:
            notes.append(f"{where}：{said}，各数均可唯一拆分")
    return out, issues, notes


FORM_KINDS = ("项目支出绩效自评表", "部门整体支出绩效自评表")


def _document_kind(report: Report, rows) -> str:
    """What the document is, from what was read in it; for running text only, from its opening words."""
    opening = compact("".join(c.text for r in rows[:60] for c in r.nonempty()))
    cover = compact("".join(c.text for r in rows[:10] for c in r.nonempty()))
    if report.accounts:
        family = "决算" if "决算" in {t.family for t in report.accounts} else "预算"
        return _level(family, cover, opening) + family
    if report.projects or report.blank_templates:
        return "项目支出绩效自评表"
    if report.targets:
        return "绩效目标表"
    if report.department_part:
        return "部门整体支出绩效自评"
    kind = next((k for k, words in DOCUMENT_WORDS if any(w in opening for w in words)), "")
    if kind in ("部门决算", "部门预算"):
        kind = _level(kind[2:], cover, opening) + kind[2:]
    if kind and _contents_only(report, rows):
        return "目录"
    return kind


def _level(family: str, cover: str, opening: str) -> str:
    """部门 or 单位: a unit's own accounts (单位决算, 单位预算) say so, on the cover first ("2025年区级单位预算
    预算单位：某某局"; a department's opening pages may name its 预算单位 in passing); a title that says neither, 部门."""
    unit, dept = f"单位{family}" in cover or f"{family}单位" in cover, f"部门{family}" in cover
    if unit != dept:
        return "单位" if unit else "部门"
    return "单位" if f"单位{family}" in opening and f"部门{family}" not in opening else "部门"


_TOC_LINE = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|"
                       r"\d{1,2}[.．、])?.{0,40}?(?:表|情况|说明|概况|职责|职能|解释|目录|构成|设置|事项)"
                       r"(?:[（(][^()（）]{1,8}[)）])?[\s.·…]*(?:[(（]?\s*\d{0,3}\s*[)）]?)$")


def _contents_only(report: Report, rows) -> bool:
    """Nothing but a table of contents: every line a heading, no sentence, no figure."""
    texts = [compact(c.text) for r in rows for c in r.nonempty()]
    if not texts or any(p.figures for p in report.prose):
        return False
    headings = sum(1 for t in texts if _TOC_LINE.match(t) or t in ("目录", "目 录"))
    return headings >= 0.8 * len(texts)


FILLED_FIGURES = 3  # a form printing this many amounts or rates is filled in, whatever could be read of it
_FILLED_FIGURE = re.compile(r"(?<![\d.])\d+(?:\.\d+|%)(?![\d.])|(?<![\d,])\d{1,3}(?:,\d{3})+")


def _figures_printed(part: Part) -> int:
    """The amounts and rates a part prints (1.7, 15.45%, 2,821,678.47): a blank template prints none."""
    return sum(len(_FILLED_FIGURE.findall(c.text)) for r in part.rows for c in r.nonempty())


def _in_cells(part: Part) -> bool:
    """The part was read as a table: most of its rows have cells, not one line of text each."""
    rows = [r for r in part.rows if r.nonempty()]
    return sum(len(r.cells) > 1 for r in rows) >= 0.5 * len(rows) if rows else False


def _read_part(part: Part, report: Report) -> None:
    if part.kind in ("preamble", "department_narrative"):
        report.prose += paragraphs(part.rows)
    if part.kind == "project":
        unit = report.units[-1].value if report.units else ""
        project = parse_project(part, unit)
        where = report.location(project.line)
        if project.empty and not _in_cells(part) and (again := spaced_form.reread(part, unit)) is not None:
            project = again  # its lines cut at every space, the cut confirmed by the form's own identities
            project.warnings.append("表格的文字失去了单元格结构，按空格拆分为单元格，拆分已由执行率和总分核实")
        elif project.empty and (_figures_printed(part) >= FILLED_FIGURES or not _in_cells(part)):
            # its rows print figures none of which a cell holds, or its cells ran together into lines of text (a
            # PDF's text with single spaces) no cut of which the form confirms: a form not read, which may be
            # filled — never called a blank template
            report.issues.append(ReadIssue("项目", where or "全文", FORM_UNREAD))
            return
        project.year = project.year or _title_year(part)
        home = report.blank_templates if project.empty else report.targets if project.form == "目标表" else report.projects
        home.append(project)
        for w in project.warnings:
            report.warnings.append(f"{project.name or '（未命名项目）'}（{where}）：{w}")
        if project.incomplete:
            report.issues.append(ReadIssue("项目", where, project.incomplete, project.name))
        for cells in project.unread_cells:
            report.issues.append(ReadIssue("项目", where, cells, project.name))
    elif part.kind in ("department_narrative", "department_table"):
        dept = report.department_part or Department(line=part.line)
        report.department_part = dept
        dept.year = dept.year or _title_year(part)
        if part.kind == "department_narrative":
            parse_narrative(part, dept)
        else:
            parse_department_table(part, dept, dept.year)
    elif part.kind.startswith("accounts:"):
        table = parse_accounts(part, part.kind.split(":", 1)[1])
        report.accounts.append(table)
        notes = {n.line for n in table.notes}
        report.prose += paragraphs([r for r in part.rows if r.line in notes])
        where = report.location(table.line)
        for w in table.warnings:
            report.warnings.append(f"{table.title}（{where}）：{w}")
        if table.unread:
            report.issues.append(ReadIssue("表格", where, table.unread, table.title))
        elif table.uncertain_lines:
            report.issues.append(ReadIssue("表格", where, f"{len(table.uncertain_lines)} 行只印出部分数字（由 PDF 转换的文本"
                                           "不保留空单元格），" + ("除第一列（合计）外" if table.total_first else "")
                                           + "各数所属的列无法确定，这些数字未核查", table.title))
        elif table.unplaced:
            shown = "、".join(v.raw for v in table.unplaced[:4])
            report.issues.append(ReadIssue("表格", where, f"{len(table.unplaced)} 个数字（{shown}）可归入不止一项，未能确定"
                                           "所属项目，这些数字未核查", table.title))
        if table.unit:
            report.units.append(Mention(table.unit, table.title, table.line or 0))


def _title_year(part: Part) -> int | None:
    m = YEAR_RE.search(compact(part.title))
    return int(m.group(1)) if m else None


def _own_year(text: str) -> re.Match | None:
    """The first year of a line that is not the year compared with (较2022年度, 比上年, 与2022年相比)."""
    return next((m for m in YEAR_RE.finditer(text) if not re.search(r"[较比与同]$", text[:m.start()])
                 and not re.match(r"\s*度?\s*(?:相比|比较|同期)", text[m.end():])), None)


def _title_name(joined: str) -> re.Match | None:
    """A title that names its unit: "某某局2024年度部门决算(公开说明)", "第一部分 某某局概况", "2024年度某某中心单位决算"."""
    m = TITLE_NAME_RE.match(joined) or YEAR_FIRST_RE.match(joined)
    return m if m and TITLE_TAIL_RE.match(joined[m.end():]) else None


def _cover_title(report: Report, parts: list[Part]) -> None:
    """A cover whose title is broken over lines ("中共上海市普陀区委" / "社会工作部2024年度" / "部门决算"): its first
    lines joined, when no title of one line named the unit."""
    if any(m.context == "标题" for m in report.departments):
        return
    lines = [(row.line, compact(row.joined())) for part in parts for row in part.rows if row.nonempty()][:COVER_LINES]
    for k in range(len(lines)):
        for j in range(k + 2, len(lines) + 1):
            m = _title_name("".join(text for _, text in lines[k:j]))
            if m:
                report.departments.append(Mention(m.group("name"), "标题", lines[k][0]))
                return


def _collect_mentions(report: Report, parts: list[Part]) -> None:
    """Every printed department name and fiscal year, with its line: they may disagree."""
    for part in parts:
        if part.title and (m := YEAR_RE.search(compact(part.title))):
            report.years.append(Mention(m.group(1), part.title, part.line or 0))
        for row in part.rows:
            cells = row.nonempty()
            if not cells:
                continue
            for k, c in enumerate(cells):
                if not c.text.lstrip().startswith(_DEPT_LABEL_STARTS):
                    continue
                m = DEPT_LABEL_RE.match(clean_text(c.text))
                if not m or len(c.text) > 80:
                    continue
                if m.group(2) and not re.match(r"^\S+?\s*[:：]", clean_text(c.text)):
                    continue  # "部门负责…" is a sentence, not a label
                if m.group(1)[:2] in ("预算", "决算") and not m.group(2):
                    continue  # a column head "预算单位", not a cover's label
                value = m.group(2) or (clean_text(cells[k + 1].text) if k + 1 < len(cells) else "")
                value = UNIT_AFTER_RE.split(value)[0]  # "编制部门：某某局 单位：元" on one line
                if value and not DEPT_LABEL_RE.match(value) and "（" != value[:1]:
                    report.departments.append(Mention(value.strip(), m.group(1), c.line))
            if len(cells) > 2:
                continue  # a title or a year line is one or two cells
            joined = compact(row.joined())
            if len(cells) == 2 and re.match(r"^(?:标题|题目)[:：]?$", compact(cells[0].text)):
                joined, cells = compact(cells[1].text), cells[1:]  # a web page's "标题: | 某某站2024年度决算公开说明"
            if len(cells) == 1 and len(joined) <= 50 and (m := _title_name(joined)):
                report.departments.append(Mention(m.group("name"), "标题", row.line))
            if len(cells) <= 2 and len(joined) < 40 and (m := COVER_YEAR_RE.search(joined) or (
                    "年度" in joined and _own_year(joined))):
                if not part.title or compact(part.title) not in joined:
                    report.years.append(Mention(m.group(1), clean_text(row.joined()), row.line))
    _cover_title(report, parts)
    for p in report.projects:
        if p.funds.unit:
            report.units.append(Mention(p.funds.unit, f"项目资金 {p.name}", p.funds.line or 0))
    if report.department_part:
        for task in report.department_part.key_tasks[:1]:
            if task.unit:
                report.units.append(Mention(task.unit, "部门年度重点工作任务", task.line or 0))
    names = Counter(m.value for m in report.departments if m.context.startswith("部门"))
    if not names:
        names = Counter(m.value for m in report.departments)
    if not names:  # labels that ran into one line with their values: the forms read still name their 主管部门
        names = Counter(p.department for p in report.projects if p.department)
    report.department = names.most_common(1)[0][0] if names else ""
    if report.department_part and not report.department_part.name:
        report.department_part.name = report.department
    years = Counter(m.value for m in report.years)
    if years:  # the year printed most; of two printed as often, the body's (later) one: a 目录 is copied more often
        last = {m.value: k for k, m in enumerate(report.years)}
        report.year = int(max(years, key=lambda y: (years[y], last[y])))
    else:
        report.year = None
    report.units.sort(key=lambda m: m.line)
