"""``manifest.json``: what a mirrored language holds, typed.

One per language, ``DIR/<lang>/manifest.json``: an entry per article (what a portal shows next
to it: source URL, license, attribution, translation notice; and what the next run revalidates
with: etag, content_hash, the JSON URL), plus the run's bookkeeping (the newest ``updated`` date
seen, when the last full listing was, the listing pages' ETags). A manifest that cannot be read
is treated as none: the next run lists and fetches everything again.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

FORMAT = 1
JsonObject = dict[str, object]


def _str(data: JsonObject, key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) else None


def _object(data: JsonObject, key: str) -> JsonObject | None:
    value = data.get(key)
    return value if isinstance(value, dict) else None


@dataclass(frozen=True)
class Entry:
    """One stored article."""

    slug: str
    lang: str
    content_hash: str
    json_url: str
    etag: str | None = None
    updated: str | None = None
    published: str | None = None
    reviewed: str | None = None
    fetched_at: str | None = None
    title: str | None = None
    review: str | None = None  # the translation's review state: draft, reviewed, ...
    source_url: str | None = None  # the article on the site: link to it
    license: str | None = None
    attribution: JsonObject | None = None
    notice: JsonObject | None = None  # the translation notice to show, or null
    files: dict[str, str] = field(default_factory=dict)  # json, html: file names in the language folder

    @classmethod
    def parse(cls, data: object) -> Entry | None:
        if not isinstance(data, dict):
            return None
        slug, lang, digest, url = (_str(data, k) for k in ("slug", "lang", "content_hash", "json_url"))
        if not (slug and lang and digest and url):
            return None
        files = data.get("files")
        return cls(
            slug=slug, lang=lang, content_hash=digest, json_url=url, etag=_str(data, "etag"),
            updated=_str(data, "updated"), published=_str(data, "published"), reviewed=_str(data, "reviewed"),
            fetched_at=_str(data, "fetched_at"), title=_str(data, "title"), review=_str(data, "review"),
            source_url=_str(data, "source_url"), license=_str(data, "license"),
            attribution=_object(data, "attribution"), notice=_object(data, "notice"),
            files={str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {},
        )


@dataclass(frozen=True)
class ListingPage:
    """One listing page as last seen: revalidated with its ETag, reused on a 304."""

    etag: str | None
    items: dict[str, str]  # slug -> article JSON URL
    next: str | None

    @classmethod
    def parse(cls, data: object) -> ListingPage | None:
        if not isinstance(data, dict) or not isinstance(data.get("items"), dict):
            return None
        items = {str(k): str(v) for k, v in data["items"].items()}
        return cls(etag=_str(data, "etag"), items=items, next=_str(data, "next"))


@dataclass(frozen=True)
class Manifest:
    lang: str
    source: str = ""
    generator: str = ""
    format: int = FORMAT
    updated_since: str | None = None  # the newest `updated` date of the last successful run
    last_full_listing: str | None = None
    last_success: str | None = None
    last_run: str | None = None
    listings: dict[str, ListingPage] = field(default_factory=dict)  # listing URL -> page
    articles: dict[str, Entry] = field(default_factory=dict)  # slug -> entry

    @classmethod
    def load(cls, path: Path, lang: str) -> Manifest:
        """The manifest at `path` if it is one for `lang`, else an empty one."""
        try:
            data = json.loads(path.read_bytes())
        except (OSError, ValueError, RecursionError):
            return cls(lang)
        if not isinstance(data, dict) or data.get("lang") != lang:
            return cls(lang)
        articles = {slug: e for slug, e in ((s, Entry.parse(v)) for s, v in _items(data, "articles"))
                    if e is not None and e.slug == slug and e.lang == lang}
        listings = {url: p for url, p in ((u, ListingPage.parse(v)) for u, v in _items(data, "listings"))
                    if p is not None}
        return cls(
            lang=lang, source=_str(data, "source") or "", generator=_str(data, "generator") or "",
            updated_since=_str(data, "updated_since"), last_full_listing=_str(data, "last_full_listing"),
            last_success=_str(data, "last_success"), last_run=_str(data, "last_run"),
            listings=listings, articles=articles,
        )

    def dumps(self) -> bytes:
        data = asdict(self)
        data["articles"] = {slug: data["articles"][slug] for slug in sorted(self.articles)}
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _items(data: JsonObject, key: str) -> list[tuple[str, object]]:
    value = data.get(key)
    return [(str(k), v) for k, v in value.items()] if isinstance(value, dict) else []
