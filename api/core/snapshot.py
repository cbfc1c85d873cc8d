"""The immutable site snapshot: every resource as ready bytes, written once by the build.

A snapshot is a folder with these files:

* ``bodies-N.pack``: bodies, and their gzip and brotli variants, one after another. A clean build
  writes one pack; an incremental build (api/build/store.py) hard-links the previous snapshot's
  packs and appends only new bodies to a new one, so an edit writes what it changed;
* ``index.msgpack``: for each resource its key (the path, with the query string exactly as
  the URL builder writes it), status, media type, language, extra headers, and where each
  variant lies in the pack, with its strong ETag; plus the data the dynamic endpoints need
  (article summaries per language) and the fingerprint of the sources it was built from;
* ``addresses.msgpack``: each key's route and parameters (api/core/routes.py), which the static
  export maps onto file names; the server never reads it.

Start-up reads only the index; bodies are read from the pack on first use and kept in a
cache bounded by bytes (:class:`BodyCache`), so memory stays flat however many articles ×
languages there are, while a small site lives entirely in memory after its first requests.
Headers are precomputed per variant, so answering a request is a dictionary lookup and two
``send`` calls.
"""

from __future__ import annotations

import gc
import hashlib
import os
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar

import brotli
import msgspec
from zlib_ng import gzip_ng

from api.core.models import Crisis, Summary
from api.core.routes import Address
from api.core.settings import BROTLI_QUALITY, GZIP_LEVEL

INDEX = "index.msgpack"
PACK = "bodies-{}.pack"  # numbered: a new build adds one, and links the packs it still uses
ADDRESSES = "addresses.msgpack"
FORMAT = 3  # 2: addresses.msgpack beside the index; 3: several packs, bodies shared with the previous build
COMPRESSIBLE = ("text/", "application/json", "application/xml", "application/atom+xml", "application/javascript",
                "image/svg+xml", "application/problem+json")
MIN_COMPRESS = 256  # smaller bodies are not worth a Content-Encoding
ENCODINGS = ("br", "gzip")  # preference order when a client accepts both


# A Literal, so decoding gives one shared string per encoding instead of one per variant.
Encoding = Literal["identity", "gzip", "br"]


# gc=False: a snapshot holds tens of thousands of these and they can never form a reference cycle,
# so the garbage collector need not track (and repeatedly scan) them.
class Variant(msgspec.Struct, array_like=True, frozen=True, gc=False):
    encoding: Encoding
    offset: int
    length: int
    etag: str
    pack: int = 0  # which of Index.packs holds it


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
    summaries: Mapping[str, list[Summary]]  # by language tag, in list order (read back: Summaries)
    problems: list[str] = []  # catalog problems found by the build (file:line: message): served in English
    # Help-now blocks by language tag, then by country: "" (none chosen), each country with lines,
    # and "*" (any other country). The API re-encodes an article with one of them for ?country=.
    crisis: dict[str, dict[str, Crisis]] = {}


class Index(msgspec.Struct, frozen=True, kw_only=True):
    format: int
    fingerprint: str
    resources: list[Resource]
    data: SiteData
    packs: list[str] = []  # the pack files in the folder, in Variant.pack order
    compression: str = ""  # the levels the variants were made with: a build at other levels reuses none


def etag_of(body: bytes, suffix: str = "") -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + suffix + '"'


def compress(body: bytes, media_type: str, brotli_quality: int = BROTLI_QUALITY,
             gzip_level: int = GZIP_LEVEL) -> dict[Encoding, bytes]:
    """The encodings worth offering for a body (deterministic: no timestamps, fixed levels).

    The default levels were chosen from measured size and CPU time (api.core.settings, README
    "Performance"): brotli 11 was 73% of a cold build for 12% fewer bytes than 5.
    """
    if len(body) < MIN_COMPRESS or not media_type.startswith(COMPRESSIBLE):
        return {}
    out: dict[Encoding, bytes] = {}
    br = brotli.compress(body, quality=brotli_quality)
    if len(br) < len(body) * 0.9:
        out["br"] = br
    # zlib-ng: 1.7x zlib's speed, 0.8% larger (its gzip_ng has no type hints)
    gz: bytes = gzip_ng.compress(body, compresslevel=gzip_level, mtime=0)  # type: ignore[no-untyped-call]
    if len(gz) < len(body) * 0.9:
        out["gzip"] = gz
    return out


class Stored:
    """A body the previous snapshot already holds, found by its ETag: its variants there are reused
    (hard-linked pack, same offsets), so it is neither rendered again nor compressed again."""

    __slots__ = ("etag", "variants", "folder", "packs")

    def __init__(self, etag: str, variants: list[Variant], folder: Path, packs: list[str]):
        self.etag = etag
        self.variants = variants
        self.folder = folder
        self.packs = packs


class Draft:
    """A resource being built: its identity body (or where the previous snapshot stores it) and what
    describes it."""

    __slots__ = ("key", "address", "body", "status", "media_type", "language", "headers", "framable", "etag",
                 "compressed")

    def __init__(self, address: Address, body: bytes | Stored, media_type: str, language: str | None = None,
                 status: int = 200, headers: list[tuple[str, str]] | None = None, framable: bool = False):
        self.key = address.key
        self.address = address
        self.body = body
        self.status = status
        self.media_type = media_type
        self.language = language
        self.headers = headers or []
        self.framable = framable
        # Its ETag and compressed variants, when the process that rendered it made them (a build's
        # worker: api/build/store.py, `prepare`); else the snapshot's writer does.
        self.etag: str | None = None
        self.compressed: list[tuple[Encoding, bytes]] | None = None


class Kept:
    """Resources taken whole from the previous snapshot's index (an article in a locale whose inputs did
    not change: api/build/units.py): neither rendered, nor hashed, nor compressed, nor looked up again.
    Their variants keep their pack numbers, because a new snapshot lists the previous one's packs first,
    in the same order (api/build/store.py)."""

    __slots__ = ("resources", "addresses")

    def __init__(self, resources: list[Resource], addresses: dict[str, tuple[str, dict[str, str]]]):
        self.resources = resources
        self.addresses = addresses  # each key's route and parameters, for addresses.msgpack


def read_addresses(folder: Path) -> dict[str, Address]:
    """Each key's route and parameters (what the export names files by)."""
    raw = msgspec.msgpack.decode((folder / ADDRESSES).read_bytes(), type=dict[str, tuple[str, dict[str, str]]])
    return {key: Address(route, tuple(sorted(params.items()))) for key, (route, params) in raw.items()}


def enc_hook(value: object) -> object:
    if isinstance(value, str):  # markupsafe.Markup: sanitized HTML, stored as the plain string
        return str(value)
    if isinstance(value, Summaries):  # each language's list, still encoded or not
        return value.encoded()
    raise NotImplementedError(type(value).__name__)


class Summaries(Mapping[str, list[Summary]]):
    """The article summaries of each language, decoded from the index on first use.

    They are most of a large index (500 articles × 14 languages: 20 of its 32 MB), and only
    dynamic endpoints (filters, paging, negotiation) read them, so start-up keeps each language's
    list as msgpack bytes until a request needs it.
    """

    def __init__(self, stored: Mapping[str, msgspec.Raw | bytes | list[Summary]]):
        self._tags = tuple(stored)
        # copies: the index buffer can go
        self._stored = {tag: bytes(raw) for tag, raw in stored.items() if not isinstance(raw, list)}
        self._decoded: dict[str, list[Summary]] = {tag: s for tag, s in stored.items() if isinstance(s, list)}

    def __contains__(self, tag: object) -> bool:
        return tag in self._tags

    def stored(self, tag: str) -> bytes | None:
        """A language's list as the index stores it, if it was not decoded (a build carries a language
        it keeps whole into its index without decoding it: api/build/plans.py)."""
        return self._stored.get(tag)

    def encoded(self) -> dict[str, msgspec.Raw | list[Summary]]:
        """What the index stores: each language's list, those never decoded as the bytes they were."""
        return {tag: msgspec.Raw(self._stored[tag]) if tag in self._stored else self._decoded[tag]
                for tag in self._tags}

    def __getitem__(self, tag: str) -> list[Summary]:
        found = self._decoded.get(tag)
        if found is None:
            found = self._decoded[tag] = _shared(quietly(_SUMMARIES.decode, self._stored[tag]))
            del self._stored[tag]
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._tags)

    def __len__(self) -> int:
        return len(self._tags)


def _shared(summaries: list[Summary]) -> list[Summary]:
    """One object for equal values across a language's summaries (its language list, the conditions
    an article is about...): each summary otherwise holds its own decoded copy of them."""
    seen: dict[bytes, object] = {}
    for summary in summaries:
        for name in summary.__struct_fields__:
            value = getattr(summary, name)
            if isinstance(value, (list, msgspec.Struct)):
                key = name.encode() + b"\0" + msgspec.msgpack.encode(value)
                msgspec.structs.force_setattr(summary, name, seen.setdefault(key, value))
    return summaries


def _stored_as(struct: type[msgspec.Struct], name: str, kind: object, struct_name: str) -> type[msgspec.Struct]:
    """`struct` with the type of field `name` replaced (same fields, defaults and wire format)."""
    fields: list[tuple[str, object] | tuple[str, object, object]] = []
    for f in msgspec.structs.fields(struct):
        kind_of = kind if f.name == name else f.type
        if f.default is not msgspec.NODEFAULT:
            fields.append((f.name, kind_of, f.default))
        elif f.default_factory is not msgspec.NODEFAULT:
            fields.append((f.name, kind_of, msgspec.field(default_factory=f.default_factory)))
        else:
            fields.append((f.name, kind_of))
    return msgspec.defstruct(struct_name, fields, kw_only=True)


# The index as stored, with each language's summaries left undecoded (msgspec.Raw).
_STORED_DATA = _stored_as(SiteData, "summaries", dict[str, msgspec.Raw], "StoredSiteData")
_STORED: msgspec.msgpack.Decoder[Any] = msgspec.msgpack.Decoder(_stored_as(Index, "data", _STORED_DATA, "StoredIndex"))
_SUMMARIES = msgspec.msgpack.Decoder(list[Summary])


T = TypeVar("T")


def quietly(decode: Callable[[bytes], T], raw: bytes) -> T:
    """Decode with the garbage collector paused: it would run many times while a large message
    allocates its objects, and find no garbage (decoding a large index is about 3x faster)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return decode(raw)
    finally:
        if was_enabled:
            gc.enable()


def read_index(folder: Path) -> Index | None:
    """The snapshot's index, or None if there is none (or it is from another format)."""
    try:
        stored = quietly(_STORED.decode, (folder / INDEX).read_bytes())
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        return None
    if stored.format != FORMAT:
        return None
    shared: dict[str, str] = {}
    for resource in stored.resources:  # a few dozen media types and languages, each one string object
        msgspec.structs.force_setattr(resource, "media_type", shared.setdefault(resource.media_type,
                                                                                resource.media_type))
        if resource.language is not None:
            msgspec.structs.force_setattr(resource, "language", shared.setdefault(resource.language,
                                                                                  resource.language))
    data = {name: getattr(stored.data, name) for name in stored.data.__struct_fields__}
    data["summaries"] = Summaries(data["summaries"])
    return Index(format=stored.format, fingerprint=stored.fingerprint, resources=stored.resources,
                 data=SiteData(**data), packs=stored.packs, compression=stored.compression)


class BodyCache:
    """Bodies read from the packs on first use, kept while they fit in `budget` bytes (LRU)."""

    def __init__(self, folder: Path, index: Index, budget: int):
        self.fds = [os.open(folder / name, os.O_RDONLY) for name in index.packs]
        self.budget = budget
        self.used = 0
        self.items: OrderedDict[tuple[int, int, int], bytes] = OrderedDict()

    def get(self, variant: Variant) -> bytes:
        key = (variant.pack, variant.offset, variant.length)
        body = self.items.get(key)
        if body is not None:
            self.items.move_to_end(key)
            return body
        body = os.pread(self.fds[variant.pack], variant.length, variant.offset)
        if variant.length <= self.budget:
            self.items[key] = body
            self.used += variant.length
            while self.used > self.budget:
                _, dropped = self.items.popitem(last=False)
                self.used -= len(dropped)
        return body

    def close(self) -> None:
        for fd in self.fds:
            os.close(fd)
