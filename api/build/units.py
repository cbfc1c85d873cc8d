"""Units: one article in one locale, and every resource made of it, reused whole when its inputs did not change.

An article in a locale gives a dozen resources (its page, its embeds, per country too, its API and
oEmbed answers). They depend on that article's source, that locale's translations of its segments
and interface messages, its ledger date, how much of it each locale has translated (the language
switcher shows it), and what every page depends on (code, templates, static files, crisis.yaml,
conditions.yaml, settings, the locale table: :func:`api.build.inputs.key_base`). A unit whose key,
a hash of exactly those inputs, is the previous build's is not translated, modelled, rendered,
hashed or compressed: its resources are copied from the previous index (:class:`api.core.snapshot.Kept`),
and what the locale's aggregates need of it (its date and body) comes from its record, its summary from
the previous index (which lists every unit the previous build made or kept, in its locale).
That is what makes an edit cost what it touched at 500 articles × 14 locales (README, "Performance").

The key lists inputs by hand, unlike the page keys of api/build/inputs.py (by value): a new input a
unit's templates read must join :meth:`Units.key`; tests/test_incremental.py proves incremental ==
clean for every kind of edit.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import msgspec

from api.build import inputs, store
from api.build.page import HandoutMade
from api.core import models as m
from api.core.locales import Locale, LocaleTable
from api.core.snapshot import Kept
from api.sources.catalogs import Catalogs
from api.sources.content import Article
from api.sources.ledger import Ledger

UNITS = "units.msgpack"  # in the snapshot folder: unit key -> Record


class Record(msgspec.Struct, array_like=True, frozen=True):
    """What a build keeps of a unit for the next: its resources and what the aggregates use of it."""

    keys: list[str]  # its resources' keys, in build order
    updated: dt.date  # its localized date (api/sources/ledger.py)
    unstamped: bool  # its text changed since the ledger was stamped
    fragment: str  # the key of its body's HTML in the fragments memo (api/build/memo.py)
    handouts: list[m.Handout]  # the API's `handouts` (the feed lists them)
    handout_memo: dict[str, HandoutMade]  # its handouts' inputs keys (api/build/handouts/drafts.py)


_RECORDS = msgspec.msgpack.Decoder(dict[str, Record])


class Units:
    def __init__(self, base: str, previous: store.Previous | None, sources: dict[str, Article],
                 catalogs: Catalogs, table: LocaleTable, ledger: Ledger):
        self.base = base
        self.previous = previous
        self.old: dict[str, Record] = store.left_by(previous, UNITS, _RECORDS.decode)
        self.new: dict[str, Record] = {}
        self.catalogs = catalogs
        self.ledger = ledger
        self.kept = 0
        self._summaries: dict[str, dict[str, m.Summary]] = {}  # the previous index's, by tag and slug
        # Per article, once: its whole source (text, dates, conditions, lines) and every locale's share.
        self.sources = {slug: hashlib.sha256(inputs.encode(source)).digest() for slug, source in sources.items()}
        self.percents = {slug: [catalogs[t].article_stats[slug].percent for t in table.tags] for slug in sources}

    def key(self, loc: Locale, ui: str, slug: str) -> str:
        """The unit's key: a hash of every input of its resources."""
        cats = self.catalogs[loc.tag]
        review = cats.review(slug)  # the translations: by their hash (api/sources/summaries.py)
        part = (loc.tag, ui, self.sources[slug], cats.digests[slug], cats.article_stats[slug].as_dict(),
                (review.state, review.source_hash), self.percents[slug], bool(self.ledger),
                self.ledger.get(slug, {}).get(loc.tag))
        digest = hashlib.sha256(self.base.encode())
        digest.update(inputs.encode(part))
        return digest.hexdigest()

    def reuse(self, tag: str, slug: str, key: str, fragments: dict[str, str]) -> tuple[Record, Kept, m.Summary] | None:
        """The previous build's unit of this key (`slug` in `tag`), if its resources and body are all still there."""
        record = self.old.get(key)
        if record is None or self.previous is None or record.fragment not in fragments:
            return None
        summary = self.summary(tag, slug)
        kept = self.previous.kept(record.keys) if summary is not None else None
        if kept is None or summary is None:
            return None
        self.new[key] = record
        self.kept += 1
        return record, kept, summary

    def summary(self, tag: str, slug: str) -> m.Summary | None:
        """A kept unit's summary: the previous index's, since the previous build made or kept every unit its
        records name (the key covers the locale and the article). Records used to carry them too: most of
        a 26 MB file read and written by every build, and decoding 7,000 took 0.7 s of a rebuild."""
        by_slug = self._summaries.get(tag)
        if by_slug is None:  # the index decodes a language's list on first use: only this one
            data = self.previous.index.data if self.previous is not None else None
            listed = data.summaries[tag] if data is not None and tag in data.summaries else []
            by_slug = self._summaries[tag] = {s.slug: s for s in listed}
        return by_slug.get(slug)

    def remember(self, key: str, record: Record) -> None:
        self.new[key] = record

    def files(self) -> dict[str, bytes]:
        return {UNITS: msgspec.msgpack.encode(self.new)}

