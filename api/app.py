"""The ASGI application: ``api.app:app`` is ``create_app()`` with default settings."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Match, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from api.errors import Problem, Redirect, as_problem, is_api, log, problem_response
from api.http import HTTPSemantics, security_headers
from api.library import Library
from api.locales import by_tag
from api.openapi import document
from api.settings import Settings
from api.views import api as api_views
from api.views import feeds, pages, partner
from api.views.common import reader_locale, render


class Static(StaticFiles):
    """Static files, each at exactly one URL: `/static/site.css/` is not a second address."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        if scope["path"].endswith("/"):
            raise HTTPException(404)
        return await super().get_response(path, scope)


def _url_language(request: Request) -> str | None:
    """The language a URL names: `/es/...` and `/embed/es/...`."""
    parts = request.url.path.strip("/").split("/")
    first = parts[1] if parts[0] == "embed" and len(parts) > 1 else parts[0]
    loc = by_tag(first)
    return loc.tag if loc is not None and loc.tag == first else None


async def handle_error(request: Request, exc: Exception) -> Response:
    problem = as_problem(exc)
    if problem.status == 404 and request.method in ("GET", "HEAD"):
        slashless = _slash_redirect(request)
        if slashless is not None:
            return slashless
    if is_api(request) or "library" not in request.app.state._state:
        response = problem_response(request, problem)
    else:
        # A reader page: in the language of the URL if it names one, else the reader's own, which
        # depends on their cookie and Accept-Language: then it must never be shared by a cache.
        tag = _url_language(request)
        loc = (by_tag(tag) if tag else None) or reader_locale(request)[0]
        try:
            response = render(request, "error.html", loc, None, {"problem": problem}, status=problem.status)
        except Exception:  # the error page itself failed: still answer, plainly
            log.exception("error page failed")
            response = problem_response(request, problem)
        response.headers.update(problem.headers)
        if tag is None:
            response.headers["Cache-Control"] = "private, no-cache"
            response.headers["Vary"] = "Cookie, Accept-Language"
    if problem.status >= 500:
        # 500s are answered outside the HTTP middleware: give them the same security headers here.
        for name, value in security_headers(request.url.path, problem.status):
            response.headers.setdefault(name, value)
        response.headers["Cache-Control"] = "no-store"
    return response


def _route(routes: list[BaseRoute], scope: Scope) -> BaseRoute | None:
    return next((route for route in routes if route.matches(scope)[0] != Match.NONE), None)


def _routable(routes: list[BaseRoute], scope: Scope) -> bool:
    return _route(routes, scope) is not None


def _slash_redirect(request: Request) -> Response | None:
    """`/es/languages/` -> 301 `/es/languages`, as a path (never built from the Host header)."""
    path = request.url.path
    if len(path) < 2 or not path.endswith("/") or path.startswith("/static/"):
        return None
    target = path.rstrip("/")
    route = _route(request.app.router.routes, {**request.scope, "path": target}) if target else None
    if route is None or getattr(route, "endpoint", None) is pages.lang_slash:  # `/de/` -> `/de` -> `/de/`
        return None
    query = request.url.query
    return RedirectResponse(target + ("?" + query if query else ""), status_code=301)


async def handle_redirect(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Redirect)  # noqa: S101  # registered for Redirect only
    return RedirectResponse(exc.location, status_code=301)


async def openapi_document(request: Request) -> Response:
    return JSONResponse(document(list(request.app.state.library.articles)))


def routes(settings: Settings) -> list[BaseRoute]:
    favicon = settings.static_dir / "favicon.ico"
    return [
        Route("/", pages.root),
        Route("/favicon.ico", lambda request: FileResponse(favicon, media_type="image/x-icon")),
        Route("/api/v1/locales", api_views.locales),
        Route("/api/v1/articles", api_views.articles),
        Route("/api/v1/articles/{slug}", api_views.article),
        Route("/api/v1/openapi.json", openapi_document),
        Route("/api/oembed", partner.oembed),
        Route("/embed/{lang}/{slug}", partner.embed),
        Route("/sitemap.xml", feeds.sitemap),
        Route("/robots.txt", feeds.robots),
        Route("/choose-language/{lang}", pages.choose_language),
        Mount("/static", Static(directory=settings.static_dir), name="static"),
        Route("/{lang}", pages.lang_slash),
        Route("/{lang}/", pages.home),
        Route("/{lang}/articles/{slug}", pages.article),
        Route("/{lang}/accessibility", pages.accessibility),
        Route("/{lang}/languages", pages.languages),
        Route("/{lang}/developers", pages.developers),
        Route("/{lang}/feed.xml", feeds.atom),
    ]


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings()
    table = routes(settings)

    def exists(scope: Scope) -> bool:
        return _routable(table, {**scope, "method": "GET"})

    middleware = [
        Middleware(HTTPSemantics, max_age=settings.max_age, stale_while_revalidate=settings.stale_while_revalidate,
                   exists=exists),
        # Any Host but ours is refused (400): links never come from Host, and caches keyed without
        # it cannot be poisoned through it.
        Middleware(TrustedHostMiddleware, allowed_hosts=settings.allowed_hosts, www_redirect=False),
    ]
    app = Starlette(
        routes=table,
        middleware=middleware,
        exception_handlers={Exception: handle_error, 404: handle_error, 405: handle_error,
                            Problem: handle_error, Redirect: handle_redirect},
    )
    app.router.redirect_slashes = False  # Starlette's would build an absolute URL from Host
    app.state.library = Library(settings)
    return app


app = create_app()
