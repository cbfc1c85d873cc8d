"""oEmbed for partners: the article embeds themselves are snapshot pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

from api import models as m
from api.build import oembed as oembed_model
from api.errors import Problem
from api.views.api import DIGITS, json_response
from api.views.common import check_params, site

OEMBED_PARAMS = ("url", "format", "maxwidth", "maxheight")


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
    segments = parts.path.strip("/").split("/")
    loc = s.table.by_tag(segments[0]) if segments else None
    summary = s.summary(segments[2], loc.tag) if loc is not None and len(segments) == 3 else None
    if (parts.netloc != urlsplit(s.urls.origin).netloc or loc is None or segments[1] != "articles"
            or summary is None):
        raise Problem(404, "That URL is not an article on this site.", kind="unknown-article")
    width = _dimension(request, "maxwidth")
    height = _dimension(request, "maxheight")
    body = m.encode(oembed_model(s.urls, loc, summary, s.settings.max_age, width, height))
    return json_response(body, None)


def _dimension(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if not DIGITS.fullmatch(raw) or not 50 <= int(raw) <= 10_000:
        raise Problem(400, f"{name} must be a whole number of pixels from 50 to 10000.",
                      kind="invalid-parameter", parameter=name)
    return int(raw)
