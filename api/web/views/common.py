"""Helpers every view shares: the loaded site, the reader's locale, answering from the snapshot."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from api.core.locales import Locale
from api.core.problems import Problem, unknown_language
from api.core.routes import Address, match
from api.core.snapshot import Resource
from api.i18n.negotiation import COOKIE
from api.web.errors import Redirect
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


def url_locale(request: Request) -> Locale:
    """The language the URL names (`{lang}`); a case variant (`/pt-br/...`) is redirected to the same route with
    the served tag (`/pt-BR/...`, query kept), its URL built from the route table, not edited as a string."""
    s = site(request)
    tag = request.path_params["lang"]
    loc = s.table.by_tag(tag)
    if loc is None:
        raise unknown_language(tag, s.table.tags)
    if loc.tag != tag:
        found = match(request.scope["path"])
        if found is None:  # pragma: no cover - the router matched it
            raise unknown_language(tag, s.table.tags)
        same = Address(found.route, tuple(sorted({**dict(found.params), "lang": loc.tag}.items())))
        query = request.url.query
        raise Redirect(same.key + ("?" + query if query else ""))
    return loc
