"""Every URL the site publishes, from the route table (api/core/routes.py) and the public origin.

Paths are relative to the site root (``/es/articles/x``); :meth:`URLs.absolute` puts the
configured origin in front. Nothing here reads a request: a request's ``Host`` header can
never change a link that another reader (or a cache) will see.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode, urlsplit

from api.core.locales import Locale
from api.core.routes import path


def check_origin(origin: str) -> str:
    """The origin without a trailing slash; refuses anything but scheme://host[:port]."""
    origin = origin.strip().rstrip("/")
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query or parts.fragment:
        raise ValueError(f"BOTHAND_BASE_URL must look like https://example.org (no path), got {origin!r}")
    return origin


class URLs:
    def __init__(self, origin: str):
        self.origin = check_origin(origin)

    def absolute(self, path: str) -> str:
        return self.origin + path

    # Reader pages -------------------------------------------------------------------------------
    @staticmethod
    def page(loc: Locale, page: str = "") -> str:
        """/{tag}/ plus a page's path inside a language (`articles/x`, `accessibility`): what the
        language switcher keeps when it changes only the language."""
        return path("home", lang=loc.tag) + page

    @staticmethod
    def named(loc: Locale, name: str) -> str:
        """A page of every language: `accessibility`, `languages`, `developers`."""
        return path("page", lang=loc.tag, page=name)

    @staticmethod
    def article_page(loc: Locale, slug: str) -> str:
        return path("article_page", lang=loc.tag, slug=slug)

    @staticmethod
    def topic(loc: Locale, condition_id: str) -> str:
        """The page listing every article on one condition (topic)."""
        return path("topic", lang=loc.tag, topic=condition_id)

    @staticmethod
    def feed(loc: Locale) -> str:
        return path("feed", lang=loc.tag)

    @staticmethod
    def choose_language(loc: Locale, next_path: str) -> str:
        # `next` keeps its slashes readable (/es/articles/x): the same value, quoted more lightly.
        return path("choose_language", lang=loc.tag) + "?next=" + quote(next_path, safe="/")

    @staticmethod
    def help(loc: Locale, country: str | None = None) -> str:
        """The help-now page: without a country, or for one (ISO 3166-1 alpha-2, upper case)."""
        if country:
            return path("help_country", lang=loc.tag, country=country)
        return path("help", lang=loc.tag)

    @staticmethod
    def choose_country(country: str, next_path: str) -> str:
        """Remembers a country in the `country` cookie (`none` forgets it), then goes to next_path."""
        return path("choose_country", country=country, next=next_path)

    @staticmethod
    def embed_for(loc: Locale, slug: str, country: str | None = None, resize: bool = True) -> str:
        """An embed with a country's help-now block: `?country=CA`, then `resize=0` if asked."""
        return path("embed", lang=loc.tag, slug=slug, country=country or None, resize=None if resize else "0")

    @staticmethod
    def static(name: str) -> str:
        return path("static", name=name)

    # Partner resources --------------------------------------------------------------------------
    @staticmethod
    def embed(loc: Locale, slug: str) -> str:
        return path("embed", lang=loc.tag, slug=slug)

    @staticmethod
    def api_article(slug: str, loc: Locale) -> str:
        return path("api_article", slug=slug, lang=loc.tag)

    @staticmethod
    def api_articles(params: dict[str, str | int]) -> str:
        return path("api_articles", **params)

    @staticmethod
    def infobutton(params: list[tuple[str, str]]) -> str:
        # Repeated names (informationRecipient.languageCode.c ...) in the caller's order: a plain query.
        return path("infobutton") + ("?" + urlencode(params) if params else "")

    @staticmethod
    def oembed(page_url: str) -> str:
        return path("oembed", url=page_url, format="json")
