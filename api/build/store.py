"""Writing a snapshot (api/core/snapshot.py), reusing what the previous one already holds.

A body whose bytes the previous snapshot has (same ETag: a SHA-256 of the bytes) is not compressed
again: its variants are kept where they are, in the previous snapshot's packs, which the new
snapshot hard-links (no copy). Only new bodies are compressed and written, to one new pack. So an
edit costs what it changed, and the resources are the same as a clean build's (same bytes, same
ETags) because a body's variants depend on its bytes and the compression levels only.

When reused packs are mostly dead (bodies no resource uses any more), their live bodies are copied
into the new pack and the old packs are dropped, so the folder never grows without bound.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import msgspec

from api.core.folders import swap_in
from api.core.settings import BROTLI_QUALITY, GZIP_LEVEL, build_workers
from api.core.snapshot import (
    ADDRESSES,
    FORMAT,
    INDEX,
    PACK,
    Draft,
    Encoding,
    Index,
    Kept,
    Resource,
    SiteData,
    Stored,
    Variant,
    compress,
    enc_hook,
    etag_of,
    quietly,
    read_index,
)

# Drafts compressed ahead of the one being written, per worker, and their identity bytes in all:
# enough to keep every worker busy, few enough that memory stays flat at any corpus size.
AHEAD_PER_WORKER = 16
AHEAD_BYTES = 64 * 2**20
MEMO = "memo.msgpack"  # in the snapshot folder: each page's inputs key -> its body's ETag (api/build/inputs.py)
FRAGMENTS = "fragments.msgpack"  # article bodies' HTML by the key of their blocks (api/build/inputs.py)
MIN_LIVE = 0.5  # a reused pack whose live bytes fall below this share is compacted into the new pack
# The ETag, and the compressed variants; None: the same bytes (and type) as an earlier body of this build,
# whose variants it shares (an embed for a country whose help is the "any other country" one, a list's
# first page and its plain URL): 11,015 of 78,397 bodies at 500 articles × 14 locales, not compressed twice.
Encoded = tuple[str, list[tuple[Encoding, bytes]] | None]


def compression_key(brotli_quality: int) -> str:
    return f"br{brotli_quality}-gzng{GZIP_LEVEL}"  # brotli's level, zlib-ng's gzip level


class Previous:
    """The snapshot being replaced: its bodies by ETag, for reuse."""

    def __init__(self, folder: Path, index: Index):
        self.folder = folder
        self.index = index
        self.by_etag = {r.variants[0].etag: r.variants for r in index.resources if r.variants}
        self._by_key: dict[str, Resource] | None = None
        self._addresses: dict[str, tuple[str, dict[str, str]]] | None = None

    @classmethod
    def open(cls, folder: Path, brotli_quality: int) -> Previous | None:
        """The snapshot in `folder`, if there is one of this format made at these compression levels."""
        index = read_index(folder)
        if index is None or index.compression != compression_key(brotli_quality):
            return None
        if not all((folder / name).is_file() for name in index.packs):
            return None
        return cls(folder, index)

    def memo(self, name: str = MEMO) -> dict[str, str]:
        """What the previous build's pages were made from (empty if it left no memo)."""
        return left_by(self, name, _MEMO.decode)

    def fragments(self) -> dict[str, str]:
        """The article bodies the previous build rendered, by the key of their blocks."""
        return self.memo(FRAGMENTS)

    def kept(self, keys: list[str]) -> Kept | None:
        """These resources of the previous snapshot, whole (None if it lacks one of them)."""
        if self._by_key is None:
            self._by_key = {r.key: r for r in self.index.resources}
        if self._addresses is None:
            try:
                self._addresses = quietly(_ADDRESSES.decode, (self.folder / ADDRESSES).read_bytes())
            except (OSError, msgspec.DecodeError, msgspec.ValidationError):
                self._addresses = {}
        found = [self._by_key.get(key) for key in keys]
        if not all(found) or not all(key in self._addresses for key in keys):
            return None
        return Kept([r for r in found if r is not None], {key: self._addresses[key] for key in keys})

    def stored(self, etag: str) -> Stored | None:
        variants = self.by_etag.get(etag)
        return None if variants is None else Stored(etag, list(variants), self.folder, self.index.packs)


_ADDRESSES = msgspec.msgpack.Decoder(dict[str, tuple[str, dict[str, str]]])


_MEMO = msgspec.msgpack.Decoder(dict[str, str])
V = TypeVar("V")


def left_by(previous: Previous | None, name: str, decode: Callable[[bytes], dict[str, V]]) -> dict[str, V]:
    """A file the previous build left in its folder for this one (memo, units, locales, handouts: key ->
    record), decoded; empty when there is no previous build, or the file is missing or from other code."""
    if previous is None:
        return {}
    try:
        return quietly(decode, (previous.folder / name).read_bytes())
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        return {}


def encode_memo(memo: dict[str, str]) -> bytes:
    return msgspec.msgpack.encode(memo)


def write(folder: Path, drafts: Iterable[Draft | Kept], data: Callable[[], SiteData], fingerprint: str,
          brotli_quality: int = BROTLI_QUALITY, workers: int | None = None, previous: Previous | None = None,
          extra: Callable[[], dict[str, bytes]] | None = None) -> None:
    """Write a snapshot atomically: a reader of `folder` sees the old one or the new one, whole.

    `workers` threads compress the bodies (default: api.core.settings.build_workers()); the
    snapshot is the same bytes whatever their number. `extra` gives more files to put in the folder
    once every draft is written (the build's memo of what each body was made from).
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".snapshot-", dir=folder.parent))
    try:
        _write(tmp, drafts, data, fingerprint, brotli_quality, workers or build_workers(), previous)
        for name, body in (extra() if extra else {}).items():
            (tmp / name).write_bytes(body)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    swap_in(tmp, folder)


def _encode(body: bytes, etag: str, media_type: str, brotli_quality: int) -> Encoded:
    """A body's compressed variants (with its ETag): pure, so any worker may compute it."""
    return etag, list(compress(body, media_type, brotli_quality).items())


def prepare(drafts: list[Draft], brotli_quality: int, previous: Previous | None) -> None:
    """Hash and compress new bodies where they were rendered (a build's worker: api/build/workers.py),
    so the writer's process only writes them. Its compressing threads share that process with taking
    the results in and writing 2.6 GB at 500 × 14: it was the bottleneck of a cold build, busy while
    the render workers waited. A body the previous snapshot holds, or one an earlier draft of these
    has, gets its ETag only (the writer looks it up, as for any draft)."""
    done: set[tuple[str, str]] = set()
    for draft in drafts:
        if not isinstance(draft.body, bytes):
            continue
        draft.etag = etag = etag_of(draft.body)
        if (etag, draft.media_type) in done or (previous is not None and etag in previous.by_etag):
            continue
        done.add((etag, draft.media_type))
        draft.compressed = _encode(draft.body, etag, draft.media_type, brotli_quality)[1]


def _reuse(draft: Draft, previous: Previous | None) -> str:
    """The ETag of a new body ("" for a stored one); the draft's body becomes the previous snapshot's
    copy when that has the same bytes."""
    if isinstance(draft.body, Stored):
        return ""
    etag = draft.etag or etag_of(draft.body)
    stored = previous.stored(etag) if previous is not None else None
    if stored is not None:
        draft.body = stored
        return ""
    return etag


def _encoded(drafts: Iterable[Draft | Kept], brotli_quality: int, workers: int, previous: Previous | None,
             seen: dict[str, tuple[str, dict[str, str]]]) -> Iterator[tuple[Draft | Kept, Encoded | None]]:
    """Each draft with its ETag and compressed variants (None: stored before), in the drafts' order
    (so the pack's order, hence its bytes, never depends on which worker finished first). With more
    than one worker, a thread pool compresses up to AHEAD_PER_WORKER drafts per worker (and
    AHEAD_BYTES) ahead of the writer while this thread renders the next drafts. Threads, not
    processes: brotli, zlib and hashlib release the GIL while they work, and a process pool (fork,
    bodies sent both ways) was slower than one thread on the real corpus (README, "Performance").
    The units a build's workers render arrive hashed and compressed already (:func:`prepare`): the
    pool compresses the rest (a locale's own pages, the site-wide ones, units rendered here)."""

    fresh: set[tuple[str, str]] = set()  # (ETag, media type) of the bodies this build compresses

    def check(draft: Draft | Kept) -> tuple[Draft | Kept, str, bool]:
        """The draft, its ETag ("" when stored before) and whether an earlier body of this build has its bytes."""
        if isinstance(draft, Kept):
            for key, address in draft.addresses.items():
                if key in seen:
                    raise ValueError(f"two resources at {key}")
                seen[key] = address
            return draft, "", False
        if draft.key in seen:
            raise ValueError(f"two resources at {draft.key}")
        seen[draft.key] = (draft.address.route, dict(draft.address.params))
        etag = _reuse(draft, previous)
        if not etag:
            return draft, etag, False
        twin = (etag, draft.media_type) in fresh
        fresh.add((etag, draft.media_type))
        return draft, etag, twin

    if workers <= 1:
        for draft, etag, twin in map(check, drafts):
            if isinstance(draft, Kept) or not isinstance(draft.body, bytes):
                yield draft, None
            elif twin or draft.compressed is not None:
                yield draft, (etag, None if twin else draft.compressed)
            else:
                yield draft, _encode(draft.body, etag, draft.media_type, brotli_quality)
        return
    pending: deque[tuple[Draft | Kept, Future[Encoded] | Encoded | None]] = deque()
    ahead = 0
    pool = ThreadPoolExecutor(workers, thread_name_prefix="compress")
    try:
        for draft, etag, twin in map(check, drafts):
            body = None if isinstance(draft, Kept) else draft.body
            job: Future[Encoded] | Encoded | None = None
            if twin:
                job = (etag, None)
            elif isinstance(draft, Draft) and draft.compressed is not None:  # compressed where it was rendered
                job = (etag, draft.compressed)
            elif not isinstance(draft, Kept) and isinstance(body, bytes):
                job = pool.submit(_encode, body, etag, draft.media_type, brotli_quality)
            pending.append((draft, job))
            ahead += len(body) if isinstance(body, bytes) else 0
            while len(pending) > AHEAD_PER_WORKER * workers or (ahead > AHEAD_BYTES and len(pending) > 1):
                done, future = pending.popleft()
                ahead -= len(done.body) if isinstance(done, Draft) and isinstance(done.body, bytes) else 0
                yield done, _result(future)
        while pending:
            done, future = pending.popleft()
            yield done, _result(future)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _result(future: Future[Encoded] | Encoded | None) -> Encoded | None:
    return future.result() if isinstance(future, Future) else future


class _Packs:
    """The packs of the snapshot being written: linked ones from the previous snapshot, and the new one."""

    def __init__(self, tmp: Path, previous: Previous | None):
        self.tmp = tmp
        numbers = [int(name.split("-")[1].split(".")[0]) for name in (previous.index.packs if previous else [])]
        self.new_name = PACK.format(max(numbers, default=0) + 1)
        self.names: list[str] = []
        self.sources: dict[str, int] = {}  # linked pack path -> its number here
        # The previous snapshot's packs first, in its order: a variant it stored keeps its pack number,
        # so resources kept whole (Kept) are copied into the new index unchanged.
        for name in previous.index.packs if previous else []:
            self.linked(previous.folder, name)  # type: ignore[union-attr]
        self.new = len(self.names)  # the new pack's number
        self.names.append(self.new_name)
        self.fp = (tmp / self.new_name).open("wb")
        self.offset = 0

    def append(self, body: bytes) -> tuple[int, int]:
        self.fp.write(body)
        at = self.offset
        self.offset += len(body)
        return at, len(body)

    def linked(self, folder: Path, name: str) -> int:
        source = str(folder / name)
        number = self.sources.get(source)
        if number is None:
            os.link(source, self.tmp / name)
            number = self.sources[source] = len(self.names)
            self.names.append(name)
        return number


def _write(tmp: Path, drafts: Iterable[Draft | Kept], data: Callable[[], SiteData], fingerprint: str,
           brotli_quality: int, workers: int, previous: Previous | None) -> None:
    resources: list[Resource] = []
    seen: dict[str, tuple[str, dict[str, str]]] = {}  # key -> (route, parameters): addresses.msgpack
    packs = _Packs(tmp, previous)
    written: dict[tuple[str, str], list[Variant]] = {}  # (ETag, media type) -> a body this build wrote
    try:
        for draft, encoded in _encoded(drafts, brotli_quality, workers, previous, seen):
            if isinstance(draft, Kept):
                resources.extend(draft.resources)
                continue
            if isinstance(draft.body, Stored) or encoded is None:
                stored = draft.body
                variants = [Variant(v.encoding, v.offset, v.length, v.etag,
                                    packs.linked(stored.folder, stored.packs[v.pack]))
                            for v in stored.variants] if isinstance(stored, Stored) else []
            elif encoded[1] is None:
                variants = written[encoded[0], draft.media_type]
            else:
                variants = written[encoded[0], draft.media_type] = _appended(packs, draft.body, encoded[0], encoded[1])
            resources.append(Resource(key=draft.key, status=draft.status, media_type=draft.media_type,
                                      language=draft.language, headers=draft.headers, framable=draft.framable,
                                      variants=variants))
        resources, names = _compacted(packs, resources)
    finally:
        packs.fp.close()
    index = Index(format=FORMAT, fingerprint=fingerprint, resources=resources, data=data(), packs=names,
                  compression=compression_key(brotli_quality))
    (tmp / INDEX).write_bytes(msgspec.msgpack.encode(index, enc_hook=enc_hook))
    (tmp / ADDRESSES).write_bytes(msgspec.msgpack.encode(seen))


def _appended(packs: _Packs, body: bytes, etag: str, compressed: list[tuple[Encoding, bytes]]) -> list[Variant]:
    variants = []
    for encoding, data in [("identity", body), *compressed]:
        offset, length = packs.append(data)
        suffix = "" if encoding == "identity" else "-" + ("gz" if encoding == "gzip" else encoding)
        variants.append(Variant(encoding, offset, length, etag[:-1] + suffix + '"', packs.new))
    return variants


def _compacted(packs: _Packs, resources: list[Resource]) -> tuple[list[Resource], list[str]]:
    """Copy the live bodies of mostly dead linked packs into the new pack; drop the packs no body uses."""
    live = [0] * len(packs.names)
    for resource in resources:
        for v in resource.variants:
            live[v.pack] += v.length
    sizes = [os.path.getsize(packs.tmp / name) for name in packs.names]
    sizes[packs.new] = packs.offset
    keep = [n == packs.new or (live[n] > 0 and live[n] >= MIN_LIVE * sizes[n]) for n in range(len(packs.names))]
    if all(keep):
        return resources, packs.names
    numbers = {n: i for i, n in enumerate(n for n in range(len(packs.names)) if keep[n])}
    # Packs kept at the same number: their resources stay as they are (the last edit's small pack is
    # usually what goes, and rebuilding all 78,000 resources for it took 0.4 s of a one-segment edit).
    same = {n for n in numbers if numbers[n] == n}
    fds: dict[int, int] = {}
    moved: dict[tuple[int, int], int] = {}  # (pack, offset) -> offset in the new pack: shared bodies stay shared
    out = []
    try:
        for resource in resources:
            if all(v.pack in same for v in resource.variants):
                out.append(resource)
                continue
            variants = []
            for v in resource.variants:
                if keep[v.pack]:
                    variants.append(Variant(v.encoding, v.offset, v.length, v.etag, numbers[v.pack]))
                    continue
                if (v.pack, v.offset) not in moved:
                    if v.pack not in fds:
                        fds[v.pack] = os.open(packs.tmp / packs.names[v.pack], os.O_RDONLY)
                    moved[v.pack, v.offset] = packs.append(os.pread(fds[v.pack], v.length, v.offset))[0]
                variants.append(Variant(v.encoding, moved[v.pack, v.offset], v.length, v.etag, numbers[packs.new]))
            out.append(msgspec.structs.replace(resource, variants=variants))
    finally:
        for fd in fds.values():
            os.close(fd)
    for n, name in enumerate(packs.names):
        if not keep[n]:
            os.unlink(packs.tmp / name)
    return out, [name for n, name in enumerate(packs.names) if keep[n]]
