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
from pathlib import Path
from typing import Any

import msgspec
import yaml
from babel import Locale as BabelLocale
from babel import UnknownLocaleError
from babel.lists import format_list
from babel.support import NullTranslations

from api.core import models as m
from api.core.countries import country_codes, parse_country  # noqa: F401  # re-exported
from api.core.locales import SOURCE_TAG, Locale
from api.i18n.negotiation import normalize_tag
from api.sources.catalogs import DOMAIN, Problem

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


# Reading crisis.yaml ----------------------------------------------------------------------------------

class CrisisFileError(ValueError):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


def _lines(node: yaml.Node) -> dict[str, int]:
    if isinstance(node, yaml.MappingNode):
        return {str(k.value): k.start_mark.line + 1 for k, _ in node.value}
    return {}


def _codes(value: Any) -> list[str] | None:
    """A list of strings, or ["*"]; None when it is neither."""
    if value == ANY:
        return [ANY]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def read_crisis(path: Path, today: dt.date | None = None) -> tuple[str, tuple[Resource, ...], list[Problem]]:
    """Heading, resources and every problem (file:line) of a crisis.yaml. Resources with problems
    are still returned where they can be read, so `check` can report everything at once."""
    text = path.read_text(encoding="utf-8")
    problems: list[Problem] = []

    def problem(line: int, message: str) -> None:
        problems.append(Problem(path, line, message))

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem(mark.line + 1 if mark else 1, f"not valid YAML: {exc}")
        return "", (), problems
    if not isinstance(data, dict) or not isinstance(root, yaml.MappingNode):
        problem(1, "must be a mapping with `heading` and `resources`")
        return "", (), problems
    top = _lines(root)
    heading = data.get("heading")
    if not isinstance(heading, str) or not heading.strip():
        problem(top.get("heading", 1), "`heading` must be a text")
        heading = ""
    items = data.get("resources")
    nodes = next((v for k, v in root.value if k.value == "resources"), None)
    if not isinstance(items, list) or not items or not isinstance(nodes, yaml.SequenceNode):
        problem(top.get("resources", 1), "`resources` must be a list of at least one resource")
        return heading, (), problems
    today = today or dt.date.today()
    resources: list[Resource] = []
    seen: set[str] = set()
    for item, node in zip(items, nodes.value, strict=True):
        line = node.start_mark.line + 1
        lines = _lines(node)
        if not isinstance(item, dict):
            problem(line, "each resource must be a mapping")
            continue
        at = lines.get
        rid = item.get("id")
        if not isinstance(rid, str) or not ID.fullmatch(rid):
            problem(at("id", line), "`id` must be lower-case letters, digits and hyphens, e.g. `ca-988`")
            rid = str(rid)
        elif rid in seen:
            problem(at("id", line), f"resource id {rid!r} is used twice")
        seen.add(rid)
        label = f"resource {rid!r}"
        for key in ("name", "description"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                problem(at(key, line), f"{label}: `{key}` must be a text")
        countries = _codes(item.get("countries"))
        if countries is None:
            problem(at("countries", line), f"{label}: `countries` is required: a list of ISO 3166-1 alpha-2 codes "
                                           f"(e.g. [CA]) or \"*\" for every country")
            countries = []
        for code in countries:
            if code != ANY and code not in country_codes():
                problem(at("countries", line), f"{label}: {code!r} is not an ISO 3166-1 alpha-2 country code "
                                               "(upper case, e.g. US, CA, MX)")
        languages = _codes(item.get("languages"))
        if languages is None:
            problem(at("languages", line), f"{label}: `languages` is required: the BCP 47 tags of the languages "
                                           f"it serves in (e.g. [en, fr]) or \"*\"")
            languages = []
        for tag in languages:
            if tag != ANY and (normalize_tag(tag) != tag or not _babel_knows(tag)):
                problem(at("languages", line), f"{label}: {tag!r} is not a BCP 47 language tag as written "
                                               "(e.g. en, fr, es, zh-Hant)")
        contacts: list[Contact] = []
        raw_contacts = item.get("contacts", [])
        if not isinstance(raw_contacts, list):
            problem(at("contacts", line), f"{label}: `contacts` must be a list")
            raw_contacts = []
        for c in raw_contacts:
            if not isinstance(c, dict) or not all(isinstance(c.get(k), (str, int)) for k in ("kind", "value", "label")):
                problem(at("contacts", line), f"{label}: each contact needs `kind`, `value` and `label`")
                continue
            contact = Contact(str(c["kind"]), str(c["value"]), str(c["label"]))
            if contact.kind not in KINDS:
                problem(at("contacts", line), f"{label}: contact kind {contact.kind!r} is not one of "
                                              f"{', '.join(KINDS)}")
            elif contact.kind == "url" and not contact.value.startswith("https://"):
                problem(at("contacts", line), f"{label}: web address {contact.value!r} must start with https://")
            elif contact.kind != "url" and not DIALABLE.fullmatch(contact.value):
                problem(at("contacts", line), f"{label}: number {contact.value!r} must be digits only (e.g. \"988\")")
            contacts.append(contact)
        source = item.get("source")
        verified = _date(item.get("verified"))
        if contacts or source is not None:
            if not isinstance(source, str) or not source.startswith("https://"):
                problem(at("source", line), f"{label}: `source` is required: the https:// address of the official "
                                            "page that states its numbers, languages and hours")
                source = None
            if verified is None:
                problem(at("verified", line), f"{label}: `verified` is required: the date (YYYY-MM-DD) someone last "
                                              "checked every fact here against `source`")
            elif verified > today:
                problem(at("verified", line), f"{label}: `verified` {verified} is in the future")
        resources.append(Resource(
            id=rid, name=str(item.get("name", "")).strip(), description=str(item.get("description", "")).strip(),
            contacts=tuple(contacts), countries=tuple(countries), languages=tuple(languages),
            source=source if isinstance(source, str) else None, verified=verified, line=line,
        ))
    problems += read_emergency_numbers(path, today)[1]
    if resources and not any(r.worldwide for r in resources):
        problem(top.get("resources", 1), "at least one resource must serve every country (countries: \"*\"), "
                                         "e.g. the local emergency number: readers anywhere must see something")
    return heading, tuple(resources), problems


def read_emergency_numbers(path: Path, today: dt.date | None = None) -> tuple[dict[str, EmergencyNumber],
                                                                              list[Problem]]:
    """country -> its emergency number entry, and every problem (file:line) of `emergency_numbers`."""
    problems: list[Problem] = []
    out: dict[str, EmergencyNumber] = {}
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return out, problems  # read_crisis reports it
    if not isinstance(root, yaml.MappingNode):
        return out, problems
    node = next((v for k, v in root.value if k.value == "emergency_numbers"), None)
    if node is None:
        return out, problems
    items = yaml.safe_load(yaml.serialize(node))
    if not isinstance(node, yaml.SequenceNode) or not isinstance(items, list):
        return out, [Problem(path, node.start_mark.line + 1, "`emergency_numbers` must be a list")]
    today = today or dt.date.today()
    for item, child in zip(items, node.value, strict=True):
        line = child.start_mark.line + 1
        at = _lines(child).get
        if not isinstance(item, dict):
            problems.append(Problem(path, line, "each emergency number must be a mapping"))
            continue
        numbers = _codes(item.get("numbers"))
        if not numbers or ANY in numbers or not all(DIALABLE.fullmatch(n) for n in numbers):
            problems.append(Problem(path, at("numbers", line), "`numbers` must list numbers, digits only "
                                                               "(e.g. [\"999\", \"112\"])"))
            numbers = []
        countries = _codes(item.get("for"))
        if not countries or any(c not in country_codes() for c in countries):
            problems.append(Problem(path, at("for", line), "`for` must list ISO 3166-1 alpha-2 country codes "
                                                           "(upper case, e.g. [GB])"))
            countries = []
        source, verified = item.get("source"), _date(item.get("verified"))
        if not isinstance(source, str) or not source.startswith("https://"):
            problems.append(Problem(path, at("source", line), "`source` is required: the https:// address of "
                                                              "an official page that states the number"))
            source = ""
        if verified is None or verified > today:
            problems.append(Problem(path, at("verified", line), "`verified` is required: the date (YYYY-MM-DD, "
                                                                "not in the future) it was last checked"))
            verified = today
        entry = EmergencyNumber(tuple(numbers), tuple(countries), source, verified, line)
        for code in countries:
            if code in out:
                problems.append(Problem(path, at("for", line), f"{code} has an emergency number twice"))
            out[code] = entry
    return out, problems


def load_emergency_numbers(path: Path) -> dict[str, EmergencyNumber]:
    numbers, problems = read_emergency_numbers(path)
    if problems:
        raise CrisisFileError(problems)
    return numbers


def _babel_knows(tag: str) -> bool:
    try:
        BabelLocale.parse(tag, sep="-")
    except (ValueError, LookupError, UnknownLocaleError):
        return False
    return True


def load_crisis(path: Path) -> tuple[str, tuple[Resource, ...]]:
    """Heading and resources; refuses a file with any problem (the build must not publish it)."""
    heading, resources, problems = read_crisis(path)
    if problems:
        raise CrisisFileError(problems)
    return heading, resources


def months_later(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def stale_warnings(path: Path, resources: Iterable[Resource], today: dt.date | None = None,
                   months: int = STALE_MONTHS) -> list[Problem]:
    """Resources whose facts were last checked more than `months` ago: check them at `source` again."""
    today = today or dt.date.today()
    numbers = {e.line: e for e in read_emergency_numbers(path, today)[0].values()}
    return [
        Problem(path, r.line, f"warning: resource {r.id!r} was last verified on {r.verified}, more than "
                              f"{months} months ago: check it at {r.source} and update `verified`")
        for r in resources if r.verified is not None and months_later(r.verified, months) < today
    ] + [
        Problem(path, e.line, f"warning: emergency number {', '.join(e.numbers)} was last verified on {e.verified}, "
                              f"more than {months} months ago: check it at {e.source} and update `verified`")
        for e in numbers.values() if months_later(e.verified, months) < today
    ]


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
