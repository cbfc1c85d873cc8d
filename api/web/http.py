"""HTTP semantics every response shares: validators, caching, HEAD, security and privacy headers.

A pure ASGI middleware (no BaseHTTPMiddleware: it must see the whole body to hash it).
Every successful GET/HEAD gets a strong ETag (a hash of the exact bytes, so each language and
each page has its own) and ``Cache-Control: public, max-age, stale-while-revalidate``; a
matching ``If-None-Match`` gets 304 with no body. Every page gets a Content-Security-Policy
that forbids third-party requests of any kind, which is the privacy promise made enforceable.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.core.routes import EMBED_PREFIX
from api.core.snapshot import etag_of

# Only our own origin, ever: no fonts, scripts, images or beacons from anyone else.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; connect-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors {ancestors}"
)
# Headers a 304 keeps (RFC 9110 15.4.5): the rest describe a body that is not sent.
KEEP_ON_304 = {"etag", "cache-control", "vary", "content-location", "expires", "date",
               "access-control-allow-origin", "access-control-expose-headers", "content-language"}


def etag_matches(if_none_match: str, etags: tuple[str, ...]) -> bool:
    """Weak comparison, as RFC 9110 asks for If-None-Match; any of `etags` (one per encoding of the same
    content) matches. At most 64 tags are read: a longer header cannot make a request expensive."""
    if if_none_match.strip() == "*":
        return True
    sent = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")[:64]}
    return any(tag.removeprefix("W/") in sent for tag in etags)


CORS_HEADERS = [
    (b"access-control-allow-origin", b"*"),
    (b"access-control-expose-headers", b"ETag, Link, Content-Language"),
]
PREFLIGHT_HEADERS = [
    *CORS_HEADERS,
    (b"access-control-allow-methods", b"GET, HEAD, OPTIONS"),
    # What portals commonly add to a GET (their own auth and tracing headers, cache and content
    # negotiation), named, so it works in every browser; `*` then allows any other header in the
    # browsers that support it (the Fetch standard: `*` never covers Authorization, hence the name).
    (b"access-control-allow-headers", b"Accept, Accept-Language, Authorization, Cache-Control, Content-Type, "
                                      b"If-Modified-Since, If-None-Match, Pragma, Traceparent, Tracestate, "
                                      b"X-Correlation-Id, X-Request-Id, X-Requested-With, *"),
    (b"access-control-max-age", b"86400"),
    (b"allow", b"GET, HEAD, OPTIONS"),
    (b"content-length", b"0"),
]


def embeddable(path: str, status: int) -> bool:
    """Only a working embed may be framed (by any site: partners frame them); an error page never is."""
    return path.startswith(EMBED_PREFIX) and status < 400


def security_headers(framable: bool) -> list[tuple[str, str]]:
    """What every response carries, errors and 500s included; `framable`: see :func:`embeddable`."""
    return [
        ("Content-Security-Policy", CSP.format(ancestors="*" if framable else "'none'")),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("Permissions-Policy", "interest-cohort=(), browsing-topics=()"),
        *((name.decode(), value.decode()) for name, value in CORS_HEADERS),
    ]


class HTTPSemantics:
    def __init__(self, app: ASGIApp, max_age: int, stale_while_revalidate: int,
                 exists: Callable[[Scope], bool] | None = None):
        self.app = app
        self.exists = exists  # whether a path names a resource (OPTIONS on anything else is a 404)
        self.cache_control = f"public, max-age={max_age}, stale-while-revalidate={stale_while_revalidate}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS" and (self.exists is None or self.exists(scope)):
            # Every resource is read-only, so OPTIONS (a CORS preflight or not) always gets the same
            # answer. Reading is open to every origin and carries no credentials, so no answer depends
            # on the Origin: no `Vary: Origin` (Starlette's CORSMiddleware adds one, which would split
            # every CDN cache entry per partner site).
            await send({"type": "http.response.start", "status": 204, "headers": PREFLIGHT_HEADERS})
            await send({"type": "http.response.body", "body": b""})
            return
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                await self._finish(scope, start, b"".join(chunks), send)

        await self.app(scope, receive, capture)

    async def _finish(self, scope: Scope, start: Message, body: bytes, send: Send) -> None:
        status: int = start["status"]
        headers = MutableHeaders(raw=list(start["headers"]))
        path: str = scope["path"]
        method: str = scope["method"]
        for name, value in security_headers(embeddable(path, status)):
            headers.setdefault(name, value)
        if method in ("GET", "HEAD") and status == 200:
            if "etag" not in headers:
                headers["ETag"] = etag_of(body)  # the build's ETags, the same way
            if "set-cookie" not in headers:
                headers.setdefault("Cache-Control", self.cache_control)
            if_none_match = Headers(scope=scope).get("if-none-match")
            if if_none_match and etag_matches(if_none_match, (headers["etag"],)):
                kept = [(k, v) for k, v in headers.raw if k.decode("latin-1").lower() in KEEP_ON_304]
                await send({"type": "http.response.start", "status": 304, "headers": kept})
                await send({"type": "http.response.body", "body": b""})
                return
        elif status == 301:
            # A canonical-spelling redirect (`/es` -> `/es/`) never changes between deploys' content:
            # cache it like the page it names (a 301 without Cache-Control is cached heuristically).
            headers.setdefault("Cache-Control", self.cache_control)
        elif status in (404, 410) and method in ("GET", "HEAD"):
            headers.setdefault("Cache-Control", "public, max-age=60")
        if method == "HEAD":
            body = b""
        await send({"type": "http.response.start", "status": status, "headers": headers.raw})
        await send({"type": "http.response.body", "body": body})
