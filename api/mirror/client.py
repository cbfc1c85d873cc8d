"""HTTP for the mirror: every request pinned to the site's origin, every body capped, every wait bounded.

* **Origin**: a URL is requested only if its scheme, host and port are the base URL's; any other
  (a listed article URL, a ``Link: rel="next"``, a redirect target) raises :class:`Refused`
  before a byte is sent.
* **Redirects** are followed here, not by httpx: each hop is pinned like the first URL, at most
  ``Limits.redirects`` of them, and a loop is refused.
* **Bodies** are streamed and capped twice: on the wire and after decoding. The mirror asks for
  gzip only and decodes it itself with a bounded zlib decompressor, so a gzip bomb stops at
  the cap instead of filling memory. An error answer is read only far enough to show its detail.
* **Time**: one request, from connecting to its last byte, gets ``timeout`` seconds of wall
  clock (httpx's own timeouts are per read: a server dripping a byte at a time never trips
  them), and no request or retry wait goes past the run's deadline.
* **Retries** on lost connections, timeouts, 429 and 5xx, with exponential backoff, waiting as
  ``Retry-After`` asks (capped).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import itertools
import json
import re
import zlib
from array import array
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx

from api.mirror.errors import OutOfTime, Refused, ResponseError, Unreachable
from api.mirror.text import printable

MiB = 1 << 20
DEFAULT_PORTS = {"http": 80, "https": 443}
REDIRECTS = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 120.0  # seconds; a longer Retry-After is capped rather than obeyed


@dataclass(frozen=True)
class Limits:
    """What one server can make a run read and do, at most."""

    article_bytes: int = 4 * MiB  # one article's JSON: a long article is ~100 KiB
    listing_bytes: int = 8 * MiB  # one listing page: a static export lists every article on one page
    handout_bytes: int = 16 * MiB  # one printable PDF: a handout is ~100-300 KiB (fonts embedded)
    error_bytes: int = 64 * 1024  # an error answer: only its detail is shown
    pages: int = 100  # listing pages per language (100 articles a page)
    articles: int = 5000  # articles per language
    redirects: int = 5  # hops per request
    json_depth: int = 32  # nesting of a JSON answer: an article nests about 8 deep


@dataclass(frozen=True)
class RequestRecord:
    method: str
    url: str
    conditional: bool  # sent If-None-Match
    status: int


@dataclass(frozen=True)
class Origin:
    scheme: str
    host: str
    port: int

    @classmethod
    def of(cls, url: httpx.URL) -> Origin:
        return cls(url.scheme, url.host, url.port or DEFAULT_PORTS.get(url.scheme, 0))

    def __str__(self) -> str:
        default = DEFAULT_PORTS.get(self.scheme) == self.port
        return f"{self.scheme}://{self.host}" + ("" if default else f":{self.port}")


@dataclass(frozen=True)
class Reply:
    """One answer, its body already read (within its cap)."""

    url: str
    status: int
    headers: httpx.Headers
    body: bytes

    @property
    def etag(self) -> str | None:
        etag: str | None = self.headers.get("etag")
        return etag

    def link(self, rel: str) -> str | None:
        """The target of an RFC 8288 ``Link`` with this rel, as written (possibly relative)."""
        url = httpx.Response(self.status, headers=self.headers).links.get(rel, {}).get("url")
        return str(url) if url else None

    def json(self, max_depth: int) -> object:
        return parse_json(self.body, max_depth)

    def detail(self) -> str:
        """The problem+json ``detail`` if there is one, else the start of the body: printable."""
        try:
            body = parse_json(self.body, 8)
            if isinstance(body, dict) and body.get("detail"):
                return printable(body["detail"], 200)
        except ResponseError:
            pass
        return printable(self.body[:200].decode("utf-8", "replace").strip() or f"HTTP {self.status}", 200)

    def retry_after(self) -> float | None:
        value = self.headers.get("retry-after", "").strip()
        if value.isdigit():
            return float(value)
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


class _Transient(Exception):
    """A request that may succeed if tried again: no connection, no complete answer in time."""


# A JSON string (escapes included), and every byte that is not a bracket.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")  # +1 and -1 as signed bytes


def json_depth(body: bytes) -> int:
    """How deeply the JSON text nests arrays and objects, counted without parsing it (no recursion)."""
    steps = _STRING.sub(b"", body).translate(None, _NOT_BRACKETS).translate(_STEPS)
    return max(itertools.accumulate(array("b", steps)), default=0)


def parse_json(body: bytes, max_depth: int) -> object:
    if json_depth(body) > max_depth:
        raise ResponseError(f"the JSON nests deeper than {max_depth} levels")
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise ResponseError(f"not JSON ({printable(exc, 120)})") from None


async def read_body(response: httpx.Response, cap: int, *, strict: bool = True) -> bytes:
    """The body, decoded, if it is at most `cap` bytes on the wire and decoded.

    Over the cap or badly encoded: :class:`ResponseError` when `strict`, else what was read so far."""
    if response.is_stream_consumed:  # a ready-made answer (httpx.MockTransport and the like): decoded, in memory
        if strict and len(response.content) > cap:
            raise ResponseError(f"the answer is over the {cap}-byte cap")
        return response.content[:cap]
    coding = response.headers.get("content-encoding", "").strip().lower()
    out = bytearray()
    try:
        if coding not in ("", "identity", "gzip", "x-gzip"):
            raise ResponseError(f"unsupported Content-Encoding '{printable(coding, 40)}' (the mirror asks for gzip)")
        declared = response.headers.get("content-length", "").strip()
        if declared.isdigit() and int(declared) > cap:
            raise ResponseError(f"the answer is {int(declared)} bytes, over the {cap}-byte cap: not read")
        decoder = zlib.decompressobj(wbits=31) if coding in ("gzip", "x-gzip") else None
        wire = 0
        async for chunk in response.aiter_raw():
            wire += len(chunk)
            if wire > cap:
                raise ResponseError(f"the answer is over the {cap}-byte cap: stopped reading")
            if decoder is None:
                out += chunk
                continue
            if decoder.eof:
                raise ResponseError("bad gzip data: more bytes after the end of the stream")
            out += decoder.decompress(chunk, cap + 1 - len(out))  # never more than one byte over the cap
            if len(out) > cap or decoder.unconsumed_tail:
                raise ResponseError(f"the answer inflates past the {cap}-byte cap: stopped reading")
        if decoder is not None and (not decoder.eof or decoder.unused_data):
            raise ResponseError("bad gzip data: the stream is cut short or followed by more bytes")
    except zlib.error as exc:
        if strict:
            raise ResponseError(f"bad gzip data ({printable(exc, 120)})") from None
    except ResponseError:
        if strict:
            raise
    return bytes(out[:cap])


class Client:
    """GETs on one origin with caps, deadlines and retries; records every response it gets."""

    def __init__(
        self,
        base: str,
        *,
        timeout: float,
        retries: int,
        backoff: float,
        concurrency: int,
        limits: Limits,
        deadline: float,
        user_agent: str,
        transport: httpx.AsyncBaseTransport | None = None,
    ):
        self.origin = Origin.of(httpx.URL(base))
        self.timeout = timeout
        self.retries = max(0, retries)
        self.backoff = backoff
        self.limits = limits
        self.deadline_at = asyncio.get_running_loop().time() + deadline
        self.requests: list[RequestRecord] = []
        self.transport_errors = 0  # connection failures and timeouts (each retried)
        self._slots = asyncio.Semaphore(max(1, concurrency))
        self.http = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": user_agent, "Accept": "application/json", "Accept-Encoding": "gzip"},
            follow_redirects=False,  # each hop is checked in _follow
            transport=transport,
            limits=httpx.Limits(max_connections=max(1, concurrency)),
        )

    async def aclose(self) -> None:
        await self.http.aclose()

    def pin(self, url: str, what: str) -> str:
        """`url` without its fragment if it is on the site's origin, else :class:`Refused`."""
        try:
            parsed = httpx.URL(url)
            same = Origin.of(parsed) == self.origin
        except (httpx.InvalidURL, TypeError, ValueError):
            raise Refused(f"{what} '{printable(url)}' is not a URL: not requested") from None
        if not same:
            raise Refused(f"{what} {printable(url)} is not on {self.origin}: not requested")
        return str(parsed.copy_with(fragment=None))

    def remaining(self) -> float:
        return self.deadline_at - asyncio.get_running_loop().time()

    async def get(self, url: str, *, cap: int, etag: str | None = None, what: str = "URL") -> Reply:
        """GET with retries on lost connections, timeouts, 429 and 5xx, waiting as Retry-After asks."""
        url = self.pin(url, what)
        for attempt in range(self.retries + 1):
            wait = self.backoff * 2**attempt
            try:
                reply = await self._follow(url, etag, cap)
            except _Transient as exc:
                self.transport_errors += 1
                if attempt == self.retries:
                    raise Unreachable(f"{printable(url)}: {exc}") from None
            else:
                if reply.status not in RETRY_STATUSES or attempt == self.retries:
                    return reply
                wait = min(reply.retry_after() or wait, MAX_RETRY_AFTER)
            await asyncio.sleep(max(0.0, min(wait, self.remaining())))  # past the deadline, the next try says so
        raise AssertionError("unreachable")  # pragma: no cover - the loop always returns or raises

    async def _follow(self, url: str, etag: str | None, cap: int) -> Reply:
        hops = [url]
        for _ in range(self.limits.redirects + 1):
            reply = await self._exchange(hops[-1], etag, cap)
            location = reply.headers.get("location")
            if reply.status not in REDIRECTS or not location:
                return reply
            target = self.pin(urljoin(hops[-1], location), f"redirect from {printable(hops[-1])} to")
            if target in hops:
                raise ResponseError(f"redirect loop: {printable(hops[-1])} sends back to {printable(target)}")
            hops.append(target)
        raise ResponseError(f"more than {self.limits.redirects} redirects from {printable(url)}")

    async def _exchange(self, url: str, etag: str | None, cap: int) -> Reply:
        """One request and its whole answer within the request's time (and the run's)."""
        headers = {"If-None-Match": etag} if etag else {}
        async with self._slots:
            budget = min(self.timeout, self.remaining())
            if budget <= 0:
                raise OutOfTime("the run's deadline passed")
            try:
                async with asyncio.timeout(budget), self.http.stream("GET", url, headers=headers) as response:
                    status = response.status_code
                    self.requests.append(RequestRecord("GET", url, bool(etag), status))
                    if status == 200:
                        body = await read_body(response, cap)
                    elif status == 304 or status in REDIRECTS:
                        body = b""
                    else:
                        body = await read_body(response, self.limits.error_bytes, strict=False)
                    return Reply(url, status, response.headers, body)
            except TimeoutError:
                if self.remaining() <= 0:
                    raise OutOfTime("the run's deadline passed") from None
                raise _Transient(f"no complete answer within {self.timeout:g} s") from None
            except httpx.TransportError as exc:
                raise _Transient(f"{type(exc).__name__}: {printable(exc, 160) or 'no answer'}") from None
            except (httpx.HTTPError, httpx.InvalidURL) as exc:  # anything else httpx refuses
                raise ResponseError(f"{printable(url)}: {type(exc).__name__}: {printable(exc, 160)}") from None
