"""oEmbed for partners: the article embeds themselves are snapshot pages."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

from api.core import models as m
from api.core.problems import Problem
from api.core.resources import oembed as oembed_model
from api.core.routes import match
from api.web.views.api import json_response
from api.web.views.common import check_params, site
from api.web.views.helpnow import api_country

OEMBED_PARAMS = ("url", "format", "maxwidth", "maxheight", "country")
MIN_DIMENSION = 50  # pixels: a smaller maxwidth or maxheight is raised to this
NUMBER = re.compile(r"[0-9]+")  # ASCII only: str.isdigit() also accepts "²"


async def oembed(request: Request) -> Response:
    """oEmbed 1.0 (https://oembed.com): type `rich`, JSON only."""
    check_params(request, OEMBED_PARAMS)
    s = site(request)
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
    page = match(parts.path)  # which of our URLs it is, by the route table
    loc = s.table.by_tag(page.get("lang")) if page is not None and page.route == "article_page" else None
    summary = s.summary(page.get("slug"), loc.tag) if page is not None and loc is not None else None
    if parts.netloc != urlsplit(s.urls.origin).netloc or loc is None or summary is None:
        raise Problem(404, "That URL is not an article on this site.", kind="unknown-article")
    width = _dimension(request, "maxwidth")
    height = _dimension(request, "maxheight")
    model = oembed_model(s.urls, loc, summary, s.settings.max_age, width, height, api_country(request))
    body = m.encode(model)
    return json_response(body, None)


def _dimension(request: Request, name: str) -> int | None:
    """A maxwidth/maxheight in pixels. It is an upper bound (oEmbed 2.2.1), so a value out of range is
    clamped, not refused: below MIN_DIMENSION an article cannot be read, and above the embed's own size it
    changes nothing. Only a value that is not a whole number is a 400."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if not NUMBER.fullmatch(raw):
        raise Problem(400, f"{name} must be a whole number of pixels.", kind="invalid-parameter", parameter=name)
    return max(MIN_DIMENSION, int(raw) if len(raw) <= 9 else 10**9)
