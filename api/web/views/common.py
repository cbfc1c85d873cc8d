"""Helpers every view shares: the loaded site, the reader's locale, answering from the snapshot."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from api.core.locales import Locale
from api.core.problems import Problem
from api.core.snapshot import Resource
from api.i18n.negotiation import COOKIE
from api.web.serve import Site, response_parts


def site(request: Request) -> Site:
    loaded: Site = request.app.state.site
    return loaded


def reader_locale(request: Request) -> tuple[Locale, bool]:
    """For pages outside a /{lang}/ URL: saved choice, then Accept-Language, then English."""
    return site(request).negotiator.negotiate(None, request.cookies.get(COOKIE), request.headers.get("accept-language"))


def from_snapshot(request: Request, resource: Resource, status: int | None = None) -> Response:
    """Answer with a snapshot resource's bytes (in the encoding the client accepts)."""
    body, headers = response_parts(site(request), resource, request.headers.get("accept-encoding"))
    return Response(body, status_code=status or resource.status, headers=headers)


def check_params(request: Request, accepted: tuple[str, ...]) -> None:
    """Unknown query parameters are integration mistakes: say so instead of ignoring them."""
    unknown = sorted({name for name in request.query_params if name not in accepted})
    if unknown:
        raise Problem(400, f"Unknown query parameter {unknown[0][:40]!r}. Accepted: {', '.join(accepted) or 'none'}.",
                      kind="unknown-parameter", parameter=unknown[0][:40], accepted=list(accepted))
