"""What one locale's pages share (:class:`Page`), and what the build's parts may ask of the build
(:class:`Renderer`): the help-now pages (api/build/helpnow.py) render through it without importing
the builder, so the two modules do not import each other."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol

import msgspec
from markupsafe import Markup

from api.core import models as m
from api.core.locales import Locale
from api.core.settings import Settings
from api.core.snapshot import Kept, Stored
from api.core.urls import URLs
from api.sources.catalogs import Catalogs, LocaleCatalogs, Review
from api.sources.crisis import Resource
from api.sources.summaries import Stats
from api.sources.topics import Topic


class HandoutMade(msgspec.Struct, frozen=True, array_like=True):
    """What a build remembers of a handout it made, by its inputs key (api/build/handouts/drafts.py): the
    body's ETag (to find it in that snapshot), its size and page count (the API's `bytes` and `pages`,
    which a reused body is not opened for)."""

    etag: str
    size: int
    pages: int


@dataclass(frozen=True)
class Made:
    """An article in a locale this build models and renders (its unit was not kept: api/build/units.py)."""

    article: m.Article
    summary: m.Summary
    key: str  # its unit's key
    fragment: str  # its body's key in the fragments memo
    updated: dt.date
    unstamped: bool
    handouts: dict[str, HandoutMade] = field(default_factory=dict)  # its handouts' memo entries (api/build/handouts)
    handouts_count: int = 0  # how many handouts it has (as resources)
    handouts_rendered: int = 0  # how many of them were rendered (the others were stored before)


@dataclass
class Page:
    """What one locale's pages share."""

    loc: Locale
    cats: LocaleCatalogs
    crisis: m.Crisis
    conditions: dict[str, m.Condition] = field(default_factory=dict)  # every condition, by id (api.sources.topics)
    summaries: list[m.Summary] = field(default_factory=list)  # every article's, in source order
    fragments: list[str] = field(default_factory=list)  # each summary's body: its key in the fragments memo
    bodies: list[str] = field(default_factory=list)  # and its HTML (the feed's entries)
    todo: dict[str, str] = field(default_factory=dict)  # the units to render this build: slug -> unit key
    made: dict[str, Made] = field(default_factory=dict)  # the units rendered this build, by slug
    kept: dict[str, Kept] = field(default_factory=dict)  # the units kept whole from the previous build
    topics: list[Topic] = field(default_factory=list)  # the conditions its articles are about, with them
    # slug -> summary, fragment, body, handouts
    listed: dict[str, tuple[m.Summary, str, str, list[m.Handout]]] = field(default_factory=dict)
    handouts: list[list[m.Handout]] = field(default_factory=list)  # each summary's article's handouts
    units: list[str] = field(default_factory=list)  # its units' keys, in the articles' order
    key: str = ""  # its key (api/build/plans.py)
    whole: Kept | None = None  # every resource of it, kept whole from the previous build
    stored: bytes | list[m.Summary] | None = None  # and its summaries in the previous index (bytes: undecoded)

    def close(self, slugs: list[str]) -> None:
        """Every unit is made or kept: list their summaries, fragments, bodies and handouts in the articles' order."""
        self.summaries = [self.listed[slug][0] for slug in slugs]
        self.fragments = [self.listed[slug][1] for slug in slugs]
        self.bodies = [self.listed[slug][2] for slug in slugs]
        self.handouts = [self.listed[slug][3] for slug in slugs]

    @property
    def articles(self) -> list[m.Article]:
        """The articles modelled this build (every one, unless units were kept)."""
        return [made.article for made in self.made.values()]


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

    def fresh(self, template: str, page: Page, path: str | None, context: dict[str, Any]) -> bytes: ...
