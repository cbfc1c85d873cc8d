"""Printable handouts (issue 25): tagged PDF/UA-1 files per article x locale, on the fixture corpus.

Third-party proof: two PDF/UA-1 checkers (pdfua, page-validation), pikepdf for the structure tree,
/Lang, DisplayDocTitle and fonts, poppler's pdftotext for the text a screen reader extracts.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import msgspec
import page as page_validation
import pikepdf
import pytest
from fontTools.cffLib import CFFFontSet
from fontTools.misc.psCharStrings import T2WidthExtractor

from api.build.builder import Builder
from api.build.handouts import default_paper, handout_labels, render_handout
from api.build.handouts.document import document
from api.core import models as m
from api.core.locales import Locale
from tests.corpus import make_corpus

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (scripts/install-test-deps)")

TAGS = ("ar", "fa", "zh-Hans", "hi", "es")
# Real text in each script (the fixture catalogs are pseudo-translations in Latin letters).
TITLES = {
    "ar": "الخطوات الأولى نحو الشعور بالتحسن",
    "fa": "نخستین گام‌ها به سوی حال بهتر",
    "zh-Hans": "迈向好转的第一步",
    "hi": "बेहतर महसूस करने की ओर पहले कदम",
    "es": "Primeros pasos para sentirse mejor",
}
SCRIPT_FONT = {"en": "NotoSans-", "es": "NotoSans-", "ar": "NotoNaskhArabic", "fa": "NotoNaskhArabic",
               "hi": "NotoSansDevanagari", "zh-Hans": "NotoSansCJKsc"}
INJECTION = '#set page(fill: red) #panic("pwned") ] $x^2$ `raw` #import "x.typ" <l> @ref \\ */'
BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\u00ad]")


def _text(s: str, lang: str) -> m.Text:
    from html import escape
    return m.Text(text=s, html=escape(s, quote=False), lang=lang)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Locale, m.Article, Any]]:
    corpus = make_corpus(tmp_path_factory.mktemp("handouts") / "corpus", tags=TAGS)
    builder = Builder(corpus.settings())
    out = {}
    for loc in builder.table.all:
        page = builder.locale_models(loc)
        article = next(a for a in page.articles if a.slug == "first-steps")
        if loc.tag in TITLES:  # a real-script title and, first, a paragraph still in English (a fallback)
            blocks: list[m.Block] = [m.ParagraphBlock(text=_text("This passage is still in English.", "en")),
                                     *article.blocks]
            article = msgspec.structs.replace(article, title=_text(TITLES[loc.tag], loc.tag), blocks=blocks)
        out[loc.tag] = (loc, article, page)
    return out


@pytest.fixture(scope="module")
def pdfs(built: dict[str, tuple[Locale, m.Article, Any]]) -> dict[str, bytes]:
    return {tag: render_handout(a, loc, page.crisis, handout_labels(page.cats.ui))
            for tag, (loc, a, page) in built.items()}


def _pdftotext(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "h.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True).stdout
    return BIDI.sub("", text.decode("utf-8"))


def _squash(s: str) -> str:
    """Without white space and ZWNJ (pdftotext places Persian's zero-width non-joiner after the letter)."""
    return re.sub(r"[\s\u200c]+", "", s)


def _widths_agree(pdf: bytes) -> bool:
    """page-validation reads 0 as the width of CID-keyed CFF glyphs whose FD has its own defaultWidthX
    (Noto Sans CJK): fontTools computes each embedded glyph's width; they must equal /W."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for font in _fonts(doc):
            if font.get("/Subtype") != "/Type0":
                continue
            cid = font.DescendantFonts[0]
            program = cid.FontDescriptor.get("/FontFile3")
            if program is None:
                continue
            cff = CFFFontSet()
            cff.decompile(io.BytesIO(program.read_bytes()), None)
            top = cff[cff.fontNames[0]]
            w = list(cid.get("/W", []))
            declared = {}
            i = 0
            while i < len(w):
                if isinstance(w[i + 1], pikepdf.Array):
                    declared.update({int(w[i]) + j: float(x) for j, x in enumerate(w[i + 1])})
                    i += 2
                else:
                    declared.update({c: float(w[i + 2]) for c in range(int(w[i]), int(w[i + 1]) + 1)})
                    i += 3
            for gid, name in enumerate(top.charset):
                charstring, select = top.CharStrings.getItemAndSelector(name)
                private = top.FDArray[select].Private if select is not None else top.Private
                ex = T2WidthExtractor(getattr(private, "Subrs", []), top.GlobalSubrs,
                                      private.nominalWidthX, private.defaultWidthX)
                ex.execute(charstring)
                if gid in declared and abs(declared[gid] - ex.width) > 1:
                    return False
    return True


def _fonts(doc: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    out: dict[tuple[int, int], pikepdf.Dictionary] = {}
    for p in doc.pages:
        for font in p.get("/Resources", {}).get("/Font", {}).values():
            out[font.objgen] = font
    return list(out.values())


def _words_outside_the_page(pdf: bytes, tmp_path: Path) -> list[str]:
    """Words whose box (pdftotext -bbox, the font's whole height) comes within 5 mm of the paper's edge, where
    printers cannot print."""
    path = tmp_path / "b.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True, text=True).stdout
    outside = []
    for width, height, body in re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.S):
        words = r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">([^<]*)'
        for box in re.finditer(words, body):
            x0, y0, x1, y1 = (float(v) for v in box.groups()[:4])
            if x0 < 14 or y0 < 14 or x1 > float(width) - 14 or y1 > float(height) - 14:
                outside.append(f"{box.group(5)} {x0:.0f},{y0:.0f}-{x1:.0f},{y1:.0f} of {width}x{height}")
    return outside


def _attributes(element: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    found = element.get("/A")
    if found is None:
        return []
    return [a for a in found if isinstance(a, pikepdf.Dictionary)] if isinstance(found, pikepdf.Array) else [found]


def _structure(doc: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    seen: list[pikepdf.Dictionary] = []
    stack: list[Any] = [doc.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary):
            if "/S" in node:
                seen.append(node)
            if "/K" in node:
                stack.append(node.K)
    return seen


@pytest.mark.parametrize("tag", ("en", *TAGS))
def test_pdfua_checkers_report_no_failure(tag: str, pdfs: dict[str, bytes], tmp_path: Path) -> None:
    path = tmp_path / f"{tag}.pdf"
    path.write_bytes(pdfs[tag])
    run = subprocess.run([sys.executable, "-m", "pdfua", "check", str(path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout
    report = page_validation.validate_pdf_bytes(pdfs[tag], profile=page_validation.ValidationProfile.PDF_UA_1)
    failures = [f for f in report.failures if f.rule_id != "PDFUA1-FONT-GLYPH-WIDTH-001"]
    assert failures == []
    if len(failures) != len(list(report.failures)):  # the CJK width finding: cross-checked with fontTools
        assert _widths_agree(pdfs[tag])


@pytest.mark.parametrize("tag", ("en", *TAGS))
def test_tags_language_title_and_fonts(tag: str, pdfs: dict[str, bytes]) -> None:
    with pikepdf.open(io.BytesIO(pdfs[tag])) as doc:
        assert str(doc.Root.Lang) == tag
        assert f"<rdf:li>{tag}</rdf:li>" in doc.Root.Metadata.read_bytes().decode("utf-8")  # XMP dc:language
        assert "/Filter" not in doc.Root.Metadata  # PDF/UA: the metadata stays readable
        assert bool(doc.Root.MarkInfo.Marked)
        assert bool(doc.Root.ViewerPreferences.DisplayDocTitle)
        assert str(doc.open_metadata().get("dc:title", "")) or str(doc.docinfo.Title)
        kinds = {str(e.S) for e in _structure(doc)}
        assert {"/H1", "/H2", "/P", "/L", "/LI", "/Lbl", "/LBody", "/Table", "/TH", "/TD", "/Link",
                "/Figure", "/BlockQuote", "/Caption"} <= kinds
        assert all("/Alt" in e for e in _structure(doc) if e.S == "/Figure")  # the QR code
        headers = [e for e in _structure(doc) if e.S == "/TH"]
        assert all(any(a.get("/Scope") == "/Column" for a in _attributes(e)) for e in headers)
        if tag != "en":  # the English fallback passage is tagged en
            assert any(str(e.get("/Lang", "")) == "en" for e in _structure(doc))
        names = " ".join(str(f.BaseFont) for f in _fonts(doc))
        assert SCRIPT_FONT[tag] in names  # the real script font from fonts-noto-*, not a fallback
        for font in _fonts(doc):
            assert "/ToUnicode" in font
            described = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = described.FontDescriptor
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


@pytest.mark.parametrize("tag", TAGS)
def test_pdftotext_gives_the_articles_words_in_logical_order(tag: str, built: dict[str, Any],
                                                           pdfs: dict[str, bytes], tmp_path: Path) -> None:
    text = _pdftotext(pdfs[tag], tmp_path)
    _, article, _ = built[tag]
    assert _squash(TITLES[tag]) in _squash(text)
    paragraph = next(b for b in article.blocks[1:] if isinstance(b, m.ParagraphBlock))
    # The pseudo-translation is '[tag] English.': in a right-to-left line pdftotext shows the bracket and
    # full stop where they are seen; the words between come out in their logical order.
    words = paragraph.text.text.removeprefix(f"[{tag}] ").rstrip(".")
    assert _squash(words) in _squash(text)
    assert "This passage is still in English." in " ".join(text.split())
    assert not re.search("[\ufb50-\ufdff\ufe70-\ufeff]", text)  # no Arabic presentation forms: real letters
    assert _squash(article.canonical_url) in _squash(text)


def test_injection_in_a_translated_segment_is_shown_not_run(built: dict[str, Any], tmp_path: Path) -> None:
    loc, article, page = built["es"]  # left to right, so pdftotext keeps the Latin punctuation in order
    bad = m.ParagraphBlock(text=m.Text(text=INJECTION, html=INJECTION.replace("<", "&lt;").replace(">", "&gt;"),
                                       lang="es"))
    hostile = msgspec.structs.replace(article, blocks=[bad, *article.blocks],
                                      title=_text('"); #panic("t") //', "es"))
    pdf = render_handout(hostile, loc, page.crisis, handout_labels(page.cats.ui))
    text = " ".join(_pdftotext(pdf, tmp_path).split())
    assert _squash(INJECTION) in _squash(text)
    assert '#panic("t")' in text
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        assert str(doc.docinfo.Title) == '"); #panic("t") //'


def test_same_input_gives_the_same_bytes(built: dict[str, Any], pdfs: dict[str, bytes]) -> None:
    for tag in ("zh-Hans", "ar"):
        loc, article, page = built[tag]
        assert render_handout(article, loc, page.crisis, handout_labels(page.cats.ui)) == pdfs[tag]


def test_large_print_and_both_papers(built: dict[str, Any], pdfs: dict[str, bytes], tmp_path: Path) -> None:
    loc, article, page = built["fa"]
    labels = handout_labels(page.cats.ui)
    assert document(article, loc, page.crisis, labels, "a4", True, "Bothand")["size"] >= 16
    assert default_paper(loc) == "a4" and default_paper(built["es"][0]) == "letter"
    last = article.blocks[-1]
    for paper, box in (("a4", (595, 842)), ("letter", (612, 792))):
        for large in (False, True):
            pdf = render_handout(article, loc, page.crisis, labels, paper=paper, large_print=large)  # type: ignore[arg-type]
            with pikepdf.open(io.BytesIO(pdf)) as doc:
                assert tuple(round(float(x)) for x in doc.pages[0].MediaBox[2:]) == box
                pages = len(doc.pages)
            text = _squash(_pdftotext(pdf, tmp_path))
            assert _squash(article.canonical_url) in text  # the last thing printed: nothing cut off
            assert _words_outside_the_page(pdf, tmp_path) == []
            if isinstance(last, m.ParagraphBlock):
                assert _squash(last.text.text) in text
            if large:
                assert pages > len(pikepdf.open(io.BytesIO(pdfs["fa"])).pages)


def test_inline_runs_keep_emphasis_and_make_links_absolute() -> None:
    from api.build.handouts.inline import runs

    got = runs('A <strong>b <em>c</em></strong> <a href="other">d &amp; e</a> <a href="tel:988">f</a>',
               "https://site.example/es/articles/first-steps")
    assert [(r["t"], r["b"], r["i"], r["href"]) for r in got] == [
        ("A ", False, False, None), ("b ", True, False, None), ("c", True, True, None), (" ", False, False, None),
        ("d & e", False, False, "https://site.example/es/articles/other"), (" ", False, False, None),
        ("f", False, False, "tel:988")]


def test_labels_come_from_the_catalog_or_say_they_are_english() -> None:
    from gettext import NullTranslations

    class Catalog(NullTranslations):
        _catalog = {"Page %(page)s of %(total)s": "Página %(page)s de %(total)s"}

    labels = handout_labels(Catalog())
    assert (labels.page.text, labels.page.en) == ("Página %(page)s de %(total)s", False)
    assert labels.source_heading.en and labels.source_heading.text == "Where this handout comes from"
    assert not handout_labels().page.en  # English labels for the English handout
