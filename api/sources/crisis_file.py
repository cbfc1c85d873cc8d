"""Reading crisis.yaml: the help-now resources and emergency numbers, every problem with its file:line.

The owner edits crisis.yaml (its header comment documents every field); `bothand check` lists every
problem at once, and the build refuses a file with any (api/sources/crisis.py has what readers see).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from babel import Locale as BabelLocale
from babel import UnknownLocaleError

from api.core.countries import country_codes
from api.i18n.negotiation import normalize_tag
from api.sources.crisis import ANY, DIALABLE, ID, KINDS, STALE_MONTHS, Contact, EmergencyNumber, Resource
from api.sources.poread import Problem


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
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return "", (), [Problem(path, mark.line + 1 if mark else 1, f"not valid YAML: {exc}")]
    if not isinstance(data, dict) or not isinstance(root, yaml.MappingNode):
        return "", (), [Problem(path, 1, "must be a mapping with `heading` and `resources`")]
    top = _lines(root)
    heading = data.get("heading")
    if not isinstance(heading, str) or not heading.strip():
        problems.append(Problem(path, top.get("heading", 1), "`heading` must be a text"))
        heading = ""
    items = data.get("resources")
    nodes = next((v for k, v in root.value if k.value == "resources"), None)
    if not isinstance(items, list) or not items or not isinstance(nodes, yaml.SequenceNode):
        problems.append(Problem(path, top.get("resources", 1), "`resources` must be a list of at least one resource"))
        return heading, (), problems
    reader = _ResourceReader(path, today or dt.date.today(), problems)
    resources = [r for item, node in zip(items, nodes.value, strict=True)
                 if (r := reader.resource(item, node)) is not None]
    problems += read_emergency_numbers(path, today)[1]
    if resources and not any(r.worldwide for r in resources):
        problems.append(Problem(path, top.get("resources", 1), "at least one resource must serve every country "
                                "(countries: \"*\"), e.g. the local emergency number: readers anywhere must "
                                "see something"))
    return heading, tuple(resources), problems


class _ResourceReader:
    """Reads one resource after another, adding each problem with the line it is on."""

    def __init__(self, path: Path, today: dt.date, problems: list[Problem]):
        self.path, self.today, self.problems = path, today, problems
        self.seen: set[str] = set()

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def resource(self, item: Any, node: yaml.Node) -> Resource | None:
        line = node.start_mark.line + 1
        if not isinstance(item, dict):
            self.problem(line, "each resource must be a mapping")
            return None
        at = _lines(node)
        rid = self._id(item, at.get("id", line))
        label = f"resource {rid!r}"
        for key in ("name", "description"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                self.problem(at.get(key, line), f"{label}: `{key}` must be a text")
        countries = self._countries(item, label, at.get("countries", line))
        languages = self._languages(item, label, at.get("languages", line))
        contacts = self._contacts(item, label, at.get("contacts", line))
        source, verified = self._provenance(item, label, bool(contacts), at, line)
        return Resource(
            id=rid, name=str(item.get("name", "")).strip(), description=str(item.get("description", "")).strip(),
            contacts=tuple(contacts), countries=tuple(countries), languages=tuple(languages),
            source=source, verified=verified, line=line,
        )

    def _id(self, item: dict[str, Any], line: int) -> str:
        rid = item.get("id")
        if not isinstance(rid, str) or not ID.fullmatch(rid):
            self.problem(line, "`id` must be lower-case letters, digits and hyphens, e.g. `ca-988`")
            rid = str(rid)
        elif rid in self.seen:
            self.problem(line, f"resource id {rid!r} is used twice")
        self.seen.add(rid)
        return rid

    def _countries(self, item: dict[str, Any], label: str, line: int) -> list[str]:
        countries = _codes(item.get("countries"))
        if countries is None:
            self.problem(line, f"{label}: `countries` is required: a list of ISO 3166-1 alpha-2 codes "
                               f"(e.g. [CA]) or \"*\" for every country")
            return []
        for code in countries:
            if code != ANY and code not in country_codes():
                self.problem(line, f"{label}: {code!r} is not an ISO 3166-1 alpha-2 country code "
                                   "(upper case, e.g. US, CA, MX)")
        return countries

    def _languages(self, item: dict[str, Any], label: str, line: int) -> list[str]:
        languages = _codes(item.get("languages"))
        if languages is None:
            self.problem(line, f"{label}: `languages` is required: the BCP 47 tags of the languages "
                               f"it serves in (e.g. [en, fr]) or \"*\"")
            return []
        for tag in languages:
            if tag != ANY and (normalize_tag(tag) != tag or not _babel_knows(tag)):
                self.problem(line, f"{label}: {tag!r} is not a BCP 47 language tag as written "
                                   "(e.g. en, fr, es, zh-Hant)")
        return languages

    def _contacts(self, item: dict[str, Any], label: str, line: int) -> list[Contact]:
        raw = item.get("contacts", [])
        if not isinstance(raw, list):
            self.problem(line, f"{label}: `contacts` must be a list")
            return []
        contacts: list[Contact] = []
        for c in raw:
            if not isinstance(c, dict) or not all(isinstance(c.get(k), (str, int)) for k in ("kind", "value", "label")):
                self.problem(line, f"{label}: each contact needs `kind`, `value` and `label`")
                continue
            contact = Contact(str(c["kind"]), str(c["value"]), str(c["label"]))
            if contact.kind not in KINDS:
                self.problem(line, f"{label}: contact kind {contact.kind!r} is not one of {', '.join(KINDS)}")
            elif contact.kind == "url" and not contact.value.startswith("https://"):
                self.problem(line, f"{label}: web address {contact.value!r} must start with https://")
            elif contact.kind != "url" and not DIALABLE.fullmatch(contact.value):
                self.problem(line, f"{label}: number {contact.value!r} must be digits only (e.g. \"988\")")
            contacts.append(contact)
        return contacts

    def _provenance(self, item: dict[str, Any], label: str, has_contacts: bool, at: dict[str, int],
                    line: int) -> tuple[str | None, dt.date | None]:
        """`source` and `verified`: required of every resource a reader can act on (it has contacts)."""
        source = item.get("source")
        verified = _date(item.get("verified"))
        if not has_contacts and source is None:
            return None, verified
        if not isinstance(source, str) or not source.startswith("https://"):
            self.problem(at.get("source", line), f"{label}: `source` is required: the https:// address of the "
                                                 "official page that states its numbers, languages and hours")
            source = None
        if verified is None:
            self.problem(at.get("verified", line), f"{label}: `verified` is required: the date (YYYY-MM-DD) "
                                                   "someone last checked every fact here against `source`")
        elif verified > self.today:
            self.problem(at.get("verified", line), f"{label}: `verified` {verified} is in the future")
        return source, verified


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


