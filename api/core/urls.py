"""Every URL the site publishes, built in one place from the configured public origin.

Paths are relative to the site root (``/es/articles/x``); :meth:`URLs.absolute` puts the
configured origin in front. Nothing here reads a request: a request's ``Host`` header can
never change a link that another reader (or a cache) will see.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode, urlsplit

from api.core.locales import Locale


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
        """/{tag}/ plus the page's path inside a language, e.g. `articles/medication-and-therapy`."""
        return f"/{loc.tag}/{page}"

    @staticmethod
    def article_page(loc: Locale, slug: str) -> str:
        return f"/{loc.tag}/articles/{quote(slug)}"

    @staticmethod
    def topic(loc: Locale, condition_id: str) -> str:
        """The page listing every article on one condition (topic)."""
        return f"/{loc.tag}/topics/{quote(condition_id)}"

    @staticmethod
    def feed(loc: Locale) -> str:
        return f"/{loc.tag}/feed.xml"

    @staticmethod
    def choose_language(loc: Locale, next_path: str) -> str:
        return f"/choose-language/{loc.tag}?next=" + quote(next_path, safe="/")

    @staticmethod
    def help(loc: Locale, country: str | None = None) -> str:
        """The help-now page: without a country, or for one (ISO 3166-1 alpha-2, upper case)."""
        return f"/{loc.tag}/help" + (f"/{country}" if country else "")

    @staticmethod
    def choose_country(country: str, next_path: str) -> str:
        """Remembers a country in the `country` cookie (`none` forgets it), then goes to next_path."""
        return f"/choose-country/{country}?" + urlencode({"next": next_path})

    @staticmethod
    def embed_for(loc: Locale, slug: str, country: str | None = None, resize: bool = True) -> str:
        """An embed with a country's help-now block: `?country=CA`, then `resize=0` if asked."""
        params = {**({"country": country} if country else {}), **({} if resize else {"resize": "0"})}
        return f"/embed/{loc.tag}/{quote(slug)}" + ("?" + urlencode(params) if params else "")

    @staticmethod
    def static(name: str) -> str:
        return f"/static/{name}"

    # Partner resources --------------------------------------------------------------------------
    @staticmethod
    def embed(loc: Locale, slug: str) -> str:
        return f"/embed/{loc.tag}/{quote(slug)}"

    @staticmethod
    def api_article(slug: str, loc: Locale) -> str:
        return f"/api/v1/articles/{quote(slug)}?lang={loc.tag}"

    @staticmethod
    def api_articles(params: dict[str, str | int]) -> str:
        return "/api/v1/articles" + ("?" + urlencode(params) if params else "")

    @staticmethod
    def infobutton(params: list[tuple[str, str]]) -> str:
        return "/api/v1/infobutton" + ("?" + urlencode(params) if params else "")

    @staticmethod
    def oembed(page_url: str) -> str:
        return "/api/oembed?" + urlencode({"url": page_url, "format": "json"})
