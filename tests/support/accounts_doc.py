"""A 部门决算 in the national public set (财政部 部门决算公开: 收入支出决算总表, 收入决算表, 支出决算表, 一般公共预算财政拨款
支出决算表, 一般公共预算财政拨款基本支出决算表), written the ways provinces print it — the 决算 twin of budget_doc.py.

    doc = AccountsDoc.make(seed=5)
    blocks = doc.render(Variant(code_style="split", header_rows=2))
    write(blocks, "pdf", folder, "accounts")      # budget_doc.write: html, xlsx, docx, pdf, pdf_ttf, pdf_office
    doc.truth()                                  # kind → key → column → 元, in the reader's column names

The same unit as the budget, a year on: what it spent, by function and economic classification; every sum holds.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from support.budget_doc import DEPARTMENT, ECONOMIC, FUNCTIONS, Table, Variant, _ordinal, _spaced, function_rows

YEAR = 2024
INCOME = ["财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"]
SPENDING = ["基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"]
# the heads as other provinces print them
SYNONYMS = {"本年收入合计": "收入合计", "本年支出合计": "支出合计", "金额": "决算数", "科目编码": "功能分类科目编码",
            "科目名称": "功能分类科目名称"}


@dataclass
class AccountsDoc:
    income: dict[str, dict[str, int]]  # 项 code → source → 元
    spending: dict[str, dict[str, int]]  # 项 code → 基本支出 / 项目支出 → 元
    gpb: dict[str, dict[str, int]]  # 项 code → 基本支出 / 项目支出 of the 一般公共预算 money → 元
    economic: dict[str, int]  # economic 款 → 元 (the 一般公共预算 基本支出)

    @classmethod
    def make(cls, seed: int = 5) -> AccountsDoc:
        rng = random.Random(seed)
        items = [code for _, _, kuans in FUNCTIONS for _, _, xiangs in kuans for code, _ in xiangs]
        income, spending, gpb = {}, {}, {}
        for c in items:
            basic, project = rng.randrange(2_000, 50_000) * 100, rng.choice([0, rng.randrange(500, 20_000) * 100])
            spending[c] = {"基本支出": basic, "项目支出": project}
            total = basic + project
            other = rng.choice([0, rng.randrange(0, total // 2000 + 1) * 100])
            shiye = rng.choice([0, rng.randrange(0, (total - other) // 1000 + 1) * 100])
            income[c] = {"财政拨款收入": total - other - shiye, "上级补助收入": 0, "事业收入": shiye, "经营收入": 0,
                         "附属单位上缴收入": 0, "其他收入": other}
            g_basic = min(basic, income[c]["财政拨款收入"])
            gpb[c] = {"基本支出": g_basic, "项目支出": min(project, income[c]["财政拨款收入"] - g_basic)}
        kuans = [k for _, _, _, ks in ECONOMIC for k, _ in ks]
        total = sum(v["基本支出"] for v in gpb.values())
        shares = [rng.randrange(1, 40) for _ in kuans]
        economic = {k: total * s // sum(shares) // 100 * 100 for k, s in zip(kuans, shares)}
        economic[kuans[0]] += total - sum(economic.values())
        return cls(income, spending, gpb, economic)

    def rows(self, values) -> list[tuple[str, str, str, list[int]]]:
        return function_rows(values)

    def _income_values(self, c):
        return [sum(self.income[c].values())] + [self.income[c][s] for s in INCOME]

    def _spending_values(self, c):
        s = self.spending[c]
        return [s["基本支出"] + s["项目支出"]] + [s.get(k, 0) for k in SPENDING]

    def _gpb_values(self, c):
        g = self.gpb[c]
        return [g["基本支出"] + g["项目支出"], g["基本支出"], g["项目支出"]]

    def truth(self) -> dict[str, dict]:
        out = {"income": {c: dict(zip(["本年收入合计", *INCOME], v)) for _, c, _, v in self.rows(self._income_values)},
               "expenditure": {c: dict(zip(["本年支出合计", *SPENDING], v))
                               for _, c, _, v in self.rows(self._spending_values)},
               "gpb": {c: dict(zip(["合计", "基本支出", "项目支出"], v)) for _, c, _, v in self.rows(self._gpb_values)}}
        out["basic_gpb"] = {}
        for code, _, _, kids in ECONOMIC:
            out["basic_gpb"][code] = {"amount": sum(self.economic[k] for k, _ in kids)}
            out["basic_gpb"].update({k: {"amount": self.economic[k]} for k, _ in kids})
        total = sum(sum(v.values()) for v in self.income.values())
        sides = {f"收入|{s}": {"金额": sum(v[s] for v in self.income.values())} for s in INCOME}
        sides |= {f"支出|{name}": {"金额": v[0]} for level, _, name, v in self.rows(self._spending_values) if level == "类"}
        sides |= {"收入|本年收入合计": {"金额": total}, "支出|本年支出合计": {"金额": total}}
        out["income_expenditure"] = sides
        return out

    # --- as a variant prints it ---------------------------------------------------------------------------------

    def render(self, v: Variant) -> list:
        blocks: list = [("text", f"{DEPARTMENT}{YEAR}年度部门决算")]
        tables = [("公开01表", self._totals(v)), ("公开02表", self._code(v, "income")), ("公开03表", self._code(v, "expenditure")),
                  ("公开05表", self._code(v, "gpb")), ("公开06表", self._economic(v))]
        for number, table in tables:
            blocks.append(("text", _spaced(table.title) if v.spaced_title else table.title))
            blocks.append(("text", f"{number}        编制单位：{DEPARTMENT}        单位：{v.unit}"))
            blocks.append(("table", table))
        return blocks

    def _money(self, v: Variant, x: int) -> str:
        return f"{x / 10000:,.2f}" if v.unit == "万元" else f"{x:,}"

    def _word(self, v: Variant, word: str) -> str:
        return SYNONYMS.get(word, word) if v.synonyms else word

    def _totals(self, v: Variant) -> Table:
        total = sum(sum(x.values()) for x in self.income.values())
        left = [(f"{_ordinal(i)}、{s}", sum(x[s] for x in self.income.values())) for i, s in enumerate(INCOME)]
        left += [("本年收入合计", total), ("使用非财政拨款结余", 0), ("年初结转和结余", 0), ("总计", total)]
        spend = [(name, vals[0]) for level, _, name, vals in self.rows(self._spending_values) if level == "类"]
        right = [(f"{_ordinal(i)}、{name}", x) for i, (name, x) in enumerate(spend)]
        right += [("本年支出合计", total), ("结余分配", 0), ("年末结转和结余", 0), ("总计", total)]
        while len(left) < len(right):
            left.insert(len(left) - 4, ("", None))
        while len(right) < len(left):
            right.insert(len(right) - 4, ("", None))
        amount = self._word(v, "金额")
        head = ["项目", "行次", amount, "项目", "行次", amount] if v.lanci else ["项目", amount, "项目", amount]
        grid = [["收入", "", "", "支出", "", ""] if v.lanci else ["收入", "", "支出", ""], head]
        merges = [(0, 0, 1, 3), (0, 3, 1, 3)] if v.lanci else [(0, 0, 1, 2), (0, 2, 1, 2)]
        for k, ((a, x), (b, y)) in enumerate(zip(left, right)):
            money = lambda z: "" if z is None else self._money(v, z)  # noqa: E731
            if v.lanci:
                grid.append([a, str(k + 1) if a else "", money(x), b, str(k + 1 + len(left)) if b else "", money(y)])
            else:
                grid.append([a, money(x), b, money(y)])
        return Table("income_expenditure", "收入支出决算总表", grid, merges, 2,
                     2 + len(left) // 2 if v.split else None)

    def _code(self, v: Variant, kind: str) -> Table:
        if kind == "income":
            title, labels, values = "收入决算表", [self._word(v, "本年收入合计"), *INCOME], self._income_values
        elif kind == "expenditure":
            title, labels, values = "支出决算表", [self._word(v, "本年支出合计"), *SPENDING], self._spending_values
        else:
            title, labels, values = "一般公共预算财政拨款支出决算表", ["合计", "基本支出", "项目支出"], self._gpb_values
        order = list(range(len(labels)))
        if v.reorder and kind != "income":
            order = [0] + list(range(len(labels) - 1, 0, -1))
        labels = [labels[i] for i in order]
        code, name = self._word(v, "科目编码"), self._word(v, "科目名称")
        n = v.header_rows
        if v.code_style == "split":
            head = [["项目", "", "", ""] + [""] * len(labels), ["科目编码", "", "", name] + labels,
                    ["类", "款", "项", ""] + [""] * len(labels)]
            merges = [(0, 0, 1, 4), (1, 0, 1, 3), (1, 3, 2, 1)] + [(1, 4 + k, 2, 1) for k in range(len(labels))]
            width = 4
        elif v.code_style == "in_name":
            head = [[name] + labels] + [[""] * (len(labels) + 1) for _ in range(n - 1)]
            merges = [(0, k, n, 1) for k in range(len(labels) + 1)] if n > 1 else []
            width = 1
        else:
            head = [[code, name] + labels] + [[""] * (len(labels) + 2) for _ in range(n - 1)]
            merges = [(0, k, n, 1) for k in range(len(labels) + 2)] if n > 1 else []
            width = 2
        grid = [list(r) for r in head]
        if v.lanci:
            grid.append(["栏次"] + [""] * (width - 1) + [str(k + 1) for k in range(len(labels))])
            if width > 1:
                merges.append((len(grid) - 1, 0, 1, width))
        header = len(grid)
        rows = self.rows(values)
        total = [sum(x) for x in zip(*(vals for level, _, _, vals in rows if level == "类"))]
        grid.append(["合计"] + [""] * (width - 1) + [self._money(v, total[i]) for i in order])
        if width > 1:
            merges.append((len(grid) - 1, 0, 1, width))
        for level, c, nm, vals in rows:
            if v.code_style == "split":
                cells = [c[:3], c[3:5], c[5:7], nm]
            elif v.code_style == "in_name":
                cells = [f"{c} {nm}"]
            elif v.code_style == "spaced":
                cells = [" ".join(p for p in (c[:3], c[3:5], c[5:7]) if p), nm]
            else:
                cells = [c, nm]
            grid.append(cells + [self._money(v, vals[i]) for i in order])
        return Table(kind, title, grid, merges, header, header + len(rows) // 2 if v.split and kind == "income" else None)

    def _economic(self, v: Variant) -> Table:
        """人员经费 and 公用经费 side by side, each block 科目编码 │ 科目名称 │ 决算数."""
        people = [(c, n, sum(self.economic[k] for k, _ in ks), ks) for c, n, kind, ks in ECONOMIC if kind == "人员经费"]
        public = [(c, n, sum(self.economic[k] for k, _ in ks), ks) for c, n, kind, ks in ECONOMIC if kind == "公用经费"]

        def lines(groups):
            out = []
            for c, n, x, kids in groups:
                out.append((c, n, x))
                out += [(k, kn, self.economic[k]) for k, kn in kids]
            return out

        left, right = lines(people), lines(public)
        amount = self._word(v, "金额") if v.synonyms else "决算数"
        grid = [["人员经费", "", "", "公用经费", "", ""], ["科目编码", "科目名称", amount] * 2]
        merges = [(0, 0, 1, 3), (0, 3, 1, 3)]
        for k in range(max(len(left), len(right))):
            row = []
            for side in (left, right):
                if k < len(side):
                    c, n, x = side[k]
                    row += [c, n, self._money(v, x)]
                else:
                    row += ["", "", ""]
            grid.append(row)
        people_total = sum(x for c, _, x, _ in people)
        public_total = sum(x for c, _, x, _ in public)
        grid.append(["人员经费合计", "", self._money(v, people_total), "公用经费合计", "", self._money(v, public_total)])
        merges.append((len(grid) - 1, 0, 1, 2))
        merges.append((len(grid) - 1, 3, 1, 2))
        return Table("basic_gpb", "一般公共预算财政拨款基本支出决算表", grid, merges, 2)


__all__ = ["AccountsDoc", "YEAR"]
