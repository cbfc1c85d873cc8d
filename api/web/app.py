"""The ASGI application over a built snapshot (api/app.py hands it one; this package never builds).

Requests for snapshot resources are
answered by :class:`api.web.serve.SnapshotResponder` before any routing; the Starlette app behind
it only handles what needs a decision: negotiation, filters, paging, oEmbed, redirects, errors.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Match, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from api.core.problems import Problem
from api.core.resources import error_key
from api.core.routes import BY_NAME, LANG_PREFIXES, ROUTES, leading
from api.core.settings import Settings
from api.core.snapshot import Index
from api.web.errors import Redirect, as_problem, is_api, problem_response
from api.web.http import HTTPSemantics, embeddable, security_headers
from api.web.serve import Site, SnapshotResponder
from api.web.views import api as api_views
from api.web.views import helpnow, pages, partner
from api.web.views.common import from_snapshot, reader_locale, site
from api.web.views.infobutton import infobutton_view

log = logging.getLogger(__name__)
ASSETS = leading([BY_NAME["static"].path])  # no slash redirect under it: an asset's name is never a folder's


def _url_language(request: Request) -> str | None:
    """The language a URL names: `/es/...` and `/embed/es/...` (routes.LANG_PREFIXES)."""
    # scope["path"], not request.url.path: urlsplit drops tabs and newlines, `/es%09` is not `/es`.
    # Leading slashes count as one, as they always did: `//es/x` (no route's) gets the Spanish 404 page.
    path = "/" + request.scope["path"].lstrip("/")
    prefix = next((prefix for prefix in LANG_PREFIXES if path.startswith(prefix)), None)
    if prefix is None:
        return None
    first = path[len(prefix):].split("/", 1)[0]
    loc = site(request).table.by_tag(first)
    return loc.tag if loc is not None and loc.tag == first else None


async def handle_error(request: Request, exc: Exception) -> Response:
    problem = as_problem(exc)
    if problem.status == 404 and request.method in ("GET", "HEAD"):
        slashless = _slash_redirect(request)
        if slashless is not None:
            return slashless
    if is_api(request) or "site" not in request.app.state._state:
        response = problem_response(request, problem)
    else:
        # A reader page: in the language of the URL if it names one, else the reader's own, which
        # depends on their cookie and Accept-Language: then it must never be shared by a cache.
        try:
            response = _error_page(request, problem)
        except Exception:  # the error page itself failed: still answer, plainly
            log.exception("error page failed")
            response = problem_response(request, problem)
    if problem.status >= 500:
        # 500s are answered outside the HTTP middleware: give them the same security headers here.
        for name, value in security_headers(embeddable(request.url.path, problem.status)):
            response.headers[name] = value
        response.headers["Cache-Control"] = "no-store"
    return response


def _error_page(request: Request, problem: Problem) -> Response:
    s = site(request)
    tag = _url_language(request)
    loc = (s.table.by_tag(tag) if tag else None) or reader_locale(request)[0]
    kind = "unknown-language" if problem.kind == "unknown-language" else {
        404: "not-found", 405: "method-not-allowed", 500: "server-error"}.get(problem.status, "bad-request")
    status = problem.status if problem.status in (404, 405, 500) else 400
    resource = s.by_key[error_key(loc.tag, 404 if kind == "unknown-language" else status, kind)]
    response = from_snapshot(request, resource, status=problem.status)
    response.headers.update(problem.headers)
    if tag is None:
        response.headers["Cache-Control"] = "private, no-cache"
        response.headers["Vary"] = "Cookie, Accept-Language"
    return response


def _route(routes: list[BaseRoute], scope: Scope) -> BaseRoute | None:
    return next((route for route in routes if route.matches(scope)[0] != Match.NONE), None)


def _slash_redirect(request: Request) -> Response | None:
    """`/es/languages/` -> 301 `/es/languages`, as a path (never built from the Host header)."""
    path = request.url.path
    if len(path) < 2 or not path.endswith("/") or path.startswith(ASSETS):
        return None
    target = path.rstrip("/")
    if not target or (target not in site(request).by_key and not _known_dynamic(request, target)):
        return None
    query = request.url.query
    return RedirectResponse(target + ("?" + query if query else ""), status_code=301)


def _known_dynamic(request: Request, path: str) -> bool:
    route = _route(request.app.router.routes, {**request.scope, "path": path})
    return getattr(route, "endpoint", None) in (api_views.articles, api_views.article, partner.oembed,
                                                infobutton_view)


# A control character or a backslash has no place in any of our paths: CR/LF could split a response
# wherever a path reaches a header, and browsers read `/\\x` in a Location as `//x`, another host.
UNSAFE_PATH = re.compile(r"[\x00-\x1f\x7f\\]")


class RefuseUnsafePaths:
    """Answers 400 (a problem, or the reader's 400 page) for such a path, before any route sees it."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and UNSAFE_PATH.search(scope["path"]):
            problem = Problem(400, "No URL of this site has a control character or a backslash in its path.")
            response = await handle_error(Request(scope, receive), problem)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


async def handle_redirect(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Redirect)  # noqa: S101  # registered for Redirect only
    return RedirectResponse(exc.location, status_code=301)


# The view behind each dynamic route of the table (api/core/routes.py); snapshot resources are answered
# before routing (api/web/serve.py), so a route without a view here is only ever a snapshot resource.
VIEWS: dict[str, Callable[[Request], Awaitable[Response] | Response]] = {
    "root": pages.root,
    "locales": api_views.locales,
    "api_articles": api_views.articles,
    "api_article": api_views.article,
    "openapi": api_views.openapi_document,
    "infobutton": infobutton_view,
    "oembed": partner.oembed,
    "choose_language": pages.choose_language,
    "choose_country": helpnow.choose_country,
    "embed": helpnow.embed,
    "static": pages.asset,
    "site_file": pages.asset,
    "lang_slash": pages.lang_slash,
    "home": pages.reader,
    "home_page": pages.reader,
    "handout_large": helpnow.handout,
    "handout": helpnow.handout,
    "article_page": pages.reader,
    "help": helpnow.help_index,
    "help_country": helpnow.help_country,
    "topic": pages.reader,
    "page": pages.reader,
}


def routes() -> list[BaseRoute]:
    """Starlette's routes, in the table's order."""
    return [Route(spec.path, VIEWS[spec.name]) for spec in ROUTES if spec.dynamic]


def create_app(settings: Settings, index: Index) -> Starlette:
    """The app serving `index`, the snapshot built for `settings` (in settings.build_dir)."""
    loaded = Site(settings, index, settings.build_dir)
    table = routes()

    def exists(scope: Scope) -> bool:
        """Whether OPTIONS names a resource: a snapshot path, or a dynamic endpoint."""
        path = scope["path"]
        if path in loaded.by_key:
            return True
        route = _route(table, {**scope, "method": "GET"})
        return getattr(route, "endpoint", None) in (api_views.articles, api_views.article, partner.oembed,
                                                    pages.root, api_views.locales, api_views.openapi_document,
                                                    infobutton_view)

    middleware = [
        Middleware(SnapshotResponder, site=loaded),
        Middleware(HTTPSemantics, max_age=settings.max_age, stale_while_revalidate=settings.stale_while_revalidate,
                   exists=exists),
        # Any Host but ours is refused (400): links never come from Host, and caches keyed without
        # it cannot be poisoned through it.
        Middleware(TrustedHostMiddleware, allowed_hosts=settings.allowed_hosts, www_redirect=False),
        Middleware(RefuseUnsafePaths),
    ]
    app = Starlette(
        routes=table,
        middleware=middleware,
        exception_handlers={Exception: handle_error, 404: handle_error, 405: handle_error,
                            Problem: handle_error, Redirect: handle_redirect},
    )
    app.router.redirect_slashes = False  # Starlette's would build an absolute URL from Host
    app.state.site = loaded
    return app

