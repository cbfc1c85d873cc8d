"""Answering from the snapshot: ready bytes and precomputed headers, before any router.

:class:`Site` is the loaded snapshot plus what dynamic endpoints need (the locale table, the
negotiator, the article summaries). :class:`SnapshotResponder` is a plain ASGI middleware
that answers GET and HEAD for every snapshot resource itself: it picks the encoding from
``Accept-Encoding``, answers ``If-None-Match`` with 304 without touching a body, and sends
headers computed once per resource and encoding. Anything else (a query it does not know,
another method, a Host we do not serve) goes on to the Starlette app.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from api.core import models as m
from api.core.locales import LocaleTable
from api.core.settings import Settings
from api.core.snapshot import BodyCache, Index, Resource, Variant
from api.core.urls import URLs
from api.i18n.negotiation import Negotiator
from api.web.http import CSP, KEEP_ON_304, etag_matches, security_headers

Headers = list[tuple[bytes, bytes]]
UNIQUE = (b"content-length", b"etag")  # header lines that differ for (nearly) every variant
# Header lists kept at once (those of the pages being read; the rest are made again on their next request).
# Unbounded, a crawl of all 134,000 variants at 500 articles × 14 locales with handouts grew the server by
# about 87 MB of lists it would rarely use again (361 → 274 MB with the bound, in-process).
HEADER_LISTS = 8192


def parse_accept_encoding(header: str) -> set[str]:
    """The codings a client accepts (q > 0), lower case."""
    accepted = set()
    for part in header.split(",")[:16]:
        name, _, params = part.partition(";")
        q = 1.0
        params = params.strip().lower()
        if params.startswith("q="):
            try:
                q = float(params[2:7])
            except ValueError:
                q = 0.0
        if q > 0:
            accepted.add(name.strip().lower())
    return accepted


@dataclass
class Site:
    """The loaded snapshot: resources by key, bodies on demand, and the data dynamic views use."""

    settings: Settings
    index: Index
    folder: Path
    table: LocaleTable = field(init=False)
    negotiator: Negotiator = field(init=False)
    urls: URLs = field(init=False)
    by_key: dict[str, Resource] = field(init=False)
    summaries: Mapping[str, list[m.Summary]] = field(init=False)
    bodies: BodyCache = field(init=False)
    cache_control: str = field(init=False)

    def __post_init__(self) -> None:
        data = self.index.data
        self.table = LocaleTable(tuple(data.tags))
        self.negotiator = Negotiator(self.table)
        self.urls = URLs(data.origin)
        self.by_key = {r.key: r for r in self.index.resources}
        self.summaries = data.summaries
        self.slugs = set(data.slugs)
        self.problems = data.problems
        self.bodies = BodyCache(self.folder, self.index, self.settings.body_cache)
        s = self.settings
        self.cache_control = f"public, max-age={s.max_age}, stale-while-revalidate={s.stale_while_revalidate}"
        self._headers: dict[tuple[str, str], tuple[Headers, Headers]] = {}
        # One object per distinct header line: most lines (content type, cache control, CSP, CORS...)
        # are the same for thousands of resources, so each cached header list costs its pointers only.
        self._lines: dict[tuple[bytes, bytes], tuple[bytes, bytes]] = {}
        self._by_slug: dict[str, dict[str, m.Summary]] = {}

    def summary(self, slug: str, tag: str) -> m.Summary | None:
        by_slug = self._by_slug.get(tag)
        if by_slug is None:
            by_slug = self._by_slug[tag] = {s.slug: s for s in self.summaries[tag]}
        return by_slug.get(slug)

    def body(self, variant: Variant) -> bytes:
        return self.bodies.get(variant)

    def choose(self, resource: Resource, accept_encoding: str | None) -> Variant:
        variants = resource.variants
        if accept_encoding is None or len(variants) == 1:
            return variants[0]
        accepted = parse_accept_encoding(accept_encoding)
        for coding in ("br", "gzip"):
            if coding in accepted or "*" in accepted:
                for variant in variants:
                    if variant.encoding == coding:
                        return variant
        return variants[0]

    def headers(self, resource: Resource, variant: Variant) -> tuple[Headers, Headers]:
        """(headers of a 200, headers of a 304) for one resource in one encoding, computed once."""
        key = (resource.key, variant.encoding)
        cached = self._headers.get(key)
        if cached is not None:
            return cached
        if len(self._headers) >= HEADER_LISTS:  # a crawl of every resource: start again from the hot ones
            self._headers.clear()
        pairs: list[tuple[str, str]] = [
            ("content-type", resource.media_type),
            ("content-length", str(variant.length)),
            ("etag", variant.etag),
            ("cache-control", self.cache_control if resource.status == 200 else "public, max-age=60"),
        ]
        if resource.language:
            pairs.append(("content-language", resource.language))
        if len(resource.variants) > 1:
            pairs.append(("vary", "Accept-Encoding"))
        if variant.encoding != "identity":
            pairs.append(("content-encoding", variant.encoding))
        pairs += [(name.lower(), value) for name, value in resource.headers]
        framed = resource.framable and resource.status < 400  # a working embed (build-time flag, cf. http.embeddable)
        pairs += [(name.lower(), value) for name, value in security_headers(framed)]
        lines = self._lines
        full = [(k, v) if k in UNIQUE else lines.setdefault((k, v), (k, v))
                for k, v in ((k.encode("latin-1"), v.encode("latin-1")) for k, v in pairs)]
        kept = [line for line in full if line[0].decode() in KEEP_ON_304]
        self._headers[key] = (full, kept)
        return full, kept

    def etags(self, resource: Resource) -> tuple[str, ...]:
        return tuple(v.etag for v in resource.variants)

    def close(self) -> None:
        self.bodies.close()


class SnapshotResponder:
    """ASGI middleware: snapshot resources are answered here, everything else goes to `app`."""

    def __init__(self, app: ASGIApp, site: Site):
        self.app = app
        self.site = site
        self.by_key = site.by_key
        self.hosts = {h.encode("latin-1").lower() for h in site.settings.allowed_hosts}
        self._304_body = {"type": "http.response.body", "body": b""}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            query: bytes = scope["query_string"]
            resource = self.by_key.get(scope["path"] + "?" + query.decode("latin-1") if query else scope["path"])
            if resource is not None:
                host = accept_encoding = if_none_match = None
                for name, value in scope["headers"]:
                    if name == b"host":
                        host = value
                    elif name == b"accept-encoding":
                        accept_encoding = value
                    elif name == b"if-none-match":
                        if_none_match = value
                if host is not None and host.split(b":", 1)[0].lower() in self.hosts:
                    await self.respond(resource, scope["method"], accept_encoding, if_none_match, send)
                    return
        await self.app(scope, receive, send)

    async def respond(self, resource: Resource, method: str, accept_encoding: bytes | None,
                      if_none_match: bytes | None, send: Send) -> None:
        site = self.site
        variant = site.choose(resource, accept_encoding.decode("latin-1") if accept_encoding is not None else None)
        full, kept = site.headers(resource, variant)
        if if_none_match is not None and etag_matches(if_none_match.decode("latin-1"), site.etags(resource)):
            await send({"type": "http.response.start", "status": 304, "headers": kept})
            await send(self._304_body)
            return
        await send({"type": "http.response.start", "status": resource.status, "headers": full})
        await send({"type": "http.response.body", "body": b"" if method == "HEAD" else site.body(variant)})


def response_parts(site: Site, resource: Resource, accept_encoding: str | None) -> tuple[bytes, dict[str, Any]]:
    """Body and headers of a snapshot resource, for views that answer with one (e.g. an error page)."""
    variant = site.choose(resource, accept_encoding)
    full, _ = site.headers(resource, variant)
    return site.body(variant), {k.decode(): v.decode("latin-1") for k, v in full}


__all__ = ["CSP", "Site", "SnapshotResponder", "etag_matches", "parse_accept_encoding", "response_parts"]
