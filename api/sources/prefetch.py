"""Content catalogs parsed on every core while the build reads its articles.

A cold build of a large site spends its first seconds on megabytes of PO per locale (13 × 2.5 MB at
500 articles) and on 500 Markdown files. The two do not depend on each other, so the catalogs the
parse cache lacks are handed to forked workers first, and the articles are read in the meantime;
:class:`api.sources.catalogs.Catalogs` then waits for them. Each worker writes its parse into the
cache itself (where the catalogs read it back), so megabytes of parsed entries never cross a pipe.

Forked workers, and only while the process has no other thread (a server's watcher builds in a
thread: there, each file is parsed when it is first used, serially): fork copies the caller's locks as
they are.
"""

from __future__ import annotations

import hashlib
import multiprocessing
from collections.abc import Iterable, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from api.core.locales import Locale
from api.core.settings import build_workers, may_fork
from api.sources.cache import ParseCache
from api.sources.poread import read_content


def content_key(cache: ParseCache, path: Path, loc: Locale, digest: str | None) -> str:
    """A content.po's parse key: by the SHA-256 of its bytes the build already computed (`digest`), else by them."""
    if digest is None:
        return cache.key("content", str(path), loc.folder, path.read_bytes())
    return cache.key("content-sha256", str(path), loc.folder, digest)


def unchanged(path: Path, digest: str | None) -> bool:
    """Whether a file still has the bytes its parse key was made from (`digest`, if the build hashed it):
    what is parsed from it is cached only then (a file edited during the build must not leave its new
    parse under its old bytes' key)."""
    return digest is None or hashlib.sha256(path.read_bytes()).hexdigest() == digest


def _parse(key: str, path: Path, loc: Locale, cache: ParseCache, digest: str | None) -> None:
    """In a worker: parse one content.po into the cache, unless it changed since the build hashed it."""
    content = read_content(path, loc, cache)
    if unchanged(path, digest):
        cache.put(key, content)


class Prefetch:
    """The content catalogs of `locales` that `cache` lacks, being parsed (:meth:`wait` for them)."""

    def __init__(self, locales_dir: Path, locales: Iterable[Locale], cache: ParseCache | None,
                 digests: Mapping[Path, str]):
        self.keys: dict[Path, str] = {}  # each content.po's parse key, computed once
        self._pool: ProcessPoolExecutor | None = None
        self._jobs: list[Future[None]] = []
        if cache is None or not may_fork():
            return
        todo = []
        for loc in locales:
            path = locales_dir / loc.folder / "LC_MESSAGES" / "content.po"
            if loc.is_source or not path.exists():
                continue
            key = self.keys[path] = content_key(cache, path, loc, digests.get(path))
            if not cache.has(key):
                todo.append((key, path, loc))
        workers = min(build_workers(), len(todo))
        if workers < 2:  # one file: parsed when first used, in this process
            return
        self._pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
        self._jobs = [self._pool.submit(_parse, key, path, loc, cache, digests.get(path)) for key, path, loc in todo]

    def wait(self) -> None:
        """Every file parsed (a worker's error raised here), and the workers gone."""
        if self._pool is None:
            return
        try:
            for job in self._jobs:
                job.result()
        finally:
            self.close()

    def close(self) -> None:
        """Stop, whatever is left (the build failed before it needed the catalogs)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
