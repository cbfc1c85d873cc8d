"""Reading crisis.yaml: the help-now resources and emergency numbers, every problem with its file:line.

The owner edits crisis.yaml (its header comment documents every field); `bothand check` lists every
problem at once, and the build refuses a file with any (api/sources/crisis.py has what readers see).
The file's shape is msgspec Structs (api/sources/crisis_schema.py); this module adds what a type
cannot say (ids used once, a country with one emergency number, a line for every country) and turns
each fault's path into the line it is on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from api.sources.crisis import ANY, STALE_MONTHS, Contact, EmergencyNumber, Resource
from api.sources.crisis_schema import (
    CrisisFile,
    NumberEntry,
    ResourceEntry,
    convert,
    describe,
    field_type,
    hook,
    line_of,
    say,
)
from api.sources.poread import Problem


class CrisisFileError(ValueError):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


def _document(path: Path) -> tuple[yaml.Node, dict[str, Any]] | Problem:
    """The file's node tree (for lines) and data, or the one problem that stops reading it."""
    text = path.read_text(encoding="utf-8")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return Problem(path, mark.line + 1 if mark else 1, f"not valid YAML: {exc}")
    if not isinstance(data, dict) or not isinstance(root, yaml.MappingNode):
        return Problem(path, 1, "must be a mapping with `heading` and `resources`")
    return root, data


def _label(data: dict[str, Any], fault_path: str) -> str:
    """`resource 'ca-988': ` for a fault inside a resource."""
    if not fault_path.startswith("$.resources["):
        return ""
    item = data["resources"][int(fault_path[len("$.resources["):].partition("]")[0])]
    return f"resource {str(item.get('id'))!r}: " if isinstance(item, dict) and "id" in item else ""


def read_crisis(path: Path, today: dt.date | None = None) -> tuple[str, tuple[Resource, ...], list[Problem]]:
    """Heading, resources and every problem (file:line) of a crisis.yaml. The resources that can be
    read are returned even when others cannot, so `check` can report everything at once."""
    document = _document(path)
    if isinstance(document, Problem):
        return "", (), [document]
    root, data = document
    decode = hook(today or dt.date.today())
    problems = [Problem(path, line_of(root, f.path), _label(data, f.path) + say(f, data))
                for f in convert(data, CrisisFile, "$", decode)[1]]
    heading = data["heading"] if isinstance(data.get("heading"), str) and data["heading"].strip() else ""
    items: list[Any] = data["resources"] if isinstance(data.get("resources"), list) else []
    resources: list[Resource] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        entry = convert(item, ResourceEntry, f"$.resources[{i}]", decode)[0] if isinstance(item, dict) else None
        if entry is None:
            continue
        line = line_of(root, f"$.resources[{i}]")
        if entry.id in seen:
            problems.append(Problem(path, line_of(root, f"$.resources[{i}].id"),
                                    f"resource id {entry.id!r} is used twice"))
        seen.add(entry.id)
        if entry.contacts or entry.source is not None:  # a reader can act on it: say where it comes from
            problems += [Problem(path, line, f"resource {entry.id!r}: `{name}` is required: "
                                             + describe(ResourceEntry, name))
                         for name in ("source", "verified") if getattr(entry, name) is None]
        resources.append(_resource(entry, line))
    problems += _numbers(path, root, data, decode)[1]
    if items and not any(ANY in _codes(item.get("countries")) for item in items if isinstance(item, dict)):
        problems.append(Problem(path, line_of(root, "$.resources"), "at least one resource must serve every "
                                "country (countries: \"*\"), e.g. the local emergency number: readers anywhere "
                                "must see something"))
    return heading, tuple(resources), sorted(problems, key=lambda p: p.line)


def _codes(value: Any) -> list[str]:
    return [ANY] if value == ANY else [str(v) for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _resource(entry: ResourceEntry, line: int) -> Resource:
    return Resource(
        id=entry.id, name=entry.name.strip(), description=entry.description.strip(),
        contacts=tuple(Contact(str(c.kind), str(c.value), str(c.label)) for c in entry.contacts),
        countries=tuple(_codes(entry.countries)), languages=tuple(_codes(entry.languages)),
        source=entry.source, verified=entry.verified.plain() if entry.verified else None, line=line,
    )


def _numbers(path: Path, root: yaml.Node, data: dict[str, Any], decode: Any) -> tuple[dict[str, EmergencyNumber],
                                                                                    list[Problem]]:
    """The emergency numbers that can be read, and a country's second number (the types check the rest)."""
    out: dict[str, EmergencyNumber] = {}
    problems: list[Problem] = []
    items = data.get("emergency_numbers")
    for i, item in enumerate(items if isinstance(items, list) else []):
        entry: NumberEntry | None = convert(item, NumberEntry, f"$.emergency_numbers[{i}]", decode)[0]
        if entry is None:
            continue
        line = line_of(root, f"$.emergency_numbers[{i}]")
        countries = tuple(str(c) for c in entry.for_)
        number = EmergencyNumber(tuple(entry.numbers), countries, entry.source, entry.verified.plain(), line)
        for code in countries:
            if code in out:
                problems.append(Problem(path, line_of(root, f"$.emergency_numbers[{i}].for"),
                                        f"{code} has an emergency number twice"))
            out[code] = number
    return out, problems


def read_emergency_numbers(path: Path, today: dt.date | None = None) -> tuple[dict[str, EmergencyNumber],
                                                                              list[Problem]]:
    """country -> its emergency number entry, and every problem (file:line) of `emergency_numbers`."""
    document = _document(path)
    if isinstance(document, Problem):
        return {}, []  # read_crisis reports it
    root, data = document
    decode = hook(today or dt.date.today())
    numbers, problems = _numbers(path, root, data, decode)
    if "emergency_numbers" in data:
        kind = field_type(CrisisFile, "emergency_numbers")
        problems = [Problem(path, line_of(root, f.path), say(f, data)) for f in convert(
            data["emergency_numbers"], kind, "$.emergency_numbers", decode, "emergency_numbers",
            describe(CrisisFile, "emergency_numbers"))[1]] + problems
    return numbers, problems


def load_emergency_numbers(path: Path) -> dict[str, EmergencyNumber]:
    numbers, problems = read_emergency_numbers(path)
    if problems:
        raise CrisisFileError(problems)
    return numbers


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


