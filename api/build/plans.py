"""Each locale's plan in a build: kept whole from the previous build, or its units kept or rendered (issue 23).

A locale's resources (its units, api/build/units.py, and its own pages: home and topic pages, the
accessibility, languages and developers pages, the feed, the error and help pages, the API lists)
depend on the global key base (api/build/inputs.py), its interface messages, its units (each unit's key
covers the article's source, the locale's translations, stats and review of it, its ledger entry, and
every locale's percent of it) and every locale's counts (the languages page). :meth:`Plans.key` hashes
exactly these. A locale whose key the previous build has is copied whole (:class:`api.core.snapshot.Kept`):
nothing of it is modelled, rendered or keyed again, and what the next build and the site-wide resources
need of it (its units' records, dates, handout memos and fragments, its pages' memo entries, its
summaries and help-now blocks in the snapshot's data) is carried over from the previous build.

Like the unit key, the locale key lists inputs by hand: tests/test_incremental.py proves incremental ==
clean for every kind of edit, and that an edit changing one locale's counts keeps no locale whole.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from typing import Protocol

import msgspec

from api.build import inputs, store
from api.build.articles import ArticleModels
from api.build.handouts import MEDIA_TYPE
from api.build.handouts.drafts import Handouts
from api.build.helpnow import HelpNow
from api.build.memo import Memo
from api.build.page import Counts, Page
from api.build.sitewide import counts
from api.build.units import Record, Units
from api.core import models as m
from api.core.locales import Locale, LocaleTable
from api.core.snapshot import Draft, Kept, Summaries
from api.sources.catalogs import Catalogs
from api.sources.content import Article

LOCALES = "locales.msgpack"  # in the snapshot folder: locale key -> LocaleRecord


class LocaleRecord(msgspec.Struct, array_like=True, frozen=True):
    """What a build keeps of a locale for the next: its resources, its units and its pages' memo entries."""

    keys: list[str]  # its resources' keys, in build order (its units', then its own pages')
    units: list[str]  # its units' keys, in the articles' order (their records: units.msgpack)
    pages: dict[str, str]  # the memo entries its pages made (page key -> ETag; api/build/memo.py)


_RECORDS = msgspec.msgpack.Decoder(dict[str, LocaleRecord])


class Planned(Protocol):
    """The part of the build (api.build.builder.Builder) a plan reads and fills."""

    table: LocaleTable
    sources: dict[str, Article]
    catalogs: Catalogs
    memo: Memo
    units: Units
    models: ArticleModels
    handouts: Handouts
    help_now: HelpNow
    handout_lists: dict[tuple[str, str], list[m.Handout]]

    def _page(self, loc: Locale) -> Page: ...


class Plans:
    def __init__(self, build: Planned, previous: store.Previous | None):
        self.build = build
        self.previous = previous
        self.old: dict[str, LocaleRecord] = store.left_by(previous, LOCALES, _RECORDS.decode)
        self.new: dict[str, LocaleRecord] = {}
        self.kept = 0  # locales kept whole
        self.pages = 0  # their own pages (not their units'), carried over with them
        self._counted: list[Counts] | None = None
        self._counts: bytes | None = None
        self.planned: list[Page] | None = None

    def counted(self) -> list[Counts]:
        """Every locale's counts as the languages page and the locales list show them, in the table's order:
        counted once a build (every locale's languages page shows all of them)."""
        if self._counted is None:
            self._counted = counts(self.build.table, self.build.catalogs)
        return self._counted

    def counts(self) -> bytes:
        """A hash of :meth:`counted`: part of every locale's key."""
        if self._counts is None:
            self._counts = hashlib.sha256(inputs.encode(self.counted())).digest()
        return self._counts

    def key(self, loc: Locale, ui: str, units: list[str]) -> str:
        """The locale's key: a hash of every input of its resources (see the module's docstring)."""
        digest = hashlib.sha256(f"{self.build.units.base}\0{loc.tag}\0{ui}\0".encode())
        digest.update(self.counts())
        digest.update(inputs.encode(units))
        return digest.hexdigest()

    def all(self) -> list[Page]:
        """Every locale's page, planned once (the build plans before it forks its workers: api/build/workers.py)."""
        if self.planned is None:
            self.planned = [self.plan(loc) for loc in self.build.table]
        return self.planned

    def plan(self, loc: Locale, whole: bool = True) -> Page:
        """A locale's page: kept whole (`page.whole`), or with its units kept or to render (`page.todo`)."""
        b = self.build
        ui = b.memo.ui_digest(loc, b.catalogs[loc.tag].ui)
        units = [b.units.key(loc, ui, slug) for slug in b.sources]
        key = self.key(loc, ui, units)
        kept = self._whole(loc, key, units) if whole else None
        if kept is not None:
            return kept
        page = b._page(loc)  # its help-now block and conditions: not made for a locale kept whole
        page.units, page.key = units, key
        for slug, key in zip(b.sources, page.units, strict=True):
            reused = b.units.reuse(loc.tag, slug, key, b.memo.old_bodies)
            if reused is None:
                page.todo[slug] = key
                continue
            record, page.kept[slug], summary = reused
            printed = sum(r.media_type == MEDIA_TYPE for r in page.kept[slug].resources)
            page.listed[slug] = (summary, record.fragment, self._carry(loc, slug, record, printed), record.handouts)
        return page

    def _carry(self, loc: Locale, slug: str, unit: Record, printed: int) -> str:
        """What this build and the next need of a unit kept from the previous one (alone or with its locale):
        its date, its handouts' memo and list (`printed` of them counted as reused), and its body (returned)."""
        b = self.build
        b.models.record(loc, slug, unit.updated, unit.unstamped)
        b.handouts.keep(unit.handout_memo, printed, 0)
        b.handout_lists[loc.tag, slug] = unit.handouts
        return b.memo.kept_body(unit.fragment)

    def _whole(self, loc: Locale, key: str, unit_keys: list[str]) -> Page | None:
        """The locale kept whole, if the previous build made it from the same inputs and left all of it."""
        b = self.build
        record = self.old.get(key)
        data = self.previous.index.data if self.previous is not None else None
        if record is None or data is None or record.units != unit_keys:
            return None
        units = [b.units.old.get(unit) for unit in record.units]
        if any(u is None or u.fragment not in b.memo.old_bodies for u in units):
            return None
        if "" not in data.crisis.get(loc.tag, {}):  # its help-now blocks (the data lists them: api/build/helpnow.py)
            return None
        kept = self.previous.kept(record.keys) if self.previous is not None else None
        if kept is None or loc.tag not in data.summaries:
            return None
        # Its help-now block without a country is the data's (made from the same inputs).
        page = Page(loc=loc, cats=b.catalogs[loc.tag], crisis=data.crisis[loc.tag][""], units=unit_keys, key=key,
                    whole=kept)
        # Its summaries as the previous index stores them (decoding and encoding 500 cost 0.1 s a locale).
        stored = data.summaries.stored(loc.tag) if isinstance(data.summaries, Summaries) else None
        page.stored = stored if stored is not None else data.summaries[loc.tag]
        b.help_now.blocks[loc.tag] = data.crisis[loc.tag]
        for slug, unit_key, unit in zip(b.sources, record.units, units, strict=True):
            if unit is None:  # pragma: no cover - checked above
                continue
            b.units.new[unit_key] = unit
            self._carry(loc, slug, unit, 0)  # its handouts are counted once, with the locale's resources
        b.units.kept += len(units)
        b.handouts.reused += sum(r.media_type == MEDIA_TYPE for r in kept.resources)
        b.memo.pages.update(record.pages)
        self.pages += len(record.pages)
        self.new[key] = record
        self.kept += 1
        return page

    def watch(self, page: Page, drafts: Iterable[Draft | Kept]) -> Iterator[Draft | Kept]:
        """A locale built (not kept whole): its drafts, passed on, recorded for the next build."""
        keys: list[str] = []
        pages = self.build.memo.watch()
        try:
            for draft in drafts:
                keys += [r.key for r in draft.resources] if isinstance(draft, Kept) else [draft.key]
                yield draft
        finally:
            self.build.memo.unwatch()
        self.new[page.key] = LocaleRecord(keys, page.units, pages)

    def files(self) -> dict[str, bytes]:
        return {LOCALES: msgspec.msgpack.encode(self.new)}

