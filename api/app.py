"""The ASGI application: ``api.app:app`` is ``create_app()`` with default settings."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from api.errors import Problem, Redirect, as_problem, is_api, problem_response
from api.http import HTTPSemantics
from api.library import Library
from api.locales import by_tag
from api.openapi import document
from api.settings import Settings
from api.views import api as api_views
from api.views import feeds, pages, partner
from api.views.common import reader_locale, render


async def handle_error(request: Request, exc: Exception) -> Response:
    problem = as_problem(exc)
    if is_api(request) or "library" not in request.app.state._state:
        return problem_response(request, problem)
    # A reader page: in the language of the URL if it names one, else the reader's.
    first = request.url.path.strip("/").split("/", 1)[0]
    loc = by_tag(first) or reader_locale(request)[0]
    response = render(request, "error.html", loc, None, {"problem": problem}, status=problem.status)
    response.headers.update(problem.headers)
    return response


async def handle_redirect(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Redirect)  # noqa: S101  # registered for Redirect only
    return RedirectResponse(exc.location, status_code=301)


async def openapi_document(request: Request) -> Response:
    return JSONResponse(document(list(request.app.state.library.articles)))


def routes(settings: Settings) -> list[Route | Mount]:
    return [
        Route("/", pages.root),
        Route("/api/v1/locales", api_views.locales),
        Route("/api/v1/articles", api_views.articles),
        Route("/api/v1/articles/{slug}", api_views.article),
        Route("/api/v1/openapi.json", openapi_document),
        Route("/api/oembed", partner.oembed),
        Route("/embed/{lang}/{slug}", partner.embed),
        Route("/sitemap.xml", feeds.sitemap),
        Route("/robots.txt", feeds.robots),
        Route("/choose-language/{lang}", pages.choose_language),
        Mount("/static", StaticFiles(directory=settings.static_dir), name="static"),
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
    middleware = [
        Middleware(HTTPSemantics, max_age=settings.max_age, stale_while_revalidate=settings.stale_while_revalidate),
    ]
    app = Starlette(
        routes=routes(settings),
        middleware=middleware,
        exception_handlers={Exception: handle_error, 404: handle_error, 405: handle_error,
                            Problem: handle_error, Redirect: handle_redirect},
    )
    app.state.library = Library(settings)
    return app


app = create_app()
