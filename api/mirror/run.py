"""One mirror run: list each language, revalidate or fetch every article, verify, switch over."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import math
import os
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TextIO, TypedDict, Unpack

import httpx

from api.mirror.client import Client, Limits
from api.mirror.errors import MirrorError, OutOfTime, ResponseError, Unreachable, UsageError
from api.mirror.handouts import fetch_handouts
from api.mirror.listing import Listing, article_url, list_articles, server_languages
from api.mirror.manifest import Entry, JsonObject, ListingPage, Manifest
from api.mirror.report import Progress
from api.mirror.result import Result
from api.mirror.store import Staged, Store
from api.mirror.text import canonical_tag, printable
from api.mirror.verify import check_article, sanitize

FULL_LISTING_DAYS = 7
DEFAULT_TIMEOUT = 30.0  # seconds for one whole response
DEFAULT_DEADLINE = 1800.0  # seconds for the whole run: a daily cron run must end long before the next one


@functools.cache
def user_agent() -> str:
    """Looked up on first use: importing the mirror reads no package metadata."""
    try:
        ours = version("bothand")
    except PackageNotFoundError:  # pragma: no cover - running from a checkout without install
        ours = "0"
    return f"bothand-mirror/{ours} (+https://github.com/bothand/bothand) httpx/{httpx.__version__}"


class Options(TypedDict, total=False):
    state_dir: str | os.PathLike[str] | None  # default: .<DIR name>.mirror-state beside DIR
    allow_http: bool  # plain http (tests, a LAN); refused otherwise
    concurrency: int  # requests at once (4)
    timeout: float  # seconds for one whole response, connect to last byte (30)
    deadline: float  # seconds for the whole run (1800)
    retries: int  # tries again on lost connections, timeouts, 429 and 5xx (3)
    backoff: float  # first wait between tries, doubled each time (1 s)
    full_listing: bool  # list every article, not only those updated since the last run
    limits: Limits
    transport: httpx.AsyncBaseTransport | None  # tests: an in-process server
    progress: TextIO | None  # a terminal to show a progress line on


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _object(value: object) -> JsonObject | None:
    return value if isinstance(value, dict) else None


def _first(group: BaseExceptionGroup[BaseException]) -> BaseException:
    """The exception that stopped a task group: the run stopping (deadline, server gone) if among them."""
    chosen: BaseException = group.subgroup((OutOfTime, Unreachable)) or group
    while isinstance(chosen, BaseExceptionGroup):
        chosen = chosen.exceptions[0]
    return chosen


class Mirror:
    def __init__(self, base_url: str, root: Path, **options: Unpack[Options]):
        parts = httpx.URL(base_url) if "://" in base_url else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.host or parts.userinfo:
            raise UsageError(f"'{printable(base_url)}' is not an http(s) URL (e.g. https://bothand.example)")
        self.result = Result()
        if parts.scheme == "http":
            if not options.get("allow_http"):
                raise UsageError(f"{printable(base_url)} is plain http: give an https URL (or --allow-http, "
                                 "only for a site on your own network)")
            self.result.warnings.append("plain http (--allow-http): anyone between here and the site can read and "
                                        "change what is mirrored, content_hash included")
        for name in ("timeout", "deadline"):
            value = options.get(name, 1.0)
            if not (isinstance(value, int | float) and 0 < value < math.inf):
                raise UsageError(f"{name} must be a number of seconds above 0, not {printable(value)}")
        self.base = str(parts.copy_with(query=None, fragment=None)).rstrip("/")
        state = options.get("state_dir")
        self.store = Store(root, Path(state) if state else None)
        self.options = options
        self.limits = options.get("limits") or Limits()
        self.progress = Progress(options.get("progress"))

    async def run(self, langs: Sequence[str] | None) -> Result:
        o = self.options
        deadline = o.get("deadline", DEFAULT_DEADLINE)
        self.client = Client(
            self.base, timeout=o.get("timeout", DEFAULT_TIMEOUT), retries=o.get("retries", 3),
            backoff=o.get("backoff", 1.0), concurrency=o.get("concurrency", 4), limits=self.limits,
            deadline=deadline, user_agent=user_agent(), transport=o.get("transport"),
        )
        errors = self.result.errors
        try:
            async with asyncio.timeout_at(self.client.deadline_at):
                with self.store.locked():
                    tags = ([canonical_tag(t) for t in langs] if langs
                            else await server_languages(self.client, self.base))
                    for lang in dict.fromkeys(tags):
                        try:
                            await self.mirror_language(lang)
                        except ResponseError as exc:
                            errors.append(f"{lang}: {exc}")
        except UsageError as exc:
            self.result.usage_error = True
            errors.append(str(exc))
        except Unreachable as exc:
            self.result.aborted = True
            errors.append(f"the server stopped answering: {exc}")
        except (OutOfTime, TimeoutError):  # TimeoutError: the run's own deadline (asyncio.timeout_at)
            self.result.aborted = True
            errors.append(f"stopped at the run's deadline ({deadline:g} s): what was not finished keeps its "
                          "previous copy")
        except MirrorError as exc:
            self.result.aborted = True
            errors.append(str(exc))
        except OSError as exc:  # the mirror folder: full disk, permissions
            self.result.aborted = True
            errors.append(f"cannot write the mirror: {printable(exc)}")
        except Exception as exc:  # a bug: still one line for cron, not a traceback
            self.result.aborted = True
            errors.append(f"internal error, please report: {type(exc).__name__}: {printable(exc)}")
        finally:
            await self.client.aclose()
            self.progress.show("")
            self.result.requests = self.client.requests
            self.result.transport_errors = self.client.transport_errors
        return self.result

    # -- one language ----------------------------------------------------------------------------

    async def mirror_language(self, lang: str) -> None:
        manifest = self.store.manifest(lang)
        same_site = manifest.source == self.base  # else the stored URLs and listings are another site's
        known = manifest.articles
        remembered = manifest.listings if known and same_site else {}
        since = manifest.updated_since if known else None
        cutoff = (dt.datetime.now(dt.UTC) - dt.timedelta(days=FULL_LISTING_DAYS)).isoformat()
        full = self.options.get("full_listing", False) or not since or (manifest.last_full_listing or "") < cutoff
        listing = await list_articles(self.client, self.base, lang, None if full else since, remembered)
        urls = {slug: e.json_url if same_site else article_url(self.base, slug, lang) for slug, e in known.items()}
        urls.update(listing.items)
        failed = self._refused(lang, listing, urls)
        fresh: dict[str, Staged] = {}
        outcomes = await self._fetch_all(lang, urls, known, listing, remembered, fresh)
        failed += [s for s, o in outcomes.items() if o == "error"]
        removed = []
        for slug in (s for s, o in outcomes.items() if o == "gone"):
            if slug in listing.items:
                self.result.errors.append(f"{lang}/{slug}: listed, but the article answers 404")
                failed.append(slug)
            elif slug in known:
                removed.append(slug)
        self._switch_over(manifest, remembered, fresh, removed, listing, ok=not failed)

    def _refused(self, lang: str, listing: Listing, urls: dict[str, str]) -> list[str]:
        """Listed articles whose URL is off the site: reported, not fetched, their previous copy kept."""
        for slug, why in sorted(listing.refused.items()):
            urls.pop(slug, None)
            self.result.errors.append(f"{lang}/{slug}: not fetched: {why}")
        return list(listing.refused)

    async def _fetch_all(
        self, lang: str, urls: dict[str, str], known: dict[str, Entry], listing: Listing,
        remembered: dict[str, ListingPage], fresh: dict[str, Staged],
    ) -> dict[str, str]:
        """slug -> fetched | not_modified | gone | error. A known article answering 404 is removed only
        if a full listing no longer has it: one is made then, and what it newly shows is fetched too."""
        staged = self.store.staged(lang)
        outcomes: dict[str, str] = {}

        async def one(slug: str) -> None:
            outcomes[slug] = await self.article(lang, slug, urls[slug], known.get(slug), staged, fresh)
            self.progress.show(f"{lang}: {len(outcomes)}/{len(urls)} articles")

        todo = sorted(urls)
        while todo:
            try:
                async with asyncio.TaskGroup() as group:
                    for slug in todo:
                        group.create_task(one(slug))
            except BaseExceptionGroup as group_error:
                raise _first(group_error) from None
            todo = []
            if any(o == "gone" for o in outcomes.values()) and not listing.full:
                more = await list_articles(self.client, self.base, lang, None, remembered)
                todo = sorted(s for s in more.items if s not in urls)  # found only by the full listing
                urls.update(more.items)
                listing.items.update(more.items)
                listing.pages.update(more.pages)
                listing.full = True
        return outcomes

    async def article(
        self, lang: str, slug: str, url: str, known: Entry | None, staged: dict[str, Staged],
        fresh: dict[str, Staged],
    ) -> str:
        key = f"{lang}/{slug}"
        previous = staged.get(slug)
        etag = previous.entry.etag if previous else None
        if previous is None and known is not None and self.store.has_copy(lang, slug):
            etag = known.etag  # only revalidate a copy that is really there (files deleted by hand)
        try:
            reply = await self.client.get(url, cap=self.limits.article_bytes, etag=etag, what="the article URL")
            if reply.status == 304 and etag:
                self.result.not_modified.append(key)
                if previous:  # an interrupted run's copy is current: use it
                    fresh[slug] = previous
                return "not_modified"
            if reply.status in (404, 410):
                return "gone"
            if reply.status != 200:
                raise ResponseError(f"{printable(url)} answered {reply.status}: {reply.detail()}")
            data = reply.json(self.limits.json_depth)
        except ResponseError as exc:
            self.result.errors.append(f"{key}: {exc}")
            return "error"
        problem = check_article(data, slug, lang)
        if problem or not isinstance(data, dict):
            self.result.errors.append(f"{key}: not stored: {problem}")
            return "error"
        try:
            handouts = await fetch_handouts(self.client, data, slug, self.limits.handout_bytes)
        except ResponseError as exc:
            self.result.errors.append(f"{key}: not stored: {exc}")
            return "error"
        fresh[slug] = self.store.stage(self._entry(data, slug, lang, url, reply.etag, list(handouts)), reply.body,
                                       sanitize(data["html"]), handouts)
        self.result.fetched.append(key)
        return "fetched"

    @staticmethod
    def _entry(data: JsonObject, slug: str, lang: str, url: str, etag: str | None, handouts: list[str]) -> Entry:
        title, translation = _object(data.get("title")) or {}, _object(data.get("translation")) or {}
        return Entry(
            slug=slug, lang=lang, content_hash=str(data["content_hash"]), json_url=url, etag=etag,
            updated=_text(data.get("updated")), published=_text(data.get("published")),
            reviewed=_text(data.get("reviewed")), fetched_at=_now(), title=_text(title.get("text")),
            review=_text(translation.get("review")), source_url=_text(data.get("canonical_url")),
            license=_text(data.get("license")), attribution=_object(data.get("attribution")),
            notice=_object(data.get("notice")), files={"json": f"{slug}.json", "html": f"{slug}.html", **{
                "large_print_pdf" if name.endswith(".large-print.pdf") else "pdf": name for name in handouts}},
        )

    def _switch_over(
        self, manifest: Manifest, remembered: dict[str, ListingPage], fresh: dict[str, Staged],
        removed: list[str], listing: Listing, ok: bool,
    ) -> None:
        """The language's new copy, current in one step. Only a run without failures moves the
        listing bookkeeping on: a failed new article must be listed again next time."""
        lang = manifest.lang
        articles = {**manifest.articles, **{slug: item.entry for slug, item in fresh.items()}}
        for slug in removed:
            articles.pop(slug, None)
        newest = max((a.updated or "" for a in articles.values()), default="") or None
        now = _now()
        # Listing ETags: the full listing's, and this run's updated_since ones (older dates never recur).
        listings = {u: p for u, p in {**remembered, **listing.pages}.items()
                    if u in listing.pages or "updated_since=" not in u}
        self.store.publish(Manifest(
            lang=lang, source=self.base, generator=user_agent(),
            updated_since=newest if ok else manifest.updated_since,
            last_full_listing=now if ok and listing.full else manifest.last_full_listing,
            last_success=now if ok else manifest.last_success, last_run=now,
            listings=listings if ok else {}, articles=articles,
        ), fresh)
        self.result.removed.extend(f"{lang}/{slug}" for slug in removed)
        self.result.languages.append(lang)


async def amirror(
    base_url: str, dir: str | os.PathLike[str], langs: Sequence[str] | None = None, **options: Unpack[Options]
) -> Result:
    """Mirror `langs` (None: every language the server lists) from base_url into dir."""
    try:
        mirror_ = Mirror(base_url, Path(dir), **options)
    except (UsageError, httpx.InvalidURL) as exc:
        return Result(errors=[printable(exc)], usage_error=True)
    return await mirror_.run(langs)
