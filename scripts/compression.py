"""Measure brotli and gzip levels on the real corpus: total size and CPU time per level.

The build precompresses every compressible body (api/core/snapshot.py, ``compress``) with one
brotli quality and one gzip level; this script gives the figures those defaults were chosen from
(README, "Performance"). It builds the real corpus into a temporary folder (brotli quality 4, the
fastest level measured, since only the identity bodies are used), reads every identity body the
build would compress back from the snapshot, and then, for brotli qualities 4..11 and gzip levels
4..9, compresses all of them in this one thread and prints:

* the total compressed size (and as % of the identity bytes),
* the CPU time (``time.process_time``: the work itself, which the machine's load does not change;
  the best of --repeat runs),
* the CPU time per MB of input (to scale the figure to a larger corpus: 500 articles × 14
  languages is about 500 times the real corpus's bytes),
* the marginal cost against the level below: extra CPU milliseconds per kilobyte saved.

Then, at the chosen defaults, it compresses the same bodies with ``snapshot.compress`` serially,
on a thread pool and on a process pool of --workers workers (wall time, best of --repeat), and
checks that every pool gives the serial bytes: whether threads suffice (zlib and the brotli
binding release the GIL while they compress) or processes are needed.

Usage: python scripts/compression.py [--repeat N] [--workers N] [--brotli 4-11] [--gzip 4-9]
Prints figures; asserts nothing. Takes about a minute on 2 cores (brotli 10 and 11 are most of it).
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from functools import partial
from pathlib import Path

import brotli
from zlib_ng import gzip_ng

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's api/, also when run as a file

from api.build.builder import build  # noqa: E402
from api.core import snapshot  # noqa: E402
from api.core.settings import BROTLI_QUALITY, GZIP_LEVEL, Settings, build_workers  # noqa: E402


def levels(text: str) -> list[int]:
    low, _, high = text.partition("-")
    return list(range(int(low), int(high or low) + 1))


def identity_bodies(folder: Path) -> list[tuple[bytes, str]]:
    """Every (identity body, media type) of the snapshot that `compress` would compress."""
    index = snapshot.read_index(folder)
    if index is None:
        raise SystemExit(f"no snapshot in {folder}")
    cache = snapshot.BodyCache(folder, index, 0)
    try:
        out = []
        for resource in index.resources:
            identity = next(v for v in resource.variants if v.encoding == "identity")
            body = cache.get(identity)
            if len(body) >= snapshot.MIN_COMPRESS and resource.media_type.startswith(snapshot.COMPRESSIBLE):
                out.append((body, resource.media_type))
        return out
    finally:
        cache.close()


def cpu_of(compress: Callable[[bytes], bytes], bodies: Sequence[bytes], repeat: int) -> tuple[int, float]:
    """Total compressed bytes and the best CPU seconds of `repeat` runs over all bodies."""
    best = float("inf")
    size = 0
    for _ in range(repeat):
        started = time.process_time()
        size = sum(len(compress(body)) for body in bodies)
        best = min(best, time.process_time() - started)
    return size, best


def codecs(brotli_levels: list[int], gzip_levels: list[int]) -> list[tuple[str, int, Callable[[bytes], bytes]]]:
    out: list[tuple[str, int, Callable[[bytes], bytes]]] = []
    for quality in brotli_levels:
        out.append(("brotli", quality, partial(brotli.compress, quality=quality)))
    for level in gzip_levels:
        out.append(("gzip", level, partial(gzip.compress, compresslevel=level, mtime=0)))
    for level in gzip_levels:  # what the build uses (api.core.snapshot.compress): the same format, faster
        out.append(("gzip (zlib-ng)", level, partial(gzip_ng.compress, compresslevel=level, mtime=0)))
    return out


def level_table(bodies: Sequence[bytes], brotli_levels: list[int], gzip_levels: list[int], repeat: int) -> None:
    raw = sum(map(len, bodies))
    print("| codec | level | total bytes | % of identity | CPU s | CPU s per MB in | "
          "extra CPU ms per KB saved vs the level above |")
    print("|---|--:|--:|--:|--:|--:|--:|")
    previous: dict[str, tuple[int, float]] = {}
    for name, level, compress in codecs(brotli_levels, gzip_levels):
        size, cpu = cpu_of(compress, bodies, repeat)
        marginal = "–"
        if name in previous:
            saved = previous[name][0] - size
            extra = cpu - previous[name][1]
            marginal = f"{extra * 1000 / (saved / 1024):.1f}" if saved > 0 else "no saving"
        previous[name] = (size, cpu)
        print(f"| {name} | {level} | {size:,} | {100 * size / raw:.2f} | {cpu:.3f} | {cpu / (raw / 2**20):.3f} | "
              f"{marginal} |", flush=True)


def _compress_one(item: tuple[bytes, str]) -> dict[snapshot.Encoding, bytes]:
    return snapshot.compress(*item)


def pool_table(items: list[tuple[bytes, str]], workers: int, repeat: int) -> None:
    """Wall time of snapshot.compress over every body: serial, threads, processes."""
    reference = [_compress_one(item) for item in items]
    print(f"\nsnapshot.compress at the defaults (brotli {BROTLI_QUALITY}, gzip {GZIP_LEVEL}), every body, "
          f"wall seconds (best of {repeat}), {workers} workers:\n")
    print("| how | wall s | CPU s of this process | same bytes as serial |")
    print("|---|--:|--:|---|")
    makers: list[tuple[str, Callable[[], Executor] | None]] = [
        ("serial (1 thread)", None),
        (f"{workers} threads", lambda: ThreadPoolExecutor(workers)),
        (f"{workers} processes (pool start included)", lambda: ProcessPoolExecutor(workers)),
    ]
    for label, make in makers:
        best_wall = best_cpu = float("inf")
        same = True
        for _ in range(repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            if make is None:
                out = [_compress_one(item) for item in items]
            else:
                with make() as pool:
                    out = list(pool.map(_compress_one, items, chunksize=8))
            best_wall = min(best_wall, time.perf_counter() - wall)
            best_cpu = min(best_cpu, time.process_time() - cpu)
            same = same and out == reference
        print(f"| {label} | {best_wall:.3f} | {best_cpu:.3f} | {'yes' if same else 'NO'} |", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=3, help="runs per level; the best CPU time is shown (3)")
    parser.add_argument("--workers", type=int, default=build_workers(),
                        help="pool size for the threads/processes rows (default: BOTHAND_BUILD_WORKERS or every core)")
    parser.add_argument("--brotli", type=levels, default=levels("4-11"), metavar="LOW-HIGH",
                        help="brotli qualities (4-11)")
    parser.add_argument("--gzip", type=levels, default=levels("4-9"), metavar="LOW-HIGH", help="gzip levels (4-9)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bothand-compression-") as tmp:
        started = time.perf_counter()
        folder = build(Settings(build_folder=Path(tmp) / "build", brotli_quality=4))
        items = identity_bodies(folder)
        built = time.perf_counter() - started
    bodies = [body for body, _ in items]
    raw = sum(map(len, bodies))
    print(f"Real corpus ({ROOT / 'content'}): {len(items)} compressible bodies, {raw:,} identity bytes "
          f"(built in {built:.1f} s); Python {sys.version.split()[0]}, brotli {brotli.__version__}, "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; CPU = best of {args.repeat}, "
          "one thread\n")
    level_table(bodies, args.brotli, args.gzip, args.repeat)
    pool_table(items, args.workers, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
