"""Bake-off for issue 25: the same article in ar, fa, zh-Hans and hi, by Typst and by WeasyPrint.

Renders each handout with both, times it, checks the tags (pikepdf: structure tree, /Lang,
DisplayDocTitle), runs both PDF/UA-1 checkers (pdfua, page-validation) and writes page 1 as PNG
(pdftoppm) under --out, for a person to look at. Prints one table. Uses the real content/ corpus.
usage: .venv/bin/python scripts/handout_bakeoff.py [--slug SLUG] [--out DIR]
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import page as page_validation
import pikepdf

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.build.builder import Builder  # noqa: E402
from api.build.handouts import handout_labels, render_handout  # noqa: E402
from api.core import models as m  # noqa: E402
from api.core.locales import Locale  # noqa: E402
from api.core.settings import Settings  # noqa: E402

TAGS = ("ar", "fa", "zh-Hans", "hi")
CSS = """
@page { size: A4; margin: 2cm; @bottom-center { content: counter(page) " / " counter(pages); } }
body { font-family: "Noto Sans", "Noto Naskh Arabic", "Noto Sans Devanagari", "Noto Sans CJK SC"; font-size: 11pt; }
.notice, .help { border: 1px solid; padding: 0.5em; }
table { border-collapse: collapse; } th, td { border: 1px solid; padding: 0.2em; }
"""


def weasyprint_handout(article: m.Article, loc: Locale) -> bytes:
    """The same content through WeasyPrint: the API's sanitized HTML body in a minimal page."""
    from html import escape

    from weasyprint import HTML

    notice = "".join(f"<p>{escape(x)}</p>" for x in (article.notice.lines if article.notice else []))
    help_now = "".join(f"<p><strong>{escape(r.name.text)}</strong> {escape(r.description.text)}</p>"
                       for r in article.crisis.resources)
    html = (f'<!doctype html><html lang="{loc.tag}" dir="{loc.dir}"><head><meta charset="utf-8">'
            f"<title>{escape(article.title.text)}</title><style>{CSS}</style></head><body>"
            f"<h1>{article.title.html}</h1><div class=notice>{notice}</div>{article.html}"
            f"<section class=help><h2>{escape(article.crisis.heading.text)}</h2>{help_now}</section>"
            f"<p>{escape(article.attribution.text)}</p><p dir=ltr>{escape(article.canonical_url)}</p></body></html>")
    out: bytes = HTML(string=html, base_url=article.canonical_url).write_pdf(pdf_variant="pdf/ua-1")
    return out


def checks(pdf: bytes) -> dict[str, object]:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        prefs = doc.Root.get("/ViewerPreferences", {})
        tags = {"tree": "/StructTreeRoot" in doc.Root, "lang": str(doc.Root.get("/Lang", "")),
                "title": bool(prefs.get("/DisplayDocTitle", False)), "pages": len(doc.pages)}
    report = page_validation.validate_pdf_bytes(pdf, profile=page_validation.ValidationProfile.PDF_UA_1)
    tags["page-validation"] = len(list(report.failures))
    return tags


def pdfua_findings(path: Path) -> int:
    run = subprocess.run([sys.executable, "-m", "pdfua", "check", str(path)], capture_output=True, text=True)  # noqa: S603
    return run.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slug", default="medication-and-therapy")
    parser.add_argument("--out", type=Path, default=Path("build/bakeoff"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    builder = Builder(Settings())
    renderers: dict[str, Callable[[m.Article, Locale, m.Crisis, object], bytes]] = {
        "typst": lambda a, loc, crisis, ui: render_handout(a, loc, crisis, handout_labels(ui)),  # type: ignore[arg-type]
        "weasyprint": lambda a, loc, crisis, ui: weasyprint_handout(a, loc),
    }
    english = builder.locale_models(builder.table.source)
    for render in renderers.values():  # warm up: imports and fonts load on the first call in a process
        render(english.articles[0], builder.table.source, english.crisis, english.cats.ui)
    print("renderer    lang     seconds  bytes    pages tree /Lang    title pdfua-rc page-validation-failures")
    for tag in TAGS:
        loc = builder.table[tag]
        built = builder.locale_models(loc)
        article = next(a for a in built.articles if a.slug == args.slug)
        for name, render in renderers.items():
            start = time.perf_counter()  # one call: a repeat with the same input would be memoized by Typst
            pdf = render(article, loc, built.crisis, built.cats.ui)
            seconds = time.perf_counter() - start
            path = args.out / f"{name}-{tag}.pdf"
            path.write_bytes(pdf)
            picture = ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(path),
                       str(path.with_suffix(""))]
            subprocess.run(picture, check=True)  # noqa: S603
            c = checks(pdf)
            print(f"{name:11} {tag:8} {seconds:7.2f}  {len(pdf):7}  {c['pages']:5} {c['tree']!s:4} {c['lang']:8} "
                  f"{c['title']!s:5} {pdfua_findings(path):8} {c['page-validation']}")


if __name__ == "__main__":
    main()
