"""The JSON API, /api/v1: locales, article summaries, articles."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from api.articles import to_json
from api.errors import Problem
from api.locales import LOCALES, Locale, by_tag
from api.negotiation import negotiate
from api.views.common import absolute, api_article_path, library, page_path


def _locale(request: Request) -> tuple[Locale, bool]:
    """?lang= wins (and must be served), else Accept-Language, else English."""
    lang = request.query_params.get("lang")
    if lang is not None and by_tag(lang) is None:
        raise Problem(
            404,
            f"Language {lang[:40]!r} is not served.",
            kind="unknown-language",
            available=[loc.tag for loc in LOCALES],
        )
    return negotiate(lang, None, request.headers.get("accept-language"))


def _json(request: Request, data: Any, loc: Locale | None, vary: bool) -> JSONResponse:
    headers = {}
    if loc is not None:
        headers["Content-Language"] = loc.tag
    if vary:
        headers["Vary"] = "Accept-Language"
    return JSONResponse(to_json(data), headers=headers)


def _locale_entry(request: Request, loc: Locale) -> dict[str, Any]:
    cats = library(request).catalogs[loc.tag]
    return {
        "tag": loc.tag,
        "gettext": loc.folder,
        "autonym": loc.autonym,
        "english_name": loc.english_name,
        "dir": loc.dir,
        "source": loc.is_source,
        "home_url": absolute(request, page_path(loc)),
        "completeness": {"content": cats.content_stats.as_dict(), "ui": cats.ui_stats.as_dict()},
        "review": {scope: review.state for scope, review in sorted(cats.reviews.items())},
    }


async def locales(request: Request) -> JSONResponse:
    return _json(request, {"locales": [_locale_entry(request, loc) for loc in LOCALES]}, None, False)


def _links(request: Request, slug: str, loc: Locale) -> dict[str, str]:
    return {
        "json": absolute(request, api_article_path(slug, loc)),
        "html": absolute(request, page_path(loc, f"articles/{slug}")),
    }


def _alternates(request: Request, slug: str) -> list[dict[str, Any]]:
    lib = library(request)
    return [
        {
            "lang": other.tag,
            "hreflang": other.tag,
            "autonym": other.autonym,
            "dir": other.dir,
            "percent": lib.catalogs[other.tag].article_stats[slug].percent,
            **_links(request, slug, other),
        }
        for other in LOCALES
    ]


def summary(request: Request, slug: str, loc: Locale) -> dict[str, Any]:
    data = library(request).article(slug, loc)
    return {
        "slug": slug,
        "lang": data["lang"],
        "dir": data["dir"],
        "title": data["title"],
        "summary": data["summary"],
        "published": data["published"],
        "updated": data["updated"],
        "translation": data["translation"],
        "urls": _links(request, slug, loc),
        "available_languages": [loc.tag for loc in LOCALES],
    }


async def articles(request: Request) -> JSONResponse:
    loc, vary = _locale(request)
    items = [summary(request, slug, loc) for slug in library(request).articles]
    return _json(request, {"lang": loc.tag, "articles": items}, loc, vary)


async def article(request: Request) -> JSONResponse:
    slug = request.path_params["slug"]
    lib = library(request)
    if slug not in lib.articles:
        raise Problem(404, f"No article is called {slug[:80]!r}.", kind="unknown-article")
    loc, vary = _locale(request)
    data = dict(lib.article(slug, loc))
    data["requested_lang"] = request.query_params.get("lang")
    data["urls"] = _links(request, slug, loc)
    data["alternates"] = _alternates(request, slug)
    data["crisis"] = lib.crisis_data(loc)
    return _json(request, data, loc, vary)
