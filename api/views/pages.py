"""Reader pages: /, /{lang}/, /{lang}/articles/{slug}, statement, languages, developers."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from api.errors import Redirect, unknown_article, unknown_language
from api.locales import LOCALES, Locale, by_tag
from api.negotiation import COOKIE
from api.views.common import api_article_path, base_url, embed_code, library, page_path, reader_locale, render

COOKIE_MAX_AGE = 365 * 24 * 3600
# A path on this site: one leading slash, then no slash or backslash next (browsers read `/\\x`
# as `//x`), and no whitespace or control characters.
SAFE_NEXT = re.compile(r"/(?![/\\])[^\\\s\x00-\x1f\x7f]*")


def path_locale(request: Request) -> Locale:
    """The locale named by the URL; a case variant (`/pt-br/`) redirects to the canonical tag."""
    tag = request.path_params["lang"]
    loc = by_tag(tag)
    if loc is None:
        raise unknown_language(tag)
    if loc.tag != tag:
        raise Redirect(request.url.path.replace(f"/{tag}", f"/{loc.tag}", 1))
    return loc


async def root(request: Request) -> Response:
    loc, _ = reader_locale(request)
    response = RedirectResponse(page_path(loc), status_code=303)
    # The answer depends on the reader's cookie and languages: never share it between readers.
    response.headers["Vary"] = "Cookie, Accept-Language"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


async def choose_language(request: Request) -> Response:
    """The reader picked a language in the switcher: remember it (the only cookie), then go."""
    loc = by_tag(request.path_params["lang"])
    if loc is None:
        raise unknown_language(request.path_params["lang"])
    target = request.query_params.get("next", "")
    if not SAFE_NEXT.fullmatch(target) or urlsplit(target).netloc:
        target = page_path(loc)  # only a plain path on this site: never an open redirect
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        COOKIE, loc.tag, max_age=COOKIE_MAX_AGE, path="/", samesite="lax",
        secure=request.url.scheme == "https", httponly=True,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


async def home(request: Request) -> Response:
    loc = path_locale(request)
    lib = library(request)
    items = [lib.article(slug, loc) for slug in lib.articles]
    return render(request, "home.html", loc, "", {"articles": items, "crisis": lib.crisis_data(loc)})


async def article(request: Request) -> Response:
    loc = path_locale(request)
    slug = request.path_params["slug"]
    lib = library(request)
    if slug not in lib.articles:
        raise unknown_article(slug)
    data = lib.article(slug, loc)
    return render(
        request, "article.html", loc, f"articles/{slug}",
        {"article": data, "notice": data["notice"], "crisis": lib.crisis_data(loc)},
        json_href=api_article_path(slug, loc),
    )


async def accessibility(request: Request) -> Response:
    loc = path_locale(request)
    contact = library(request).settings.contact_email
    return render(request, "accessibility.html", loc, "accessibility", {"contact_email": contact})


async def languages(request: Request) -> Response:
    loc = path_locale(request)
    lib = library(request)
    rows = [{"loc": other, "cats": lib.catalogs[other.tag]} for other in LOCALES]
    return render(request, "languages.html", loc, "languages", {"rows": rows, "slugs": list(lib.articles)})


async def developers(request: Request) -> Response:
    loc = path_locale(request)
    lib = library(request)
    first = next(iter(lib.articles))
    context = {"example_slug": first, "base": base_url(request), "embed_code": embed_code(request, loc, first)}
    return render(request, "developers.html", loc, "developers", context)


def lang_slash(request: Request) -> Response:
    return RedirectResponse(f"/{request.path_params['lang']}/", status_code=301)
