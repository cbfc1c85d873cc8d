"""One handout: an article in a locale -> the bytes of a tagged PDF/UA-1 file (Typst).

Pure and deterministic: the same models give the same bytes (no date in the document, no time
stamp, Typst derives the file /ID from the content), which a content-addressed build needs.
"""

from __future__ import annotations

import functools
import io
import json
import re
import threading
from pathlib import Path
from typing import Literal

import pikepdf
import segno
import typst

from api.core import models as m
from api.core.locales import Locale
from api.core.resources import SITE_NAME

from .document import document
from .labels import HandoutLabels, handout_labels

Paper = Literal["a4", "letter"]
TYPST_PAPER = {"a4": "a4", "letter": "us-letter"}
MEDIA_TYPE = "application/pdf"
# Where a reader is likelier to print on US Letter than on A4 (the Americas and the Philippines):
# the default paper of the locale's handout. Both papers are laid out from the same flow, nothing clipped.
LETTER_LOCALES = frozenset({"en", "es", "fil", "ht"})


def default_paper(loc: Locale) -> Paper:
    return "letter" if loc.tag in LETTER_LOCALES else "a4"


TEMPLATE = Path(__file__).with_name("handout.typ")
_local = threading.local()


def compiler() -> typst.Compiler:
    """This thread's Typst compiler over the template, made on first use (never at import). Reusing it
    keeps the fonts and the parsed template between handouts: 4x faster than `typst.compile`, same bytes."""
    found: typst.Compiler | None = getattr(_local, "compiler", None)
    if found is None:
        found = _local.compiler = typst.Compiler(str(TEMPLATE), root=str(TEMPLATE.parent))
    return found


@functools.lru_cache(maxsize=64)  # the 8 handouts of an article x locale share the URL; encoding it is half a render
def qr_svg(url: str) -> str:
    """The canonical URL as a QR code (segno: no randomness, no time stamp in the SVG)."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="svg", xmldecl=False, scale=4, border=4)
    return out.getvalue().decode("utf-8")


def render_handout(article: m.Article, loc: Locale, crisis: m.Crisis | None = None,
                   labels: HandoutLabels | None = None, paper: Paper | None = None,
                   large_print: bool = False) -> bytes:
    """The handout of `article` in `loc` as PDF/UA-1 bytes.

    `crisis`: the help-now block to print (default: the article's own, i.e. no country chosen);
    `labels`: the handout's interface texts (:func:`handout_labels` over the locale's ui catalog;
    default English); `paper`: "a4" or "letter" (default: :func:`default_paper`); `large_print`:
    body text at 16 pt instead of 11 pt.
    """
    data = document(article, loc, crisis or article.crisis, labels or handout_labels(),
                    TYPST_PAPER[paper or default_paper(loc)], large_print, SITE_NAME)
    inputs = {"data": json.dumps(data, ensure_ascii=False), "qr": qr_svg(article.canonical_url)}
    pdf = compiler().compile(sys_inputs=inputs, pdf_standards=["ua-1"], pdf_tags=True)
    if not isinstance(pdf, bytes):  # a list of pages only for PNG/SVG output
        raise TypeError("Typst returned no PDF")
    return _with_lang(pdf, loc.tag)


XMP_LANGUAGE = re.compile(rb"(<dc:language>.*?<rdf:li>)[^<]*(</rdf:li>)", re.DOTALL)


def _with_lang(pdf: bytes, tag: str) -> bytes:
    """Typst writes /Lang as language-REGION (zh-CN); the document says its real tag (zh-Hans), in the
    catalog and in the XMP metadata's dc:language (edited as bytes: pikepdf's editor would date it)."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        if str(doc.Root.get("/Lang", "")) == tag:
            return pdf
        doc.Root.Lang = pikepdf.String(tag)
        if "/Metadata" in doc.Root:
            xmp = doc.Root.Metadata.read_bytes()
            doc.Root.Metadata.write(XMP_LANGUAGE.sub(lambda m: m[1] + tag.encode("ascii") + m[2], xmp, count=1))
        out = io.BytesIO()
        doc.save(out, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve)
        return out.getvalue()
