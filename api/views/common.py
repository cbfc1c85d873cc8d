"""Helpers every view shares: the library, absolute URLs, rendering a localized page."""

from __future__ import annotations

from typing import Any

from markupsafe import escape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from api.library import Library
from api.locales import LOCALES, SOURCE, Locale
from api.negotiation import COOKIE, negotiate
from api.templating import gettext_callables, locale_filters


def library(request: Request) -> Library:
    lib: Library = request.app.state.library
    return lib


def base_url(request: Request) -> str:
    """The configured public origin (never the request's Host header)."""
    return library(request).urls.origin


def absolute(request: Request, path: str) -> str:
    return library(request).urls.absolute(path)


def page_path(loc: Locale, page: str = "") -> str:
    """/{tag}/ plus the page's path inside a language, e.g. `articles/medication-and-therapy`."""
    return f"/{loc.tag}/{page}"


def api_article_path(slug: str, loc: Locale) -> str:
    return f"/api/v1/articles/{slug}?lang={loc.tag}"


def reader_locale(request: Request) -> tuple[Locale, bool]:
    """For pages outside a /{lang}/ URL: saved choice, then Accept-Language, then English."""
    return negotiate(None, request.cookies.get(COOKIE), request.headers.get("accept-language"))


def render(
    request: Request,
    template: str,
    loc: Locale,
    page: str | None,
    context: dict[str, Any],
    status: int = 200,
    json_href: str | None = None,
) -> HTMLResponse:
    """Render a reader page. `page` is the path inside a language, so the switcher and the
    hreflang alternates can point at the same page in every other language (None: no twin)."""
    lib = library(request)
    env = lib.env
    alternates = [
        {"loc": other, "href": page_path(other, page), "url": absolute(request, page_path(other, page))}
        for other in LOCALES
    ] if page is not None else []
    ctx: dict[str, Any] = {
        "request": request,
        "loc": loc,
        "locales": LOCALES,
        "source": SOURCE,
        "page": page,
        "canonical": absolute(request, page_path(loc, page)) if page is not None else None,
        "alternates": alternates,
        "json_href": json_href,
        "current_path": request.url.path,
        **gettext_callables(lib.catalogs[loc.tag].ui),
        **locale_filters(loc),
        **context,
    }
    html = env.get_template(template).render(ctx)
    return HTMLResponse(html, status_code=status, headers={"Content-Language": loc.tag})


def embed_code(request: Request, loc: Locale, slug: str, height: int = 800) -> str:
    """The copy-paste HTML a partner puts in a page (shown on the developer page, returned by oEmbed)."""
    lib = library(request)
    title = lib.article(slug, loc)["title"].text
    src = absolute(request, f"/embed/{loc.tag}/{slug}")
    return (
        f'<iframe src="{src}" title="{escape(title)}" lang="{loc.tag}" width="100%" height="{height}" '
        f'style="border:0" loading="lazy" referrerpolicy="no-referrer"></iframe>\n'
        f'<script src="{absolute(request, "/static/embed-parent.js")}" async></script>'
    )
