"""Reader pages: everything is in the snapshot; these views only redirect, remember a language,
and find the snapshot page behind a URL the fast path did not know (a query, a case variant)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from api.core.problems import unknown_article, unknown_language
from api.core.routes import SHAPES
from api.core.routes import path as route_path
from api.i18n.negotiation import COOKIE
from api.web.views.common import from_snapshot, reader_locale, site, url_locale

COOKIE_MAX_AGE = 365 * 24 * 3600
# A path on this site: one leading slash, then no slash or backslash next (browsers read `/\\x`
# as `//x`), and no whitespace or control characters.
SAFE_NEXT = re.compile(r"/(?![/\\])[^\\\s\x00-\x1f\x7f]*")


async def root(request: Request) -> Response:
    loc, _ = reader_locale(request)
    response = RedirectResponse(site(request).urls.page(loc), status_code=303)
    # The answer depends on the reader's cookie and languages: never share it between readers.
    response.headers["Vary"] = "Cookie, Accept-Language"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


async def choose_language(request: Request) -> Response:
    """The reader picked a language in the switcher: remember it (the only cookie), then go."""
    s = site(request)
    loc = s.table.by_tag(request.path_params["lang"])
    if loc is None:
        raise unknown_language(request.path_params["lang"], s.table.tags)
    target = request.query_params.get("next", "")
    if not SAFE_NEXT.fullmatch(target) or urlsplit(target).netloc:
        target = s.urls.page(loc)  # only a plain path on this site: never an open redirect
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        COOKIE, loc.tag, max_age=COOKIE_MAX_AGE, path="/", samesite="lax",
        secure=s.urls.origin.startswith("https:"), httponly=True,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


# The one-segment names `/x` -> `/x/` redirects: the route table's shape, which nginx redirects too.
PLAIN_SEGMENT = re.compile(SHAPES["segment"])


def lang_slash(request: Request) -> Response:
    segment = request.path_params["segment"]
    if not PLAIN_SEGMENT.fullmatch(segment):
        raise HTTPException(404)
    return RedirectResponse(route_path("home", lang=segment), status_code=301)  # quoting leaves a plain segment as is


async def reader(request: Request) -> Response:
    """A page inside a language (or an embed) that the fast path did not answer."""
    s = site(request)
    url_locale(request)  # the served tag: `/pt-br/` is redirected to `/pt-BR/`
    path = request.url.path
    resource = s.by_key.get(path + "?" + request.url.query) if request.url.query else None
    resource = resource or s.by_key.get(path)
    if resource is None:
        slug = request.path_params.get("slug")
        if slug is not None:
            raise unknown_article(slug)
        raise HTTPException(404)
    return from_snapshot(request, resource)


async def asset(request: Request) -> Response:
    """A site-wide file (sitemap, robots.txt, static files) asked for with a query string."""
    resource = site(request).by_key.get(request.url.path)
    if resource is None:
        raise HTTPException(404)
    return from_snapshot(request, resource)
