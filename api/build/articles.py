"""An article in a locale as the API's models: the article, its summary, its localized date.

The build (api/build/builder.py) asks for the models of each article × locale whose unit it does
not keep whole (api/build/units.py); `bothand stamp` asks for the text hash of every translation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from babel.numbers import format_decimal
from babel.support import NullTranslations

from api.build.page import Made, Page
from api.core import models as m
from api.core.contenthash import content_hash
from api.core.locales import Locale, LocaleTable
from api.core.resources import SITE_NAME
from api.core.urls import URLs
from api.i18n.notices import translation_notice
from api.i18n.templating import format_message, native_digits
from api.sources import ledger
from api.sources.articles import Translated, translate_article
from api.sources.catalogs import Catalogs
from api.sources.content import Article
from api.sources.topics import article_conditions

LICENSE = (
    "All rights reserved by the author. Partners may show articles unchanged, with the attribution "
    "text, a link to the original, the translation notice and the crisis resources."
)
Body = Callable[[Locale, list[m.Block]], tuple[str, str]]  # translated blocks -> (their key, their HTML)


class ArticleModels:
    def __init__(self, urls: URLs, table: LocaleTable, catalogs: Catalogs, dates_ledger: ledger.Ledger, body: Body):
        self.urls = urls
        self.table = table
        self.catalogs = catalogs
        self.ledger = dates_ledger  # localized dates (api/sources/ledger.py)
        self.body = body
        self.unstamped: list[str] = []  # translations whose text changed since the ledger was stamped
        self.dates: dict[tuple[str, str], dt.date] = {}  # (tag, slug) -> localized `updated`
        self._url_cache: dict[tuple[str, str], m.Urls] = {}
        self._alternate_cache: dict[str, list[m.Alternate]] = {}

    def made(self, page: Page, source: Article, key: str) -> Made:
        """An article's models in a locale: the API's article and its summary (its date is recorded by
        the caller: this may run in a worker, api/build/workers.py)."""
        loc, cats, slug = page.loc, page.cats, source.slug
        tr = translate_article(source, cats)
        updated, unstamped = self.updated(loc, source, tr)
        number = native_digits(format_decimal(tr.translation.segments_in_english, locale=loc.babel), loc)
        notice = translation_notice(tr.translation, cats.ui, number)
        urls = self._urls(loc, slug)
        fragment, body = self.body(loc, tr.blocks)  # the API's `html`, and what its pages show
        digest = content_hash(m.to_builtins({
            "slug": slug, "lang": loc.tag, "dir": loc.dir, "title": tr.title, "summary": tr.summary,
            "published": source.published, "updated": updated, "reviewed": source.reviewed,
            "blocks": tr.blocks, "html": body, "translation": tr.translation, "notice": notice,
            "crisis": page.crisis}))
        conditions = article_conditions(source, page.conditions)
        article = m.Article(
            slug=slug, lang=loc.tag, requested_lang=loc.tag, dir=loc.dir, title=tr.title,  # type: ignore[arg-type]
            summary=tr.summary, published=source.published, updated=updated, reviewed=source.reviewed,
            blocks=tr.blocks, html=body, translation=tr.translation, notice=notice, canonical_url=urls.html,
            urls=urls, alternates=self._alternates(slug), content_hash=digest, license=LICENSE,
            attribution=self._attribution(loc, cats.ui, urls.html), crisis=page.crisis, conditions=conditions,
        )
        summary = m.Summary(
            slug=slug, lang=loc.tag, dir=loc.dir, title=tr.title, summary=tr.summary,  # type: ignore[arg-type]
            published=source.published, updated=updated, content_hash=digest,
            translation=tr.translation, urls=urls, available_languages=self.table.tags, conditions=conditions,
        )
        return Made(article, summary, key, fragment, updated, unstamped)

    def record(self, loc: Locale, slug: str, updated: dt.date, unstamped: bool) -> None:
        """An article's date in a locale, from its models or its kept unit's record (api/build/units.py)."""
        self.dates[loc.tag, slug] = updated
        if unstamped:
            self.unstamped.append(f"{loc.tag}/{slug}")

    def updated(self, loc: Locale, source: Article, tr: Translated) -> tuple[dt.date, bool]:
        """When the article last changed in this language: the English front matter's date, or for a
        translation its date in locales/updated.json (api/sources/ledger.py); and whether its text
        changed since that was stamped."""
        if loc.is_source:
            return source.updated, False
        stamped = self.ledger.get(source.slug, {}).get(loc.tag)
        unstamped = bool(self.ledger) and (stamped is None or stamped.text != ledger.text_hash(tr))
        return ledger.updated(self.ledger, source.slug, loc.tag, source.updated), unstamped

    def text_hashes(self, sources: dict[str, Article]) -> ledger.Hashes:
        """The text hash of every article in every translation: what `bothand stamp` records."""
        return {slug: {loc.tag: ledger.text_hash(translate_article(source, self.catalogs[loc.tag]))
                       for loc in self.table if not loc.is_source}
                for slug, source in sources.items()}

    def _attribution(self, loc: Locale, ui: NullTranslations, url: str) -> m.Attribution:
        def line(tr: NullTranslations) -> str:
            return str(tr.gettext("From %(site)s. Shown unchanged, with permission."))

        text = format_message(line(ui), line(NullTranslations()), {"site": SITE_NAME})
        return m.Attribution(text=text, lang=loc.tag, url=url, site=SITE_NAME)

    # Cached on the instance, which lives as long as its build: functools.cache on a method kept every
    # build's models (and through them the whole build) alive until the process ended.
    def _urls(self, loc: Locale, slug: str) -> m.Urls:
        found = self._url_cache.get((loc.tag, slug))
        if found is None:
            u = self.urls
            found = self._url_cache[loc.tag, slug] = m.Urls(
                json=u.absolute(u.api_article(slug, loc)), html=u.absolute(u.article_page(loc, slug)),
                embed=u.absolute(u.embed(loc, slug)))
        return found

    def _alternates(self, slug: str) -> list[m.Alternate]:
        """The same in every locale's answer: computed once per article."""
        found = self._alternate_cache.get(slug)
        if found is None:
            found = self._alternate_cache[slug] = [
                m.Alternate(lang=other.tag, hreflang=other.tag, autonym=other.autonym, dir=other.dir,  # type: ignore[arg-type]
                            percent=self.catalogs[other.tag].article_stats[slug].percent,
                            **_fields(self._urls(other, slug)))
                for other in self.table
            ]
        return found


def _fields(struct: Any) -> dict[str, Any]:
    return {name: getattr(struct, name) for name in struct.__struct_fields__}
