"""Source blocks + a locale's catalogs -> translated, JSON-ready article data.

This is the one data function behind every output: the JSON API serializes what it returns,
the templates render the very same structure. Each text carries the language it is really
in: a segment without a usable translation is the English source, marked ``lang="en"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from api.catalogs import LocaleCatalogs
from api.content import Article, Block, Faq, Heading, ListBlock, Paragraph, Quote, Segment, Table
from api.locales import SOURCE, Locale
from api.markup import render_inline


@dataclass(frozen=True)
class Text:
    text: str
    html: Markup
    lang: str  # BCP 47 tag of the language this text is actually in

    def as_json(self) -> dict[str, str]:
        return {"text": self.text, "html": str(self.html), "lang": self.lang}


class Translator:
    """Translates the segments of one article into one locale, counting fallbacks."""

    def __init__(self, article: Article, catalogs: LocaleCatalogs):
        self.article = article
        self.catalogs = catalogs
        self.fallbacks = 0
        self.heading_level = 1  # the title; FAQ questions sit one level below the last heading

    def __call__(self, segment: Segment) -> Text:
        loc: Locale = self.catalogs.locale
        translated = None if loc.is_source else self.catalogs.translate(self.article.slug, segment.source)
        if translated is None:
            if not loc.is_source:
                self.fallbacks += 1
            rendered = render_inline(segment.source)
            return Text(rendered.text, rendered.html, SOURCE.tag)
        rendered = render_inline(translated)
        return Text(rendered.text, rendered.html, loc.tag)

    def block(self, block: Block) -> dict[str, Any]:
        match block:
            case Heading():
                self.heading_level = block.level
                return {"type": "heading", "level": block.level, "text": self(block.text)}
            case Paragraph():
                return {"type": "paragraph", "text": self(block.text)}
            case ListBlock():
                return {"type": "list", "ordered": block.ordered, "items": [self(s) for s in block.items]}
            case Table():
                return {
                    "type": "table",
                    "caption": self(block.caption),
                    "columns": [self(s) for s in block.columns],
                    "rows": [[self(s) for s in row] for row in block.rows],
                }
            case Quote():
                return {"type": "quote", "paragraphs": [self(s) for s in block.paragraphs]}
            case Faq():
                return {
                    "type": "faq",
                    "level": min(self.heading_level + 1, 6),
                    "items": [
                        {"question": self(item.question), "answer": [self(s) for s in item.answer]}
                        for item in block.items
                    ],
                }
        raise TypeError(f"unknown block {block!r}")  # pragma: no cover - the union is closed


def translate_article(article: Article, catalogs: LocaleCatalogs) -> dict[str, Any]:
    """Everything a page or the API says about one article in one locale (URLs added by views)."""
    tr = Translator(article, catalogs)
    title = tr(article.title)
    summary = tr(article.summary)
    blocks = [tr.block(b) for b in article.blocks]
    stats = catalogs.article_stats.get(article.slug)
    review = catalogs.review(article.slug)
    loc = catalogs.locale
    return {
        "slug": article.slug,
        "lang": loc.tag,
        "dir": loc.dir,
        "title": title,
        "summary": summary,
        "published": article.published,
        "updated": article.updated,
        "reviewed": article.reviewed,
        "blocks": blocks,
        "translation": {
            "source_lang": SOURCE.tag,
            "review": review.state,
            "segments_in_english": tr.fallbacks,
            **(stats.as_dict() if stats else {}),
        },
    }


def to_json(value: Any) -> Any:
    """Plain JSON values: Text becomes {text, html, lang}, dates ISO 8601."""
    if isinstance(value, Text):
        return value.as_json()
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
