"""The table of served locales: one place that says which languages exist and how they look.

BCP 47 tags (``zh-Hant``, ``pt-BR``) are what browsers, URLs and API clients see; gettext
names (``zh_Hant``, ``pt_BR``) are the folder names under ``locales/`` that Weblate and
Poedit expect. Names and text direction come from CLDR through Babel, never typed by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from babel import Locale as BabelLocale

SOURCE_TAG = "en"

# Order is the order of the language switcher and of /api/v1/locales.
SERVED_TAGS: tuple[str, ...] = (
    "en", "es", "fr", "pt-BR", "ru", "ar", "fa", "hi",
    "zh-Hans", "zh-Hant", "ko", "vi", "fil", "ht",
)


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


def _make(tag: str) -> Locale:
    return Locale(tag=tag, babel=BabelLocale.parse(tag, sep="-"))


LOCALES: tuple[Locale, ...] = tuple(_make(tag) for tag in SERVED_TAGS)
BY_TAG: dict[str, Locale] = {loc.tag: loc for loc in LOCALES}
# Lookups from a URL or query are case-insensitive (`pt-br` is `pt-BR`).
_BY_LOWER_TAG: dict[str, Locale] = {loc.tag.lower(): loc for loc in LOCALES}
SOURCE: Locale = BY_TAG[SOURCE_TAG]


def by_tag(tag: str) -> Locale | None:
    """The served locale for an exact tag, ignoring case and `_` vs `-`."""
    return _BY_LOWER_TAG.get(tag.replace("_", "-").lower())
