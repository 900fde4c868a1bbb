"""A 部门预算 in the national public set (财政部 部门预算公开: 收支预算总表, 收入预算总表, 支出预算总表, 一般公共预算
支出表, 一般公共预算基本支出表, “三公”经费支出表), written the many ways provinces print it — test data for reading
by structure rather than by the templates seen so far.

    doc = BudgetDoc.make(seed=3)
    blocks = doc.render(Variant(code_style="split", header_rows=2, unit="万元"))
    write(blocks, "pdf", folder, "budget")       # or html, xlsx, docx, pdf_ttf, pdf_office
    doc.truth()                                  # what every variant must read as: {kind: {key: {column: 元}}}

Every variant prints the same figures; their sums hold (合计 = 基本支出 + 项目支出, 类 = Σ 款 = Σ 项).
"""
from __future__ import annotations

import html
import random
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from support.render import html_table, number_and_format, spans

DEPARTMENT = "临江市城市管理局"
YEAR = 2024

# (code, name) of the function classification, 类 → 款 → 项
FUNCTIONS = [
    ("201", "一般公共服务支出", [("20103", "政府办公厅（室）及相关机构事务", [("2010301", "行政运行"), ("2010302", "一般行政管理事务"),
                                                               ("2010350", "事业运行")])]),
    ("208", "社会保障和就业支出", [("20805", "行政事业单位养老支出", [("2080505", "机关事业单位基本养老保险缴费支出"),
                                                           ("2080506", "机关事业单位职业年金缴费支出")])]),
    ("212", "城乡社区支出", [("21201", "城乡社区管理事务", [("2120101", "行政运行"), ("2120104", "城管执法")]),
                         ("21205", "城乡社区环境卫生", [("2120501", "城乡社区环境卫生")])]),
    ("221", "住房保障支出", [("22102", "住房改革支出", [("2210201", "住房公积金")])]),
]
# (code, name, 人员经费 or 公用经费) of the economic classification of 基本支出
ECONOMIC = [
    ("301", "工资福利支出", "人员经费", [("30101", "基本工资"), ("30102", "津贴补贴"), ("30108", "机关事业单位基本养老保险缴费")]),
    ("302", "商品和服务支出", "公用经费", [("30201", "办公费"), ("30211", "差旅费"), ("30229", "福利费")]),
    ("303", "对个人和家庭的补助", "人员经费", [("30305", "生活补助")]),
]
SOURCES = ["一般公共预算拨款收入", "政府性基金预算拨款收入", "事业收入", "其他收入"]

# header words as provinces print them: canonical → the synonyms a variant may use instead
SYNONYMS = {
    "科目编码": ["功能分类科目编码", "科目代码", "功能科目编码"],
    "科目名称": ["功能分类科目名称", "功能科目名称", "项目"],
    "合计": ["小计", "总计", "合  计"],
    "基本支出": ["基本支出合计"],
    "一般公共预算拨款收入": ["一般公共预算财政拨款收入", "一般公共预算拨款"],
    "政府性基金预算拨款收入": ["政府性基金预算财政拨款收入", "政府性基金预算拨款"],
    "预算数": ["本年预算数", "金额"],
}


@dataclass(frozen=True)
class Variant:
    """How one province prints the same tables."""
    synonyms: bool = False  # header words other than the national template's
    reorder: bool = False  # 项目支出 before 基本支出; the sources in another order
    lanci: bool = True  # a 栏次 row (1, 2, 3 …) under the header
    code_style: str = "one"  # one: 2010301 │ split: 201 │ 03 │ 01 │ in_name: "2010301 行政运行" │ spaced: "201 03 01"
    header_rows: int = 1  # 1, 2 (a group over its parts) or 3
    unit: str = "元"  # 元 or 万元
    spaced_title: bool = False  # "支 出 预 算 总 表"
    split: bool = False  # the 支出预算总表 runs over two pages (its header printed again)

    @property
    def name(self) -> str:
        parts = [k if v is True else f"{k}={v}" for k, v in vars(self).items()
                 if v != getattr(Variant(), k)]
        return ",".join(parts) or "national"


VARIANTS = [
    Variant(),
    Variant(synonyms=True),
    Variant(reorder=True, lanci=False),
    Variant(code_style="split", header_rows=2),
    Variant(code_style="in_name", unit="万元"),
    Variant(code_style="spaced", header_rows=3, spaced_title=True),
    Variant(lanci=False, unit="万元", synonyms=True, header_rows=2),
    Variant(split=True, code_style="split", reorder=True),
]


@dataclass
class Table:
    kind: str  # the reader's table kind: income_expenditure, income, expenditure, gpb, basic_gpb, sangong
    title: str
    grid: list[list[str]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # (row, col, rowspan, colspan)
    header_rows: int = 1  # printed again on the next page when the table is split
    split_at: int | None = None  # the data row the second page starts with


SLIP = ("2120104", 1_000)  # the row, and how much its printed 合计 is off, in a budget made with a slip


@dataclass
class BudgetDoc:
    basic: dict[str, int]  # 项 code → 基本支出 (元)
    project: dict[str, int]  # 项 code → 项目支出 (元)
    sources: dict[str, dict[str, int]]  # 项 code → source → 元
    economic: dict[str, int]  # economic 款 code → 元
    slip: bool = False  # the 支出预算总表 prints one row's 合计 wrong (SLIP): what a review must find, in every variant

    @classmethod
    def make(cls, seed: int = 3, slip: bool = False) -> BudgetDoc:
        rng = random.Random(seed)
        items = [code for _, _, kuans in FUNCTIONS for _, _, xiangs in kuans for code, _ in xiangs]
        basic = {c: rng.randrange(2_000, 60_000) * 100 for c in items}
        project = {c: rng.choice([0, rng.randrange(1_000, 30_000) * 100]) for c in items}
        sources = {}
        for c in items:
            total = basic[c] + project[c]
            other = rng.randrange(0, total // 1000 + 1) * 100 if total else 0
            fund = rng.choice([0, 0, rng.randrange(0, (total - other) // 500 + 1) * 100])
            shiye = rng.choice([0, rng.randrange(0, (total - other - fund) // 400 + 1) * 100])
            sources[c] = {"一般公共预算拨款收入": total - other - fund - shiye, "政府性基金预算拨款收入": fund,
                          "事业收入": shiye, "其他收入": other}
        # the economic classification spreads the 基本支出 of the 一般公共预算 money (一般公共预算基本支出表 = the
        # 基本支出 column of the 一般公共预算支出表)
        kuans = [k for _, _, _, ks in ECONOMIC for k, _ in ks]
        total = sum(min(sources[c]["一般公共预算拨款收入"], basic[c]) for c in items)
        shares = [rng.randrange(1, 50) for _ in kuans]
        economic = {k: total * s // sum(shares) // 100 * 100 for k, s in zip(kuans, shares)}
        economic[kuans[0]] += total - sum(economic.values())
        return cls(basic, project, sources, economic, slip)

    # --- the figures ---------------------------------------------------------------------------------------

    def function_rows(self, values) -> list[tuple[str, str, str, list[int]]]:
        return function_rows(values)

    def economic_rows(self) -> list[tuple[str, str, str, list[int]]]:
        out = []
        for code, name, kind, kuans in ECONOMIC:
            kids = [(k, n, self.economic[k]) for k, n in kuans]
            total = sum(v for *_, v in kids)
            vals = lambda v: [v, v if kind == "人员经费" else 0, v if kind == "公用经费" else 0]  # noqa: E731
            out.append(("类", code, name, vals(total)))
            out += [("款", k, n, vals(v)) for k, n, v in kids]
        return out

    def totals(self) -> dict[str, int]:
        s = {src: sum(v[src] for v in self.sources.values()) for src in SOURCES}
        return {**s, "basic": sum(self.basic.values()), "project": sum(self.project.values()),
                "all": sum(self.basic.values()) + sum(self.project.values())}

    def truth(self) -> dict[str, dict]:
        """What each table must be read as: kind → key → column → 元 (keys: a code, or side|item)."""
        out: dict[str, dict] = {}
        spend = lambda c: [self.basic[c] + self.project[c], self.basic[c], self.project[c]]  # noqa: E731
        for kind in ("expenditure", "gpb"):
            gpb = (lambda c: [self.sources[c]["一般公共预算拨款收入"], *_gpb_split(self, c)]) if kind == "gpb" else spend
            out[kind] = {code: dict(zip(["合计", "基本支出", "项目支出"], vals))
                         for _, code, _, vals in self.function_rows(gpb)}
        out["income"] = {code: dict(zip(["合计", *SOURCES], vals)) for _, code, _, vals in
                         self.function_rows(lambda c: [sum(self.sources[c].values()), *self.sources[c].values()])}
        out["basic_gpb"] = {code: dict(zip(["合计", "人员经费", "公用经费"], vals))
                            for _, code, _, vals in self.economic_rows()}
        t = self.totals()
        income = {f"收入|{src}": {"预算数": t[src]} for src in SOURCES}
        spending = {f"支出|{name}": {"预算数": vals[0]} for level, _, name, vals in self.function_rows(spend)
                    if level == "类"}
        out["income_expenditure"] = {**income, **spending, "收入|收入总计": {"预算数": t["all"]},
                                     "支出|支出总计": {"预算数": t["all"]}}
        return out

    # --- the tables as a variant prints them ------------------------------------------------------------------

    def render(self, v: Variant) -> list:
        blocks: list = [("text", f"{DEPARTMENT}{YEAR}年部门预算")]
        for table in (self._totals_table(v), self._code_table(v, "income"), self._code_table(v, "expenditure"),
                      self._code_table(v, "gpb"), self._economic_table(v), self._procurement_table(v)):
            blocks.append(("text", _spaced(table.title) if v.spaced_title else table.title))
            # the 收支总表 of a 万元 variant says its unit only after its heads (预算数（万元）)
            unit = "" if v.unit == "万元" and table.kind == "income_expenditure" else f"        单位：{v.unit}"
            blocks.append(("text", f"编制单位：{DEPARTMENT}{unit}"))
            blocks.append(("table", table))
        return blocks

    def _money(self, v: Variant, x: int) -> str:
        if v.unit == "万元":
            return f"{x / 10000:,.2f}"
        return f"{x:,}"

    def _word(self, v: Variant, word: str, k: int = 0) -> str:
        if v.synonyms and word in SYNONYMS:
            return SYNONYMS[word][k % len(SYNONYMS[word])]
        return word

    def _totals_table(self, v: Variant) -> Table:
        t = self.totals()
        left = [(f"{_ordinal(i)}、{src}", t[src]) for i, src in enumerate(SOURCES)]
        left += [("本年收入合计", t["all"]), ("上年结转结余", 0), ("收入总计", t["all"])]
        spend = [(name, vals[0]) for level, _, name, vals in
                 self.function_rows(lambda c: [self.basic[c] + self.project[c]]) if level == "类"]
        right = [(f"{_ordinal(i)}、{name}", x) for i, (name, x) in enumerate(spend)]
        right += [("本年支出合计", t["all"]), ("结转下年", 0), ("支出总计", t["all"])]
        # the totals face each other on the last rows
        while len(left) < len(right):
            left.insert(len(left) - 3, ("", None))
        while len(right) < len(left):
            right.insert(len(right) - 3, ("", None))
        amount = self._word(v, "预算数") + ("（万元）" if v.unit == "万元" else "")  # a unit after the head
        if v.header_rows >= 2:
            grid = [["收入", "", "支出", ""], ["项目", amount, "项目", amount]]
            merges = [(0, 0, 1, 2), (0, 2, 1, 2)]
        else:
            grid, merges = [["收入项目", amount, "支出项目", amount]], []
        for (a, x), (b, y) in zip(left, right):
            grid.append([a, "" if x is None else self._money(v, x), b, "" if y is None else self._money(v, y)])
        header = len(grid) - len(left)
        return Table("income_expenditure", f"{YEAR}年部门收支预算总表", grid, merges, header,
                     header + len(left) // 2 if v.split else None)

    def _code_columns(self, v: Variant) -> tuple[list[list[str]], list, int]:
        """The code and name columns' header rows (as many as the variant's), merges, and their width."""
        code, name = self._word(v, "科目编码"), self._word(v, "科目名称")
        n = v.header_rows
        if v.code_style == "split":
            rows = [["科目编码", "", "", name], ["类", "款", "项", ""]] + [[""] * 4 for _ in range(n - 2)]
            if n == 1:
                rows = [["类", "款", "项", name]]
                return rows, [], 4
            return rows, [(0, 0, 1, 3), (0, 3, n, 1), (1, 0, n - 1, 1), (1, 1, n - 1, 1), (1, 2, n - 1, 1)], 4
        if v.code_style == "in_name":
            return [[name]] + [[""] for _ in range(n - 1)], [(0, 0, n, 1)] if n > 1 else [], 1
        return [[code, name]] + [["", ""] for _ in range(n - 1)], [(0, 0, n, 1), (0, 1, n, 1)] if n > 1 else [], 2

    def _code_cells(self, v: Variant, level: str, code: str, name: str) -> list[str]:
        if v.code_style == "split":
            return [code[:3], code[3:5], code[5:7], name]
        if v.code_style == "in_name":
            return [f"{code} {name}"]
        if v.code_style == "spaced":
            return [" ".join(p for p in (code[:3], code[3:5], code[5:7]) if p), name]
        return [code, name]

    def _code_table(self, v: Variant, kind: str) -> Table:
        if kind == "income":
            parts = list(SOURCES) if not v.reorder else [SOURCES[2], SOURCES[0], SOURCES[3], SOURCES[1]]
            group, title = "本年收入", f"{YEAR}年部门收入预算总表"
            values = lambda c: [sum(self.sources[c].values())] + [self.sources[c][p] for p in parts]  # noqa: E731
            labels = [self._word(v, p) for p in parts]
        else:
            parts = ["基本支出", "项目支出"] if not v.reorder else ["项目支出", "基本支出"]
            group = "本年支出"
            title = f"{YEAR}年部门支出预算总表" if kind == "expenditure" else f"{YEAR}年一般公共预算支出表"
            if kind == "expenditure":
                split = lambda c: {"基本支出": self.basic[c], "项目支出": self.project[c]}  # noqa: E731
            else:
                split = lambda c: dict(zip(["基本支出", "项目支出"], _gpb_split(self, c)))  # noqa: E731
            values = lambda c: [sum(split(c).values())] + [split(c)[p] for p in parts]  # noqa: E731
            labels = [self._word(v, p) for p in parts]
        head, merges, width = self._code_columns(v)
        n = v.header_rows
        total_word = self._word(v, "合计")
        if n == 1:
            head[0] += [total_word] + labels
        else:
            head[0] += [group] + [""] * len(labels)
            head[1] += [total_word] + labels
            for r in range(2, n):
                head[r] = head[r] + [""] * (len(labels) + 1)
            merges += [(0, width, 1, len(labels) + 1)] + [(1, width + k, n - 1, 1) for k in range(len(labels) + 1)]
        grid = [list(r) for r in head]
        if v.lanci:
            grid.append(["栏次"] + [""] * (width - 1) + [str(k + 1) for k in range(len(labels) + 1)])
            if width > 1:
                merges.append((len(grid) - 1, 0, 1, width))
        header = len(grid)
        rows = self.function_rows(values)
        total = [sum(vals) for vals in zip(*(vals for level, _, _, vals in rows if level == "类"))]
        grid.append(["合计"] + [""] * (width - 1) + [self._money(v, x) for x in total])
        if width > 1:
            merges.append((len(grid) - 1, 0, 1, width))
        for level, code, name, vals in rows:
            if self.slip and kind == "expenditure" and code == SLIP[0]:
                vals = [vals[0] + SLIP[1], *vals[1:]]
            grid.append(self._code_cells(v, level, code, name) + [self._money(v, x) for x in vals])
        split_at = header + len(rows) // 2 if v.split and kind == "expenditure" else None
        return Table(kind, title, grid, merges, header, split_at)

    def _economic_table(self, v: Variant) -> Table:
        code, name = self._word(v, "科目编码").replace("功能", "经济"), "经济分类科目名称"
        parts = ["人员经费", "公用经费"] if not v.reorder else ["公用经费", "人员经费"]
        grid = [[code, name, self._word(v, "合计")] + parts]
        if v.lanci:
            grid.append(["栏次", "", "1", "2", "3"])
        header = len(grid)
        merges = [(1, 0, 1, 2)] if v.lanci else []
        rows = self.economic_rows()
        total = [sum(vals) for vals in zip(*(vals for level, _, _, vals in rows if level == "类"))]
        grid.append(["合计", ""] + [self._money(v, x) for x in _order(total, parts)])
        merges.append((len(grid) - 1, 0, 1, 2))
        for level, c, n, vals in rows:
            grid.append([c, n] + [self._money(v, x) for x in _order(vals, parts)])
        return Table("basic_gpb", f"{YEAR}年一般公共预算基本支出表", grid, merges, header,
                     header + len(rows) // 2 if v.split else None)


    def _procurement_table(self, v: Variant) -> Table:
        """A table of the province's own, not in the national set: its rows must never be read as another's."""
        rows = [("城市管理执法记录仪", "货物", 318_000), ("环卫作业车辆维修", "服务", 1_205_400),
                ("办公设备购置", "货物", 96_500)]
        grid = [["项目名称", "采购品目", self._word(v, "合计")]]
        grid += [[name, kind, self._money(v, x)] for name, kind, x in rows]
        grid.append(["合计", "", self._money(v, sum(x for *_, x in rows))])
        return Table("other", f"{YEAR}年政府采购预算表", grid, [], 1)


def function_rows(values) -> list[tuple[str, str, str, list[int]]]:
    """(level, code, name, values) for every 类, 款 and 项 of FUNCTIONS, each a sum of what is under it; `values(code)`
    gives a 项's figures."""
    out = []
    for code, name, kuans in FUNCTIONS:
        lei = len(out)
        out.append(["类", code, name, None])
        for kcode, kname, xiangs in kuans:
            kuan = len(out)
            out.append(["款", kcode, kname, None])
            for xcode, xname in xiangs:
                out.append(["项", xcode, xname, values(xcode)])
            out[kuan][3] = [sum(v) for v in zip(*(r[3] for r in out[kuan + 1:]))]
        out[lei][3] = [sum(v) for v in zip(*(r[3] for r in out[lei + 1:] if r[0] == "款"))]
    return [tuple(r) for r in out]


def _gpb_split(doc: BudgetDoc, code: str) -> list[int]:
    """基本支出 and 项目支出 of the 一般公共预算 money of an item: 基本支出 first."""
    gpb = doc.sources[code]["一般公共预算拨款收入"]
    basic = min(gpb, doc.basic[code])
    return [basic, gpb - basic]


def _order(vals: list[int], parts: list[str]) -> list[int]:
    by = {"人员经费": vals[1], "公用经费": vals[2]}
    return [vals[0]] + [by[p] for p in parts]


def _ordinal(i: int) -> str:
    return "一二三四五六七八九十"[i]


def _spaced(title: str) -> str:
    body = title.replace(f"{YEAR}年", "")
    return f"{YEAR}年" + " ".join(body)


# --- writing the blocks ---------------------------------------------------------------------------------------

FORMATS = ["html", "xlsx", "docx", "pdf", "pdf_ttf", "pdf_office"]  # and pdf_unruled: no table rules at all


def write(blocks: list, fmt: str, folder: Path, stem: str) -> Path:
    """The blocks as a file of `fmt`: html, xlsx, docx, pdf (reportlab, a CID font), pdf_ttf (reportlab, an
    embedded TrueType font), pdf_unruled (the same, its tables printed without a rule, set apart by space only),
    pdf_office (LibreOffice from the Word file)."""
    folder.mkdir(parents=True, exist_ok=True)
    if fmt == "html":
        path = folder / f"{stem}.html"
        path.write_text(_html(blocks), encoding="utf-8")
        return path
    if fmt == "xlsx":
        return _xlsx(blocks, folder / f"{stem}.xlsx")
    if fmt == "docx":
        return _docx(blocks, folder / f"{stem}.docx")
    if fmt == "pdf":
        return _pdf(blocks, folder / f"{stem}.pdf", ttf=False)
    if fmt == "pdf_ttf":
        return _pdf(blocks, folder / f"{stem}.pdf", ttf=True)
    if fmt == "pdf_unruled":
        return _pdf(blocks, folder / f"{stem}.pdf", ttf=True, ruled=False)
    if fmt == "pdf_office":
        return _office_pdf(_docx(blocks, folder / f"{stem}.docx"), folder)
    raise ValueError(fmt)


def office() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def ttf_font() -> Path | None:
    for p in (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")):
        if p.exists():
            return p
    return None


def _pages(table: Table) -> list[tuple[list[list[str]], list]]:
    """The table as printed on one page, or on two with its header printed again."""
    if table.split_at is None:
        return [(table.grid, table.merges)]
    h = table.header_rows
    first = table.grid[:table.split_at]
    second = table.grid[:h] + table.grid[table.split_at:]
    top = [m for m in table.merges if m[0] + m[2] <= h]
    low = [m for m in table.merges if m[0] >= h]
    return [(first, top + [m for m in low if m[0] < table.split_at]),
            (second, top + [(r - table.split_at + h, c, rs, cs) for r, c, rs, cs in low if r >= table.split_at])]


def _html(blocks: list) -> str:
    out = ['<!DOCTYPE html><html><head><meta charset="utf-8"><title>部门预算</title></head><body>']
    for kind, item in blocks:
        if kind == "text":
            out.append(f"<p>{html.escape(item)}</p>")
            continue
        for k, (grid, merges) in enumerate(_pages(item)):
            if k:
                out.append("<p>续表</p>")
            out.append(html_table(grid, merges))
    return "\n".join(out + ["</body></html>"]) + "\n"


def _xlsx(blocks: list, path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    ws = None
    for kind, item in blocks:
        if kind == "text" and ws is not None and ws.max_row > 1 and _is_title(item):
            ws = None
        if ws is None:
            ws = wb.create_sheet(f"表{len(wb.sheetnames) + 1}")
            r0 = 1
        if kind == "text":
            ws.cell(row=r0, column=1, value=item)
            r0 += 1
            continue
        for grid, merges in _pages(item)[:1] if item.split_at is None else [(item.grid, item.merges)]:
            _, covered = spans(merges)
            for r, row in enumerate(grid):
                for c, text in enumerate(row):
                    if not text or (r, c) in covered:
                        continue
                    cell = ws.cell(row=r0 + r, column=c + 1)
                    num = number_and_format(text)
                    if num:
                        cell.value, cell.number_format = num
                    else:
                        cell.value, cell.data_type = text, "s"
            for r, c, rs, cs in merges:
                ws.merge_cells(start_row=r0 + r, start_column=c + 1, end_row=r0 + r + rs - 1, end_column=c + cs)
            r0 += len(grid) + 1
    wb.save(path)
    return path


def _is_title(text: str) -> bool:
    return text.replace(" ", "").endswith("表")


def _docx(blocks: list, path: Path) -> Path:
    import docx
    from docx.enum.text import WD_BREAK

    d = docx.Document()
    for kind, item in blocks:
        if kind == "text":
            d.add_paragraph(item)
            continue
        for k, (grid, merges) in enumerate(_pages(item)):
            if k:
                d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
                d.add_paragraph("续表")
            width = max(len(r) for r in grid)
            table = d.add_table(rows=len(grid), cols=width)
            table.style = "Table Grid"
            cells = table._cells
            for r, row in enumerate(grid):
                for c, text in enumerate(row):
                    if text:
                        cells[r * width + c].text = text
            for r, c, rs, cs in merges:
                cells[r * width + c].merge(cells[(r + rs - 1) * width + c + cs - 1])
    d.save(str(path))
    return path


def _pdf(blocks: list, path: Path, ttf: bool, ruled: bool = True) -> Path:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table as RLTable, TableStyle

    if ttf:
        from reportlab.pdfbase.ttfonts import TTFont

        font = "WQY"
        pdfmetrics.registerFont(TTFont(font, str(ttf_font()), subfontIndex=0))
    else:
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        font = "STSong-Light"
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    cell = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10, wordWrap="CJK")
    text = ParagraphStyle("text", parent=cell, fontSize=10, leading=14, spaceAfter=4)
    page = (595, 842)
    usable = page[0] - 72
    story = []
    for kind, item in blocks:
        if kind == "text":
            story.append(Paragraph(html.escape(item), text))
            continue
        for k, (grid, merges) in enumerate(_pages(item)):
            if k:
                story.append(PageBreak())
            width = max(len(r) for r in grid)
            data = [[Paragraph(html.escape(t), cell) for t in row] + [""] * (width - len(row)) for row in grid]
            widths = _widths(grid, usable)
            commands = [("GRID", (0, 0), (-1, -1), 0.5, "black")] if ruled else []
            commands.append(("VALIGN", (0, 0), (-1, -1), "MIDDLE"))
            commands += [("SPAN", (c, r), (c + cs - 1, r + rs - 1)) for r, c, rs, cs in merges]
            story += [RLTable(data, colWidths=widths, style=TableStyle(commands), repeatRows=0), Spacer(1, 10)]
    SimpleDocTemplate(str(path), pagesize=page, leftMargin=36, rightMargin=36, topMargin=36,
                      bottomMargin=36).build(story)
    return path


def _widths(grid, usable: float) -> list[float]:
    """Name columns wide, figures narrow."""
    width = max(len(r) for r in grid)
    longest = [max((len(r[c]) for r in grid if c < len(r)), default=1) for c in range(width)]
    weights = [min(max(n, 4), 18) for n in longest]
    return [usable * w / sum(weights) for w in weights]


def _office_pdf(docx_path: Path, folder: Path) -> Path:
    return office_pdfs([docx_path], folder / "office")[0]


def office_pdfs(docx_paths: list[Path], out: Path) -> list[Path]:
    """Word files turned into PDF by LibreOffice, all in one run (it takes seconds to start); their stems must
    differ."""
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run([office(), "--headless", "--convert-to", "pdf", "--outdir", str(out), *map(str, docx_paths)],
                   check=True, capture_output=True, timeout=600)
    return [out / (p.stem + ".pdf") for p in docx_paths]


__all__ = ["SLIP", "BudgetDoc", "function_rows", "FORMATS", "VARIANTS", "Variant", "office", "office_pdfs", "records", "accounts_records", "ttf_font", "write"]


_NOT_FIGURES = {"code", "level", "name", "line", "loc", "raw", "side", "item", "row_no", "group"}


def records(report) -> dict[str, dict]:
    """A report's 预算 tables as `BudgetDoc.truth()` writes them: kind → key → column → 元 (keys: a code with its
    digits only, or side|item)."""
    out: dict[str, dict] = {}
    for t in report.accounts:
        scale = 10000 if t.unit == "万元" else 1
        rows = out.setdefault(t.kind, {})
        for r in t.records():
            if t.kind == "income_expenditure":
                key = f"{r.get('side')}|{r.get('name')}"
            else:
                key = "".join(ch for ch in str(r.get("code") or "") if ch.isdigit())
                if not key:
                    continue
            rows[key] = {c: round(v * scale) for c, v in r.items()
                         if c not in _NOT_FIGURES and isinstance(v, (int, float)) and v == v}
    return out


def accounts_records(report) -> dict[str, dict]:
    """`records`, the economic table of a 决算 (one amount per code, side by side) as AccountsDoc.truth() writes it."""
    out = records(report)
    for t in report.accounts:
        if t.kind == "basic_gpb" and "amount" in t.frame.columns:
            scale = 10000 if t.unit == "万元" else 1
            out["basic_gpb"] = {r["code"]: {"amount": round(r["amount"] * scale)} for r in t.records()
                                if r.get("code") and r["amount"] == r["amount"]}
    return out
