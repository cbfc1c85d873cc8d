"""The clinical termbase: one glossary per locale, and the check that translations use it.

``locales/<folder>/glossary.csv`` is Weblate's CSV glossary format (header ``source,target,explanation``),
one row per approved target form: several rows with the same ``source`` are several approved
forms (inflections, plural). A message whose English contains a term (case-insensitive, whole
words) and whose translation contains none of that term's approved forms (case-insensitive
substring) is reported as a warning with file and line; ``bothand check --strict`` fails on it.
Only locales with a glossary are checked.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Message

from api.core.locales import load_table
from api.sources.poread import Problem, read_catalog

HEADER = ["source", "target", "explanation"]
GLOSSARY = "glossary.csv"
DOMAINS = ("content", "ui")


class TermbaseError(ValueError):
    """A glossary file cannot be read: which line, and why."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Term:
    source: str
    targets: tuple[str, ...]
    explanation: str
    pattern: re.Pattern[str]

    def used_in(self, translation: str) -> bool:
        text = _fold(translation)
        return any(_fold(target) in text for target in self.targets)


def _fold(text: str) -> str:
    """Case, Unicode form, typographic apostrophes and no-break spaces do not make a term different."""
    text = unicodedata.normalize("NFC", text).casefold().replace("\u2019", "'")
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def load_glossary(path: Path) -> list[Term]:
    """The terms of one glossary, in file order; several rows of one source become one term."""
    rows: dict[str, tuple[list[str], list[str]]] = {}
    with path.open(encoding="utf-8", newline="") as fp:
        reader = csv.reader(fp)
        header = next(reader, None)
        if header != HEADER:
            raise TermbaseError(1, f"the header must be {','.join(HEADER)}, found {header!r}")
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(HEADER):
                raise TermbaseError(reader.line_num, "expected 3 fields: source,target,explanation")
            source, target, explanation = (cell.strip() for cell in row)
            if not source or not target:
                raise TermbaseError(reader.line_num, "source and target must not be empty")
            targets, notes = rows.setdefault(source.casefold(), ([], []))
            targets.append(target)
            if explanation and explanation not in notes:
                notes.append(explanation)
    return [
        Term(source, tuple(targets), " ".join(notes),
             re.compile(r"(?<!\w)" + re.escape(_fold(source)) + r"(?!\w)"))
        for source, (targets, notes) in rows.items()
    ]


def _texts(msg: Message) -> tuple[str, str]:
    source = msg.id if isinstance(msg.id, str) else " ".join(msg.id)
    target = msg.string if isinstance(msg.string, str) else " ".join(s for s in msg.string or () if s)
    return source, target


def term_problems(po: Path, terms: list[Term], shown_as: Path | None = None) -> list[Problem]:
    """Warnings for one catalog: a term in the English, none of its approved forms in the translation."""
    problems = []
    for msg in read_catalog(po):
        source, target = _texts(msg)
        if not msg.id or msg.fuzzy or not target.strip():
            continue
        folded = _fold(source)
        for term in terms:
            if term.pattern.search(folded) and not term.used_in(target):
                forms = ", ".join(f"“{t}”" for t in term.targets)
                problems.append(Problem(
                    shown_as or po, msg.lineno or 0,
                    f"warning: term “{term.source}” in msgid {source[:50]!r}: the translation uses none of {forms}"
                    + (f" ({term.explanation})" if term.explanation else ""),
                ))
    return problems


def check_terms(locales_dir: Path, root: Path | None = None) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings) for every locale that has a glossary: an unreadable glossary is an error,
    a translation that skips a term is a warning."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    for loc in load_table(locales_dir):
        glossary = locales_dir / loc.folder / GLOSSARY
        if loc.is_source or not glossary.exists():
            continue
        try:
            terms = load_glossary(glossary)
        except TermbaseError as exc:
            errors.append(Problem(_shown(glossary, root), exc.line, exc.message))
            continue
        except (UnicodeDecodeError, csv.Error) as exc:
            errors.append(Problem(_shown(glossary, root), 0, f"glossary is not UTF-8 CSV: {exc}"))
            continue
        for domain in DOMAINS:
            po = locales_dir / loc.folder / "LC_MESSAGES" / f"{domain}.po"
            if po.exists():
                warnings += term_problems(po, terms, _shown(po, root))
    return errors, warnings


def _shown(path: Path, root: Path | None) -> Path:
    if root is not None and path.is_relative_to(root):
        return path.relative_to(root)
    return path
