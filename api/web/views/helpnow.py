"""Help-now by country for readers: the help pages, the `country` cookie, and embeds with ?country=.

No geolocation and no IP lookup: a country is only ever what the reader (or a partner's
``?country=``) chose. Every help-now page is prebuilt (api.build.helpnow); these views only pick one:

* ``/{lang}/help?country=CA`` (the country form) -> ``/{lang}/help/CA``, through
  ``/choose-country/CA`` when the reader ticked "remember";
* ``/{lang}/help`` -> the remembered country's page if there is a ``country`` cookie, else the
  page without a country (``Vary: Cookie``, private: it depends on the reader's cookie);
* ``/{lang}/help/MX`` (a country with no line here) -> the page for any other country;
* ``/choose-country/{CC}`` sets the ``country`` cookie (``none`` deletes it), like
  ``/choose-language/{lang}``: the only other cookie the site sets;
* ``/embed/{lang}/{slug}?country=CC&resize=0``: the embed with that country's block;
* ``/{lang}/articles/{slug}.pdf?country=CC`` (and ``.large-print.pdf``): the handout with that country's
  block, the "any other country" one for a country without lines (api/build/handouts/drafts.py).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import msgspec
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from api.core import models as m
from api.core.countries import parse_country
from api.core.locales import Locale
from api.core.problems import Problem, unknown_article
from api.core.resources import OTHER, embed_key, handout_key, help_key
from api.web.errors import Redirect
from api.web.views.common import from_snapshot, reader_locale, site, url_locale
from api.web.views.pages import COOKIE_MAX_AGE, SAFE_NEXT

COUNTRY_COOKIE = "country"
FORGET = "none"


def _locale(request: Request) -> Locale:
    """The URL's language; a case variant (`/pt-br/`) is redirected to the served tag."""
    return url_locale(request)


def _country_param(request: Request) -> str | None:
    """The `country` parameter: None when absent or empty (not chosen); 400 when not a country code."""
    raw = request.query_params.get("country", "")
    if not raw:
        return None
    code = parse_country(raw[:8])
    if code is None:
        raise HTTPException(400, "country must be an ISO 3166-1 alpha-2 code, e.g. CA")
    return code


def _with_lines(request: Request, code: str) -> bool:
    """A country with a help page of its own (lines, or an emergency number)."""
    s = site(request)
    return code in s.index.data.crisis.get(s.table.source.tag, {})


async def help_index(request: Request) -> Response:
    """/{lang}/help: the country form's target, and the remembered country's page."""
    s = site(request)
    loc = _locale(request)
    if "country" in request.query_params:
        code = _country_param(request)
        remember = request.query_params.get("remember") == "1"
        if code is not None:
            target = s.urls.help(loc, code)
            return RedirectResponse(s.urls.choose_country(code, target) if remember else target, status_code=303)
        if remember:  # "not chosen", remembered: forget the country
            return RedirectResponse(s.urls.choose_country(FORGET, s.urls.help(loc)), status_code=303)
        response = from_snapshot(request, s.by_key[help_key(loc)])
    else:
        saved = parse_country(request.cookies.get(COUNTRY_COOKIE, "")[:8])
        if saved is not None:
            response = RedirectResponse(s.urls.help(loc, saved), status_code=303)
        else:
            response = from_snapshot(request, s.by_key[help_key(loc)])
    # The answer depends on the reader's cookie: never share it between readers.
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["Vary"] = "Cookie"
    return response


async def help_country(request: Request) -> Response:
    """/{lang}/help/{country} that the snapshot did not answer: a lower-case code, or a country with no line here."""
    s = site(request)
    loc = _locale(request)
    raw = request.path_params["country"]
    code = parse_country(raw[:8])
    if code is None:
        raise HTTPException(404)
    if code != raw:
        raise Redirect(s.urls.help(loc, code))
    return from_snapshot(request, s.by_key[help_key(loc, code if _with_lines(request, code) else OTHER)])


async def choose_country(request: Request) -> Response:
    """The reader asked the site to remember a country (or to forget it): the `country` cookie, then go."""
    s = site(request)
    raw = request.path_params["country"]
    code = None if raw == FORGET else parse_country(raw[:8])
    if code is None and raw != FORGET:
        raise HTTPException(404)
    target = request.query_params.get("next", "")
    if not SAFE_NEXT.fullmatch(target) or urlsplit(target).netloc:
        target = s.urls.help(reader_locale(request)[0], code)  # only a plain path on this site
    response = RedirectResponse(target, status_code=303)
    secure = s.urls.origin.startswith("https:")
    if code is None:
        response.delete_cookie(COUNTRY_COOKIE, path="/", samesite="lax", secure=secure, httponly=True)
    else:
        response.set_cookie(COUNTRY_COOKIE, code, max_age=COOKIE_MAX_AGE, path="/", samesite="lax", secure=secure,
                            httponly=True)
    response.headers["Cache-Control"] = "no-store"
    return response


def _article(request: Request) -> tuple[Locale, str]:
    """The URL's locale and article (404 for an article the site does not have)."""
    loc = _locale(request)
    slug = request.path_params["slug"]
    if slug not in site(request).slugs:
        raise unknown_article(slug)
    return loc, slug


def _for_country(request: Request, code: str | None, key_of: Callable[[str | None], str]) -> Response:
    """An article's embed or handout for `code` (None: no country). A country with no line of its own (an
    emergency number at most) gets the "other country" one."""
    if code is not None and not _with_lines(request, code):
        code = OTHER
    s = site(request)
    resource = s.by_key.get(key_of(code)) or s.by_key.get(key_of(OTHER))
    if resource is None:  # a handout of a site built without them (BOTHAND_HANDOUTS=0)
        raise HTTPException(404)
    return from_snapshot(request, resource)


async def embed(request: Request) -> Response:
    """/embed/{lang}/{slug} with a query the snapshot did not answer (e.g. ?country=MX, ?country=ca)."""
    loc, slug = _article(request)
    code = _country_param(request)
    resize = request.query_params.get("resize") != "0"
    return _for_country(request, code, lambda c: embed_key(loc, slug, c, resize))


async def handout(request: Request) -> Response:
    """A handout URL the snapshot did not answer: `?country=MX` (no line here), `?country=ca`, another query."""
    loc, slug = _article(request)
    # A bad code is a Problem: the reader's 400 page in the URL's language (api.web.app.handle_error).
    code = api_country(request) if request.query_params.get("country") else None
    large = request.url.path.endswith(".large-print.pdf")
    return _for_country(request, code, lambda c: handout_key(loc, slug, c, large))


# Partners: ?country= on the JSON API and oEmbed ------------------------------------------------------

def api_country(request: Request) -> str | None:
    """The API's `country` parameter (ISO 3166-1 alpha-2, any case); None when absent (empty is an error,
    as the OpenAPI document says)."""
    raw = request.query_params.get("country")
    if raw is None:
        return None
    code = parse_country(raw[:8]) if raw else None
    if code is None:
        raise Problem(400, "country must be an ISO 3166-1 alpha-2 country code, e.g. CA or MX.",
                      kind="invalid-parameter", parameter="country")
    return code


def crisis_for(request: Request, tag: str, country: str) -> m.Crisis:
    """The help-now block of a language for a reader in `country`, as the build made it."""
    blocks = site(request).index.data.crisis[tag]
    block = blocks.get(country)
    return block if block is not None else msgspec.structs.replace(blocks[OTHER], country=country)
