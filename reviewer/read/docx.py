"""Word documents: .docx read in body order (paragraphs and tables interleaved); .doc converted to DOCX with
LibreOffice when it is installed, or to text with catdoc (partly read: merges are lost).

DOCX tables are read from their XML so merges are exact: a horizontal merge (gridSpan) keeps its text in
the first cell and leaves the cells it covers empty, a vertical merge (vMerge) likewise downwards; a table
nested in a cell becomes part of that cell's text.  Paragraphs are located as 第N段, table cells as
表T第R行第C列.

A picture in the document — a scanned form or a photo of a page pasted in — is read by text recognition where it
is (read/ocr.py), its tables cell by cell: 图片2表1第4行第2列.  A picture with no text in it (a photo, a chart) adds
nothing and is nothing unread.
"""
from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from ..errors import ReadError
from . import damage, limits, ocr
from .document import Document, DocumentBuilder, Location, ReadIssue
from .image import picture_items
from .pdf import emit, no_ocr
from .registry import register
from .text import decode, read_text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"  # a picture (DrawingML)
_IMAGEDATA = "{urn:schemas-microsoft-com:vml}imagedata"  # a picture (VML, older Word)
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PAGE_LIKE = 200  # pixels: a picture narrower than this on either side (a logo, a seal, an icon) holds no form
_TEXT_TAGS = {W + "t": None, W + "tab": " ", W + "br": "\n", W + "cr": "\n", W + "noBreakHyphen": "-"}
_WRAPPERS = {W + "sdt", W + "customXml", W + "smartTag"}  # containers whose content is body content


def _val(el, tag: str) -> str | None:
    found = el.find(tag) if el is not None else None
    return found.get(W + "val") if found is not None else None


def paragraph_text(p) -> str:
    parts = []
    for el in p.iter(*_TEXT_TAGS):
        fixed = _TEXT_TAGS[el.tag]
        parts.append((el.text or "") if fixed is None else fixed)
    return "".join(parts)


def _content(el):
    """Children of a body or cell, with content controls and custom XML unwrapped."""
    for child in el:
        if child.tag in _WRAPPERS:
            inner = child.find(W + "sdtContent")
            yield from _content(inner if inner is not None else child)
        else:
            yield child


def cell_text(tc) -> str:
    lines = []
    for child in _content(tc):
        if child.tag == W + "p":
            lines.append(paragraph_text(child))
        elif child.tag == W + "tbl":  # a nested table: its rows as lines of this cell
            lines += [" ".join(t for t in row if t.strip()) for row in table_grid(child)[0]]
    return "\n".join(lines).strip()


def table_grid(tbl) -> tuple[list[list[str]], list[list[str]]]:
    """The resolved grid of a table, and where each covered cell's text is ("up", "left", ""); spans and rows held
    to the `[read]` limits (a gridSpan of "abc" is 1, of 10,000,000 is max_colspan; a row ends at max_columns + 1,
    which tells the reader it was cut)."""
    bounds = limits.current()
    most = bounds.max_columns + 1
    grid, marks = [], []
    for tr in (c for c in _content(tbl) if c.tag == W + "tr"):
        before = limits.count(_val(tr.find(W + "trPr"), W + "gridBefore") or 0, most, zero=0)
        row, mark = [""] * before, [""] * before
        for tc in (c for c in _content(tr) if c.tag == W + "tc"):
            if len(row) >= most:
                break
            props = tc.find(W + "tcPr")
            span = min(limits.count(_val(props, W + "gridSpan"), bounds.max_colspan), most - len(row))
            vmerge = props.find(W + "vMerge") if props is not None else None
            continued = vmerge is not None and vmerge.get(W + "val") != "restart"
            row.append("" if continued else cell_text(tc))
            mark.append("up" if continued else "")
            row += [""] * (span - 1)
            mark += ["up" if continued else "left"] * (span - 1)
        grid.append(row)
        marks.append(mark)
    return grid, marks


@register("docx", cached=True)
def read_docx(data: bytes, name: str) -> Document:
    import docx  # here, not at the top: a batch without Word files need not pay for its import
    from docx.opc.exceptions import PackageNotFoundError

    try:
        why = damage.office_zip(data, "docx", limits.current().max_unzipped_mb)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ReadError(f"Word 文件无法打开（{type(exc).__name__}），文件可能已损坏") from None
    if why:
        raise ReadError(why)
    try:
        word = docx.Document(io.BytesIO(data))
        body = word.element.body
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ReadError(f"Word 文件无法打开（{type(exc).__name__}），文件可能已损坏") from None
    b = DocumentBuilder(name, "docx")
    pictures = _Pictures(word.part.related_parts, b)
    paragraph = table = 0
    for child in _content(body):
        if child.tag == W + "p":
            text = paragraph_text(child).strip()
            if text:
                paragraph += 1
                b.text(text, Location(paragraph=paragraph), "docx")
        elif child.tag == W + "tbl":
            table += 1
            t = table
            grid, marks = table_grid(child)
            if any(len(row) > limits.current().max_columns for row in grid):
                most = limits.current().max_columns
                grid, marks = [row[:most] for row in grid], [mark[:most] for mark in marks]
                b.issue("表格", Location(table=t), limits.columns_cut(most))
            b.table(grid, lambda r, c, t=t: Location(table=t, row=r + 1, col=c + 1),
                    lambda r, t=t: Location(table=t, row=r + 1), "docx", Location(table=t), covered=marks)
        pictures.read(child)
    pictures.finish()
    return b.build(recognised=pictures.recognised)


class _Pictures:
    """The pictures of a Word document, read by text recognition after the paragraph or table holding them."""

    def __init__(self, parts, b: DocumentBuilder):
        self.parts, self.b = parts, b
        self.seen = self.recognised = self.skipped = 0
        self.bounds = limits.current()
        self.on = self.bounds.ocr and ocr.available()

    def read(self, el) -> None:
        for pic in el.iter(_BLIP, _IMAGEDATA):
            part = self.parts.get(pic.get(_R + "embed") or pic.get(_R + "id") or "")
            if part is None or not part.content_type.startswith("image/") or "wmf" in part.content_type \
                    or "emf" in part.content_type:  # a vector drawing (a chart) holds no scan
                continue
            picture = self._open(part.blob)
            if picture is None:
                continue
            self.seen += 1
            if not self.on or self.recognised >= self.bounds.max_image_pages:
                self.skipped += 1
                continue
            items = picture_items(picture)
            if items:
                self.recognised += 1
                emit(self.b, items, Location(image=self.seen))

    def _open(self, blob: bytes):
        """The picture, when it could hold a form: decoded, within [read] max_image_pixels, wider and taller than a
        logo or a seal."""
        from PIL import Image

        Image.MAX_IMAGE_PIXELS = None  # bounded here, with a message, before any pixel is decoded
        try:
            picture = Image.open(io.BytesIO(blob))
            if min(picture.size) < _PAGE_LIKE:
                return None
            if picture.width * picture.height > self.bounds.max_image_pixels:
                self.b.issue("图片", Location(image=self.seen + 1), f"图片过大（{picture.width}×{picture.height} 像素，"
                             f"超过上限 {self.bounds.max_image_pixels:,}），未读取")
                return None
            return picture.convert("RGB")
        except (OSError, SyntaxError, ValueError) as exc:  # PIL's UnidentifiedImageError is an OSError
            self.b.issue("图片", Location(image=self.seen + 1), f"文档中的图片已损坏，无法解码（{type(exc).__name__}），未读取")
            return None

    def finish(self) -> None:
        if not self.skipped:
            return
        why = no_ocr() or f"（超过上限 {self.bounds.max_image_pages} 幅，[read] max_image_pages）"
        self.b.issue("图片", "文档中的图片", f"文档中有 {self.skipped} 幅图片未经文字识别{why}，其中如有表格或文字，未读取")


@register("doc", cached=True)
def read_doc(data: bytes, name: str) -> Document:
    """Word 97-2003.  With LibreOffice installed, converted to DOCX and read as one (merges kept).  Without it,
    catdoc turns it into text: merged cells and line breaks inside cells are lost, so the document is only
    partly read, and says so."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office:
        doc = read_docx(_office_to_docx(office, data), name)
        doc.format = "doc"
        return doc
    if shutil.which("catdoc"):
        doc = _catdoc(data, name)
        doc.issues.insert(0, ReadIssue("文档", "全文", "Word 97-2003（.doc）文件经 catdoc 转为文本读取：合并单元格与单元格内"
                                       "换行无法还原，表格可能错位；请另存为 DOCX，或安装 LibreOffice 后重新审核"))
        return doc
    raise ReadError("Word 97-2003（.doc）文件需要 LibreOffice 或 catdoc 转换，本机均未安装"
                    "（Debian/Ubuntu：apt-get install libreoffice-writer-nogui 或 catdoc）；也可将文件另存为 DOCX 后再审核")


def _office_to_docx(office: str, data: bytes) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "report.doc"
        src.write_bytes(data)
        profile = Path(tmp) / "profile"  # its own profile: parallel conversions do not block each other
        try:
            subprocess.run([office, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                            "--convert-to", "docx", "--outdir", tmp, str(src)],
                           capture_output=True, timeout=180, check=False)
        except subprocess.TimeoutExpired:
            raise ReadError("Word 97-2003（.doc）文件转换超时，请另存为 DOCX 后再审核") from None
        out = Path(tmp) / "report.docx"
        if not out.is_file():
            raise ReadError("Word 97-2003（.doc）文件无法转换，可能已加密或损坏；请另存为 DOCX 后再审核")
        return out.read_bytes()


def _catdoc(data: bytes, name: str) -> Document:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.doc"
        path.write_bytes(data)
        try:
            done = subprocess.run([shutil.which("catdoc"), "-w", "-d", "utf-8", str(path)], capture_output=True,
                                  timeout=120)
        except subprocess.TimeoutExpired:
            raise ReadError("Word 97-2003（.doc）文件转换超时，请另存为 DOCX 后再审核") from None
    if done.returncode != 0 or not done.stdout.strip():
        why = done.stderr.decode("utf-8", "replace").strip()[:200]
        raise ReadError(f"Word 97-2003（.doc）文件无法转换{('：' + why) if why else ''}，可能已加密或损坏；请另存为 DOCX")
    text, _ = decode(done.stdout)
    doc = read_text(text, name, "utf-8")
    doc.format = "doc"
    paragraph = 0
    for n, line in enumerate(doc.lines):  # relocate by paragraph: line numbers of the conversion mean nothing
        paragraph += bool(line.strip())
        doc.line_locs[n] = Location(paragraph=max(paragraph, 1))
    for cell in (c for row in doc.rows() for c in row.cells):
        cell.loc = doc.line_locs[cell.line - 1]
    for block in doc.blocks:
        block.layout = "doc"
        block.loc = doc.line_locs[block.rows[0].line - 1]
    return doc
