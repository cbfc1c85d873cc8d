"""Articles × locales rendered on every core: forked workers, each holding the build as it was when forked.

A cold build of 500 articles × 14 locales renders 7,000 units (api/build/units.py) of a dozen pages
each: Jinja in Python, one core's work however many threads. The workers are forked once, right
after the build has read its sources and before anything else starts a thread (fork copies a
process's locks as they are; the snapshot writer's compressing threads start later), and only when
the process has no other thread (a server's watcher builds in a thread: there, units render in
this process). Each job is a chunk of one locale's units; the results come back in job order, a
bounded number of jobs ahead, so the snapshot is the same bytes whatever the number of workers and
memory stays flat. A worker also hashes and compresses what it rendered (api/build/store.py, `prepare`):
the build's process only writes it. When that process compressed everything itself, its threads and
its taking in the workers' results shared one interpreter: it was the bottleneck (1.1 cores busy, the
two workers a quarter busy each) of a cold build at 500 × 14.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Protocol

from api.build.page import Made
from api.core.settings import may_fork
from api.core.snapshot import Draft

CHUNK = 16  # units per job
SERIAL_JOBS = 2  # fewer jobs than this are rendered in the build's process: forking, then loading templates
# and locale data in a worker, cost more than they save (a one-segment edit renders one unit)
AHEAD_PER_WORKER = 3  # jobs in flight per worker

Rendered = list[tuple[Made, list[Draft]]]


class UnitRenderer(Protocol):
    def unit_drafts(self, tag: str, todo: list[tuple[str, str]]) -> Rendered: ...


_renderer: UnitRenderer | None = None  # the build, in a forked worker
_prepare: Callable[[list[Draft]], None] | None = None  # and what it does to the drafts before sending them


def _job(tag: str, todo: list[tuple[str, str]]) -> Rendered:
    if _renderer is None:  # pragma: no cover - set before the fork
        raise RuntimeError("no build in this worker")
    rendered = _renderer.unit_drafts(tag, todo)
    if _prepare is not None:
        _prepare([draft for _, drafts in rendered for draft in drafts])
    return rendered


class Workers:
    def __init__(self, renderer: UnitRenderer, workers: int, units: int | None = None,
                 prepare: Callable[[list[Draft]], None] | None = None, heavy: bool = False):
        """`units`: how many units there are to render, if known (few are rendered here: SERIAL_JOBS).
        `prepare`: what a worker does to its drafts before sending them (hash and compress them:
        api/build/store.py), so this process, which writes them all, does not. `heavy`: a unit costs
        far more than forking (its 8 handouts, about 0.2 s of Typst): two units are enough to fork for."""
        global _renderer, _prepare  # noqa: PLW0603  # what a forked worker inherits: set once, before the fork
        self.renderer = renderer
        self.executor: ProcessPoolExecutor | None = None
        if workers > 1 and may_fork() and (units is None or units >= SERIAL_JOBS * (1 if heavy else CHUNK)):
            _renderer, _prepare = renderer, prepare
            self.executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
            self.executor.submit(int).result()  # fork every worker now, while this is the only thread
        self.ahead = AHEAD_PER_WORKER * workers

    def units(self, jobs: list[tuple[str, list[tuple[str, str]]]]) -> Iterator[tuple[Made, list[Draft]]]:
        """Each unit of `jobs` (locale tag, its units to render as (slug, unit key)) with its drafts, in order."""
        chunks = [(tag, todo[i:i + CHUNK]) for tag, todo in jobs for i in range(0, len(todo), CHUNK)]
        if self.executor is None:
            for tag, chunk in chunks:
                yield from self.renderer.unit_drafts(tag, chunk)
            return
        waiting = iter(chunks)
        pending: deque[Future[Rendered]] = deque()
        for tag, chunk in waiting:
            pending.append(self.executor.submit(_job, tag, chunk))
            if len(pending) >= self.ahead:
                break
        while pending:
            done = pending.popleft().result()
            following = next(waiting, None)
            if following is not None:
                pending.append(self.executor.submit(_job, *following))
            yield from done

    def close(self) -> None:
        global _renderer, _prepare  # noqa: PLW0603  # the build is over: do not keep it alive
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            _renderer = _prepare = None
