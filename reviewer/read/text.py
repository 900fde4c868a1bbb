"""Text files: decoding, and rows of cells from whatever layout each block of the file is in.

Text reports arrive converted from Word/PDF/HTML by someone else, in several layouts, sometimes
several in one file:
- tab-separated rows (merged header cells become empty cells), sometimes with `<p>` inside cells;
- one cell per line: each cell on its own line starting with a tab, rows separated by a blank line,
  a cell's text sometimes broken over several lines ("绩\\n效\\n指\\n标");
- HTML tables (`<table>…</table>`, `<tr><td>`) pasted into the text;
- tables flattened with vertical bars by a web page's text export ("合 计 | 34.35 | 34.35 |"), one row a
  line, or one cell a line ("合计 |" / "4432 |");
- plain lines.
The layout is decided per block: an HTML table at the top of a tab-separated file is read as HTML and
the rest as tab-separated.  Line numbers are the file's own.
"""
from __future__ import annotations

import html
import re
from bisect import bisect_right

from ..errors import ReadError
from . import aligned
from .document import Block, Cell, Document, Location, ReadIssue, Row
from .html import html_fragment_rows, read_html
from .registry import register
from .sniff import looks_like_html

_TAG_RE = re.compile(r"</?(?:p|span|div|br|strong|b|i|em|font)\b[^>]*>", re.I)
_FRONT_MATTER = re.compile(r"^# [A-Za-z][\w/ ().-]*: ")  # "# source: …", "# fiscal year: 2024"
PAGE_MARK = re.compile(r"^\s*(?:=+|-{3,})\s*第\s*\d+\s*页\s*(?:=+|-{3,})\s*$")  # "=== 第3页 ===" between pages
_TABLE_TAG = re.compile(r"<(/?)table\b[^>]*>", re.I)
_BARE_ROW = re.compile(r"<tr[\s>].*?</tr\s*>", re.I | re.S)
# A run of this many tab-separated lines switches a cell-per-line block to tab-separated, and back.
SWITCH_RUN = 4
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd]")  # control characters but \t \n \f \r, and U+FFFD


# Damage a text file may carry and still be read (the damaged characters replaced by U+FFFD and reported):
# past this share of its characters it is refused as undecodable.
MAX_DAMAGED_SHARE = 0.02
MAX_UNREADABLE_SHARE = 0.10  # undecodable or control characters past this share: binary, not a damaged text
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
_DAMAGE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")  # a line with one is reported as damaged
_BOMS = [(b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xef\xbb\xbf", "utf-8"),
         (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")]


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding) of a text file: UTF-8, GB18030, UTF-16 or UTF-32 (with a byte-order mark or without),
    or lines of UTF-8 and GB18030 mixed.  A few bytes that decode in neither are replaced (see decode_damaged)."""
    text, encoding, _ = decode_damaged(data)
    return text, encoding


def decode_damaged(data: bytes) -> tuple[str, str, list[int]]:
    """decode(), and the lines (1-based) where undecodable bytes were replaced by U+FFFD or control characters
    removed."""
    if not data.strip():
        raise ReadError("空文件")
    text, encoding = _decoded(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    sample = text[:20000]
    if len(_BAD_CHARS.findall(sample)) > MAX_UNREADABLE_SHARE * len(sample):
        raise ReadError("二进制或损坏的文件：无法解码的字节或控制字符超过一成，不是可识别的文本、PDF、Excel 或 Word 文件")
    if not _DAMAGE.search(text):
        return text, encoding, []
    damaged = [n for n, line in enumerate(text.split("\n"), 1) if _DAMAGE.search(line)]
    return _CONTROL_CHARS.sub("", text), encoding, damaged


def _decoded(data: bytes) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _lenient(data[len(bom):], encoding)
    if (nul := data[:8192].count(b"\x00")) and (wide := _wide_encoding(data[:8192])):
        return _lenient(data, wide)
    if nul > MAX_DAMAGED_SHARE * min(len(data), 8192):
        raise ReadError("二进制文件（含 NUL 字节），不是可识别的文本、PDF、Excel 或 Word 文件")
    data = data.replace(b"\x00", b"\xff")  # a stray NUL in a text file: damage, replaced and reported
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    if text.count("\ufffd") <= max(8, 0.001 * len(text)):  # a few damaged bytes in a UTF-8 file
        return text, "utf-8"
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        return _line_by_line(data)


def _wide_encoding(head: bytes) -> str | None:
    """UTF-16 or UTF-32 without a byte-order mark, from where the NUL bytes fall (ASCII, digits and line ends
    have them in every such text: on one side of each pair in UTF-16); None for binary data or for a byte
    text with a stray NUL."""
    nuls = [i for i, b in enumerate(head) if b == 0]
    if len(nuls) < 0.05 * len(head):
        return None
    odd = sum(i % 2 for i in nuls) / len(nuls)
    candidates = ["utf-32-le", "utf-32-be"] if len(nuls) > 0.4 * len(head) else []
    candidates += ["utf-16-le"] if odd > 0.9 else ["utf-16-be"] if odd < 0.1 else []
    for encoding in candidates:
        width = 4 if "32" in encoding else 2
        try:
            text = head[: len(head) - len(head) % width].decode(encoding)
        except UnicodeDecodeError:
            continue
        if text and len(_BAD_CHARS.findall(text)) <= MAX_DAMAGED_SHARE * len(text) and \
                len(_PLAIN_CHARS.findall(text)) >= 0.8 * len(text):
            return encoding
    return None


_PLAIN_CHARS = re.compile(r"[\s!-~\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")  # what a Chinese report is written in


def _lenient(data: bytes, encoding: str) -> tuple[str, str]:
    text = data.decode(encoding, errors="replace")
    return text, encoding.removesuffix("-le").removesuffix("-be")


def _line_by_line(data: bytes) -> tuple[str, str]:
    """Neither UTF-8 nor GB18030 decodes the whole file: each line in the one that decodes it (files pasted
    together from two sources), the few bytes neither decodes replaced."""
    out, gb = [], 0
    for line in data.split(b"\n"):
        try:
            out.append(line.decode("utf-8"))
            continue
        except UnicodeDecodeError:
            pass
        almost = line.decode("utf-8", errors="replace")
        if almost.count("\ufffd") <= max(2, 0.05 * len(almost)):  # a damaged UTF-8 line, not a GB18030 one
            out.append(almost)
        else:
            out.append(line.decode("gb18030", errors="replace"))
            gb += 1
    return "\n".join(out), "utf-8+gb18030" if gb else "utf-8"


def decode_issue(damaged: list[int]) -> ReadIssue | None:
    """What a reader says of the lines it could not fully decode."""
    if not damaged:
        return None
    shown = "、".join(f"第{n}行" for n in damaged[:10]) + ("等" if len(damaged) > 10 else "")
    return ReadIssue("文档", shown, f"{len(damaged)} 行含无法解码的字节或控制字符（已替换为 � 或去掉）：这些行的文字和数字可能不全，"
                     "未能完整核查")


def clean_cell(text: str) -> str:
    """Strip inline HTML (<p>, <br>…) and entities from a cell, keep the words."""
    if "<" in text or "&" in text:
        text = re.sub(r"<br\s*/?>", "\n", text, flags=re.I)
        text = re.sub(r"</p>\s*<p[^>]*>", "\n", text, flags=re.I)
        text = _TAG_RE.sub("", text)
        text = html.unescape(text)
    return text.strip()


_LINE_LOCS: list[Location] = []  # Location(line=n) at n-1, shared: locations are immutable


def line_locations(count: int) -> list[Location]:
    while len(_LINE_LOCS) < count:
        _LINE_LOCS.append(Location(line=len(_LINE_LOCS) + 1))
    return _LINE_LOCS[:count]


def read_text(text: str, source: str = "<text>", encoding: str = "text") -> Document:
    text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    doc = Document(source=source, format="text", lines=lines, encoding=encoding, line_locs=line_locations(len(lines)))
    pos = _front_matter(doc)
    for start, end in _html_regions(lines):
        _text_blocks(doc, pos, start)
        rows, issues = html_fragment_rows("\n".join(lines[start:end]), start, doc.line_locs)
        doc.issues += issues
        _add_grouped(doc, rows, "html")
        pos = end
    _text_blocks(doc, pos, len(lines))
    return doc


def front_matter_end(lines: list[str]) -> int:
    """The first line after the "# key: value" header lines at the top of a file (and the "#" lines that continue
    them: a collector's note wrapped over several lines)."""
    end = 0
    while end < len(lines) and (_FRONT_MATTER.match(lines[end]) or (end and lines[end].startswith("#"))):
        end += 1
    return end


def _front_matter(doc: Document) -> int:
    """Header lines "# key: value" at the top of a file (where a collector noted its source) describe the file,
    they are not its content: kept in the document as furniture.  Returns the first line of content."""
    end = front_matter_end(doc.lines)
    if end:
        rows = [Row([Cell(doc.lines[i], i + 1, doc.line_locs[i])], i + 1, i + 1) for i in range(end)]
        doc.blocks.append(Block("furniture", rows, "plain", doc.line_locs[0]))
    return end


def _html_regions(lines: list[str]) -> list[tuple[int, int]]:
    """[start, end) line ranges holding HTML tables, or rows of bare <tr> outside any table."""
    text = "\n".join(lines)
    if "<t" not in text and "<T" not in text:
        return []
    spans: list[list[int]] = []
    depth = 0
    for m in _TABLE_TAG.finditer(text):  # tables, nested ones inside their parent
        if not m.group(1):
            if depth == 0:
                spans.append([m.start(), len(text)])
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                spans[-1][1] = m.end()
    for m in _BARE_ROW.finditer(text):
        if not any(a <= m.start() < b for a, b in spans):
            spans.append([m.start(), m.end()])
    spans.sort()
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    regions: list[tuple[int, int]] = []
    for a, b in spans:
        first, last = bisect_right(starts, a) - 1, bisect_right(starts, max(a, b - 1)) - 1
        if regions and first <= regions[-1][1]:  # touching or overlapping: one region
            regions[-1] = (regions[-1][0], max(regions[-1][1], last + 1))
        else:
            regions.append((first, last + 1))
    return regions


def _line_kind(line: str) -> str:
    """'c' a one-cell-per-line cell, 't' a tab-separated row, 'p' a plain line, 'b' blank."""
    if "\t" in line:
        return "c" if line.startswith("\t") and line.count("\t") == 1 else "t"
    return "p" if line.strip() else "b"


def _text_blocks(doc: Document, lo: int, hi: int) -> None:
    """Blocks of lines [lo, hi), each in the layout its lines are written in."""
    if lo >= hi:
        return
    for start, end, layout in _layout_spans(doc.lines, lo, hi):
        if layout == "cell-per-line":
            _add_grouped(doc, _cell_per_line_rows(doc.lines, start, end, doc.line_locs), layout)
            continue
        for a, b, piped in _pipe_spans(doc.lines, start, end) if layout == "plain" else [(start, end, False)]:
            if piped:
                rows, layout_of = _pipe_rows(doc.lines, a, b, doc.line_locs)
                _add_grouped(doc, rows, layout_of)
                continue
            for c, d, spaced in aligned.spans(doc.lines, a, b) if layout == "plain" else [(a, b, False)]:
                if spaced:
                    _add_grouped(doc, aligned.rows(doc.lines, c, d, doc.line_locs), "aligned")
                else:
                    _add_grouped(doc, _tsv_rows(doc.lines, c, d, doc.line_locs), layout)


def _layout_spans(lines: list[str], lo: int, hi: int) -> list[tuple[int, int, str]]:
    """Split [lo, hi) where the layout changes: the region starts in the layout most of its tabbed lines
    are in (one cell per line when over 60% are), and switches at a run of SWITCH_RUN lines of the other."""
    kinds = [(i, k) for i in range(lo, hi) if (k := _line_kind(lines[i])) in "ct"]
    if not kinds:
        return [(lo, hi, "plain")]
    single = sum(1 for _, k in kinds if k == "c")
    mode = "c" if single > 0.6 * len(kinds) else "t"
    spans, start, run = [], lo, []
    for i, k in kinds:
        if k == mode:
            run = []
            continue
        run.append(i)
        if len(run) == SWITCH_RUN:
            cut = run[0]
            if mode == "c":  # plain lines after a blank line before the cut belong to the new block
                while cut - 1 > start and _line_kind(lines[cut - 1]) in "pb" and _line_kind(lines[cut - 2]) in "pb":
                    cut -= 1
            if cut > start:
                spans.append((start, cut, _LAYOUT[mode]))
            start, mode, run = cut, k, []
    spans.append((start, hi, _LAYOUT[mode]))
    return spans


_LAYOUT = {"c": "cell-per-line", "t": "tsv"}


def _add_grouped(doc: Document, rows: list[Row], layout: str) -> None:
    """Consecutive one-cell rows make a text block, the others a table block."""
    for row in rows:
        kind = "text" if len(row.cells) == 1 else "table"
        last = doc.blocks[-1] if doc.blocks else None
        if last and last.kind == kind and last.layout == layout:
            last.rows.append(row)
            last.columns = max(last.columns, len(row.cells))
        else:
            doc.blocks.append(Block(kind, [row], layout, doc.line_locs[row.line - 1], len(row.cells)))


def _tsv_rows(lines: list[str], lo: int, hi: int, locs: list[Location]) -> list[Row]:
    rows = []
    for i in range(lo, hi):
        line = lines[i]
        if not line.strip() or PAGE_MARK.match(line):  # a page mark left by a PDF conversion is not content
            continue
        n, loc = i + 1, locs[i]
        rows.append(Row([Cell(clean_cell(c), n, loc) for c in line.rstrip("\r").split("\t")], n, n))
    return rows


_PIPE = re.compile(r"\s\|\s|\s\|$|^\|\s|^\s*\|+\s*$")  # a bar between cells, closing a row, or an empty cell


def _pipe_spans(lines: list[str], lo: int, hi: int) -> list[tuple[int, int, bool]]:
    """[start, end) runs of plain lines, each run barred (a table flattened with "|") or not: a run of
    barred lines (blank lines inside it allowed) of two lines or more."""
    out: list[tuple[int, int, bool]] = []
    i = start = lo
    while i < hi:
        if not _PIPE.search(lines[i]):
            i += 1
            continue
        j = i
        while j < hi and (_PIPE.search(lines[j]) or not lines[j].strip()):
            j += 1
        while j > i and not lines[j - 1].strip():
            j -= 1
        if sum(1 for k in range(i, j) if lines[k].strip()) >= 2:
            if i > start:
                out.append((start, i, False))
            out.append((i, j, True))
            start = j
        i = max(j, i + 1)
    if start < hi:
        out.append((start, hi, False))
    return out


def _pipe_rows(lines: list[str], lo: int, hi: int, locs: list[Location]) -> tuple[list[Row], str]:
    """Rows of a barred table, and its layout: "pipe" (a row a line) or "pipe-cells" (a cell a line, the
    rows lost: "合计 |" then "4432 |"; a line "|" is an empty cell).  In a pipe-cells block each line is a
    row of one cell here; which cells make a row is decided by what they say (extract/regroup.py)."""
    rows: list[Row] = []
    single = 0
    for i in range(lo, hi):
        if not lines[i].strip():
            continue
        texts = [t.strip() for t in lines[i].strip().split("|")]
        if len(texts) > 1 and not texts[-1]:
            texts.pop()  # the bar closing the row; the empty cells before it stay ("1.因公出国(境)费用 | |")
        if len(texts) > 1 and not texts[0]:
            texts = texts[1:]
        single += len(texts) == 1 and lines[i].rstrip().endswith("|")
        rows.append(Row([Cell(t, i + 1, locs[i]) for t in texts], i + 1, i + 1))
    return rows, "pipe-cells" if rows and single >= 0.8 * len(rows) else "pipe"


def _cell_per_line_rows(lines: list[str], lo: int, hi: int, locs: list[Location]) -> list[Row]:
    """Group one-cell-per-line text into rows.

    A blank line ends a row; a line without the leading tab continues the previous cell
    (headers broken across lines).  Some conversions also break a row in two with a blank
    line inside a cell: when a short block and the next one add up to exactly the width of
    the row before, they are one row.
    """
    blocks: list[list[Cell]] = []
    current: list[Cell] = []
    pending_blank = False
    for i in range(lo, hi):
        line = lines[i].rstrip("\r")
        n = i + 1
        if line.startswith("\t"):
            if pending_blank and current:
                blocks.append(current)
                current = []
            current.append(Cell(clean_cell(line[1:]), n, locs[i]))
            pending_blank = False
        elif not line.strip():
            pending_blank = True
        elif current or blocks:
            target = current[-1] if current else blocks[-1][-1]
            target.text = (target.text + "\n" + clean_cell(line)).strip()
            pending_blank = False
        else:
            current.append(Cell(clean_cell(line), n, locs[i]))
            blocks.append(current)
            current = []
            pending_blank = False
    if current:
        blocks.append(current)
    return _merge_split_rows(blocks)


def _merge_split_rows(blocks: list[list[Cell]]) -> list[Row]:
    rows: list[list[Cell]] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if rows and i + 1 < len(blocks):
            width = len(rows[-1])
            nxt = blocks[i + 1]
            if (
                width >= 5
                and len(block) >= 2
                and len(nxt) >= 2
                and len(block) + len(nxt) == width
                and block[-1].text.strip()
                and nxt[0].text.strip()
            ):
                block = block + nxt
                i += 1
        rows.append(block)
        i += 1
    return [Row(cells, cells[0].line, cells[-1].line) for cells in rows]


def read_string(text: str, name: str = "<text>") -> Document:
    """A report given as a string: a web page or text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return read_html(text, name, "text") if looks_like_html(text) else read_text(text, name, "text")


@register("text")
def read_text_file(data: bytes, name: str) -> Document:
    text, encoding, damaged = decode_damaged(data)
    doc = read_html(text, name, encoding) if looks_like_html(text) else read_text(text, name, encoding)
    if issue := decode_issue(damaged):
        doc.issues.append(issue)
    return doc


def render_rows(rows: list[Row], layout: str) -> str:
    """Write rows back out in a text layout, the inverse of reading: synthetic reports are written with it,
    and tests use it to prove that parsing does not depend on layout."""
    if layout == "tsv":
        return "\n\n".join("\t".join(c.text.replace("\n", " ") for c in r.cells) for r in rows) + "\n"
    if layout == "cell-per-line":
        out = []
        for r in rows:
            out.append("\n".join("\t" + c.text for c in r.cells))
        return "\n\n".join(out) + "\n"
    if layout == "html":
        out = ["<html><body>"]
        for r in rows:
            if len(r.cells) == 1:
                out.append(f"<p>{html.escape(r.cells[0].text)}</p>")
            else:
                tds = "".join(f"<td>{html.escape(c.text).replace(chr(10), '<br>')}</td>" for c in r.cells)
                out.append(f"<table><tr>{tds}</tr></table>")
        out.append("</body></html>")
        return "\n".join(out) + "\n"
    if layout == "aligned":
        return aligned.render(rows)
    raise ValueError(f"unknown layout {layout!r}")
