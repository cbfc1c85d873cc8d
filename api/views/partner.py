"""What partners embed: the iframe-ready article page and the oEmbed endpoint."""

from __future__ import annotations

from urllib.parse import urlsplit

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from api.errors import Problem, unknown_article, unknown_language
from api.locales import by_tag
from api.views.api import DIGITS
from api.views.common import absolute, base_url, embed_code, library, render

DEFAULT_HEIGHT = 800


async def embed(request: Request) -> Response:
    loc = by_tag(request.path_params["lang"])
    slug = request.path_params["slug"]
    lib = library(request)
    if loc is None:
        raise unknown_language(request.path_params["lang"])
    if slug not in lib.articles:
        raise unknown_article(slug)
    data = lib.article(slug, loc)
    canonical = absolute(request, f"/{loc.tag}/articles/{slug}")
    site_link = Markup('<a href="{}"><bdi>Bothand</bdi></a>').format(canonical)  # noqa: S704  # format() escapes the URL
    return render(
        request, "embed.html", loc, None,
        {"article": data, "notice": data["notice"], "crisis": lib.crisis_data(loc), "canonical": canonical,
         "site_link": site_link, "resize": request.query_params.get("resize", "1") != "0"},
    )


async def oembed(request: Request) -> Response:
    """oEmbed 1.0 (https://oembed.com): type `rich`, JSON only."""
    url = request.query_params.get("url")
    fmt = request.query_params.get("format", "json")
    if fmt == "xml":  # a real oEmbed format we do not offer: the spec's answer is 501
        raise Problem(501, "Only format=json is supported.", kind="unsupported-format")
    if fmt != "json":
        raise Problem(400, "format must be json.", kind="invalid-parameter", parameter="format")
    if not url:
        raise Problem(400, "The url parameter is required.", kind="invalid-parameter", parameter="url")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  # raises ValueError on a malformed port
    except ValueError:
        raise Problem(400, "url is not a valid URL.", kind="invalid-parameter", parameter="url") from None
    ours = urlsplit(base_url(request))
    segments = parts.path.strip("/").split("/")
    lib = library(request)
    loc = by_tag(segments[0]) if segments else None
    if (
        parts.netloc != ours.netloc or loc is None or len(segments) != 3 or segments[1] != "articles"
        or segments[2] not in lib.articles
    ):
        raise Problem(404, "That URL is not an article on this site.", kind="unknown-article")
    slug = segments[2]
    width = _dimension(request, "maxwidth")
    height = _dimension(request, "maxheight") or DEFAULT_HEIGHT
    title = lib.article(slug, loc)["title"].text
    html = embed_code(request, loc, slug, height=height)
    return JSONResponse({
        "version": "1.0",
        "type": "rich",
        "title": title,
        "provider_name": "Bothand",
        "provider_url": base_url(request) + "/",
        "html": html,
        "width": width or 600,
        "height": height,
        "cache_age": lib.settings.max_age,
    })


def _dimension(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if not DIGITS.fullmatch(raw) or not 50 <= int(raw) <= 10_000:
        raise Problem(400, f"{name} must be a whole number of pixels from 50 to 10000.",
                      kind="invalid-parameter", parameter=name)
    return int(raw)



