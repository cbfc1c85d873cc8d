"""crisis.yaml's shape as msgspec Structs, and its faults mapped to file:line.

The Structs say what each field must be (types, and the constraints as msgspec.Meta); the few checks
a type cannot state (a country code CLDR knows, a language tag Babel knows, a date not in the future)
are custom types that msgspec's `dec_hook` checks, so their faults carry a path too. :func:`convert`
collects every fault, not only the first (the owner fixes the file in one go): when a Struct fails,
each field is converted on its own, and each item of a list of Structs. A fault's path
(`$.resources[3].countries[0]`) names the YAML node, and so the line, where it is.
"""

from __future__ import annotations

import datetime as dt
import re
import typing
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import msgspec
import yaml
from babel import Locale as BabelLocale
from babel import UnknownLocaleError

from api.core.countries import country_codes
from api.i18n.negotiation import normalize_tag
from api.sources.crisis import ANY, DIALABLE, ID, KINDS


class Invalid(ValueError):
    """A value a custom type refuses; msgspec reports it at the value's path, with this text."""


class Country(str):
    """An ISO 3166-1 alpha-2 code CLDR knows."""


class Area(str):
    """A Country, or `*`: every country (a resource's `countries` may list it)."""


class Language(str):
    """A BCP 47 tag as written (normalized) that Babel knows."""


class Day(dt.date):
    """A date (YYYY-MM-DD) that is not in the future."""

    def plain(self) -> dt.date:
        return dt.date(self.year, self.month, self.day)  # what the models hold (no subclass)


def _babel_knows(tag: str) -> bool:
    try:
        BabelLocale.parse(tag, sep="-")
    except (ValueError, LookupError, UnknownLocaleError):
        return False
    return True


def hook(today: dt.date) -> typing.Callable[[type, Any], Any]:
    """msgspec's dec_hook for the custom types, checking dates against `today`."""

    def decode(kind: type, value: Any) -> Any:
        if kind is Country or kind is Area:
            if not isinstance(value, str) or (value not in country_codes() and not (kind is Area and value == ANY)):
                raise Invalid("which is not an ISO 3166-1 alpha-2 country code (upper case, e.g. US, CA, MX)")
            return kind(value)
        if kind is Language:
            if not isinstance(value, str) or (value != ANY and (normalize_tag(value) != value
                                                                 or not _babel_knows(value))):
                raise Invalid("which is not a BCP 47 language tag as written (e.g. en, fr, es, zh-Hant)")
            return Language(value)
        if kind is Day:
            day = value.date() if isinstance(value, dt.datetime) else value
            if isinstance(day, str):
                try:
                    day = dt.date.fromisoformat(day)
                except ValueError:
                    raise Invalid("which is not a date (YYYY-MM-DD)") from None
            if not isinstance(day, dt.date):
                raise Invalid("which is not a date (YYYY-MM-DD)")
            if day > today:
                raise Invalid("which is in the future")
            return Day(day.year, day.month, day.day)
        raise NotImplementedError(kind)

    return decode


NON_BLANK = r"\S"
HTTPS = "^https://"
Numbers = Annotated[list[Annotated[str, msgspec.Meta(pattern=f"^{DIALABLE.pattern}$")]], msgspec.Meta(
    min_length=1, description='the numbers to call, digits only (e.g. ["999", "112"])')]


class ContactEntry(msgspec.Struct, forbid_unknown_fields=True):
    kind: Annotated[Literal["phone", "sms", "url"], msgspec.Meta(description=f"one of {', '.join(KINDS)}")]
    value: Annotated[str | int, msgspec.Meta(description='the number, digits only ("988"), or the web address')]
    label: Annotated[str | int, msgspec.Meta(description='the link text ("Call 9-8-8")')]

    def __post_init__(self) -> None:
        value = str(self.value)
        if self.kind == "url" and not value.startswith("https://"):
            raise Invalid(f"web address {value!r} must start with https://")
        if self.kind != "url" and not DIALABLE.fullmatch(value):
            raise Invalid(f'number {value!r} must be digits only (e.g. "988")')


class ResourceEntry(msgspec.Struct, forbid_unknown_fields=True):
    id: Annotated[str, msgspec.Meta(pattern=f"^{ID.pattern}$",
                                    description="lower-case letters, digits and hyphens, e.g. `ca-988`")]
    name: Annotated[str, msgspec.Meta(pattern=NON_BLANK, description="a text: the service's own name")]
    description: Annotated[str, msgspec.Meta(pattern=NON_BLANK, description="a text: what it offers")]
    countries: Annotated[Literal["*"] | Annotated[list[Area], msgspec.Meta(min_length=1)], msgspec.Meta(
        description='a list of ISO 3166-1 alpha-2 codes (e.g. [CA]) or "*" for every country')]
    languages: Annotated[Literal["*"] | Annotated[list[Language], msgspec.Meta(min_length=1)], msgspec.Meta(
        description='the BCP 47 tags of the languages it serves in (e.g. [en, fr]) or "*"')]
    contacts: Annotated[list[ContactEntry], msgspec.Meta(
        description="a list of contacts, each with `kind`, `value` and `label`")] = []
    # Required of every resource a reader can act on (it has contacts): read_crisis says so.
    source: Annotated[str, msgspec.Meta(pattern=HTTPS, description=(
        "the https:// address of the official page that states its numbers, languages and hours"))] | None = None
    verified: Annotated[Day, msgspec.Meta(description=(
        "the date (YYYY-MM-DD) someone last checked every fact here against `source`"))] | None = None


class NumberEntry(msgspec.Struct, forbid_unknown_fields=True):
    numbers: Numbers
    for_: Annotated[list[Country], msgspec.Meta(
        min_length=1, description="a list of ISO 3166-1 alpha-2 country codes (upper case, e.g. [GB])")] = (
        msgspec.field(name="for"))
    source: Annotated[str, msgspec.Meta(
        pattern=HTTPS, description="the https:// address of an official page that states the number")]
    verified: Annotated[Day, msgspec.Meta(description="the date (YYYY-MM-DD, not in the future) it was last checked")]


class CrisisFile(msgspec.Struct, forbid_unknown_fields=True):
    heading: Annotated[str, msgspec.Meta(pattern=NON_BLANK, description="a text")]
    resources: Annotated[list[ResourceEntry], msgspec.Meta(
        min_length=1, description="a list of at least one resource")]
    emergency_numbers: Annotated[list[NumberEntry], msgspec.Meta(description="a list")] = []


@dataclass(frozen=True)
class Fault:
    path: str  # `$.resources[3].countries[0]`
    field: str  # the Struct field it is in (its name in the file)
    message: str  # "" when msgspec refused the value: the field's description says what it must be
    description: str = ""


def _unwrap(kind: Any) -> Any:
    while typing.get_origin(kind) is Annotated:
        kind = typing.get_args(kind)[0]
    return kind


def _struct_of_items(kind: Any) -> type[msgspec.Struct] | None:
    kind = _unwrap(kind)
    if typing.get_origin(kind) is list:
        item = _unwrap(typing.get_args(kind)[0])
        if isinstance(item, type) and issubclass(item, msgspec.Struct):
            return item
    return None


def field_type(struct: type[msgspec.Struct], name: str) -> Any:
    return next(f.type for f in msgspec.structs.fields(struct) if f.name == name)


def describe(struct: type[msgspec.Struct], name: str) -> str:
    """A field's description (its msgspec.Meta's, in an optional field's type too), for the messages."""
    kind = typing.get_type_hints(struct, include_extras=True)[name]
    for part in (kind, *typing.get_args(kind)):
        if typing.get_origin(part) is Annotated:
            for meta in typing.get_args(part)[1:]:
                if isinstance(meta, msgspec.Meta) and meta.description:
                    return str(meta.description)
    return ""


def convert(value: Any, kind: Any, path: str, decode: typing.Callable[[type, Any], Any],
            field: str = "", description: str = "") -> tuple[Any, list[Fault]]:
    """`value` as `kind`, or None and every fault found in it (see the module docstring)."""
    try:
        return msgspec.convert(value, kind, dec_hook=decode), []
    except msgspec.ValidationError as exc:
        text, _, at = str(exc).rpartition(" - at `")
        where = path + at.rstrip("`").removeprefix("$") if text else path
        # Our own refusals (custom types, __post_init__) say what is wrong; msgspec's are rephrased.
        whole = Fault(where, field, (text or str(exc)) if isinstance(exc.__cause__, Invalid) else "", description)
    struct, items = _unwrap(kind), _struct_of_items(kind)
    faults: list[Fault] = []
    if isinstance(struct, type) and issubclass(struct, msgspec.Struct) and isinstance(value, dict):
        fields = {f.encode_name: f for f in msgspec.structs.fields(struct)}
        faults += [Fault(f"{path}.{name}", str(name), "is not a field here (a typo?)") for name in value
                   if name not in fields]
        for name, spec in fields.items():
            if name in value:
                faults += convert(value[name], spec.type, f"{path}.{name}", decode, name,
                                  describe(struct, spec.name))[1]
            elif spec.required:
                faults.append(Fault(path, name, "is required: " + describe(struct, spec.name)))
    elif items is not None and isinstance(value, list) and value:
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                faults.append(Fault(f"{path}[{i}]", field, f"each entry of `{field}` must be a mapping"))
            else:
                faults += convert(item, items, f"{path}[{i}]", decode, field)[1]
    return None, faults or [whole]


def say(fault: Fault, data: Any) -> str:
    """A fault as the owner reads it: what is wrong, in the field's own words."""
    value = value_at(data, fault.path)
    shown = str(value) if isinstance(value, dt.date) else repr(value)
    if fault.message.startswith("which"):  # a custom type's refusal: name the value
        return f"`{fault.field}` {'has' if fault.path.endswith(']') else 'is'} {shown}, {fault.message}"
    if fault.message.startswith("is "):
        return f"`{fault.field}` {fault.message}"
    if fault.message:
        return fault.message
    plain = isinstance(value, str | int | float | dt.date) and fault.path.rpartition(".")[2].startswith(
        fault.field)
    return f"`{fault.field}` must be {fault.description}" + (f", not {shown}" if plain else "")


_STEP = re.compile(r"\.([^.\[]+)|\[(\d+)\]")


def line_of(root: yaml.Node, path: str) -> int:
    """The 1-based line of the deepest node of `path` (`$.resources[3].phone`) the file has."""
    node, line = root, root.start_mark.line + 1
    for key, index in _STEP.findall(path.removeprefix("$")):
        if key and isinstance(node, yaml.MappingNode):
            found = next(((k, v) for k, v in node.value if k.value == key), None)
            if found is None:
                break
            line, node = found[0].start_mark.line + 1, found[1]
        elif index and isinstance(node, yaml.SequenceNode) and int(index) < len(node.value):
            node = node.value[int(index)]
            line = node.start_mark.line + 1
        else:
            break
    return line


def value_at(data: Any, path: str) -> Any:
    for key, index in _STEP.findall(path.removeprefix("$")):
        if key and isinstance(data, dict) and key in data:
            data = data[key]
        elif index and isinstance(data, list) and int(index) < len(data):
            data = data[int(index)]
        else:
            return None
    return data
