"""Memo and index rendering with jinja2.

Document text is untrusted: HTML templates autoescape everything, and the Markdown filter
escapes HTML and Markdown syntax so a memo viewed through a Markdown renderer cannot run or
link anything the report's author wrote.
"""
from __future__ import annotations

import io
import re
import zipfile
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ..config import Config, ocr_engine
from ..inputs import visible
from ..model import SEVERITIES, Finding
from ..numbers import figure
from ..read.document import FORMAT_LABEL, LAYOUT_LABEL, ReadIssue
from ..review import Review
from ..settle import corrections, places, rejected, subjects_label, subjects_of
from .evidence import EVIDENCE_DIR, SCALE, Exhibit, shown_quotes
from .plots import background, scatter

TEMPLATES = Path(__file__).with_name("templates")
SEVERITY_LABEL = {"high": "高", "medium": "中", "low": "低"}
SOURCE_LABEL = {"rules": "规则核查", "stats": "同类比较", "heuristic": "离线文字检查"}
CATEGORY_LABEL = {"rule": "规则", "stat": "统计", "narrative": "文字", "meta": "元数据"}

_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}()#+!|>~])")


def md_escape(text) -> str:
    """Plain text safe inside Markdown: no HTML, no links, no emphasis, no table breaks."""
    s = str(text if text is not None else "")
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _MD_SPECIAL.sub(r"\\\1", s)
    return s.replace("\n", " ")


def show(v) -> str:
    """A figure as a person reads it: at most two decimals (four for a figure under 0.01), no trailing zeros."""
    if v is None or v == "":
        return "—"
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        return figure(v, 4 if 0 < abs(v) < 0.01 else 2, grouped=True)
    if isinstance(v, dict):
        return "，".join(f"{k} {show(x)}" for k, x in v.items())
    return str(v)


@lru_cache(maxsize=2)
def jinja_env(autoescape: bool) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html", "j2"]) if autoescape else False,
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        auto_reload=False,  # templates ship with the code: no stat of the file on every memo
        finalize=visible,  # a control or direction mark in a file name or a document's text is shown, never acted on
    )
    env.filters["md"] = md_escape
    env.filters["show"] = show
    return env


def backend_label(backend: str) -> str:
    """The text reviewer as a reader names it: the offline checker, or the model by its name."""
    if not backend:
        return "未启用"
    return backend.replace("heuristic", SOURCE_LABEL["heuristic"])


ASIDE = re.compile(r"（[^（）]*）")


def shortened(message: str, most: int = 80, asides: bool = False) -> str:
    """A place's message in a merged finding's table: asides dropped (unless `asides`), cut at `most` characters
    (the whole text is in findings.json and 问题清单.xlsx)."""
    s = (message if asides else ASIDE.sub("", message)).strip()
    return s if len(s) <= most else s[:most - 1] + "…"


_CLAUSE_END = "：，；。"


def _factor(texts: list[str]) -> tuple[list[str], str]:
    """(the texts without the closing clause they all share, that clause): ten places saying "…：满意度达到
    100%，报告中未见调查依据。" show the clause once, under their table."""
    if len(texts) < 2:
        return texts, ""
    tail = texts[0]
    for t in texts[1:]:
        n = 0
        while n < min(len(t), len(tail)) and t[-1 - n] == tail[-1 - n]:
            n += 1
        tail = tail[len(tail) - n:] if n else ""
    cut = next((k for k, ch in enumerate(tail) if ch in _CLAUSE_END and k + 1 < len(tail)), None)
    if cut is None or len(tail) - cut - 1 < 8:
        return texts, ""
    common = tail[cut + 1:]
    return [t[:len(t) - len(common)].rstrip(_CLAUSE_END) for t in texts], common


EMU_WIDTH = 5_615_940  # memo.docx: a picture at most as wide as the A4 page's text (8844 twips), in EMU (a
# point is 12,700): a crop keeps the size it has on its page where it fits


def _exhibit_view(ex: Exhibit | None) -> dict | None:
    """What the memo shows under a quote: the crop of its page, or the rows about it with the figure marked."""
    if ex is None:
        return None
    w, h = ex.size
    return {"caption": ex.caption, "image": bool(ex.image), "src": f"{EVIDENCE_DIR}/{ex.name}", "name": ex.name,
            "width": w, "cx": (cx := min(EMU_WIDTH, round(w / SCALE * 12700))), "cy": round(cx * h / w) if w else 0,
            "rows": [{"hit": hit, "cells": [_marked(c, ex.figure if hit else "") for c in cells]}
                     for hit, cells in ex.rows]}


def _marked(cell: str, figure: str) -> tuple[str, str, str]:
    """A cell as (before, the figure, after): the figure is marked where it is printed."""
    at = cell.find(figure) if figure else -1
    return (cell, "", "") if at < 0 else (cell[:at], figure, cell[at + len(figure):])


def _finding_view(f: Finding, n: int, config: Config, exhibits: list[Exhibit] = ()) -> dict:
    ev = f.evidence
    items = ev.get("items") or []
    money = ev.get("materiality") or {}
    mark = ev.get("mark") or {}
    shorts, common = _factor([shortened(i["message"]) for i in items])
    return {
        "n": n, "id": f.id, "code": f.code, "label": config.code(f.code).label,
        "severity": f.severity, "severity_label": SEVERITY_LABEL[f.severity],
        "category": CATEGORY_LABEL.get(f.category, f.category),
        "subject": subjects_label(f), "table": f.table, "message": f.message, "source": SOURCE_LABEL.get(f.source, f.source),
        "stated": ev.get("stated"), "recomputed": ev.get("recomputed"), "tolerance": ev.get("tolerance"),
        "figures": [(k, v) for k, v in (ev.get("figures") or {}).items() if v not in (None, "")][:4],
        # the rows that hold the figures, most relevant first, each with its picture or the rows about it
        "quotes": [{"location": ("OCR，" if q.location.conf is not None else "") + str(q.location), "text": q.text,
                    "exhibit": _exhibit_view(next((x for x in exhibits if x.place == k), None))}
                   for k, q in enumerate(shown_quotes(f), 1)],
        "money_note": f"（涉及资金 {show(money.get('amount'))} 万元，金额重大）" if money.get("level") == "major" else "",
        "items": [{**i, "severity_label": SEVERITY_LABEL[i["severity"]], "short": short,
                   "row": [i["subject"], SEVERITY_LABEL[i["severity"]], short, i.get("location", "")]}
                  for i, short in zip(items, shorts)],
        "common": common,
        "materiality": money.get("label", ""), "amount": money.get("amount"),
        "ask": ev.get("ask", ""), "rule": config.rule_names.get(ev.get("rule", ""), ""), "rule_id": ev.get("rule", ""),
        "corrections": corrections(f),
        "claim": ev.get("claim", ""),
        "mark": mark.get("mark", ""), "comment": mark.get("comment", ""),
    }


# what recognition left open, said where the memo lists checks and where it recomputes scores from read figures
_ROW = re.compile(r"^(第\d+页表\d+)第(\d+)行$")


def gathered(gaps: list[ReadIssue], least: int = 3) -> list[ReadIssue]:
    """The places of one table not judged for one reason, said once with their rows: a scanned table whose
    columns were placed wrong gave 70 lines of one cause, which hid the few that differed.  Each place stays in
    findings.json; the count of places is unchanged."""
    groups: dict[tuple, list[tuple[ReadIssue, int]]] = {}
    for i in gaps:
        row = _ROW.match(i.where)
        why = i.reason.partition("——")[2]
        key = (i.scope, row.group(1), why) if row and why else (id(i),)
        groups.setdefault(key, []).append((i, int(row.group(2)) if row else 0))
    out = []
    for key, items in groups.items():
        if len(items) < least:
            out.extend(i for i, _ in items)
            continue
        (first, first_row), rows = items[0], sorted({n for _, n in items})
        out.append(ReadIssue(first.scope, key[1], f"{len(items)} 处（第{'、'.join(map(str, rows))}行），如"
                             f"第{first_row}行：{first.reason}"))
    return out


HELD_NOTE = "未作判断（所涉数字为文字识别所得、可能误读，请对照原件核对）"
RECOGNISED_NOTE = "本报告经文字识别读取：表中数字由识别所得，涉及“读取情况”所列未作判断之处的项目，请对照原件核对后再用。"


def _scanned(r) -> str:
    """What of a report was read from pictures of its pages, said before anything found in it."""
    if not r.recognised:
        return ""
    if not r.pages:  # a Word file with scans pasted in
        scanned = f"本报告中有 {r.recognised} 幅图片为扫描件"
    else:
        scanned = f"本报告{'全部' if r.recognised >= r.pages else f'其中 {r.recognised} 页'}为扫描件（共 {r.pages} 页）"
    return (f"{scanned}，经文字识别（OCR）读取：所引原文注明“OCR”，识别置信度低的"
            "表格、合计或表间数字不符之处不作为问题，列于“读取情况”，请对照原件核对。")


def _unscored(rv: Review) -> str:
    """Why a report has no risk score, in the words of what kept it from one."""
    why = []
    if not rv.report.complete:
        why.append("报告未完整读取")
    if rv.unjudged:
        why.append(f"有 {len(rv.unjudged)} 处未作判断")
    if rv.faults:
        why.append(f"{len(rv.faults)} 类核查因程序错误未完成")
    return "、".join(why) or "报告未完整读取"


def _overview(rv: Review) -> str:
    """The line under the verdict: how much was found, and whether everything was read and checked."""
    c = rv.counts()
    n = len(rv.findings)
    counts = f"共发现 {n} 项问题，其中高 {c['high']} 项、中 {c['medium']} 项、低 {c['low']} 项" if n else "未发现问题"
    if rv.faults:  # what was not checked is not clean either
        return (f"核查未完成，需人工复核：{len(rv.faults)} 类核查因程序错误未完成（见“核查未完成”），不能视为无问题；"
                f"已完成的核查{counts}（风险评分 {rv.risk.score:g} 分）。")
    if rv.gaps:  # what was not read, or not judged, is not clean: the overview says so first
        return (f"{rv.report.status}，需人工复核：{len(rv.gaps)} 处内容未能读取或未能核查（见“读取情况”），不能视为无问题；"
                f"已读取部分{counts}。")
    return f"风险{rv.risk.band}（{rv.risk.score:g} 分）：{counts}。"


def _rectifications(rv: Review, config: Config) -> list[dict]:
    """整改建议: what the unit is asked to correct or explain, once per request, most severe first, with the
    findings and projects it concerns (a rejected finding asks nothing)."""
    asks: dict[str, dict] = {}
    for f in sorted(rv.findings, key=lambda f: SEVERITIES.index(f.severity)):
        ask = f.evidence.get("ask", "")
        if not ask or rejected(f):
            continue
        item = asks.setdefault(ask, {"ask": ask, "labels": [], "subjects": [], "corrections": []})
        label = config.code(f.code).label
        if label not in item["labels"]:
            item["labels"].append(label)
        item["corrections"] += [c for c in corrections(f) if c not in item["corrections"]]
        item["subjects"] += [s for s in subjects_of(f) if s not in item["subjects"]]
    for item in asks.values():
        shown = item["subjects"][:3]
        item["about"] = "、".join(item["labels"]) + "：" + "、".join(shown) + \
            (f"等 {len(item['subjects'])} 个" if len(item["subjects"]) > len(shown) else "")
    return list(asks.values())


SECTIONS = ("findings", "rectify", "rescore", "clean", "risk")
_NUMERALS = "一二三四五六"


def _numbers(present: dict[str, bool]) -> dict[str, str]:
    """The memo's section numerals, counting only the sections it has."""
    names = [k for k in SECTIONS if present.get(k, True)]
    return {k: _NUMERALS[i] for i, k in enumerate(names)}


def _rescore_rows(rv: Review) -> list[dict]:
    """The 评分复核表: per project, the figures, the self-score and the score its figures justify."""
    rows = []
    for r in rv.rescores:
        if r.self_score is None and r.justified_score is None and r.rate is None:
            continue
        unit = r.unit or "万元"
        rows.append({"name": r.name, "unit": unit, "budget": r.budget, "executed": r.executed,
                     "rate": r.rate, "self": r.self_score, "justified": r.justified_score, "gap": r.gap,
                     "grade": r.grade_stated, "grade_justified": r.grade_justified,
                     "row": [r.name, f"{show(r.budget)} {unit}", show(r.executed),
                             f"{show(r.rate)}%" if r.rate is not None else "—", show(r.self_score),
                             show(r.justified_score), f"{r.gap:+.2f}" if r.gap is not None else "—",
                             r.grade_stated or "—", r.grade_justified or "—"],
                     "parts": [x for x in r.parts if x.justified is not None and x.stated is not None
                               and abs(x.justified - x.stated) >= 0.5]})  # differences a reader acts on
    return rows


class BatchView:
    """What a memo shows of the rest of its batch, computed once for the batch: the scatter of every project
    (execution rate against self-score) as a background, and each report's own points."""

    def __init__(self, frame=None) -> None:
        self.own: dict[str, list[tuple]] = {}
        points = []
        if frame is not None and not frame.empty:
            points = list(zip(frame["exec_rate"].to_numpy(dtype=float).tolist(),
                              frame["self_score"].to_numpy(dtype=float).tolist()))
            for report, project, point in zip(frame["report"].tolist(), frame["project"].tolist(), points):
                self.own.setdefault(report, []).append((*point, True, f"{report} / {project}"))
        self.background = background(points)
        # what a chart can draw: a 决算 or a form not scored has no execution rate or score (NaN), and a batch of
        # such reports draws no scatter at all (issue 24: no chart without data)
        self.n = sum(1 for x, y in points if x == x and y == y)


def as_view(batch) -> BatchView:
    return batch if isinstance(batch, BatchView) else BatchView(batch)


def memo_scatter(rv: Review, batch) -> str:
    view = as_view(batch)
    own = view.own.get(rv.report.source, [])
    if not own:
        return ""
    return scatter(own, "执行率与自评总分（红点为本报告项目，灰色为同批其他项目）", "执行率（%）", "自评总分",
                   behind=view.background)


def _number_pictures(views: list[dict]) -> list[dict]:
    """The crops a memo shows, in order, each given its relationship id and drawing number in memo.docx."""
    pictures = [x for v in views for q in v["quotes"] if (x := q["exhibit"]) and x["image"]]
    for k, x in enumerate(pictures, 1):
        x["rid"], x["docpr"] = f"rIdP{k}", k
    return pictures


def memo_context(rv: Review, config: Config, batch=None, exhibits: dict | None = None) -> dict:
    """Everything a memo shows, once for every output format (md, html, docx, the scatter file).  `exhibits`:
    each finding's evidence by its number (memo.evidence.gather); None shows the quotes alone."""
    r = rv.report
    exhibits = exhibits or {}
    views = [_finding_view(f, i, config, exhibits.get(i, ())) for i, f in enumerate(rv.findings, 1)]
    groups = [{"severity": s, "label": SEVERITY_LABEL[s], "items": [v for v in views if v["severity"] == s]}
              for s in ("high", "medium", "low")]
    coverage = sorted(rv.coverage.values(), key=lambda c: c.label)
    clean = [c for c in coverage if c.checked and not c.flagged and not c.held]
    flagged = [c for c in coverage if c.flagged]
    held = [c for c in coverage if c.held and not c.flagged]  # what recognition left open is not clean
    subjects: dict[str, dict] = {}  # per project, the places found (a merged finding counts each of its places)
    for f in rv.findings:
        for subject, severity in places(f):
            row = subjects.setdefault(subject, {"subject": subject, "rule": 0, "stat": 0, "narrative": 0, "meta": 0,
                                                "worst": severity})
            row[f.category] = row.get(f.category, 0) + 1
            if SEVERITIES.index(severity) < SEVERITIES.index(row["worst"]):
                row["worst"] = severity
    for row in subjects.values():
        row["worst_label"] = SEVERITY_LABEL[row["worst"]]
    rescore, rectify = _rescore_rows(rv), _rectifications(rv, config)
    asked = {r["ask"]: n for n, r in enumerate(rectify, 1)}
    for v in views:  # each finding points to its request in 整改建议 instead of repeating it
        v["rectify_no"] = asked.get(v["ask"])
    by_finding = {id(f): pts for f, pts in rv.risk.contributions}
    contributions = [(v, by_finding.get(id(f), 0.0)) for v, f in zip(views, rv.findings)]
    contributions = sorted([c for c in contributions if c[1] > 0], key=lambda c: -c[1])
    return {
        "source": (f"{r.source}（由 {len(r.files)} 个文件组成：{'、'.join(r.files)}）" if r.files else r.source),
        "department": r.department or "（未注明单位）", "year": r.year or "", "scanned": _scanned(r),
        "ocr_engine": ocr_engine(),
        "risk": rv.risk, "counts": rv.counts(), "overview": _overview(rv), "groups": groups,
        "conclusion": rv.verdict, "rescore": rescore, "rectify": rectify,
        "no": _numbers({"rectify": bool(rectify), "rescore": bool(rescore)}),
        "merged_note": (f"（同类问题已合并：{len(rv.occurrences)} 处归为 {len(rv.findings)} 项）"
                        if len(rv.occurrences) > len(rv.findings) else ""),
        "clean": clean, "flagged": flagged, "held": held, "held_note": HELD_NOTE, "recognised_note": RECOGNISED_NOTE,
        "contributions": contributions,
        "subjects": sorted(subjects.values(), key=lambda r: (["high", "medium", "low"].index(r["worst"]), r["subject"])),
        "stats": rv.narrative_stats,
        "extraction": {"projects": len(r.projects), "blank": len(r.blank_templates), "accounts": len(r.accounts),
                       "accounts_label": r.accounts_label, "department": r.department_part is not None,
                       "layout": LAYOUT_LABEL.get(r.layout, r.layout),
                       "format": FORMAT_LABEL.get(r.format, r.format), "encoding": r.encoding, "warnings": r.warnings,
                       "recognised": f"{r.recognised} {'页' if r.pages else '幅图片'}" if r.recognised else ""},
        "status": r.status, "issues": gathered(rv.gaps), "suppressed": list(rv.suppressed.items()),
        "structure": rv.structure,
        # verified by some of its sums, while another of its sums was not judged: said, lest the two read as one
        "structure_held": [t for t in (rv.structure or {}).get("verified", [])
                           if any(re.search(rf"(?<![\u4e00-\u9fff]){re.escape(t)}：", i.reason) for i in rv.unjudged)],
        "profile": config.rules.name, "rules": rv.rules,
        "backend": backend_label(rv.narrative_backend), "notes": rv.notes, "faults": rv.faults,
        "scatter": memo_scatter(rv, batch),
        "pictures": _number_pictures(views),
        "scored": rv.risk.complete,  # a report not read and judged in full gets no score
        "unscored": _unscored(rv),
        "appendix_rows": [[v["n"], v["label"], v["id"], v["rule"] + (f"（{v['rule_id']}）" if v["rule_id"] else ""),
                           v["source"]] for g in groups for v in g["items"]],
    }


def render_memo(rv: Review, config: Config, batch=None, exhibits: dict | None = None) -> tuple[str, str, str, bytes]:
    """(memo.md, memo.html, scatter.svg, memo.docx) of one review, from one context; memo.docx holds the crops
    of `exhibits`, the others link to them in evidence/."""
    ctx = memo_context(rv, config, batch, exhibits)
    return (jinja_env(False).get_template("memo.md.j2").render(**ctx), jinja_env(True).get_template("memo.html.j2").render(**ctx),
            ctx["scatter"], render_docx(ctx, exhibits))


# the parts of memo.docx that do not change, read once: (name in the package, file in templates/docx)
_DOCX_PARTS = (("[Content_Types].xml", "content_types.xml"), ("_rels/.rels", "rels.xml"), ("word/styles.xml", "styles.xml"),
               ("word/footer1.xml", "footer1.xml"), ("docProps/core.xml", "core.xml"))


@lru_cache(maxsize=1)
def _docx_base() -> bytes:
    """The package without its document, zipped once: each memo appends its word/document.xml to a copy."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, f in _DOCX_PARTS:
            zip_entry(z, name, (TEMPLATES / "docx" / f).read_bytes())
    return out.getvalue()


def zip_entry(z: zipfile.ZipFile, name: str, data: bytes) -> None:
    """One entry of an Office package, without a clock: the same content, the same bytes."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(info, data)


# a document's stray control characters (a PDF text's form feed, a damaged byte): not characters of XML 1.0, so
# of no Word memo or worksheet
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def render_docx(ctx: dict, exhibits: dict | None = None) -> bytes:
    """memo.docx: WordprocessingML from a template, appended to the fixed parts of the package with the crops
    it shows.  Written directly rather than through python-docx: about a millisecond per memo at any batch size."""
    env = jinja_env(True)
    body = XML_ILLEGAL.sub("", env.get_template("docx/document.xml.j2").render(**ctx)).encode("utf-8")
    out = io.BytesIO(_docx_base())
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as z:
        zip_entry(z, "word/_rels/document.xml.rels",
                  env.get_template("docx/document_rels.xml.j2").render(pictures=ctx["pictures"]).encode("utf-8"))
        zip_entry(z, "word/document.xml", body)
        crops = {x.name: x.image for xs in (exhibits or {}).values() for x in xs if x.image}
        for p in ctx["pictures"]:
            zip_entry(z, f"word/media/{p['name']}", crops[p["name"]])
    return out.getvalue()


def render_memo_md(rv: Review, config: Config, batch=None) -> str:
    return jinja_env(False).get_template("memo.md.j2").render(**memo_context(rv, config, batch))


def render_memo_html(rv: Review, config: Config, batch=None) -> str:
    return jinja_env(True).get_template("memo.html.j2").render(**memo_context(rv, config, batch))


def render_eval(result: dict, config: Config) -> str:
    labels = {c: v.label for c, v in config.codes.items()}
    return jinja_env(True).get_template("eval.html.j2").render(result=result, labels=labels)
