"""What a build needs of a content.po besides its translations, kept in the parse cache (issue 23).

A rebuild where most of the site did not change reads every catalog, but renders (and so translates)
only what changed. Unpickling a parsed content.po and building its served translations cost more than
a second at 500 articles × 14 locales, for counts and hashes that only change with the file or the
articles' segments. :class:`ContentSummary` is those counts, review lines, problems and per-article
hashes of the served translations, cached by the file's parse key and the segments' digest; the
translations themselves are built only when a unit is rendered (api.sources.catalogs.LocaleCatalogs).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import msgspec

from api.sources.poread import Problem

Served = dict[tuple[str, str], str]  # (slug, English segment) -> the translation served


@dataclass
class Stats:
    total: int = 0
    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    invalid: int = 0  # translated but refused (bad markup or placeholders): served in English
    obsolete: int = 0

    @property
    def percent(self) -> int:
        # Floor, so "100" is only ever said of a complete translation.
        return 100 if self.total == 0 else (100 * self.translated) // self.total

    def as_dict(self) -> dict[str, int]:
        return {
            "total": self.total, "translated": self.translated, "fuzzy": self.fuzzy,
            "untranslated": self.untranslated, "invalid": self.invalid,
            "obsolete": self.obsolete, "percent": self.percent,
        }



@dataclass(frozen=True)
class ContentSummary:
    """A content.po as every part of a build but unit rendering sees it."""

    stats: dict[str, Stats]  # per article
    digests: dict[str, bytes]  # per article: a hash of its served translations (api/build/units.py keys on it)
    reviews: dict[str, tuple[str, str | None]]  # the file's review lines (scope -> state, hash)
    problems: list[Problem]  # everything the file makes the build report, in the order it reports it
    parts: tuple[str, ...] = field(default=())  # the parse cache's keys of its parts: kept for the next edit


def translation_digests(served: Served, segments: dict[str, list[str]]) -> dict[str, bytes]:
    """Per article, a hash of what a reader sees of it in one locale: each segment's translation (or None)."""
    return {slug: hashlib.sha256(msgspec.msgpack.encode([served.get((slug, s)) for s in found])).digest()
            for slug, found in segments.items()}


def segments_digest(segments: dict[str, list[str]]) -> str:
    """The articles' segments, in order: what the counts and hashes of a summary also depend on."""
    return hashlib.sha256(msgspec.msgpack.encode(segments)).hexdigest()
