"""The locales list and what the site-wide resources key on (issue 23).

The locales list (and the OpenAPI document, whose examples show it) read every locale's name, direction
and counts; naming a locale loads its CLDR data (0.3 s for 14 locales). Both go through the build's memo
(api/build/memo.py) keyed on what they show, so a rebuild that changed neither names nor counts reuses
them without loading any locale's data.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from api.build.page import Counts
from api.core import locales
from api.core import models as m
from api.core.locales import Locale, LocaleTable
from api.core.urls import URLs
from api.sources.cache import ParseCache
from api.sources.catalogs import Catalogs, LocaleCatalogs

NAMES = ("autonym", "english_name", "dir")  # what every page's language switcher shows of every locale


def remember_names(table: LocaleTable, cache: ParseCache | None) -> None:
    """Each locale's name and direction, from the parse cache: every page names every locale (its language
    switcher), and naming one loads its CLDR data (0.3 s for 14 locales, when one page of one locale
    changed). They depend on Babel (in the cache's version) and api/core/locales.py."""
    if cache is None:
        return
    key = cache.key("locale-names", Path(locales.__file__).read_bytes(), *table.tags)
    found = cache.get(key)
    if isinstance(found, dict) and all(isinstance(found.get(loc.tag), dict) for loc in table):
        for loc in table:
            loc.__dict__.update({name: found[loc.tag][name] for name in NAMES})  # as functools.cached_property does
        return
    cache.put(key, {loc.tag: {name: getattr(loc, name) for name in NAMES} for loc in table})


def locale_info(loc: Locale, cats: LocaleCatalogs, urls: URLs) -> m.LocaleInfo:
    return m.LocaleInfo(
        tag=loc.tag, gettext=loc.folder, autonym=loc.autonym, english_name=loc.english_name,
        dir=loc.dir, source=loc.is_source,  # type: ignore[arg-type]
        home_url=urls.absolute(urls.page(loc)),
        completeness=m.Completeness(content=m.Stats(**cats.content_stats.as_dict()),
                                    ui=m.Stats(**cats.ui_stats.as_dict())),
        review={scope: review.state for scope, review in sorted(cats.reviews.items())},  # type: ignore[misc]
    )


def locale_list(table: LocaleTable, catalogs: Catalogs, urls: URLs) -> Callable[[], m.LocaleList]:
    """The locales list, made when first asked for (only a resource rendered again asks)."""
    made: list[m.LocaleList] = []

    def make() -> m.LocaleList:
        if not made:
            made.append(m.LocaleList(locales=[locale_info(loc, catalogs[loc.tag], urls) for loc in table]))
        return made[0]

    return make


def counts(table: LocaleTable, catalogs: Catalogs) -> list[Counts]:
    """What the locales list shows of each locale besides its name (in the key base, with the table)."""
    return [Counts.of(catalogs[loc.tag]) for loc in table]
