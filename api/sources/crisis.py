"""Help-now resources from crisis.yaml, which of them a reader sees, and the block in one locale.

The owner edits crisis.yaml (its header comment documents every field). Each resource says
the countries it serves (ISO 3166-1 alpha-2 codes, or ``"*"`` for every country), the
languages it serves in (BCP 47, or ``"*"``), the official page its facts come from
(``source``) and when someone last checked them there (``verified``).

Which resources a reader sees (:func:`select`):

- no country chosen: the resources for every country first (the local emergency number, then
  findahelpline.com), then the country lines that serve the reader's language, each labelled
  with its country (a Spanish reader sees the US 988 line, a French reader Canada's 9-8-8);
- a country with lines here: its lines first, then the resources for every country;
- any other country: only the resources for every country.

Names, descriptions and labels are translated through ui.pot (msgctxt "crisis"). Country and
language names come from the catalog (msgctxt "crisis", the English CLDR name, extracted for the
codes crisis.yaml uses), else from CLDR in the reader's language. A name or link text that
says a country is composed as "%(text)s (%(country)s)" entirely in the reader's language, or,
when a part is not translated yet, entirely in English (and marked ``lang="en"``): never half and
half. A contact label's numbers and web address must survive translation exactly (checked in
api.sources.catalogs): a reader in danger acts on them.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import msgspec
from babel import Locale as BabelLocale
from babel import UnknownLocaleError
from babel.lists import format_list
from babel.support import NullTranslations

from api.core import models as m
from api.core.countries import country_codes, parse_country  # noqa: F401  # re-exported
from api.core.locales import SOURCE_TAG, Locale
from api.sources.messages import DOMAIN

CONTEXT = "crisis"
ANY = "*"
STALE_MONTHS = 6
KINDS = ("phone", "sms", "url")
ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
DIALABLE = re.compile(r"\+?[0-9]{2,15}")


def pgettext(context: str, message: str) -> str:
    """Marks a message for `make extract`; its translation is looked up where it is shown."""
    return message


# Translators: a help-now service's name or contact link followed by the country (or countries) it
# serves, e.g. "Call 988 (United States)": %(text)s is the name or link text, %(country)s the country.
# Use your language's brackets and word order (e.g. full-width brackets).
AREA_TEMPLATE = pgettext("crisis", "%(text)s (%(country)s)")
# Translators: whom a help-now service serves when it serves every country, as in
# "findahelpline.com (worldwide)".
WORLDWIDE = pgettext("crisis", "worldwide")
# Translators: the languages a help-now service answers in, e.g. "Languages: English and French";
# %(languages)s is a list of language names, already in your language.
LANGUAGES_TEMPLATE = pgettext("crisis", "Languages: %(languages)s")
# The resource whose text names the reader's emergency number once they chose a country crisis.yaml
# gives a number for (`emergency_numbers`).
EMERGENCY_ID = "emergency"
# Translators: the help-now line for a reader whose country's emergency number we know; %(number)s is
# that number (e.g. 911, 999, 112), already written as the reader dials it. Keep it exact.
EMERGENCY_NOW = pgettext("crisis", "If you or someone else is in immediate danger, call %(number)s now.")
# Translators: a link that calls an emergency number, e.g. "Call 911"; the site adds the country after it:
# "Call 911 (United States)". %(number)s is the number: keep it exact.
CALL_NUMBER = pgettext("crisis", "Call %(number)s")


@dataclass(frozen=True)
class Contact:
    kind: str  # phone, sms, url
    value: str
    label: str

    @property
    def href(self) -> str:
        return {"phone": f"tel:{self.value}", "sms": f"sms:{self.value}"}.get(self.kind, self.value)


@dataclass(frozen=True)
class Resource:
    id: str
    name: str
    description: str
    contacts: tuple[Contact, ...]
    countries: tuple[str, ...] = (ANY,)
    languages: tuple[str, ...] = (ANY,)
    source: str | None = None
    verified: dt.date | None = None
    line: int = 0

    @property
    def worldwide(self) -> bool:
        return ANY in self.countries

    def serves_language(self, tag: str) -> bool:
        return ANY in self.languages or any(same_language(lang, tag) for lang in self.languages)


@dataclass(frozen=True)
class EmergencyNumber:
    """The emergency number(s) of some countries (crisis.yaml `emergency_numbers`), sourced and dated."""

    numbers: tuple[str, ...]
    countries: tuple[str, ...]
    source: str
    verified: dt.date
    line: int = 0


# Countries ------------------------------------------------------------------------------------------

def same_language(a: str, b: str) -> bool:
    """`fr-CA` serves `fr`; `zh-Hant` does not serve `zh-Hans` (a script, when both say one, must match)."""
    pa, pb = a.lower().split("-"), b.lower().split("-")
    if pa[0] != pb[0]:
        return False
    sa = next((p for p in pa[1:] if len(p) == 4), None)
    sb = next((p for p in pb[1:] if len(p) == 4), None)
    return sa is None or sb is None or sa == sb


def english_country(code: str) -> str:
    return str(BabelLocale.parse("en").territories.get(code, code))


def english_language(tag: str) -> str:
    return str(BabelLocale.parse(tag, sep="-").get_display_name("en") or tag)


def _in_locale(english: str, cldr: str | None, ui: NullTranslations, loc: Locale) -> tuple[str, str]:
    """(name, lang): the catalog's translation of the English name, else CLDR's, else the English."""
    if loc.is_source:
        return english, loc.tag
    translated = str(ui.pgettext(CONTEXT, english))
    if translated != english:
        return translated, loc.tag
    if cldr:
        return cldr, loc.tag
    return english, SOURCE_TAG


def country_name(code: str, ui: NullTranslations, loc: Locale) -> tuple[str, str]:
    return _in_locale(english_country(code), loc.babel.territories.get(code), ui, loc)


def language_name(tag: str, ui: NullTranslations, loc: Locale) -> tuple[str, str]:
    try:
        cldr = BabelLocale.parse(tag, sep="-").get_display_name(loc.babel)
    except (ValueError, LookupError, UnknownLocaleError):
        cldr = None
    # Babel falls back to the root locale's (English-like) data where a locale has no names (ht).
    if cldr and not loc.babel.languages:
        cldr = None
    return _in_locale(english_language(tag), cldr, ui, loc)


def sort_key(name: str) -> str:
    """Accents and case do not change the order (Égypte sorts with E)."""
    return "".join(c for c in unicodedata.normalize("NFKD", name.casefold()) if not unicodedata.combining(c))


def country_options(ui: NullTranslations, loc: Locale) -> list[dict[str, str]]:
    """Every country for the chooser, in the reader's language where it has the names: code, name, lang."""
    options = []
    for code in country_codes():
        name, lang = country_name(code, ui, loc)
        options.append({"code": code, "name": name, "lang": lang})
    return sorted(options, key=lambda o: (sort_key(o["name"]), o["code"]))


def contact_labels(resources: tuple[Resource, ...]) -> set[str]:
    """The help-now link texts whose numbers and addresses a translation must keep exactly."""
    return {c.label for r in resources for c in r.contacts}


def countries_with_lines(resources: Iterable[Resource]) -> list[str]:
    """Countries that have resources of their own, in the order crisis.yaml first names them."""
    out: list[str] = []
    for r in resources:
        for code in r.countries:
            if code != ANY and code not in out:
                out.append(code)
    return out


# Which resources, in which order ---------------------------------------------------------------------

def select(resources: Iterable[Resource], lang: str, country: str | None) -> list[Resource]:
    """The resources a reader sees, in order (see the module docstring)."""
    resources = list(resources)
    everywhere = [r for r in resources if r.worldwide]
    if country == ANY:  # a country with no line here (which one does not change the block)
        return everywhere
    if country is not None:
        return [r for r in resources if country in r.countries] + everywhere
    return everywhere + [r for r in resources if not r.worldwide and r.serves_language(lang)]


# The block in one locale --------------------------------------------------------------------------------

class _Texts:
    """The texts of one locale, each with the language it is really in."""

    def __init__(self, ui: NullTranslations, loc: Locale):
        self.ui, self.loc = ui, loc

    def t(self, text: str) -> m.PlainText:
        out = str(self.ui.pgettext(CONTEXT, text))
        translated = out != text or self.loc.is_source or _neutral(text)
        return m.PlainText(text=out, lang=self.loc.tag if translated else SOURCE_TAG)

    def area(self, r: Resource) -> m.PlainText:
        """Whom a resource serves ("United States", "worldwide"), in the locale, else in English."""
        if r.worldwide:
            return self.t(WORLDWIDE)
        names = [country_name(code, self.ui, self.loc) for code in r.countries]
        if all(lang == self.loc.tag for _, lang in names):
            return m.PlainText(text=format_list([n for n, _ in names], locale=self.loc.babel), lang=self.loc.tag)
        return m.PlainText(text=english_area(r), lang=SOURCE_TAG)

    def with_area(self, text: m.PlainText, english: str, r: Resource) -> m.PlainText:
        """`text (country)`: entirely in the locale when every part is, else entirely in English.
        The template is only punctuation, so its English form serves until it is translated."""
        where = self.area(r)
        if text.lang == self.loc.tag and where.lang == self.loc.tag:
            template = str(self.ui.pgettext(CONTEXT, AREA_TEMPLATE))
            return m.PlainText(text=_fill(template, AREA_TEMPLATE, {"text": text.text, "country": where.text}),
                               lang=self.loc.tag)
        return m.PlainText(text=AREA_TEMPLATE % {"text": english, "country": english_area(r)}, lang=SOURCE_TAG)

    def languages_note(self, r: Resource) -> m.PlainText | None:
        if ANY in r.languages:
            return None
        names = [language_name(tag, self.ui, self.loc) for tag in r.languages]
        template = self.t(LANGUAGES_TEMPLATE)
        if template.lang == self.loc.tag and all(lang == self.loc.tag for _, lang in names):
            listed = format_list([n for n, _ in names], locale=self.loc.babel)
            return m.PlainText(text=_fill(template.text, LANGUAGES_TEMPLATE, {"languages": listed}), lang=self.loc.tag)
        listed = format_list([english_language(tag) for tag in r.languages], locale="en")
        return m.PlainText(text=LANGUAGES_TEMPLATE % {"languages": listed}, lang=SOURCE_TAG)

    def resource(self, r: Resource) -> m.CrisisResource:
        name = self.t(r.name)
        return m.CrisisResource(
            id=r.id,
            name=name if r.worldwide else self.with_area(name, r.name, r),
            description=self.t(r.description),
            countries=list(r.countries),
            area=self.area(r),
            languages=list(r.languages),
            languages_note=self.languages_note(r),
            source=r.source,
            verified=r.verified,
            contacts=[m.Contact(kind=c.kind, href=c.href, label=self.with_area(self.t(c.label), c.label, r))  # type: ignore[arg-type]
                      for c in r.contacts],
        )


    def emergency(self, r: Resource, e: EmergencyNumber, country: str) -> m.CrisisResource:
        """The emergency line for a reader in `country`: its number named and a link to call it."""
        here = Resource(id=r.id, name=r.name, description=r.description, contacts=(), countries=(country,),
                        languages=r.languages, source=e.source, verified=e.verified)
        said = self.t(EMERGENCY_NOW)
        call = self.t(CALL_NUMBER)
        contacts = []
        for number in e.numbers:
            label = m.PlainText(text=_fill(call.text, CALL_NUMBER, {"number": number}), lang=call.lang)
            contacts.append(m.Contact(kind="phone", href=f"tel:{number}",
                                      label=self.with_area(label, CALL_NUMBER % {"number": number}, here)))
        base = self.resource(here)
        return msgspec.structs.replace(
            base, description=m.PlainText(text=_fill(said.text, EMERGENCY_NOW, {"number": e.numbers[0]}),
                                          lang=said.lang), contacts=contacts)


def _neutral(text: str) -> bool:
    """A text in no language (a web address, a number): the same in every locale."""
    return not any(ch.isalpha() for ch in DOMAIN.sub("", text))


def english_area(r: Resource) -> str:
    return WORLDWIDE if r.worldwide else format_list([english_country(c) for c in r.countries], locale="en")


def crisis_block(heading: str, resources: tuple[Resource, ...], ui: NullTranslations, loc: Locale,
                 country: str | None = None, emergency: EmergencyNumber | None = None) -> m.Crisis:
    """The help-now block in a locale for a reader in `country` (None: not chosen; "*": a country with
    no line here). Each text says which language it is in: English where the catalog lacks it.
    With `emergency` (the country's number), the emergency line names it and calls it."""
    texts = _Texts(ui, loc)
    out = []
    for r in select(resources, loc.tag, country):
        if emergency is not None and country is not None and r.id == EMERGENCY_ID:
            out.append(texts.emergency(r, emergency, country))
        else:
            out.append(texts.resource(r))
    return m.Crisis(heading=texts.t(heading), country=None if country == ANY else country, resources=out)


def _fill(template: str, english: str, values: dict[str, str]) -> str:
    """A translated template with its values; the English one if the translation cannot take them."""
    try:
        return template % values
    except (ValueError, TypeError, KeyError):
        return english % values
