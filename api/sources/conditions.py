"""Conditions (topics) and their codes: ICD-10-CM, SNOMED CT and ICD-10 (WHO).

The owner keeps the conditions in ``conditions.yaml`` (id, English name, codes); an article
names the ids it is about in its front matter. Names are interface text, translated once through
ui.pot (msgctxt ``condition``).

Codes are checked where they are written (``bothand check`` names the file and line) and where
clinics send them (the Infobutton endpoint and ``?condition=`` answer 400):

* ICD-10-CM: a letter, a digit, a letter or digit, then up to four more after a dot
  (``F41``, ``F41.1``, ``S72.001A``); dots and case are normalized (``f411`` is ``F41.1``).
* ICD-10 (WHO): the same shape, at most two characters after the dot.
* SNOMED CT: a concept id: 6 to 18 digits, no leading zero, partition ``00`` or ``10`` (a concept,
  not a description or relationship id), and a valid Verhoeff check digit (the last digit).

Matching (:func:`match_score`): an ICD code matches an article coded at that code or at any of its
ancestors (``F41.1`` finds ``F41``); SNOMED CT matches the exact concept id. Codes are not
hierarchically expanded beyond that: no SNOMED subsumption without a terminology server.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

CONTEXT = "condition"  # the msgctxt of condition names in ui.pot


@dataclass(frozen=True)
class CodeSystem:
    key: str  # what conditions.yaml and ?condition= use
    oid: str  # what HL7 Infobutton requests send (mainSearchCriteria.v.cs)
    name: str
    uri: str  # the FHIR system URI, for partners who think in FHIR


ICD10CM = CodeSystem("icd10cm", "2.16.840.1.113883.6.90", "ICD-10-CM", "http://hl7.org/fhir/sid/icd-10-cm")
SNOMED = CodeSystem("snomed", "2.16.840.1.113883.6.96", "SNOMED CT", "http://snomed.info/sct")
ICD10 = CodeSystem("icd10", "2.16.840.1.113883.6.3", "ICD-10", "http://hl7.org/fhir/sid/icd-10")
SYSTEMS: dict[str, CodeSystem] = {s.key: s for s in (ICD10CM, SNOMED, ICD10)}
BY_OID: dict[str, CodeSystem] = {s.oid: s for s in SYSTEMS.values()}

_ICD10CM = re.compile(r"([A-Z][0-9][0-9A-Z])(?:\.?([0-9A-Z]{1,4}))?")
_ICD10 = re.compile(r"([A-Z][0-9][0-9A-Z])(?:\.?([0-9A-Z]{1,2}))?")
_SNOMED = re.compile(r"[1-9][0-9]{5,17}")
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_CODE = 32

# Verhoeff's dihedral group D5: multiplication, permutation and inverse tables.
_D = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
]
_P = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
]


def verhoeff_valid(digits: str) -> bool:
    """Whether the last digit is the Verhoeff check digit of the others (SNOMED CT ids carry one)."""
    check = 0
    for i, ch in enumerate(reversed(digits)):
        check = _D[check][_P[i % 8][int(ch)]]
    return check == 0


def normalize(system: CodeSystem, raw: str) -> str | None:
    """The code in its canonical spelling (`f411` -> `F41.1`), or None if it is malformed."""
    text = raw.strip()
    if not text or len(text) > MAX_CODE:
        return None
    if system is SNOMED:
        if not text.isascii() or not _SNOMED.fullmatch(text) or text[-3:-1] not in ("00", "10"):
            return None
        return text if verhoeff_valid(text) else None
    pattern = _ICD10CM if system is ICD10CM else _ICD10
    match = pattern.fullmatch(text.upper()) if text.isascii() else None
    if match is None:
        return None
    head, tail = match.groups()
    return f"{head}.{tail}" if tail else head


def problem(system: CodeSystem, raw: str) -> str:
    """Why a code is refused, in words a clinic developer or the owner can act on."""
    if system is SNOMED:
        text = raw.strip()
        if _SNOMED.fullmatch(text) and text[-3:-1] not in ("00", "10"):
            return f"{raw!r} is not a SNOMED CT concept id (its partition digits are {text[-3:-1]}, not 00 or 10)"
        if _SNOMED.fullmatch(text):
            return f"{raw!r} is not a SNOMED CT concept id (its Verhoeff check digit is wrong)"
        return f"{raw!r} is not a SNOMED CT concept id (6 to 18 digits, no leading zero)"
    return f"{raw!r} is not an {system.name} code (e.g. F41 or F41.1)"


@dataclass(frozen=True)
class Code:
    system: CodeSystem
    code: str  # canonical spelling

    @property
    def compact(self) -> str:
        return self.code.replace(".", "")


@dataclass(frozen=True)
class Condition:
    id: str
    name: str  # English; translated through ui.pot, msgctxt "condition"
    codes: tuple[Code, ...]
    line: int  # where it starts in conditions.yaml
    name_line: int = 0  # where its name is (what translators' tools point at)


@dataclass(frozen=True)
class Problem:
    line: int
    message: str


def _scalar_list(node: yaml.Node) -> list[yaml.ScalarNode] | None:
    if isinstance(node, yaml.ScalarNode):
        return [node]
    if isinstance(node, yaml.SequenceNode) and all(isinstance(v, yaml.ScalarNode) for v in node.value):
        return list(node.value)
    return None


def read_conditions(path: Path) -> tuple[dict[str, Condition], list[Problem]]:
    """Every well-formed condition of a conditions file by id, and a problem (with its line) for the rest."""
    return parse_conditions(path.read_text(encoding="utf-8"))


def parse_conditions(text: str) -> tuple[dict[str, Condition], list[Problem]]:
    """Every well-formed condition by id, and a problem (with its line) for everything else."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return {}, [Problem((mark.line + 1) if mark else 1, f"not valid YAML: {exc}")]
    top = {str(k.value): v for k, v in root.value} if isinstance(root, yaml.MappingNode) else {}
    items = top.get("conditions")
    if not isinstance(items, yaml.SequenceNode):
        return {}, [Problem(1, "needs a `conditions:` list")]
    conditions: dict[str, Condition] = {}
    problems: list[Problem] = []
    for item in items.value:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            problems.append(Problem(line, "a condition is a mapping: id, name, icd10cm, snomed (icd10 optional)"))
            continue
        fields = {str(k.value): v for k, v in item.value}
        ident, name = fields.get("id"), fields.get("name")
        if not isinstance(ident, yaml.ScalarNode) or not _ID.fullmatch(str(ident.value)):
            problems.append(Problem(line, "a condition needs an `id` of lower-case letters, digits and hyphens"))
            continue
        cid = str(ident.value)
        if cid in conditions:
            problems.append(Problem(line, f"condition id {cid!r} is used twice (first at line {conditions[cid].line})"))
            continue
        if not isinstance(name, yaml.ScalarNode) or not str(name.value).strip():
            problems.append(Problem(line, f"condition {cid!r} needs an English `name`"))
            continue
        codes: list[Code] = []
        for key in fields:
            if key not in ("id", "name", *SYSTEMS):
                problems.append(Problem(fields[key].start_mark.line + 1,
                                        f"condition {cid!r}: unknown field {key!r} (known: id, name, "
                                        f"{', '.join(SYSTEMS)})"))
        for key, system in SYSTEMS.items():
            node = fields.get(key)
            if node is None:
                if system is not ICD10:
                    problems.append(Problem(line, f"condition {cid!r} needs {system.name} codes (`{key}:`)"))
                continue
            values = _scalar_list(node)
            if values is None:
                problems.append(Problem(node.start_mark.line + 1, f"condition {cid!r}: `{key}` is a list of codes"))
                continue
            for value in values:
                code = normalize(system, str(value.value))
                if code is None:
                    problems.append(Problem(value.start_mark.line + 1,
                                            f"condition {cid!r}: {problem(system, str(value.value))}"))
                else:
                    codes.append(Code(system, code))
        conditions[cid] = Condition(cid, str(name.value).strip(), tuple(dict.fromkeys(codes)), line,
                                    name.start_mark.line + 1)
    return conditions, problems


class ConditionError(ValueError):
    """conditions.yaml or an article's `conditions:` is wrong; the message names file and line."""


def load_conditions(path: Path) -> dict[str, Condition]:
    """The conditions by id; refuses a file with any problem (the first one, with its line)."""
    if not path.exists():
        return {}
    conditions, problems = read_conditions(path)
    if problems:
        raise ConditionError(f"{path}:{problems[0].line}: {problems[0].message}")
    return conditions


# Matching -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Criterion:
    """One code a client asked about."""

    code: Code
    display: str | None = None  # mainSearchCriteria.v.dn: echoed, never matched on


def _matches(asked: Code, coded: Code) -> int:
    """How specifically a coded condition answers an asked code: 0 = not at all."""
    if asked.system is not coded.system:
        return 0
    if asked.system is SNOMED:
        return 10 if asked.code == coded.code else 0
    a, c = asked.compact, coded.compact
    return len(c) if a.startswith(c) else 0  # the coded code is the asked one or an ancestor


@dataclass(frozen=True, order=True)
class Score:
    criteria: int  # how many of the asked codes the item answers
    specificity: int  # how close its best code is to what was asked (exact beats ancestor)
    earliest: int  # minus the position of the first asked code it answers (the first is the main one)


def match_score(criteria: Sequence[Criterion], codes: Iterable[Code]) -> Score | None:
    """How well something coded with `codes` answers the criteria; None if it does not."""
    codes = list(codes)
    hits = [(i, max((_matches(c.code, coded) for coded in codes), default=0)) for i, c in enumerate(criteria)]
    hits = [(i, q) for i, q in hits if q]
    if not hits:
        return None
    return Score(len(hits), max(q for _, q in hits), -hits[0][0])


def check_article_conditions(refs: Iterable[tuple[str, int]], known: dict[str, Condition], path: Path) -> list[str]:
    """`file:line: message` for every condition id an article names that conditions.yaml lacks."""
    return [f"{path}:{line}: unknown condition {cid!r} (known: {', '.join(known) or 'none'}; see conditions.yaml)"
            for cid, line in refs if cid not in known]


def parse_condition(raw: str) -> Code:
    """`icd10cm:F41.1`, `snomed:197480006` or `icd10:F41` (the `?condition=` filter) -> a Code.
    Raises ValueError with a message for the client."""
    key, sep, value = raw.partition(":")
    system = SYSTEMS.get(key.strip().lower()) if sep else None
    if system is None:
        raise ValueError(f"condition must be SYSTEM:CODE with SYSTEM one of {', '.join(SYSTEMS)}, "
                         "e.g. icd10cm:F41.1 or snomed:197480006")
    code = normalize(system, value)
    if code is None:
        raise ValueError(problem(system, value[:40]))
    return Code(system, code)
