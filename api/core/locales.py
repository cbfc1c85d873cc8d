"""The table of served locales: which languages exist, in which order, and how they look.

The list lives in ``locales/LINGUAS`` (gettext's own convention: one catalog folder name a
line), so adding a language is data, not code: ``bothand init de`` writes the catalogs and
the line. BCP 47 tags (``zh-Hant``, ``pt-BR``) are what browsers, URLs and API clients see;
gettext names (``zh_Hant``, ``pt_BR``) are the folder names Weblate and Poedit expect.
Names and text direction come from CLDR through Babel, never typed by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from babel import Locale as BabelLocale

SOURCE_TAG = "en"
LINGUAS = "LINGUAS"


@dataclass(frozen=True)
class Locale:
    tag: str  # BCP 47
    babel: BabelLocale = field(compare=False, repr=False)

    @property
    def folder(self) -> str:
        """The gettext/Weblate name: the folder under locales/."""
        return self.tag.replace("-", "_")

    @cached_property
    def dir(self) -> str:
        return "rtl" if self.babel.character_order == "right-to-left" else "ltr"

    @cached_property
    def autonym(self) -> str:
        """The language's name in itself, as CLDR spells it (capitalised for a menu)."""
        name: str = self.babel.get_display_name(self.babel) or self.tag
        return name[:1].upper() + name[1:]

    @cached_property
    def english_name(self) -> str:
        name: str = self.babel.get_display_name("en") or self.tag
        return name

    @property
    def is_source(self) -> bool:
        return self.tag == SOURCE_TAG


def make_locale(tag: str) -> Locale:
    return Locale(tag=tag, babel=BabelLocale.parse(tag, sep="-"))


class LocaleTable:
    """The served locales, English first, in switcher order; lookups ignore case and `_`/`-`."""

    def __init__(self, tags: tuple[str, ...]):
        ordered = tuple(dict.fromkeys((SOURCE_TAG, *tags)))
        self.all: tuple[Locale, ...] = tuple(make_locale(tag) for tag in ordered)
        self.source: Locale = self.all[0]
        self._by_lower = {loc.tag.lower(): loc for loc in self.all}

    def __iter__(self) -> Iterator[Locale]:
        return iter(self.all)

    def __len__(self) -> int:
        return len(self.all)

    @property
    def tags(self) -> list[str]:
        return [loc.tag for loc in self.all]

    def by_tag(self, tag: str) -> Locale | None:
        """The served locale for an exact tag, ignoring case and `_` vs `-`."""
        return self._by_lower.get(tag.replace("_", "-").lower())

    def __getitem__(self, tag: str) -> Locale:
        loc = self.by_tag(tag)
        if loc is None:
            raise KeyError(tag)
        return loc


def read_linguas(locales_dir: Path) -> tuple[str, ...]:
    """BCP 47 tags of the locales listed in locales/LINGUAS (folder names; `#` starts a comment)."""
    path = locales_dir / LINGUAS
    if not path.exists():
        return ()
    folders = [line.split("#", 1)[0].strip() for line in path.read_text("utf-8").splitlines()]
    return tuple(f.replace("_", "-") for f in folders if f)


def load_table(locales_dir: Path) -> LocaleTable:
    return LocaleTable(read_linguas(locales_dir))
