"""Source blocks + a locale's catalogs -> translated blocks, as typed models.

Each text carries the language it is really in: a segment without a usable translation is
the English source, marked ``lang="en"``. The JSON API encodes these models and the
templates render the very same objects.
"""

from __future__ import annotations

from dataclasses import dataclass

from api.core import models as m
from api.core.locales import SOURCE_TAG
from api.i18n.markup import render_inline
from api.sources.catalogs import LocaleCatalogs
from api.sources.content import Article, Block, Faq, Heading, ListBlock, Paragraph, Quote, Segment, Table


class Translator:
    """Translates the segments of one article into one locale, counting fallbacks."""

    def __init__(self, article: Article, catalogs: LocaleCatalogs):
        self.article = article
        self.catalogs = catalogs
        self.fallbacks = 0
        self.heading_level = 1  # the title; FAQ questions sit one level below the last heading

    def __call__(self, segment: Segment) -> m.Text:
        loc = self.catalogs.locale
        translated = None if loc.is_source else self.catalogs.translate(self.article.slug, segment.source)
        if translated is None:
            if not loc.is_source:
                self.fallbacks += 1
            rendered = render_inline(segment.source)
            return m.Text(text=rendered.text, html=rendered.html, lang=SOURCE_TAG)
        rendered = render_inline(translated)
        return m.Text(text=rendered.text, html=rendered.html, lang=loc.tag)

    def block(self, block: Block) -> m.Block:
        match block:
            case Heading():
                self.heading_level = block.level
                return m.HeadingBlock(level=block.level, text=self(block.text))
            case Paragraph():
                return m.ParagraphBlock(text=self(block.text))
            case ListBlock():
                return m.ListBlock(ordered=block.ordered, items=[self(s) for s in block.items])
            case Table():
                return m.TableBlock(
                    caption=self(block.caption),
                    columns=[self(s) for s in block.columns],
                    rows=[[self(s) for s in row] for row in block.rows],
                )
            case Quote():
                return m.QuoteBlock(paragraphs=[self(s) for s in block.paragraphs])
            case Faq():
                return m.FaqBlock(
                    level=min(self.heading_level + 1, 6),
                    items=[m.FaqItem(question=self(item.question), answer=[self(s) for s in item.answer])
                           for item in block.items],
                )
        raise TypeError(f"unknown block {block!r}")  # pragma: no cover - the union is closed


@dataclass(frozen=True)
class Translated:
    """One article in one locale: its texts and how much of it is translated."""

    title: m.Text
    summary: m.Text
    blocks: list[m.Block]
    translation: m.Translation


def translate_article(article: Article, catalogs: LocaleCatalogs) -> Translated:
    tr = Translator(article, catalogs)
    title = tr(article.title)
    summary = tr(article.summary)
    blocks = [tr.block(b) for b in article.blocks]
    stats = catalogs.article_stats[article.slug]
    translation = m.Translation(
        source_lang=SOURCE_TAG, review=catalogs.review(article.slug).state,  # type: ignore[arg-type]
        segments_in_english=tr.fallbacks, **stats.as_dict(),
    )
    return Translated(title=title, summary=summary, blocks=blocks, translation=translation)
