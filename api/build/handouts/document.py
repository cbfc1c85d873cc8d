"""The typed models of one article in one locale -> the JSON data the Typst template lays out."""

from __future__ import annotations

import datetime as dt
from typing import Any

from babel.dates import format_date

from api.core import models as m
from api.core.locales import Locale
from api.i18n.templating import DATE_FORMAT_OVERRIDES, native_digits

from .inline import runs
from .labels import MESSAGES, HandoutLabels, Label, fill

# Free fonts from Debian's fonts-noto-core and fonts-noto-cjk, the script's own font first so its
# punctuation and digits match the text; Noto Sans covers Latin (and fallback English) everywhere.
SCRIPT_FONTS = {
    "ar": "Noto Naskh Arabic", "fa": "Noto Naskh Arabic", "hi": "Noto Sans Devanagari",
    "zh-Hans": "Noto Sans CJK SC", "zh-Hant": "Noto Sans CJK TC", "ko": "Noto Sans CJK KR",
}
LATIN_FONT = "Noto Sans"
# Typst takes ISO 639 language + ISO 3166 region; the PDF's /Lang is set to the full tag afterwards.
TYPST_REGION = {"zh-Hans": "CN", "zh-Hant": "TW", "pt-BR": "BR"}
BODY_PT = {False: 11, True: 16}  # large print: the NHS Accessible Information Standard's 16 pt or more
LEADING = {"ar": 0.85, "fa": 0.85}  # Naskh needs taller lines, as on the site
SCALE = {"ar": 1.1, "fa": 1.1}  # and reads small at the Latin size: a little larger, as on the site


def fonts(loc: Locale) -> list[str]:
    script = SCRIPT_FONTS.get(loc.tag)
    return [script, LATIN_FONT] if script else [LATIN_FONT, "Noto Sans Devanagari", "Noto Sans CJK SC"]


def typst_lang(tag: str) -> tuple[str, str | None]:
    return tag.split("-")[0].lower(), TYPST_REGION.get(tag)


def text(t: m.Text, loc: Locale, base: str) -> dict[str, Any]:
    return {"runs": runs(t.html, base), "en": t.lang != loc.tag}


def plain(p: m.PlainText | str, loc: Locale, en: bool = False) -> dict[str, Any]:
    if isinstance(p, str):
        return {"text": p, "en": en}
    return {"text": p.text, "en": p.lang != loc.tag}


def block(b: m.Block, loc: Locale, base: str) -> dict[str, Any]:
    def t(x: m.Text) -> dict[str, Any]:
        return text(x, loc, base)

    if isinstance(b, m.HeadingBlock):
        return {"type": "heading", "level": min(max(b.level, 2), 6), "text": t(b.text)}
    if isinstance(b, m.ParagraphBlock):
        return {"type": "paragraph", "text": t(b.text)}
    if isinstance(b, m.ListBlock):
        return {"type": "list", "ordered": b.ordered, "items": [t(i) for i in b.items]}
    if isinstance(b, m.TableBlock):
        return {"type": "table", "caption": t(b.caption), "columns": [t(c) for c in b.columns],
                "rows": [[t(c) for c in row] for row in b.rows]}
    if isinstance(b, m.QuoteBlock):
        return {"type": "quote", "paragraphs": [t(p) for p in b.paragraphs]}
    if isinstance(b, m.FaqBlock):
        return {"type": "faq", "level": min(max(b.level, 2), 6),
                "items": [{"question": t(i.question), "answer": [t(a) for a in i.answer]} for i in b.items]}
    raise TypeError(f"unknown block {type(b).__name__}")  # pragma: no cover - the union is closed


def local_date(value: dt.date, loc: Locale) -> str:
    style = DATE_FORMAT_OVERRIDES.get(loc.tag, "long")
    return native_digits(str(format_date(value, format=style, locale=loc.babel)), loc)


def line(label: Label, key: str, values: dict[str, str]) -> dict[str, Any]:
    """A one-run paragraph of a filled label."""
    filled = fill(label, MESSAGES[key], values)
    return {"runs": [{"t": filled, "b": False, "i": False, "href": None}], "en": label.en}


def meta(article: m.Article, loc: Locale, labels: HandoutLabels) -> list[dict[str, Any]]:
    """The dates: published and updated in this language, and the clinician's review."""
    out = [line(labels.dates, "dates", {"published": local_date(article.published, loc),
                                        "updated": local_date(article.updated, loc)})]
    if article.reviewed is not None:
        key = "reviewed" if loc.is_source else "reviewed_original"
        out.append(line(getattr(labels, key), key, {"reviewed": local_date(article.reviewed, loc)}))
    return out


def crisis(c: m.Crisis, loc: Locale) -> dict[str, Any]:
    return {"heading": plain(c.heading, loc), "resources": [{
        "name": plain(r.name, loc), "description": plain(r.description, loc),
        "contacts": [{"href": k.href, "label": plain(k.label, loc)} for k in r.contacts],
    } for r in c.resources]}


def document(article: m.Article, loc: Locale, crisis_block: m.Crisis, labels: HandoutLabels,
             paper: str, large_print: bool, site: str) -> dict[str, Any]:
    """Everything the template shows, as JSON-ready data (no markup anywhere)."""
    base = article.canonical_url
    lang, region = typst_lang(loc.tag)
    notice = None
    if article.notice is not None:
        notice = {"title": plain(article.notice.title, loc), "lines": [plain(x, loc) for x in article.notice.lines]}
    return {
        "lang": lang, "region": region, "dir": loc.dir, "fonts": fonts(loc), "paper": paper, "site": site,
        "size": round(BODY_PT[large_print] * SCALE.get(loc.tag, 1), 1), "leading": LEADING.get(loc.tag, 0.65),
        "digits": native_digits("0123456789", loc),
        "title": text(article.title, loc, base), "meta": meta(article, loc, labels), "notice": notice,
        "blocks": [block(b, loc, base) for b in article.blocks], "crisis": crisis(crisis_block, loc),
        "page": {"text": labels.page.text, "en": labels.page.en},
        "source_heading": plain(labels.source_heading.text, loc, labels.source_heading.en),
        "attribution": plain(article.attribution.text, loc, article.attribution.lang != loc.tag),
        "license": plain(article.license, loc, not loc.is_source), "url": article.canonical_url,
        "qr_alt": {"text": fill(labels.qr_alt, MESSAGES["qr_alt"], {"url": article.canonical_url}),
                   "en": labels.qr_alt.en},
    }
