"""Hostile and damaged files, made on demand (issue 23): what an attacker or a broken export sends a reviewer.

    files = hostile.family(scale="test")   # {name: bytes}; scale="bench" makes the large ones at full size

Each family of the issue is here: XML that is not XML, entity expansion and external entities (DOCX, XLSX), a zip
entry compressed with a method no reader supports, Word tables nested hundreds deep, spans and columns beyond any
report, merged ranges in XLSX, an XLS cell at the sheet's far corner, PDF page trees that loop or run deep, a page
of thousands of ruled lines, text that mentions %PDF-, names and cells that would be formulas.  Test data, outside
the runtime.
"""
from __future__ import annotations

import io
import struct
import zipfile
import zlib

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
X = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REPORT_TEXT = "项目名称\t宣传交流工作经费\n年度资金总额\t11\t11\t1.7\n"


def _docx(document_xml: bytes) -> bytes:
    """A minimal Word file around `document_xml`."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                   'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                   'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
                   'PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                   'wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr("word/document.xml", document_xml)
    return out.getvalue()


def _body(inner: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{inner}</w:body></w:document>'.encode()


def _para(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def _row(cells: list[str], span: str | None = None) -> str:
    pr = f'<w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>' if span is not None else ""
    return "<w:tr>" + "".join(f"<w:tc>{pr}{_para(c)}</w:tc>" for c in cells) + "</w:tr>"


def _docx_long_paragraph(chars: int) -> bytes:
    """A Word file whose one paragraph holds `chars` characters, written a megabyte at a time."""
    out = io.BytesIO()
    base = zipfile.ZipFile(io.BytesIO(_docx(_body(_para("x")))))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in base.infolist():
            if info.filename != "word/document.xml":
                z.writestr(info.filename, base.read(info.filename))
        with z.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body><w:p><w:r><w:t>'.encode())
            block = ("年" * (1 << 18)).encode()
            for _ in range(max(1, chars >> 18)):
                fh.write(block)
            fh.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return out.getvalue()


def _xls_merges() -> bytes:
    import xlwt
    wb = xlwt.Workbook()
    ws = wb.add_sheet("Sheet1")
    ws.write(0, 0, "项目名称")
    ws.write_merge(1, 60000, 0, 200, "年度资金总额")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _nested(depth: int) -> str:
    inner = _para("年度资金总额 11")
    for _ in range(depth):
        inner = f"<w:tbl><w:tr><w:tc>{inner}</w:tc></w:tr></w:tbl>"
    return inner + _para("")


DTD_LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
              '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
              '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">'
              '<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">'
              '<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">'
              '<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">'
              '<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">'
              '<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>')
SECRET = "TOP-SECRET-7f3a"  # what an external entity would leak, were it resolved


def _xxe(path) -> str:
    return f'<!DOCTYPE d [<!ENTITY xxe SYSTEM "file://{path}">]>'


def _docx_with_dtd(dtd: str, ref: str) -> bytes:
    return _docx(f'<?xml version="1.0" encoding="UTF-8"?>{dtd}<w:document {W}><w:body>{_para("项目名称 " + ref)}'
                 f'</w:body></w:document>'.encode())


def _xlsx(sheet_xml: bytes | None = None, shared_xml: bytes | None = None, merges: int = 0) -> bytes:
    """A minimal workbook; its sheet, shared strings or merged ranges replaced."""
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目名称", "宣传交流工作经费"])
    ws.append(["年度资金总额", 11, 11, 1.7])
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                if sheet_xml is not None:
                    body = sheet_xml
                elif merges:
                    cells = "".join('<mergeCell ref="A1:CV1000"/>' for _ in range(merges))
                    body = body.replace(b"</sheetData>", b"</sheetData>" + f'<mergeCells count="{merges}">'
                                        f"{cells}</mergeCells>".encode())
            if shared_xml is not None and info.filename == "xl/_rels/workbook.xml.rels":
                body = body.replace(b"</Relationships>", b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.'
                                    b'org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                    b"</Relationships>")
            if shared_xml is not None and info.filename == "[Content_Types].xml":
                body = body.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            z.writestr(info.filename, body)
        if shared_xml is not None:  # the workbook's shared strings, referred to by its first cell
            z.writestr("xl/sharedStrings.xml", shared_xml)
    return out.getvalue()


def _ppmd(data: bytes, entry: str) -> bytes:
    """The zip with `entry` marked as compressed by PPMd (method 98), which no Python reader supports."""
    raw = bytearray(data)
    name = entry.encode()
    for sig, method_at, name_at in ((b"PK\x03\x04", 8, 30), (b"PK\x01\x02", 10, 46)):
        at = raw.find(sig)
        while at >= 0:
            n = struct.unpack_from("<H", raw, at + (26 if sig == b"PK\x03\x04" else 28))[0]
            if bytes(raw[at + name_at:at + name_at + n]) == name:
                struct.pack_into("<H", raw, at + method_at, 98)
            at = raw.find(sig, at + 4)
    return bytes(raw)


def _xls_far_cell() -> bytes:
    import xlwt
    wb = xlwt.Workbook()
    ws = wb.add_sheet("Sheet1")
    ws.write(0, 0, "项目名称")
    ws.write(0, 1, "宣传交流工作经费")
    ws.write(65535, 255, "x")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF of the given objects (numbered from 1), with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for k, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{k} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root {root} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _pdf_loop() -> bytes:
    """A page tree whose Pages node lists itself as its kid."""
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"])


def _pdf_deep(depth: int) -> bytes:
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for k in range(depth):
        n = k + 2
        objs.append(f"<< /Type /Pages /Kids [{n + 1} 0 R] /Count 1 {'/Parent %d 0 R' % (n - 1) if k else ''} >>".encode())
    objs.append(f"<< /Type /Page /Parent {depth + 1} 0 R /MediaBox [0 0 595 842] >>".encode())
    return _pdf(objs)


def _pdf_lines(n: int) -> bytes:
    """One page ruled with n horizontal and n vertical lines."""
    ops = [f"0 {k * 0.5:.1f} m 595 {k * 0.5:.1f} l S" for k in range(n)] + [
        f"{k * 0.39:.2f} 0 m {k * 0.39:.2f} 842 l S" for k in range(n)]  # each line a path of its own
    text = "BT /F1 10 Tf 60 800 Td (Total 11 11 1.7) Tj ET\n"
    stream = zlib.compress((text + "\n".join(ops) + "\n").encode())
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
                 b"/Resources << /Font << /F1 5 0 R >> >> >>",
                 f"<< /Length {len(stream)} /Filter /FlateDecode >>\nstream\n".encode() + stream + b"\nendstream",
                 b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"])


def _pdf_bomb(mb: int) -> bytes:
    """A content stream that inflates to `mb` megabytes of blanks (compressed a megabyte at a time)."""
    z, parts, block = zlib.compressobj(9), [], b" " * (1 << 20)
    for _ in range(mb):
        parts.append(z.compress(block))
    parts.append(z.flush())
    stream = b"".join(parts)
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
                 f"<< /Length {len(stream)} /Filter /FlateDecode >>\nstream\n".encode() + stream + b"\nendstream"])


def family(scale: str = "test") -> dict[str, bytes]:
    """Every attack of issue 23, by a file name saying what it is.  `scale` "bench" makes the large ones at the size
    the attack round used (a 300 MB paragraph, 10,000 nested tables, a 1 GB bomb); "test" keeps each under a second."""
    big = scale == "bench"
    files = {
        "docx-not-xml.docx": _docx(b"<w:document>this is not xml"),
        "docx-billion-laughs.docx": _docx_with_dtd(DTD_LAUGHS, "&lol9;"),
        "docx-xxe.docx": _docx_with_dtd(_xxe("/tmp/hostile-secret.txt"), "&xxe;"),
        "docx-ppmd.docx": _ppmd(_docx(_body(_para("项目名称 测试"))), "word/document.xml"),
        "docx-gridspan-abc.docx": _docx(_body("<w:tbl>" + _row(["项目名称", "测试"], span="abc") + "</w:tbl>")),
        "docx-gridspan-huge.docx": _docx(_body("<w:tbl>" + "".join(_row(["年度资金总额", "11"], span="10000000")
                                                                for _ in range(50)) + "</w:tbl>")),
        "docx-50000-columns.docx": _docx(_body("<w:tbl>" + _row(["1"] * (50000 if big else 5000)) + "</w:tbl>")),
        "docx-nested-400.docx": _docx(_body(_nested(400))),
        "docx-nested-deep.docx": _docx(_body(_nested(10000 if big else 2000))),
        "docx-huge-paragraph.docx": _docx_long_paragraph((100 << 20) if big else (4 << 20)),
        "xlsx-not-xml.xlsx": _xlsx(sheet_xml=b"<worksheet>not xml"),
        "xlsx-xxe-sheet.xlsx": _xlsx(sheet_xml=f'<?xml version="1.0"?>{_xxe("/tmp/hostile-secret.txt")}<worksheet {X}>'
                                               f'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c>'
                                               f'</row></sheetData></worksheet>'.encode()),
        "xlsx-xxe-shared.xlsx": _xlsx(shared_xml=f'<?xml version="1.0"?>{_xxe("/tmp/hostile-secret.txt")}<sst {X} '
                                                 f'count="1" uniqueCount="1"><si><t>&xxe;</t></si></sst>'.encode()),
        "xlsx-laughs-shared.xlsx": _xlsx(shared_xml=f'<?xml version="1.0"?>{DTD_LAUGHS}<sst {X} count="1" '
                                                    f'uniqueCount="1"><si><t>&lol9;</t></si></sst>'.encode()),
        "xlsx-merges.xlsx": _xlsx(merges=3000),
        "xls-far-cell.xls": _xls_far_cell(),
        "xls-merges.xls": _xls_merges(),
        "pdf-page-loop.pdf": _pdf_loop(),
        "pdf-page-deep.pdf": _pdf_deep(20000 if big else 3000),
        "pdf-ruled-lines.pdf": _pdf_lines(1500 if big else 1100),
        "pdf-flate-bomb.pdf": _pdf_bomb(1024 if big else 48),
        "text-mentions-pdf.txt": ("附件格式 %PDF-1.4 已转为文本\n" + REPORT_TEXT).encode(),
        "text-only-a-label.txt": "项目名称\n".encode(),
    }
    return files
