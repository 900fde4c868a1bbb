"""Regenerate tests/fixtures/seed004.doc, the Word 97-2003 rendering of seed 004 (needs LibreOffice).

    .venv/bin/python tests/support/make_doc_fixture.py

No Python library writes .doc, so the fixture is committed: seed 004 rendered as DOCX by render.py, with a
closing paragraph (LibreOffice's .doc export flattens a table that ends the document), converted by
`soffice --convert-to doc`.
"""
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

import docx  # noqa: E402

from conftest import seed_path  # noqa: E402
from reviewer.read import read  # noqa: E402
from support.render import to_docx  # noqa: E402


def main() -> None:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if not office:
        sys.exit("LibreOffice (soffice) is needed: apt-get install libreoffice-writer-nogui")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "seed004.docx"
        to_docx(read(seed_path("004")).rows(), src)
        d = docx.Document(str(src))
        d.add_paragraph("（完）")
        d.save(str(src))
        subprocess.run([office, "--headless", "--convert-to", "doc", "--outdir", tmp, str(src)], check=True,
                       capture_output=True)
        shutil.copy(Path(tmp) / "seed004.doc", ROOT / "tests" / "fixtures" / "seed004.doc")
    print("wrote tests/fixtures/seed004.doc")


if __name__ == "__main__":
    main()
