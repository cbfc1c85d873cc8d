"""The snapshot is the same bytes whatever the number of threads that compress it (issue 23, part 2)."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import brotli
import pytest

from api.build import store
from api.core import snapshot
from api.core.routes import at
from api.core.settings import BROTLI_QUALITY, Settings, build_workers
from tests.corpus import make_corpus

ROOT = Path(__file__).resolve().parent.parent


def _files(folder: Path) -> dict[str, bytes]:
    """The snapshot's packs, index and addresses (not the stamp of source times beside them)."""
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.name != "stamp"}


# Each build runs in a fresh interpreter: the build forks its workers only while its process has a single
# thread, native ones included (api.core.settings.may_fork), and a test session is not such a process once
# Typst has rendered a handout in it (its native thread pool stays).
_BUILD = """
import json, sys
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from api.build import store, workers
from api.build.builder import build
from tests.corpus import Corpus

counts = {"threads": [], "processes": [], "jobs": 0}

class Threads(ThreadPoolExecutor):  # the writer's compressing threads
    def __init__(self, n, **kwargs):
        counts["threads"].append(n)
        super().__init__(n, **kwargs)

class Processes(ProcessPoolExecutor):  # the forked workers that render articles x locales
    def __init__(self, n, **kwargs):
        counts["processes"].append(n)
        super().__init__(n, **kwargs)

    def submit(self, fn, /, *args, **kwargs):
        counts["jobs"] += fn is not int
        return super().submit(fn, *args, **kwargs)

store.ThreadPoolExecutor, store.AHEAD_PER_WORKER = Threads, 2  # small batches: the writer waits often
workers.ProcessPoolExecutor, workers.CHUNK = Processes, 2  # many jobs, finishing out of order
corpus = Corpus(name="grown", root=Path(sys.argv[1]), tags=())
build(corpus.settings(build_folder=Path(sys.argv[2]), brotli_quality=0))
print(json.dumps(counts))
"""


def test_build_is_the_same_bytes_with_one_worker_or_several(tmp_path: Path) -> None:
    """Rendering (forked processes, a few articles x locales and their handouts per job) and compression
    (threads) on several workers give the snapshot one worker gives, byte for byte."""
    corpus = make_corpus(tmp_path / "corpus", grown=True)
    assert corpus.settings(brotli_quality=0).brotli_quality == BROTLI_QUALITY  # 0: the measured default
    built = {}
    for workers in (1, 3):
        folder = tmp_path / f"build-{workers}"
        done = subprocess.run([sys.executable, "-c", _BUILD, str(corpus.root), str(folder)], cwd=ROOT,  # noqa: S603
                              env={**os.environ, "BOTHAND_BUILD_WORKERS": str(workers), "PYTHONPATH": str(ROOT)},
                              capture_output=True, text=True, timeout=600, check=False)
        assert done.returncode == 0, done.stderr[-3000:]
        counts = json.loads(done.stdout.strip().splitlines()[-1])
        built[workers] = _files(folder)
        assert counts["threads"] == ([] if workers == 1 else [workers]), counts
        assert counts["processes"] == ([] if workers == 1 else [workers]), counts
        assert (counts["jobs"] > 3) == (workers > 1), counts
        assert any(r.endswith(".pdf") for r in snapshot.read_addresses(folder)), "the build made handouts"

    assert built[1] == built[3]
    index = snapshot.read_index(tmp_path / "build-3")
    assert index is not None
    encodings = {v.encoding for r in index.resources for v in r.variants}
    assert encodings == {"identity", "gzip", "br"}
    assert index.packs == [snapshot.PACK.format(1)]  # a clean build: one pack
    pack = built[3][index.packs[0]]
    for resource in index.resources:  # every variant decodes to the identity body its ETag names
        identity = next(v for v in resource.variants if v.encoding == "identity")
        body = pack[identity.offset:identity.offset + identity.length]
        assert identity.etag == snapshot.etag_of(body)
        for variant in resource.variants:
            packed = pack[variant.offset:variant.offset + variant.length]
            decode = {"identity": bytes, "gzip": gzip.decompress, "br": brotli.decompress}[variant.encoding]
            assert decode(packed) == body


def test_writer_keeps_draft_order_and_bounds_what_it_holds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Bodies of very different sizes (the small ones finish first on a pool) land in draft order."""
    monkeypatch.setattr(store, "AHEAD_BYTES", 50_000)

    def drafts() -> list[snapshot.Draft]:
        return [snapshot.Draft(at("static", name=f"f{n}.txt"),
                               (f"line {n} " * (20_000 if n % 7 == 0 else 40)).encode(), "text/plain; charset=utf-8")
                for n in range(60)]

    def snapshot_files(workers: int) -> dict[str, bytes]:
        folder = tmp_path / f"w{workers}"
        store.write(folder, drafts(), lambda: snapshot.SiteData(origin="x", tags=[], slugs=[], summaries={}),
                       "fingerprint", workers=workers)
        return _files(folder)

    one = snapshot_files(1)
    assert snapshot_files(4) == one
    index = snapshot.read_index(tmp_path / "w4")
    assert index is not None
    assert [r.key for r in index.resources] == [d.key for d in drafts()]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_body_two_resources_share_is_compressed_and_stored_once(tmp_path: Path, workers: int) -> None:
    """Same bytes at two URLs (an embed for a country whose help is the "any other country" one): one copy
    in the pack, both resources answer them with the same ETags; another media type is its own body."""
    text = ("help is near " * 400).encode()
    drafts = [snapshot.Draft(at("static", name=name), text, media) for name, media in (
        ("a.html", "text/html; charset=utf-8"), ("b.txt", "application/octet-stream"),
        ("c.html", "text/html; charset=utf-8"))]
    store.write(tmp_path / "s", drafts, lambda: snapshot.SiteData(origin="x", tags=[], slugs=[], summaries={}),
                "fingerprint", workers=workers)
    index = snapshot.read_index(tmp_path / "s")
    assert index is not None
    by_key = {r.key: r for r in index.resources}
    a, b, c = (by_key[d.key] for d in drafts)
    assert [v.encoding for v in a.variants] == ["identity", "br", "gzip"]
    assert a.variants == c.variants  # same offsets, lengths and ETags
    assert [v.encoding for v in b.variants] == ["identity"]  # not compressible: its own, stored again
    pack = (tmp_path / "s" / index.packs[0]).read_bytes()
    assert len(pack) == sum(v.length for v in a.variants) + len(text)
    for variant in c.variants:
        decode = {"identity": bytes, "gzip": gzip.decompress, "br": brotli.decompress}[variant.encoding]
        assert decode(pack[variant.offset:variant.offset + variant.length]) == text


def test_duplicate_key_still_refused_on_the_pool(tmp_path: Path) -> None:
    same = [snapshot.Draft(at("static", name="a.txt"), b"x" * 1000, "text/plain") for _ in range(2)]
    with pytest.raises(ValueError, match="two resources"):
        store.write(tmp_path / "dup", same, lambda: snapshot.SiteData(origin="x", tags=[], slugs=[], summaries={}),
                       "fingerprint", workers=2)
    assert not (tmp_path / "dup").exists()


def test_workers_and_levels_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOTHAND_BUILD_WORKERS", "3")
    assert build_workers() == 3
    monkeypatch.setenv("BOTHAND_BUILD_WORKERS", "0")
    assert build_workers() >= 1
    monkeypatch.setenv("BOTHAND_BROTLI_QUALITY", "9")
    assert Settings().brotli_quality == 9
    monkeypatch.delenv("BOTHAND_BROTLI_QUALITY")
    assert Settings().brotli_quality == BROTLI_QUALITY
    with pytest.raises(ValueError, match="brotli quality"):
        Settings(brotli_quality=12)
