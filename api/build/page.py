"""What one locale's pages share (:class:`Page`), and what the build's parts may ask of the build
(:class:`Renderer`): the help-now pages (api/build/helpnow.py) render through it without importing
the builder, so the two modules do not import each other."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from markupsafe import Markup

from api.core import models as m
from api.core.locales import Locale
from api.core.settings import Settings
from api.core.snapshot import Stored
from api.core.urls import URLs
from api.sources.catalogs import Catalogs, LocaleCatalogs, Review, Stats
from api.sources.crisis import Resource


@dataclass
class Page:
    """What one locale's pages share."""

    loc: Locale
    cats: LocaleCatalogs
    crisis: m.Crisis
    articles: list[m.Article]
    summaries: list[m.Summary]
    conditions: dict[str, m.Condition] = field(default_factory=dict)  # every condition, by id (api.sources.topics)


@dataclass(frozen=True)
class Counts:
    """What the languages page shows of a locale's catalogs (plain values: part of the page's inputs key)."""

    content_stats: Stats
    ui_stats: Stats
    reviews: dict[str, Review]

    @classmethod
    def of(cls, cats: LocaleCatalogs) -> Counts:
        return cls(cats.content_stats, cats.ui_stats, dict(sorted(cats.reviews.items())))



def body_of(article: m.Article) -> Markup:
    """The article's body as the pages show it: the HTML the build rendered once from its blocks
    (templates/_fragment.html, the API's `html`), not rendered again for each page and embed. It is
    our renderer's output (every translated text escaped, inline markup from the strict allowlist of
    api/i18n/markup.py), so it is Markup; no translator text reaches a page any other way."""
    return Markup(article.html)  # noqa: S704  # rendered by our autoescaping template from sanitized blocks


class Renderer(Protocol):
    """The part of the build (api.build.builder.Builder) that help-now pages use."""

    settings: Settings
    urls: URLs
    catalogs: Catalogs
    crisis_heading: str
    crisis: tuple[Resource, ...]

    def render(self, template: str, page: Page, path: str | None, context: dict[str, Any]) -> bytes | Stored: ...
