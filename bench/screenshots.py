"""Screenshots of what a reviewer opens, to look at after a change to the pages: the triage index, the
riskiest memo (HTML), and the first pages of its Word memo.

    python bench/screenshots.py [--out /tmp/shots] [PATH ...]     # default PATH: corpus/seeds

Needs headless Chromium (apt package `chromium`) and, for the Word memo, LibreOffice.  Writes index.png,
memo.png, docx-1.png, docx-2.png into --out and prints their paths.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def shoot(page: Path, png: Path, width: int = 1400, height: int = 2000) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not browser:
        sys.exit("headless Chromium not found (apt install chromium)")
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", f"--window-size={width},{height}",
                    f"--screenshot={png}", page.as_uri()], check=True, capture_output=True, timeout=120)


def docx_pages(docx: Path, out: Path, pages: int = 2) -> list[Path]:
    if not shutil.which("soffice"):
        return []
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(out), str(docx)], check=True,
                   capture_output=True, timeout=180)
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(out / (docx.stem + ".pdf")))
    shots = []
    for i in range(min(pages, len(doc))):
        png = out / f"docx-{i + 1}.png"
        doc[i].render(scale=1.3).to_pil().save(png)
        shots.append(png)
    return shots


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", default=[str(ROOT / "corpus" / "seeds")])
    ap.add_argument("--out", default="/tmp/reviewer-shots")
    args = ap.parse_args()
    out = Path(args.out)
    review = out / "review"
    subprocess.run([sys.executable, "-m", "reviewer", "review", *args.paths, "--out", str(review), "-q"], cwd=ROOT,
                   check=True)
    riskiest = max(review.glob("*/findings.json"), key=lambda p: json.loads(p.read_text())["risk_score"]).parent
    shoot(review / "index.html", out / "index.png")
    shoot(riskiest / "memo.html", out / "memo.png", 1200, 2600)
    for png in [out / "index.png", out / "memo.png", *docx_pages(riskiest / "memo.docx", out)]:
        print(png)


if __name__ == "__main__":
    main()
