"""Load gettext catalogs, keep only translations that are safe to serve, and count them.

Each locale has ``locales/<folder>/LC_MESSAGES/content.po`` (article text, msgctxt = slug)
and ``ui.po`` (interface text). A translation is served only if it is not fuzzy, not empty
and *valid*: same link targets and emphasis as the English (content), same ``%(name)s``
placeholders (ui), the right number of plural forms. Anything else falls back to English
for that one segment and is reported once, with file and line, in :attr:`Catalogs.problems`.
A file that is not clean PO syntax (what msgfmt rejects: an unterminated string, a bad escape,
a stray line, a duplicate msgid; api.sources.pofiles) serves none of its translations: Babel would read
such a file without a word and serve a string cut short, so the whole file falls back to English
and each error is reported with its file and line.

Review state lives in the catalogs themselves, as header comment lines that Babel, msgmerge,
Poedit and Weblate all keep::

    # Review: medication-and-therapy draft 67100b8dc710
    # Review: ui reviewed

``draft`` is a machine or non-specialist draft; ``reviewed`` means a qualified translator
checked it against the English whose text hash follows. When the English changes, the hash
no longer matches and a reviewed article reads as ``outdated``.
"""

from __future__ import annotations

import io
import logging
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.support import NullTranslations, Translations

from api.core.locales import Locale
from api.sources.cache import ParseCache
from api.sources.content import Article
from api.sources.messages import message_problems, plural_rule_problem
from api.sources.poread import (
    ContentFile,
    Problem,
    content_file,
    header_line,
    parse_file,
    read_catalog,
    read_content,
    reviews_from,
)
from api.sources.prefetch import Prefetch, content_key, unchanged
from api.sources.summaries import ContentSummary, Served, Stats, segments_digest, translation_digests

log = logging.getLogger(__name__)

HASH_LEN = 12


@dataclass(frozen=True)
class Review:
    state: str  # "source", "draft", "reviewed" or "outdated"
    source_hash: str | None = None


def _key(msg: Message) -> tuple[str | None, str]:
    msgid = msg.id[0] if isinstance(msg.id, (list, tuple)) else msg.id
    return msg.context, msgid


def _complete(msg: Message) -> bool:
    """Every form has text (a plural entry with one empty form is not translated)."""
    return all(msg.string) if isinstance(msg.string, (list, tuple)) else bool(msg.string)


@dataclass
class LocaleCatalogs:
    locale: Locale
    ui: NullTranslations = field(default_factory=NullTranslations)
    article_stats: dict[str, Stats] = field(default_factory=dict)
    ui_stats: Stats = field(default_factory=Stats)
    reviews: dict[str, Review] = field(default_factory=dict)
    digests: dict[str, bytes] = field(default_factory=dict)  # per article: its served translations' hash
    served: Served | None = None  # built when first asked for (:attr:`content`)
    load: Callable[[], Served] | None = None  # builds `served` (from the parse cache: api/sources/summaries.py)

    @property
    def content(self) -> Served:
        """The servable translations, by (slug, English segment): built on first use, since a rebuild
        renders (and translates) only what changed and everything else reads the cached summary."""
        if self.served is None:
            self.served = self.load() if self.load is not None else {}
            self.load = None
        return self.served

    def translate(self, slug: str, source: str) -> str | None:
        return self.content.get((slug, source))

    def review(self, scope: str) -> Review:
        return self.reviews.get(scope, Review("source" if self.locale.is_source else "draft"))

    @property
    def content_stats(self) -> Stats:
        total = Stats()
        for st in self.article_stats.values():
            for name in ("total", "translated", "fuzzy", "untranslated", "invalid", "obsolete"):
                setattr(total, name, getattr(total, name) + getattr(st, name))
        return total


def _review(reviews: dict[str, tuple[str, str | None]], scope: str, source_hash: str | None) -> Review:
    state, reviewed_hash = reviews.get(scope, ("draft", None))
    if state == "reviewed" and source_hash and reviewed_hash and not source_hash.startswith(reviewed_hash):
        state = "outdated"
    return Review(state, reviewed_hash)


class Catalogs:
    """Every locale's catalogs, loaded once at start-up (they change only on deploy)."""

    def __init__(self, locales_dir: Path, articles: dict[str, Article], locales: Iterable[Locale],
                 protected: Collection[str] = (), cache: ParseCache | None = None,
                 digests: Mapping[Path, str] | None = None, prefetched: Prefetch | None = None):
        """`prefetched`: the content catalogs already being parsed into `cache` (else parsed here, on every
        core: api/sources/prefetch.py)."""
        self.locales_dir = locales_dir
        # The SHA-256 of each catalog's bytes the build already computed (api/build/freshness.py), by path:
        # a content.po's parse key without reading and hashing its megabytes a second time.
        self.digests = digests or {}
        self.cache = cache  # parsed files by their bytes, kept between builds (api/sources/cache.py)
        self.protected = protected  # help-now contact labels: their numbers and domains must survive
        self.problems: list[Problem] = []
        self.by_tag: dict[str, LocaleCatalogs] = {}
        self._segments: dict[str, set[str]] = {}
        self.ordered: dict[str, list[str]] = {}  # each article's distinct segments, in order
        self._segments_digest = ""
        self._content_keys: dict[Path, str] = {}  # a content.po's parse key (its bytes hashed once a build)
        self._all: set[tuple[str, str]] = set()
        ui_template = locales_dir / "ui.pot"
        self.ui_ids = (
            {_key(m) for m in read_catalog(ui_template) if m.id} if ui_template.exists() else set()
        )
        locales = list(locales)
        if prefetched is None:
            prefetched = Prefetch(locales_dir, locales, cache, self.digests)
        prefetched.wait()
        self._content_keys.update(prefetched.keys)
        for loc in locales:
            self.by_tag[loc.tag] = self._load_locale(loc, articles)
        for problem in self.problems:
            log.warning("translation not served: %s", problem)

    def __getitem__(self, tag: str) -> LocaleCatalogs:
        return self.by_tag[tag]

    def _load_locale(self, loc: Locale, articles: dict[str, Article]) -> LocaleCatalogs:
        lc = LocaleCatalogs(loc)
        self._sources(articles)
        if loc.is_source:
            lc.digests = translation_digests({}, self.ordered)
            for slug, article in articles.items():
                n = len({s.source for s in article.segments()})
                lc.article_stats[slug] = Stats(total=n, translated=n)
                lc.reviews[slug] = Review("source", article.source_hash[:HASH_LEN])
            lc.ui_stats = Stats(total=len(self.ui_ids), translated=len(self.ui_ids))
            lc.reviews["ui"] = Review("source")
            return lc
        folder = self.locales_dir / loc.folder / "LC_MESSAGES"
        summary, lc.served = self._summary(folder / "content.po", loc, articles)
        if lc.served is None:
            lc.load = self._loader(folder / "content.po", loc, articles)
        ui_cat, ui_ok = self._read(folder / "ui.po", loc)
        lc.article_stats, lc.digests = summary.stats, summary.digests
        for slug, article in articles.items():
            lc.reviews[slug] = _review(summary.reviews, slug, article.source_hash)
        lc.ui, lc.ui_stats = self._ui(ui_cat, folder / "ui.po", ui_ok)
        lc.reviews["ui"] = _review(reviews_from(ui_cat) if ui_cat is not None else {}, "ui", None)
        return lc

    def _sources(self, articles: dict[str, Article]) -> set[tuple[str, str]]:
        """Every (slug, segment) the articles have, and each article's distinct segments: computed once,
        not once per locale."""
        if not self._segments:
            self.ordered = {slug: list(dict.fromkeys(s.source for s in a.segments())) for slug, a in articles.items()}
            self._segments = {slug: set(found) for slug, found in self.ordered.items()}
            self._all = {(slug, source) for slug, found in self._segments.items() for source in found}
            self._segments_digest = segments_digest(self.ordered)
        return self._all

    def _summary(self, path: Path, loc: Locale, articles: dict[str, Article]) -> tuple[ContentSummary, Served | None]:
        """A content.po's summary (its problems reported), from the parse cache when its bytes and the
        articles' segments were seen before; and its served translations when they were built for it."""
        if self.cache is None or not path.exists():
            return self._summarize(self._read_content(path, loc), path, articles)
        key = self._content_key(self.cache, path, loc)
        summary_key = self.cache.key("content-summary", key, self._segments_digest)
        found = self.cache.get(summary_key)
        if isinstance(found, ContentSummary):
            self.cache.used.add(key)  # the parsed file stays for the rebuild that renders this locale
            self.cache.used.update(found.parts)
            self.problems += found.problems
            return found, None
        summary, served = self._summarize(self._read_content(path, loc), path, articles)
        if self._unchanged(path):
            self.cache.put(summary_key, summary)
        return summary, served

    def _summarize(self, content: ContentFile | None, path: Path, articles: dict[str, Article],
                   ) -> tuple[ContentSummary, Served]:
        """A content.po read (its own problems reported): its summary, and its served translations."""
        served, problems = self._served(content, path, articles)
        self.problems += problems
        summary = ContentSummary(self._stats(content, served, articles), translation_digests(served, self.ordered),
                                 content.reviews if content else {},
                                 (content.problems if content else []) + problems,
                                 content.parts if content else ())
        return summary, served

    def _loader(self, path: Path, loc: Locale, articles: dict[str, Article]) -> Callable[[], Served]:
        """Builds a locale's served translations when first used (its problems were reported from its summary)."""
        def load() -> Served:
            return self._served(self._parsed(path, loc), path, articles)[0]
        return load

    def _served(self, content: ContentFile | None, path: Path, articles: dict[str, Article],
                ) -> tuple[Served, list[Problem]]:
        """The servable translations of the text the articles use now (none when the file is not clean
        syntax), and the translations refused."""
        sources = self._sources(articles)
        served: Served = {}
        refused: list[Problem] = []
        found = content.entries if content is not None else {}
        for key, (string, fuzzy, line, problems) in found.items():
            if fuzzy or not string or content is None or not content.servable:
                continue
            if problems:
                refused += [Problem(path, line, f"msgid {key[1][:60]!r}: {text}") for text in problems]
            elif key in sources:
                served[key] = string
        return served, refused

    def _stats(self, content: ContentFile | None, served: Served, articles: dict[str, Article]) -> dict[str, Stats]:
        """Counts per article (translations refused, or in a file of bad syntax, count as invalid)."""
        sources = self._sources(articles)
        found = content.entries if content is not None else {}
        stats: dict[str, Stats] = {}
        # Obsolete entries per article, counted in one pass (per article, it was articles x messages).
        obsolete: Counter[str | None] = Counter(key[0] for key in found if key not in sources)
        obsolete.update(content.obsolete if content is not None else ())
        for slug in articles:
            st = stats[slug] = Stats()
            for source in self._segments[slug]:
                st.total += 1
                entry = found.get((slug, source))
                if (slug, source) in served:
                    st.translated += 1
                elif entry is not None and entry[0] and entry[1]:
                    st.fuzzy += 1
                elif entry is not None and entry[0]:
                    st.invalid += 1
                else:
                    st.untranslated += 1
            st.obsolete = obsolete[slug]
        return stats

    def _content_key(self, cache: ParseCache, path: Path, loc: Locale) -> str:
        key = self._content_keys.get(path)
        if key is None:
            key = self._content_keys[path] = content_key(cache, path, loc, self.digests.get(path))
        return key

    def _unchanged(self, path: Path) -> bool:
        return unchanged(path, self.digests.get(path))

    def _read_content(self, path: Path, loc: Locale) -> ContentFile | None:
        """A content.po parsed and checked, its problems reported."""
        if not path.exists():
            self.problems.append(Problem(path, 0, "catalog missing: every segment is served in English"))
            return None
        content = self._parsed(path, loc)
        self.problems += content.problems if content is not None else []
        return content

    def _parsed(self, path: Path, loc: Locale) -> ContentFile | None:
        """A content.po parsed and checked (from the parse cache when its bytes were seen before)."""
        if not path.exists():
            return None
        if self.cache is None:
            content = content_file(path, loc)
        else:
            key = self._content_key(self.cache, path, loc)
            found = self.cache.get(key)
            if isinstance(found, ContentFile):
                self.cache.used.update(found.parts)  # its parts stay for the next edit
            content = found if isinstance(found, ContentFile) else read_content(path, loc, self.cache)
            if found is None and self._unchanged(path):
                self.cache.put(key, content)
        return content

    def _read(self, path: Path, loc: Locale) -> tuple[Catalog | None, bool]:
        """The catalog, and whether its translations may be served (not if it is not clean syntax)."""
        if not path.exists():
            self.problems.append(Problem(path, 0, "catalog missing: every segment is served in English"))
            return None, False
        if self.cache is None:
            catalog, ok, problems = parse_file(path, loc)
        else:
            key = self.cache.key(str(path), loc.folder, path.read_bytes())
            found = self.cache.get(key)
            if found is None:
                found = parse_file(path, loc)
                self.cache.put(key, found)
            catalog, ok, problems = found
        self.problems += problems
        return catalog, ok

    def _report(self, path: Path, msg: Message, problems: list[str]) -> None:
        for text in problems:
            self.problems.append(Problem(path, msg.lineno or 0, f"msgid {_key(msg)[1][:60]!r}: {text}"))

    def _ui(self, catalog: Catalog | None, path: Path, servable: bool = True) -> tuple[NullTranslations, Stats]:
        st = Stats(total=len(self.ui_ids))
        if catalog is None:
            st.untranslated = st.total
            return NullTranslations(), st
        rule_problem = plural_rule_problem(catalog.plural_forms, catalog.num_plurals)
        if rule_problem is not None:
            # gettext would refuse the file (or crash on some n): this locale's interface is English.
            self.problems.append(Problem(path, header_line(path, "Plural-Forms"), rule_problem))
            st.invalid = st.total
            return NullTranslations(), st
        served = Catalog(locale=catalog.locale, charset="utf-8")
        served.mime_headers = [("Plural-Forms", catalog.plural_forms)]  # the file's rule drives ngettext
        found: dict[tuple[str | None, str], Message] = {}
        for msg in catalog:
            if not msg.id:
                continue
            found[_key(msg)] = msg
            if msg.fuzzy or not _complete(msg) or not servable:
                continue
            problems = message_problems(msg, "ui", catalog.num_plurals, self.protected)
            if problems:
                self._report(path, msg, problems)
                continue
            served[msg.id] = msg
        for key in self.ui_ids:
            entry = found.get(key)
            if entry is None or not _complete(entry):
                st.untranslated += 1
            elif entry.fuzzy:
                st.fuzzy += 1
            elif served.get(entry.id, entry.context) is None:
                st.invalid += 1
            else:
                st.translated += 1
        st.obsolete = len(catalog.obsolete) + sum(1 for key in found if key not in self.ui_ids)
        buf = io.BytesIO()
        write_mo(buf, served)
        buf.seek(0)
        try:
            return Translations(buf, domain="ui"), st
        except Exception as exc:  # noqa: BLE001  # one broken catalog must never stop the site
            self.problems.append(Problem(path, 0, f"cannot be used: {exc}"))
            return NullTranslations(), Stats(total=st.total, invalid=st.total)
