"""``bothand mirror``: keep a verified local copy of every article in chosen languages.

Built on the public HTTP contract only (so it works against the app and a static export):

* **Listing** per language: ``/api/v1/articles?lang=&per_page=100``, following RFC 8288
  ``Link: rel="next"``. After a successful run the next one asks only for
  ``updated_since=<newest updated date it has seen>`` (a date the server wrote, so no clock
  skew), to discover new and changed articles quickly. A full listing is made on the first
  run, when the server refuses ``updated_since`` (400), every ``FULL_LISTING_DAYS`` days (an
  article published with an old ``updated`` date is found then), and whenever a known article
  answers 404: removal is decided only by a full listing. Listing pages are revalidated with
  their ETags too.
* **Articles**: every known article is revalidated with ``If-None-Match`` on every run (a 304
  costs almost nothing). ``updated_since`` alone cannot be trusted: a changed *translation*
  does not change the English ``updated`` date. Fetches run with bounded concurrency.
* **Verification**: an article is stored only if it is the slug and language asked for, its
  ``content_hash`` recomputed from the JSON (:mod:`api.contenthash`) matches, and it carries
  the crisis block. Otherwise the previous copy stays and the run reports an error.
* **Files**, per language ``DIR/<lang>/``: ``<slug>.json`` (the article JSON byte for byte as
  served), ``<slug>.html`` (its sanitized HTML fragment, the API's ``html`` field) and
  ``manifest.json`` (one entry per article: etag, content_hash, updated, fetched_at, review,
  source URL, license, attribution, notice). New copies are first written to
  ``DIR/.staging/<lang>/``; a language is switched over (each file by an atomic rename, the
  manifest last) only when its run finished, so an interrupted run leaves the previous mirror as
  it was, and the next run revalidates what was staged (304) instead of downloading it again.
* **Network**: timeouts, retries with exponential backoff on 429/5xx and connection errors,
  honouring ``Retry-After``; a ``User-Agent`` naming the tool; a progress line on a terminal.

Exit statuses (``Result.exit_status``): 0 everything mirrored and verified; 1 partial failure
(some articles or languages failed; their previous copies are kept); 2 usage error or total
failure (nothing could be mirrored).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import email.utils
import fcntl
import json
import os
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote, urlencode, urljoin, urlsplit

import httpx

from api.contenthash import content_hash
from api.negotiation import normalize_tag

MANIFEST_FORMAT = 1
PER_PAGE = 100
FULL_LISTING_DAYS = 7
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 120.0  # seconds; a longer Retry-After is capped rather than obeyed
TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,120}$")


def _user_agent() -> str:
    try:
        ours = version("bothand")
    except PackageNotFoundError:  # pragma: no cover - running from a checkout without install
        ours = "0"
    return f"bothand-mirror/{ours} (+https://github.com/bothand/bothand) httpx/{httpx.__version__}"


USER_AGENT = _user_agent()


class MirrorError(Exception):
    """A language cannot be mirrored this run (its previous copy is kept)."""


class Unreachable(Exception):
    """The server stopped answering: the run stops, nothing unfinished is switched over."""


class UsageError(Exception):
    """Bad arguments: nothing was attempted."""


@dataclass(frozen=True)
class RequestRecord:
    method: str
    url: str
    conditional: bool  # sent If-None-Match
    status: int


@dataclass
class Result:
    """What a run did. Article keys are ``"<lang>/<slug>"``."""

    fetched: list[str] = field(default_factory=list)  # new or changed copies stored
    not_modified: list[str] = field(default_factory=list)  # answered 304: the copy is current
    removed: list[str] = field(default_factory=list)  # gone upstream, deleted here
    errors: list[str] = field(default_factory=list)  # human-readable, one per failure
    languages: list[str] = field(default_factory=list)  # languages switched over to this run's copy
    requests: list[RequestRecord] = field(default_factory=list)  # every HTTP response, retries included
    transport_errors: int = 0  # connection failures and timeouts (each retried)
    aborted: bool = False  # the server stopped answering mid-run
    usage_error: bool = False

    @property
    def statuses(self) -> Counter[int]:
        return Counter(r.status for r in self.requests)

    @property
    def exit_status(self) -> int:
        if self.usage_error or (self.aborted and not self.languages) or (self.errors and not self.languages):
            return 2
        return 1 if self.errors or self.aborted else 0

    def summary(self) -> str:
        return (f"{len(self.fetched)} fetched, {len(self.not_modified)} not modified, {len(self.removed)} removed, "
                f"{len(self.errors)} error(s), {len(self.requests)} request(s)")


def canonical_tag(tag: str) -> str:
    """BCP 47 case conventions: `pt-br` -> `pt-BR`, `zh-hant` -> `zh-Hant` (the server's own normalizer)."""
    normalized = normalize_tag(tag) if TAG.match(tag) else None
    if normalized is None:
        raise UsageError(f"{tag!r} is not a BCP 47 language tag (e.g. es, pt-BR, zh-Hant)")
    return normalized


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def write_atomic(path: Path, data: bytes) -> None:
    """Replace path with data: readers see the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)  # a portal's web server must be able to read it
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _dump(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_bytes())
    except (FileNotFoundError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


@contextlib.contextmanager
def _locked(root: Path) -> Iterator[None]:
    """One run at a time per mirror folder (a slow run and the next cron run must not interleave)."""
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".lock").open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UsageError(f"another mirror run is using {root}") from None
        yield


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def verify(data: Any, slug: str, lang: str) -> str | None:
    """Why an article must not be stored, or None if it may."""
    if not isinstance(data, dict):
        return "not a JSON object"
    if data.get("slug") != slug or data.get("lang") != lang:
        return f"answered {data.get('lang')}/{data.get('slug')} instead"
    if data.get("content_hash") != content_hash(data):
        return "content_hash does not match the content (damaged or altered in transit)"
    crisis = data.get("crisis")
    resources = crisis.get("resources") if isinstance(crisis, dict) else None
    heading = crisis.get("heading") if isinstance(crisis, dict) else None
    if not (isinstance(heading, dict) and heading.get("text") and isinstance(resources, list) and resources
            and all(isinstance(r, dict) and (r.get("name") or {}).get("text") for r in resources)
            and any(r.get("contacts") for r in resources)):
        return "the crisis block is missing or empty"
    if not isinstance(data.get("html"), str):
        return "the html fragment is missing"
    return None


@dataclass
class _Staged:
    entry: dict[str, Any]
    json_path: Path
    html_path: Path


class Mirror:
    def __init__(
        self,
        base_url: str,
        root: Path,
        *,
        concurrency: int = 4,
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 1.0,
        transport: httpx.AsyncBaseTransport | None = None,
        progress: TextIO | None = None,
        full_listing: bool = False,
    ):
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UsageError(f"{base_url!r} is not an http(s) URL")
        self.base = base_url.rstrip("/")
        self.root = root
        self.concurrency = max(1, concurrency)
        self.retries = retries
        self.backoff = backoff
        self.full_listing = full_listing
        self.progress = progress
        self.result = Result()
        self.client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            follow_redirects=True,
            transport=transport,
            limits=httpx.Limits(max_connections=self.concurrency),
            event_hooks={"response": [self._record]},
        )
        self._semaphore = asyncio.Semaphore(self.concurrency)

    async def _record(self, response: httpx.Response) -> None:
        request = response.request
        self.result.requests.append(
            RequestRecord(request.method, str(request.url), "if-none-match" in request.headers, response.status_code)
        )

    async def get(self, url: str, etag: str | None = None) -> httpx.Response:
        """GET with retries: connection errors, timeouts, 429 and 5xx, waiting as Retry-After asks."""
        headers = {"If-None-Match": etag} if etag else {}
        for attempt in range(self.retries + 1):
            wait = self.backoff * 2**attempt
            try:
                async with self._semaphore:
                    response = await self.client.get(url, headers=headers)
            except httpx.TransportError as exc:
                self.result.transport_errors += 1
                if attempt == self.retries:
                    raise Unreachable(f"{url}: {type(exc).__name__}: {exc or 'no answer'}") from exc
            else:
                if response.status_code not in RETRY_STATUSES or attempt == self.retries:
                    return response
                wait = min(_retry_after(response) or wait, MAX_RETRY_AFTER)
            await asyncio.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover - the loop always returns or raises

    # -- the whole run ---------------------------------------------------------------------------

    async def run(self, langs: Sequence[str] | None) -> Result:
        try:
            with _locked(self.root):
                tags = [canonical_tag(t) for t in langs] if langs else await self.server_languages()
                for lang in dict.fromkeys(tags):
                    try:
                        await self.mirror_language(lang)
                    except MirrorError as exc:
                        self.result.errors.append(f"{lang}: {exc}")
        except UsageError as exc:
            self.result.usage_error = True
            self.result.errors.append(str(exc))
        except Unreachable as exc:
            self.result.aborted = True
            self.result.errors.append(f"the server stopped answering: {exc}")
        except OSError as exc:  # the mirror folder: full disk, permissions
            self.result.aborted = True
            self.result.errors.append(f"cannot write the mirror: {exc}")
        finally:
            await self.client.aclose()
            self._show("")
        return self.result

    async def server_languages(self) -> list[str]:
        try:
            response = await self.get(self.base + "/api/v1/locales")
            tags = [str(loc["tag"]) for loc in response.json()["locales"]] if response.status_code == 200 else []
        except (ValueError, KeyError, TypeError):
            tags = []
        if not tags:
            raise UsageError(f"{self.base}/api/v1/locales did not list any language")
        return [canonical_tag(t) for t in tags]

    # -- one language ----------------------------------------------------------------------------

    async def mirror_language(self, lang: str) -> None:
        folder = self.root / lang
        staging = self.root / ".staging" / lang
        manifest = _load(folder / "manifest.json")
        known: dict[str, dict[str, Any]] = manifest.get("articles", {}) if manifest.get("lang") == lang else {}
        listings: dict[str, Any] = manifest.get("listings", {}) if known else {}
        since = manifest.get("updated_since") if known else None
        last_full = str(manifest.get("last_full_listing") or "")
        stale = last_full < (dt.datetime.now(dt.UTC) - dt.timedelta(days=FULL_LISTING_DAYS)).isoformat()
        full = self.full_listing or not since or stale
        new_listings: dict[str, Any] = {}

        listed, full = await self.list_articles(lang, None if full else since, listings, new_listings)
        urls = {slug: entry.get("json_url") or self._article_url(slug, lang) for slug, entry in known.items()}
        urls.update(listed)
        staged = self._staged(staging)
        outcomes: dict[str, str] = {}  # slug -> fetched | not_modified | gone | error
        fresh: dict[str, _Staged] = {}

        async def one(slug: str) -> None:
            outcomes[slug] = await self.article(lang, slug, urls[slug], known.get(slug), staged, staging, fresh)
            self._show(f"{lang}: {len(outcomes)}/{len(urls)} articles")

        todo = sorted(urls)
        while todo:
            try:
                async with asyncio.TaskGroup() as group:
                    for slug in todo:
                        group.create_task(one(slug))
            except ExceptionGroup as group_error:
                raise _first(group_error) from None
            gone = [s for s, o in outcomes.items() if o == "gone"]
            todo = []
            if gone and not full:  # removal is decided by a full listing only
                more, full = await self.list_articles(lang, None, listings, new_listings)
                todo = sorted(s for s in more if s not in urls)  # found only by the full listing
                urls.update(more)
                listed.update(more)

        failed = [s for s, o in outcomes.items() if o == "error"]
        removed = []
        for slug in (s for s, o in outcomes.items() if o == "gone"):
            if slug in listed:
                self.result.errors.append(f"{lang}/{slug}: listed, but the article answers 404")
                failed.append(slug)
            elif slug in known:
                removed.append(slug)
        self._switch_over(lang, folder, staging, manifest, known, fresh, removed, new_listings, full,
                          ok=not failed)

    def _article_url(self, slug: str, lang: str) -> str:
        return f"{self.base}/api/v1/articles/{quote(slug)}?{urlencode({'lang': lang})}"

    async def list_articles(
        self, lang: str, since: str | None, old: dict[str, Any], new: dict[str, Any]
    ) -> tuple[dict[str, str], bool]:
        """slug -> article JSON URL, following Link paging; and whether this was a full listing."""
        params = {"lang": lang, "per_page": PER_PAGE, **({"updated_since": since} if since else {})}
        url: str | None = f"{self.base}/api/v1/articles?{urlencode(params)}"
        found: dict[str, str] = {}
        seen: set[str] = set()
        while url and url not in seen:
            seen.add(url)
            remembered = old.get(url)
            response = await self.get(url, remembered["etag"] if remembered else None)
            if response.status_code == 304 and remembered:
                page = remembered
            elif response.status_code == 400 and since:
                return await self.list_articles(lang, None, old, new)  # e.g. a static export
            elif response.status_code != 200:
                raise MirrorError(f"listing {url} answered {response.status_code}: {_detail(response)}")
            else:
                page = self._listing_page(response, url, lang)
            new[url] = page
            found.update(page["items"])
            url = page["next"]
        return found, since is None

    def _listing_page(self, response: httpx.Response, url: str, lang: str) -> dict[str, Any]:
        try:
            body = response.json()
            served = body.get("lang", lang)
            items = {
                str(a["slug"]): urljoin(url, str(a.get("urls", {}).get("json") or self._article_url(a["slug"], lang)))
                for a in body["articles"]
            }
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise MirrorError(f"listing {url} is not an article list ({exc})") from None
        if served != lang:
            raise MirrorError(f"asked for {lang}, the listing is in {served}")
        bad = [s for s in items if not SLUG.match(s)]
        if bad:
            raise MirrorError(f"listing has unusable slugs {bad[:3]}")
        link = response.links.get("next", {}).get("url")
        return {"etag": response.headers.get("etag"), "items": items, "next": urljoin(url, link) if link else None}

    def _staged(self, staging: Path) -> dict[str, _Staged]:
        """Copies an interrupted run fetched and verified but never switched over."""
        out = {}
        for meta in staging.glob("*.meta.json"):
            entry = _load(meta)
            slug = str(entry.get("slug", ""))
            item = _Staged(entry, staging / f"{slug}.json", staging / f"{slug}.html")
            if SLUG.match(slug) and entry.get("etag") and item.json_path.exists() and item.html_path.exists():
                out[slug] = item
        return out

    async def article(
        self,
        lang: str,
        slug: str,
        url: str,
        known: dict[str, Any] | None,
        staged: dict[str, _Staged],
        staging: Path,
        fresh: dict[str, _Staged],
    ) -> str:
        key = f"{lang}/{slug}"
        previous = staged.get(slug)
        etag = None
        if previous:
            etag = previous.entry["etag"]
        elif known and all((self.root / lang / f"{slug}.{ext}").exists() for ext in ("json", "html")):
            etag = known.get("etag")  # only revalidate a copy that is really there (files deleted by hand)
        response = await self.get(url, etag)
        if response.status_code == 304 and etag:
            self.result.not_modified.append(key)
            if previous:  # an interrupted run's copy is current: use it
                fresh[slug] = previous
            return "not_modified"
        if response.status_code in (404, 410):
            return "gone"
        if response.status_code != 200:
            self.result.errors.append(f"{key}: {url} answered {response.status_code}: {_detail(response)}")
            return "error"
        try:
            data = response.json()
        except ValueError:
            data = None
        problem = verify(data, slug, lang)
        if problem:
            self.result.errors.append(f"{key}: not stored: {problem}")
            return "error"
        entry = {
            "slug": slug,
            "lang": lang,
            "etag": response.headers.get("etag"),
            "content_hash": data["content_hash"],
            "updated": data.get("updated"),
            "published": data.get("published"),
            "reviewed": data.get("reviewed"),
            "fetched_at": _now(),
            "title": (data.get("title") or {}).get("text"),
            "review": (data.get("translation") or {}).get("review"),
            "source_url": data.get("canonical_url"),
            "json_url": url,
            "license": data.get("license"),
            "attribution": data.get("attribution"),
            "notice": data.get("notice"),
            "files": {"json": f"{slug}.json", "html": f"{slug}.html"},
        }
        item = _Staged(entry, staging / f"{slug}.json", staging / f"{slug}.html")
        write_atomic(item.json_path, response.content)
        write_atomic(item.html_path, data["html"].encode("utf-8"))
        write_atomic(staging / f"{slug}.meta.json", _dump(entry))  # last: marks the copy complete
        fresh[slug] = item
        self.result.fetched.append(key)
        return "fetched"

    def _switch_over(
        self,
        lang: str,
        folder: Path,
        staging: Path,
        manifest: dict[str, Any],
        known: dict[str, dict[str, Any]],
        fresh: dict[str, _Staged],
        removed: list[str],
        listings: dict[str, Any],
        full: bool,
        ok: bool,
    ) -> None:
        """Move this run's copies into place, each by an atomic rename, then the manifest."""
        articles = dict(known)
        folder.mkdir(parents=True, exist_ok=True)
        for slug, item in sorted(fresh.items()):
            os.replace(item.html_path, folder / f"{slug}.html")
            os.replace(item.json_path, folder / f"{slug}.json")
            articles[slug] = item.entry
        for slug in removed:
            articles.pop(slug, None)
            for name in (f"{slug}.json", f"{slug}.html"):
                with contextlib.suppress(FileNotFoundError):
                    (folder / name).unlink()
            self.result.removed.append(f"{lang}/{slug}")
        newest = max((str(a.get("updated") or "") for a in articles.values()), default="") or None
        now = _now()
        out = {
            "format": MANIFEST_FORMAT,
            "generator": USER_AGENT,
            "source": self.base,
            "lang": lang,
            # Only a run without failures moves these on: a failed new article must be listed again.
            "updated_since": newest if ok else manifest.get("updated_since"),
            "last_full_listing": now if ok and full else manifest.get("last_full_listing"),
            "last_success": now if ok else manifest.get("last_success"),
            "last_run": now,
            # Listing ETags: the full listing's, and this run's updated_since ones (older dates never recur).
            "listings": {u: p for u, p in {**manifest.get("listings", {}), **listings}.items()
                         if u in listings or "updated_since=" not in u} if ok else {},
            "articles": {slug: articles[slug] for slug in sorted(articles)},
        }
        write_atomic(folder / "manifest.json", _dump(out))
        for leftover in staging.glob("*"):
            leftover.unlink()
        with contextlib.suppress(OSError):
            staging.rmdir()
        self.result.languages.append(lang)

    def _show(self, line: str) -> None:
        if self.progress is not None:
            self.progress.write("\r\x1b[2K" + line)
            self.progress.flush()


def _first(group: ExceptionGroup[Exception]) -> Exception:
    """The exception that stopped a task group: the server going away if that was among them."""
    chosen: Exception = group.subgroup(Unreachable) or group
    while isinstance(chosen, ExceptionGroup):
        chosen = chosen.exceptions[0]
    return chosen


def _detail(response: httpx.Response) -> str:
    """The problem+json detail if there is one, else the start of the body."""
    try:
        body = response.json()
        if isinstance(body, dict) and body.get("detail"):
            return str(body["detail"])
    except ValueError:
        pass
    return response.text[:200].strip() or response.reason_phrase


async def amirror(
    base_url: str,
    dir: str | os.PathLike[str],
    langs: Sequence[str] | None = None,
    **options: Any,
) -> Result:
    """Mirror `langs` (None: every language the server lists) from base_url into dir."""
    try:
        mirror_ = Mirror(base_url, Path(dir), **options)
    except UsageError as exc:
        return Result(errors=[str(exc)], usage_error=True)
    return await mirror_.run(langs)


def mirror(
    base_url: str,
    dir: str | os.PathLike[str],
    langs: Sequence[str] | None = None,
    **options: Any,
) -> Result:
    """The synchronous form of :func:`amirror` (options: concurrency, timeout, retries, backoff, ...).

    Callable from code that already runs an event loop (a notebook, a sync framework driven by one):
    then the mirror runs on its own loop in a worker thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(amirror(base_url, dir, langs, **options))
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, amirror(base_url, dir, langs, **options)).result()


def report(result: Result, verbose: bool = False, out: TextIO | None = None, err: TextIO | None = None) -> None:
    """What a person (or cron's mail) should read: removals and errors always, the summary on request."""
    out, err = out or sys.stdout, err or sys.stderr
    for key in result.removed:
        print(f"removed {key} (gone upstream)", file=out)
    for message in result.errors:
        print(f"error: {message}", file=err)
    if verbose:
        print(result.summary(), file=out)

