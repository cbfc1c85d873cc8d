"""The JSON API, /api/v1: locales, article summaries (paged, filterable), articles."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse

from api.articles import to_json
from api.errors import Problem, unknown_article, unknown_language
from api.locales import LOCALES, SOURCE, Locale
from api.negotiation import best_match, match_tag, normalize_tag
from api.views.common import absolute, api_article_path, library, page_path

LIST_PARAMS = ("lang", "page", "per_page", "updated_since")
DIGITS = re.compile(r"[0-9]{1,9}")  # ASCII only: str.isdigit() also accepts "²"
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
LICENSE = (
    "All rights reserved by the author. Partners may show articles unchanged, with the attribution "
    "text, a link to the original, the translation notice and the crisis resources."
)


@dataclass(frozen=True)
class Chosen:
    loc: Locale
    vary: bool  # Accept-Language decided: the response must say `Vary: Accept-Language`
    requested: str | None  # the normalized tag asked for (never the raw header)


def _locale(request: Request) -> Chosen:
    """?lang= wins (any BCP 47 tag, matched like Accept-Language), else Accept-Language, else English."""
    lang = request.query_params.get("lang")
    if lang is not None:
        loc = match_tag(lang)
        if loc is None:
            raise unknown_language(lang)
        return Chosen(loc, False, normalize_tag(lang))
    header = request.headers.get("accept-language")
    if header:
        matched, requested = best_match(header)
        return Chosen(matched or SOURCE, True, requested)
    return Chosen(SOURCE, True, None)


def _check_params(request: Request, accepted: tuple[str, ...]) -> None:
    """Unknown query parameters are integration mistakes: say so instead of ignoring them."""
    unknown = sorted({name for name in request.query_params if name not in accepted})
    if unknown:
        raise Problem(400, f"Unknown query parameter {unknown[0][:40]!r}. Accepted: {', '.join(accepted) or 'none'}.",
                      kind="unknown-parameter", parameter=unknown[0][:40], accepted=list(accepted))


def _json(data: Any, loc: Locale | None, vary: bool, headers: dict[str, str] | None = None) -> JSONResponse:
    headers = dict(headers or {})
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
    _check_params(request, ())
    return _json({"locales": [_locale_entry(request, loc) for loc in LOCALES]}, None, False)


def _links(request: Request, slug: str, loc: Locale) -> dict[str, str]:
    return {
        "json": absolute(request, api_article_path(slug, loc)),
        "html": absolute(request, page_path(loc, f"articles/{slug}")),
        "embed": absolute(request, f"/embed/{loc.tag}/{slug}"),
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
    lib = library(request)
    data = lib.article(slug, loc)
    return {
        "slug": slug,
        "lang": data["lang"],
        "dir": data["dir"],
        "title": data["title"],
        "summary": data["summary"],
        "published": data["published"],
        "updated": data["updated"],
        "content_hash": lib.article_hash(slug, loc),
        "translation": data["translation"],
        "urls": _links(request, slug, loc),
        "available_languages": [loc.tag for loc in LOCALES],
    }


def _int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not DIGITS.fullmatch(raw) or not low <= int(raw) <= high:
        raise Problem(400, f"{name} must be a whole number from {low} to {high}.", kind="invalid-parameter",
                      parameter=name)
    return int(raw)


def _since(request: Request) -> dt.date | None:
    raw = request.query_params.get("updated_since")
    if raw is None:
        return None
    try:
        if len(raw) > 40:
            raise ValueError(raw)
        return dt.date.fromisoformat(raw[:10]) if len(raw) == 10 else dt.datetime.fromisoformat(raw).date()
    except ValueError:
        raise Problem(400, "updated_since must be an ISO 8601 date, e.g. 2026-01-31.", kind="invalid-parameter",
                      parameter="updated_since") from None


async def articles(request: Request) -> JSONResponse:
    _check_params(request, LIST_PARAMS)
    chosen = _locale(request)
    loc = chosen.loc
    page = _int_param(request, "page", 1, 1, 1_000_000)
    per_page = _int_param(request, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    since = _since(request)
    lib = library(request)
    slugs = [s for s, a in lib.articles.items() if since is None or a.updated >= since]
    last = max(1, -(-len(slugs) // per_page))
    items = [summary(request, slug, loc) for slug in slugs[(page - 1) * per_page : page * per_page]]

    def url(p: int) -> str:
        params = {k: v for k, v in request.query_params.items() if k in ("lang", "updated_since")}
        return absolute(request, "/api/v1/articles?" + urlencode({**params, "page": p, "per_page": per_page}))

    rels = {"first": 1, "last": last, **({"prev": page - 1} if 1 < page <= last + 1 else {}),
            **({"next": page + 1} if page < last else {})}
    link = ", ".join(f'<{url(p)}>; rel="{rel}"' for rel, p in rels.items())
    body = {"lang": loc.tag, "page": page, "per_page": per_page, "total": len(slugs), "articles": items}
    return _json(body, loc, chosen.vary, {"Link": link})


async def article(request: Request) -> JSONResponse:
    _check_params(request, ("lang",))
    slug = request.path_params["slug"]
    lib = library(request)
    if slug not in lib.articles:
        raise unknown_article(slug)
    chosen = _locale(request)
    loc = chosen.loc
    data = dict(lib.article(slug, loc))
    urls = _links(request, slug, loc)
    data.update(
        requested_lang=chosen.requested,
        canonical_url=urls["html"],
        urls=urls,
        alternates=_alternates(request, slug),
        content_hash=lib.article_hash(slug, loc),
        html=lib.body_html(slug, loc),
        license=LICENSE,
        attribution=lib.attribution(loc, urls["html"]),
        crisis=lib.crisis_data(loc),
    )
    return _json(data, loc, chosen.vary, {"Link": f'<{urls["html"]}>; rel="canonical"'})
