"""The Atom feed of each language and the sitemap (XML the build writes with ElementTree)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from xml.etree import ElementTree as ET

from api.build.page import Page
from api.core.locales import Locale, LocaleTable
from api.core.resources import SITE_NAME
from api.core.urls import URLs
from api.sources.content import Article

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"


def atom(u: URLs, table: LocaleTable, page: Page) -> bytes:
    """A language's Atom feed: every article, with its whole sanitized body and its other languages."""
    loc = page.loc
    ui = page.cats.ui
    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": loc.tag})
    ET.SubElement(feed, "id").text = u.absolute(u.page(loc))
    ET.SubElement(feed, "title").text = str(ui.gettext("Bothand"))
    ET.SubElement(feed, "subtitle").text = str(ui.gettext("Mental-health education in your language"))
    ET.SubElement(feed, "link", {"rel": "self", "href": u.absolute(u.feed(loc))})
    ET.SubElement(feed, "link", {"rel": "alternate", "type": "text/html", "hreflang": loc.tag,
                                 "href": u.absolute(u.page(loc))})
    newest = max((s.updated for s in page.summaries), default=dt.date(2026, 1, 1))
    ET.SubElement(feed, "updated").text = _stamp(newest)
    ET.SubElement(ET.SubElement(feed, "author"), "name").text = SITE_NAME
    for summary, body, handouts in zip(page.summaries, page.bodies, page.handouts, strict=True):
        url = u.absolute(u.article_page(loc, summary.slug))
        entry = ET.SubElement(feed, "entry")
        ET.SubElement(entry, "id").text = url
        ET.SubElement(entry, "title", {"xml:lang": summary.title.lang}).text = summary.title.text
        ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "href": url})
        for handout in handouts:
            # The printable PDF is an alternate; Atom allows one per type and language (RFC 4287, 4.1.1),
            # so the large-print one is a related link.
            ET.SubElement(entry, "link", {"rel": "related" if handout.large_print else "alternate",
                                          "type": handout.media_type, "hreflang": loc.tag, "href": handout.url,
                                          "length": str(handout.bytes)})
        for other in table:
            if other != loc:
                ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "hreflang": other.tag,
                                              "href": u.absolute(u.article_page(other, summary.slug))})
        ET.SubElement(entry, "published").text = _stamp(summary.published)
        ET.SubElement(entry, "updated").text = _stamp(summary.updated)
        ET.SubElement(entry, "summary", {"xml:lang": summary.summary.lang}).text = summary.summary.text
        # The whole sanitized body (the API's `html`): readers can read the article in their feed reader.
        ET.SubElement(entry, "content", {"type": "html", "xml:lang": loc.tag}).text = body
    return bytes(ET.tostring(feed, encoding="utf-8", xml_declaration=True))


class PageDates:
    """When a reader page last changed, as far as the content tells: an article's localized date; for
    an aggregate, its newest member's (home: the language's articles; a topic: its articles; the
    languages page: every translation). None (no <lastmod>) for pages with no content members."""

    def __init__(self, dates: Mapping[tuple[str, str], dt.date], sources: Mapping[str, Article]):
        self.by_tag: dict[str, dict[str, dt.date]] = {}
        for (tag, slug), day in dates.items():
            self.by_tag.setdefault(tag, {})[slug] = day
        self.newest = max(dates.values(), default=None)
        self.about = {slug: {ref.id for ref in source.conditions} for slug, source in sources.items()}

    def __call__(self, loc: Locale, path: str) -> dt.date | None:
        mine = self.by_tag.get(loc.tag, {})
        kind, _, name = path.partition("/")
        if kind == "articles":
            return mine.get(name)
        if kind == "topics":
            return max((day for slug, day in mine.items() if name in self.about.get(slug, ())), default=None)
        if path == "":
            return max(mine.values(), default=None)
        return self.newest if path == "languages" else None


def sitemap(u: URLs, table: LocaleTable, paths: list[str],
            lastmod: Callable[[Locale, str], dt.date | None]) -> bytes:
    """Every reader page in every language, with its alternates and (where the content tells) its date."""
    urlset = ET.Element("urlset", {"xmlns": SITEMAP, "xmlns:xhtml": XHTML})
    for path in paths:
        for loc in table:
            url = ET.SubElement(urlset, "url")
            ET.SubElement(url, "loc").text = u.absolute(u.page(loc, path))
            changed = lastmod(loc, path)
            if changed is not None:
                ET.SubElement(url, "lastmod").text = changed.isoformat()
            for other in table:
                ET.SubElement(url, "xhtml:link", {"rel": "alternate", "hreflang": other.tag,
                                                  "href": u.absolute(u.page(other, path))})
            ET.SubElement(url, "xhtml:link", {"rel": "alternate", "hreflang": "x-default",
                                              "href": u.absolute(u.page(table.source, path))})
    return bytes(ET.tostring(urlset, encoding="utf-8", xml_declaration=True))


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"
