"""The JSON API, /api/v1: what the snapshot cannot answer by itself (negotiation, filters, paging)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from api.core import models as m
from api.core.contenthash import content_hash
from api.core.locales import Locale
from api.core.problems import Problem, unknown_article, unknown_language
from api.core.resources import API_PER_PAGE, JSON, list_links
from api.core.routes import path
from api.i18n.negotiation import normalize_tag
from api.sources.conditions import Code, Criterion, match_score, parse_condition
from api.web.infobutton import codes_of
from api.web.views.common import check_params, from_snapshot, site
from api.web.views.helpnow import api_country, crisis_for

LIST_PARAMS = ("lang", "page", "per_page", "updated_since", "condition")
DIGITS = re.compile(r"[0-9]{1,9}")  # ASCII only: str.isdigit() also accepts "²"
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class Chosen:
    loc: Locale
    vary: bool  # Accept-Language decided: the response must say `Vary: Accept-Language`
    requested: str | None  # the normalized tag asked for (never the raw header)


def choose_locale(request: Request) -> Chosen:
    """?lang= wins (any BCP 47 tag, matched like Accept-Language), else Accept-Language, else English."""
    negotiator = site(request).negotiator
    lang = request.query_params.get("lang")
    if lang is not None:
        loc = negotiator.match_tag(lang)
        if loc is None:
            raise unknown_language(lang, site(request).table.tags)
        return Chosen(loc, False, normalize_tag(lang))
    header = request.headers.get("accept-language")
    if header:
        matched, requested = negotiator.best_match(header)
        return Chosen(matched or negotiator.table.source, True, requested)
    return Chosen(negotiator.table.source, True, None)


def json_response(body: bytes, chosen: Chosen | None, link: str | None = None) -> Response:
    headers = {}
    if chosen is not None:
        headers["Content-Language"] = chosen.loc.tag
        if chosen.vary:
            headers["Vary"] = "Accept-Language"
    if link:
        headers["Link"] = link
    return Response(body, media_type=JSON, headers=headers)


def int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not DIGITS.fullmatch(raw) or not low <= int(raw) <= high:
        raise Problem(400, f"{name} must be a whole number from {low} to {high}.", kind="invalid-parameter",
                      parameter=name)
    return int(raw)


def since_param(request: Request) -> dt.date | None:
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


def condition_param(request: Request) -> Code | None:
    raw = request.query_params.get("condition")
    if raw is None:
        return None
    try:
        return parse_condition(raw)
    except ValueError as exc:
        raise Problem(400, f"{exc}.", kind="invalid-parameter", parameter="condition") from None


def about(summary: m.Summary, code: Code) -> bool:
    """Whether an article is about the condition asked for (ICD: coded at it or an ancestor)."""
    return match_score([Criterion(code)], codes_of(summary.conditions)) is not None


async def locales(request: Request) -> Response:
    check_params(request, ())
    return from_snapshot(request, site(request).by_key[path("locales")])


async def openapi_document(request: Request) -> Response:
    check_params(request, ())
    return from_snapshot(request, site(request).by_key[path("openapi")])


async def articles(request: Request) -> Response:
    check_params(request, LIST_PARAMS)
    chosen = choose_locale(request)
    page = int_param(request, "page", 1, 1, 1_000_000)
    per_page = int_param(request, "per_page", API_PER_PAGE, 1, MAX_PER_PAGE)
    since = since_param(request)
    condition = condition_param(request)
    s = site(request)
    summaries = [x for x in s.summaries[chosen.loc.tag] if (since is None or x.updated >= since)
                 and (condition is None or about(x, condition))]
    body = m.encode(m.ArticleList(lang=chosen.loc.tag, page=page, per_page=per_page, total=len(summaries),
                                  articles=summaries[(page - 1) * per_page: page * per_page]))
    since_text = request.query_params.get("updated_since") if since is not None else None
    condition_text = f"{condition.system.key}:{condition.code}" if condition is not None else None
    link = list_links(s.urls, chosen.loc.tag, page, per_page, len(summaries), since_text, condition_text)
    return json_response(body, chosen, link)


async def article(request: Request) -> Response:
    check_params(request, ("lang", "country"))
    s = site(request)
    slug = request.path_params["slug"]
    if slug not in s.slugs:
        raise unknown_article(slug)
    chosen = choose_locale(request)
    country = api_country(request)
    resource = s.by_key[s.urls.api_article(slug, chosen.loc)]
    if not chosen.vary and chosen.requested == chosen.loc.tag and country is None:
        return from_snapshot(request, resource)
    # The same article, saying what was asked for (and with that country's help-now block):
    # decode the built bytes, never rebuild.
    built = msgspec.json.decode(s.body(resource.variants[0]), type=m.Article)
    changes: dict[str, object] = {"requested_lang": chosen.requested}
    answer = msgspec.structs.replace(built, **changes)
    if country is not None:
        # Another help-now block is other content: its content_hash says so (a mirror re-checks it).
        answer = msgspec.structs.replace(answer, crisis=crisis_for(request, chosen.loc.tag, country))
        answer = msgspec.structs.replace(answer, content_hash=content_hash(m.to_builtins(answer)))
    body = m.encode(answer)
    return json_response(body, chosen, f'<{built.canonical_url}>; rel="canonical"')
