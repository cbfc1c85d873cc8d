"""The immutable site snapshot: every resource as ready bytes, written once by the build.

A snapshot is a folder with two files:

* ``bodies.pack``: every body, and its gzip and brotli variants, one after another;
* ``index.msgpack``: for each resource its key (the path, with the query string exactly as
  the URL builder writes it), status, media type, language, extra headers, and where each
  variant lies in the pack, with its strong ETag; plus the data the dynamic endpoints need
  (article summaries per language) and the fingerprint of the sources it was built from.

Start-up reads only the index; bodies are read from the pack on first use and kept in a
cache bounded by bytes (:class:`BodyCache`), so memory stays flat however many articles ×
languages there are, while a small site lives entirely in memory after its first requests.
Headers are precomputed per variant, so answering a request is a dictionary lookup and two
``send`` calls.
"""

from __future__ import annotations

import gc
import gzip
import hashlib
import os
import shutil
import tempfile
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path

import brotli
import msgspec

from api.models import Crisis, Summary

INDEX = "index.msgpack"
PACK = "bodies.pack"
FORMAT = 1
COMPRESSIBLE = ("text/", "application/json", "application/xml", "application/atom+xml", "application/javascript",
                "image/svg+xml", "application/problem+json")
MIN_COMPRESS = 256  # smaller bodies are not worth a Content-Encoding
ENCODINGS = ("br", "gzip")  # preference order when a client accepts both


# gc=False: a snapshot holds tens of thousands of these and they can never form a reference cycle,
# so the garbage collector need not track (and repeatedly scan) them.
class Variant(msgspec.Struct, array_like=True, frozen=True, gc=False):
    encoding: str  # "identity", "gzip" or "br"
    offset: int
    length: int
    etag: str


class Resource(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """One answer the site gives, in every encoding it offers."""

    key: str
    status: int = 200
    media_type: str
    language: str | None = None
    headers: list[tuple[str, str]] = []  # e.g. Link, Cache-Control for error pages
    framable: bool = False
    variants: list[Variant] = []

    @property
    def path(self) -> str:
        return self.key.split("?", 1)[0]


class SiteData(msgspec.Struct, frozen=True, kw_only=True):
    """What dynamic endpoints compute from: no templates, no catalogs at request time."""

    origin: str
    tags: list[str]
    slugs: list[str]
    summaries: dict[str, list[Summary]]  # by language tag, in list order
    problems: list[str] = []  # catalog problems found by the build (file:line: message): served in English
    # Help-now blocks by language tag, then by country: "" (none chosen), each country with lines,
    # and "*" (any other country). The API re-encodes an article with one of them for ?country=.
    crisis: dict[str, dict[str, Crisis]] = {}


class Index(msgspec.Struct, frozen=True, kw_only=True):
    format: int
    fingerprint: str
    resources: list[Resource]
    data: SiteData


def etag_of(body: bytes, suffix: str = "") -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + suffix + '"'


def compress(body: bytes, media_type: str, brotli_quality: int = 11) -> dict[str, bytes]:
    """The encodings worth offering for a body (deterministic: no timestamps, fixed levels)."""
    if len(body) < MIN_COMPRESS or not media_type.startswith(COMPRESSIBLE):
        return {}
    out = {}
    br = brotli.compress(body, quality=brotli_quality)
    if len(br) < len(body) * 0.9:
        out["br"] = br
    gz = gzip.compress(body, compresslevel=9, mtime=0)
    if len(gz) < len(body) * 0.9:
        out["gzip"] = gz
    return out


class Draft:
    """A resource being built: its identity body and what describes it."""

    __slots__ = ("key", "body", "status", "media_type", "language", "headers", "framable")

    def __init__(self, key: str, body: bytes, media_type: str, language: str | None = None, status: int = 200,
                 headers: list[tuple[str, str]] | None = None, framable: bool = False):
        self.key = key
        self.body = body
        self.status = status
        self.media_type = media_type
        self.language = language
        self.headers = headers or []
        self.framable = framable


def write(folder: Path, drafts: Iterable[Draft], data: Callable[[], SiteData], fingerprint: str,
          brotli_quality: int = 11) -> None:
    """Write a snapshot atomically: a reader of `folder` sees the old one or the new one, whole."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".snapshot-", dir=folder.parent))
    try:
        _write(tmp, drafts, data, fingerprint, brotli_quality)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = folder.with_name(folder.name + ".old")
    if folder.exists():
        os.replace(folder, old)
    os.replace(tmp, folder)
    shutil.rmtree(old, ignore_errors=True)


def _write(tmp: Path, drafts: Iterable[Draft], data: Callable[[], SiteData], fingerprint: str,
           brotli_quality: int) -> None:
    resources: list[Resource] = []
    offset = 0
    seen: set[str] = set()
    with (tmp / PACK).open("wb") as pack:
        for draft in drafts:
            if draft.key in seen:
                raise ValueError(f"two resources at {draft.key}")
            seen.add(draft.key)
            etag = etag_of(draft.body)
            variants = []
            for encoding, body in [("identity", draft.body), *compress(draft.body, draft.media_type,
                                                                          brotli_quality).items()]:
                pack.write(body)
                suffix = "" if encoding == "identity" else "-" + ("gz" if encoding == "gzip" else encoding)
                variants.append(Variant(encoding, offset, len(body), etag[:-1] + suffix + '"'))
                offset += len(body)
            resources.append(Resource(key=draft.key, status=draft.status, media_type=draft.media_type,
                                      language=draft.language, headers=draft.headers, framable=draft.framable,
                                      variants=variants))
    index = Index(format=FORMAT, fingerprint=fingerprint, resources=resources, data=data())
    (tmp / INDEX).write_bytes(msgspec.msgpack.encode(index, enc_hook=_enc_hook))


def _enc_hook(value: object) -> object:
    if isinstance(value, str):  # markupsafe.Markup: sanitized HTML, stored as the plain string
        return str(value)
    raise NotImplementedError(type(value).__name__)


def read_index(folder: Path) -> Index | None:
    """The snapshot's index, or None if there is none (or it is from another format)."""
    # The collector would run many times while a large index allocates its objects, and find no
    # garbage: pausing it makes decoding 500 articles × 14 languages about 3x faster.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        raw = (folder / INDEX).read_bytes()
        index = msgspec.msgpack.decode(raw, type=Index)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        return None
    finally:
        if was_enabled:
            gc.enable()
    return index if index.format == FORMAT else None


class BodyCache:
    """Bodies read from the pack on first use, kept while they fit in `budget` bytes (LRU)."""

    def __init__(self, pack: Path, budget: int):
        self.fd = os.open(pack, os.O_RDONLY)
        self.budget = budget
        self.used = 0
        self.items: OrderedDict[tuple[int, int], bytes] = OrderedDict()

    def get(self, offset: int, length: int) -> bytes:
        key = (offset, length)
        body = self.items.get(key)
        if body is not None:
            self.items.move_to_end(key)
            return body
        body = os.pread(self.fd, length, offset)
        if length <= self.budget:
            self.items[key] = body
            self.used += length
            while self.used > self.budget:
                _, dropped = self.items.popitem(last=False)
                self.used -= len(dropped)
        return body

    def close(self) -> None:
        os.close(self.fd)
