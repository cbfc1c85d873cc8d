"""Handouts as resources of the build (issue 25): for every article x locale, the handout and the
large-print handout with the help-now block of no country, of each country with lines in crisis.yaml
(`?country=CA`), and of "any other country" (`!handout-other/...`, which a view picks for `?country=MX`):
exactly the variants the embeds have (api/build/helpnow.py).

Rendering is the costly part (about 25 ms a handout, and Typst holds the GIL, so threads do not help):
handouts are rendered in a process pool (api.core.settings.build_workers(); the forkserver context,
never fork: in `make serve` the build runs in a thread of the server). A handout is a pure function of
its inputs, so the bytes are the same whichever process, and however many, rendered it.

Reuse: each handout's inputs key (what it shows: the article's title, dates, notice, blocks,
attribution, licence and URL, the help-now block, the labels, the paper and the size; the code, the
Typst template and the fonts' package are in the key base, api/build/inputs.py) maps to its ETag, size
and page count in `handouts.msgpack` beside the snapshot. A handout whose key the previous build has is
that snapshot's stored body (api/build/store.py), neither rendered nor compressed again: a one-segment
edit renders only that article x locale's handouts.
"""

from __future__ import annotations

import hashlib
import io
import multiprocessing
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field

import msgspec
import pikepdf

from api.build import store
from api.build.helpnow import HelpNow
from api.build.page import Page
from api.core import models as m
from api.core.locales import Locale, make_locale
from api.core.resources import OTHER, handout_address
from api.core.routes import Address
from api.core.settings import build_workers
from api.core.snapshot import Draft, Stored, etag_of
from api.core.urls import URLs

from .labels import HandoutLabels, handout_labels
from .render import MEDIA_TYPE, Paper, default_paper, render_handout

MEMO = "handouts.msgpack"  # in the snapshot folder: inputs key -> Made
AHEAD_PER_WORKER = 8  # handouts submitted ahead of the one the build waits for: workers never idle, memory flat
POOL_AFTER = 16  # render in this process until a build has this many to render: a pool's start costs more


class Made(msgspec.Struct, frozen=True, array_like=True):
    """What the previous build made from a key: the body's ETag (to find it in that snapshot), its
    size and page count (the API's `bytes` and `pages`, which a reused body is not opened for)."""

    etag: str
    size: int
    pages: int


class Job(msgspec.Struct, frozen=True):
    """One handout to render, as a worker receives it (msgpack: the models are msgspec Structs)."""

    tag: str
    article: m.Article
    crisis: m.Crisis
    labels: HandoutLabels
    paper: Paper
    large_print: bool


def _as_str(value: object) -> object:
    if isinstance(value, str):  # Markup: our renderer's sanitized HTML travels as the plain string it is
        return str(value)
    raise NotImplementedError(f"cannot encode {type(value).__name__}")


_PACK = msgspec.msgpack.Encoder(enc_hook=_as_str, order="deterministic")
_JOBS = msgspec.msgpack.Decoder(Job)
_MADE = msgspec.msgpack.Decoder(dict[str, Made])


def render_job(job: bytes) -> tuple[bytes, int]:
    """In a worker (or this process): a handout's bytes and its page count."""
    j = _JOBS.decode(job)
    pdf = render_handout(j.article, make_locale(j.tag), j.crisis, j.labels, j.paper, j.large_print)
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return pdf, len(doc.pages)


class _Inline(Future[tuple[bytes, int]]):
    """A handout rendered in this process, when it is first asked for."""

    def __init__(self, job: bytes):
        super().__init__()
        self.job = job

    def result(self, timeout: float | None = None) -> tuple[bytes, int]:
        if not self.done():
            self.set_result(render_job(self.job))
        return super().result(timeout)


@dataclass
class _Unit:
    """One handout of the build: where it goes, its key, and its body (stored, or being rendered)."""

    address: Address
    key: str
    large_print: bool
    index: int = -1  # its place in the locale's queue of handouts to render
    stored: tuple[Stored, Made] | None = None
    job: bytes = b""
    future: Future[tuple[bytes, int]] | None = field(default=None, repr=False)


class Handouts:
    """The handouts of one build, one locale at a time (the order the builder walks them in)."""

    def __init__(self, enabled: bool, urls: URLs, help_now: HelpNow, base: str,
                 previous: store.Previous | None, workers: int | None = None):
        self.enabled = enabled
        self.urls = urls
        self.help_now = help_now
        self.base = base
        self.previous = previous
        self.workers = workers or build_workers()
        self.old = _read_memo(previous)
        self.made: dict[str, Made] = {}
        self.rendered = self.reused = 0
        self.pool: Executor | None = None
        self.tag = ""
        self.units: dict[str, list[_Unit]] = {}  # this locale's, by slug
        self.queue: list[_Unit] = []  # this locale's units to render, in the build's order
        self.submitted = 0
        self.held: list[_Unit] = []  # country handouts not yet handed to the builder (see `of`)
        self.listed: dict[tuple[str, str], list[m.Handout]] = {}  # (tag, slug) -> the API's `handouts`

    # The builder's calls -------------------------------------------------------------------------
    def start(self, page: Page) -> None:
        """A locale begins: find what the previous snapshot has, queue the rest, and set the pool to work
        at once, while the builder renders the locale's first pages."""
        if self.enabled:
            self._start(page)
            self._submit_through(AHEAD_PER_WORKER * self.workers - 1)

    def of(self, page: Page, article: m.Article) -> tuple[m.Article, list[Draft]]:
        """The article with its `handouts` (its two handouts without a country, waited for), and as drafts
        those two and the country handouts held back from the article before: held one article (or to the
        end of the locale, :meth:`rest`), so the pool renders them while the builder renders pages."""
        if not self.enabled:
            return article, []
        if page.loc.tag != self.tag:
            self.start(page)
        drafts = self.rest()
        for unit in self.units.pop(article.slug):
            if unit.address.route not in ("handout", "handout_large") or unit.address.get("country"):
                self.held.append(unit)
                continue
            drafts.append(self._draft(unit))
            made = self.made[unit.key]
            self.listed.setdefault((page.loc.tag, article.slug), []).append(m.Handout(
                url=self.urls.absolute(unit.address.key), media_type=MEDIA_TYPE, bytes=made.size,  # type: ignore[arg-type]
                pages=made.pages, paper=default_paper(page.loc), large_print=unit.large_print))
        return self.attach(page.loc, article), drafts

    def rest(self) -> list[Draft]:
        """The handouts held back, as drafts (the builder takes them at the end of each locale)."""
        held, self.held = self.held, []
        return [self._draft(unit) for unit in held]

    def attach(self, loc: Locale, article: m.Article) -> m.Article:
        """The article with the `handouts` this build made for it (unchanged when it made none)."""
        listed = self.listed.get((loc.tag, article.slug))
        return msgspec.structs.replace(article, handouts=listed) if listed else article

    def files(self) -> dict[str, bytes]:
        """What the snapshot keeps for the next build."""
        return {MEMO: msgspec.msgpack.encode(self.made)} if self.enabled else {}

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    # Inside ---------------------------------------------------------------------------------------
    def _start(self, page: Page) -> None:
        """Every handout of a locale: reused from the previous snapshot, or queued to render."""
        loc = page.loc
        self.tag, self.units, self.queue, self.submitted = loc.tag, {}, [], 0
        blocks = self.help_now.locale_blocks(page)
        labels = handout_labels(page.cats.ui)
        paper = default_paper(loc)
        chosen = ["", *self.help_now.countries, OTHER]  # no country, each with lines, any other: as the embeds
        crisis_digest = {country: _digest(blocks[country]) for country in chosen}
        fixed = f"{self.base}\0{loc.tag}\0{_digest(labels)}\0{paper}\0"
        for article in page.articles:
            shown = _digest([article.title, article.published, article.updated, article.reviewed, article.notice,
                             article.blocks, article.attribution, article.license, article.canonical_url])
            units = self.units[article.slug] = []
            for country in chosen:
                for large in (False, True):
                    key = hashlib.sha256(f"{fixed}{shown}\0{crisis_digest[country]}\0{large}".encode()).hexdigest()
                    unit = _Unit(handout_address(loc, article.slug, country or None, large), key, large)
                    old = self.old.get(key)
                    found = self.previous.stored(old.etag) if old is not None and self.previous else None
                    if found is not None and old is not None:
                        unit.stored = (found, old)
                    else:
                        unit.job = _PACK.encode(Job(tag=loc.tag, article=article, crisis=blocks[country],
                                                              labels=labels, paper=paper, large_print=large))
                        unit.index = len(self.queue)
                        self.queue.append(unit)
                    units.append(unit)

    def _draft(self, unit: _Unit) -> Draft:
        body, made = self._body(unit)
        self.made[unit.key] = made
        return Draft(unit.address, body, MEDIA_TYPE, unit.address.get("lang"))

    def _body(self, unit: _Unit) -> tuple[bytes | Stored, Made]:
        if unit.stored is not None:
            self.reused += 1
            return unit.stored
        self._submit_through(unit.index + AHEAD_PER_WORKER * self.workers)
        assert unit.future is not None  # noqa: S101  # submitted just above (the queue is in the build's order)
        pdf, pages = unit.future.result()
        unit.future, unit.job = None, b""
        self.rendered += 1
        return pdf, Made(etag_of(pdf), len(pdf), pages)

    def _submit_through(self, last: int) -> None:
        """Hand the queued handouts up to `last` to the pool, in order; or, for a build that renders only
        a few, to this process (lazily: an _Inline renders when its result is asked for)."""
        while self.submitted <= min(last, len(self.queue) - 1):
            unit = self.queue[self.submitted]
            left = len(self.queue) - self.submitted
            pool = self.workers > 1 and (self.pool is not None or not self.old or self.rendered + left >= POOL_AFTER)
            unit.future = self._executor().submit(render_job, unit.job) if pool else _Inline(unit.job)
            self.submitted += 1

    def _executor(self) -> Executor:
        if self.pool is None:
            # forkserver: workers start from a clean process that imported the renderer once (never
            # fork a process whose other threads, the server's, may hold locks).
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["api.build.handouts.drafts"])
            self.pool = ProcessPoolExecutor(self.workers, mp_context=context)
        return self.pool


def _digest(value: object) -> str:
    return hashlib.sha256(_PACK.encode(value)).hexdigest()


def _read_memo(previous: store.Previous | None) -> dict[str, Made]:
    if previous is None:
        return {}
    try:
        return _MADE.decode((previous.folder / MEMO).read_bytes())
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        return {}
