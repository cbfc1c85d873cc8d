"""Which locale to serve: URL, then the reader's saved choice, then Accept-Language, then English.

Matching a requested tag to a served locale leans on Babel/CLDR: ``Locale.parse`` resolves
aliases (``tl`` -> ``fil``, ``iw`` -> ``he``) and likely subtags give the script a region
implies (``zh-TW`` -> Hant, ``zh-SG`` -> Hans). Regional variants fall to their language
(``es-MX`` -> ``es``, ``pt-PT`` -> ``pt-BR``: the only Portuguese we serve).
"""

from __future__ import annotations

import re
from functools import lru_cache

from babel import Locale as BabelLocale
from babel import UnknownLocaleError
from babel.core import get_global

from api.core.locales import Locale, LocaleTable

MAX_HEADER = 512  # longer Accept-Language headers are cut at a comma: nobody needs more, parsing is O(n)
MAX_RANGES = 24
MAX_TAG = 35  # RFC 5646 4.4.1: 35 characters hold every tag anyone uses
COOKIE = "lang"
_TAG = re.compile(r"[A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8})*")
_RANGE = re.compile(r"^\s*([A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8})*|\*)\s*(?:;\s*q\s*=\s*([0-9.]{1,6}))?\s*$")

def truncate(header: str) -> str:
    """The header cut to MAX_HEADER characters at the last whole range (never mid-range:
    `fr;q=0.5` cut to `fr;q=0` would refuse French)."""
    if len(header) <= MAX_HEADER:
        return header
    cut = header[: MAX_HEADER + 1]
    return cut[: max(cut.rfind(","), 0)]


def normalize_tag(tag: str) -> str | None:
    """A well-formed language tag in BCP 47 case conventions (`zh-hant-tw` -> `zh-Hant-TW`), or None."""
    if len(tag) > MAX_TAG or not _TAG.fullmatch(tag):
        return None
    parts = tag.replace("_", "-").split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            out.append(part.title())
        elif len(part) == 2 and part.isalpha() or len(part) == 3 and part.isdigit():
            out.append(part.upper())
        else:
            out.append(part.lower())
    return "-".join(out)


def _ranges(header: str) -> list[tuple[str, float, int]]:
    """Every well-formed (range, q, position) in the header, q=0 included; the rest ignored."""
    ranges: list[tuple[str, float, int]] = []
    for i, part in enumerate(truncate(header).split(",")[:MAX_RANGES]):
        m = _RANGE.match(part)
        if not m:
            continue
        try:
            q = float(m.group(2)) if m.group(2) is not None else 1.0
        except ValueError:
            continue
        if 0 <= q <= 1:
            ranges.append((m.group(1).replace("_", "-"), q, i))
    return ranges


def parse_accept_language(header: str) -> list[tuple[str, float]]:
    """Language ranges by preference (highest q first; ties keep header order), q=0 dropped."""
    ranges = sorted((r for r in _ranges(header) if r[1] > 0), key=lambda r: (-r[1], r[2]))
    return [(tag, q) for tag, q, _ in ranges]


def _excluded(loc: Locale, refused: set[str]) -> bool:
    """`q=0` refuses a range and everything below it (RFC 4647 filtering): `pt;q=0` refuses pt-BR."""
    tag = loc.tag.lower()
    return any(tag == r or tag.startswith(r + "-") for r in refused)


def _script_of(parsed: BabelLocale) -> str | None:
    if parsed.script:
        return str(parsed.script)
    likely = get_global("likely_subtags")
    for key in (f"{parsed.language}_{parsed.territory}" if parsed.territory else None, parsed.language):
        if key and key in likely:
            parts = str(likely[key]).split("_")
            if len(parts) > 2:
                return parts[1]
    return None


class Negotiator:
    """Matches requested tags to one table of served locales. Its caches are bounded: keys are
    single tags of at most MAX_TAG characters, or headers cut to MAX_HEADER."""

    def __init__(self, table: LocaleTable):
        self.table = table
        self._by_language: dict[str, list[Locale]] = {}
        for loc in table:
            self._by_language.setdefault(loc.babel.language, []).append(loc)
        self._match_tag = lru_cache(maxsize=1024)(self._match_tag_uncached)
        self._best = lru_cache(maxsize=1024)(self._best_uncached)

    def match_tag(self, tag: str) -> Locale | None:
        """The served locale for one language tag (any BCP 47 tag: `es-MX` -> es, `tl` -> fil), or None."""
        if len(tag) > MAX_TAG:
            return None
        return self._match_tag(tag)

    def _match_tag_uncached(self, tag: str) -> Locale | None:
        exact = self.table.by_tag(tag)
        if exact is not None:
            return exact
        if len(tag.replace("_", "-").split("-")[0]) < 2:  # `C` (Babel: en_US_POSIX), `x-…`, `i-…`: no language
            return None
        try:
            parsed = BabelLocale.parse(tag.replace("-", "_"))
        except (ValueError, UnknownLocaleError, TypeError):
            return None
        candidates = self._by_language.get(parsed.language, [])
        if len(candidates) <= 1:
            return candidates[0] if candidates else None
        script = _script_of(parsed)
        for loc in candidates:
            if loc.babel.script == script:
                return loc
        return candidates[0]

    def best_match(self, header: str) -> tuple[Locale | None, str | None]:
        """(served locale, the normalized range that chose it) for an Accept-Language header."""
        # Cut before the cache: the cache key, and so memory, stays bounded whatever a client sends.
        return self._best(truncate(header))

    def _best_uncached(self, header: str) -> tuple[Locale | None, str | None]:
        refused = {tag.lower() for tag, q, _ in _ranges(header) if q == 0 and tag != "*"}
        for tag, _q in parse_accept_language(header):
            if tag == "*":
                for any_loc in self.table:
                    if not _excluded(any_loc, refused):
                        return any_loc, "*"
                continue
            matched = self.match_tag(tag)
            if matched is not None and not _excluded(matched, refused):
                return matched, normalize_tag(tag)
        return None, None

    def from_accept_language(self, header: str) -> Locale | None:
        """The best served locale for an Accept-Language header; None if nothing acceptable matches."""
        return self.best_match(header)[0]

    def negotiate(self, query_lang: str | None, cookie: str | None,
                  accept_language: str | None) -> tuple[Locale, bool]:
        """(locale, whether Accept-Language decided or could have decided it, so responses must Vary)."""
        for explicit in (query_lang, cookie):
            if explicit:
                loc = self.table.by_tag(explicit)
                if loc is not None:
                    return loc, False
        if accept_language:
            return (self.from_accept_language(accept_language) or self.table.source), True
        return self.table.source, True


# The repository's table, for callers without a site of their own (the command line, older tests).
