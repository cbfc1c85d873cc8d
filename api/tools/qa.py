"""Translation QA by a third-party checker: translate-toolkit's pofilter checks over every catalog.

``python -m api.qa`` (part of ``make check``) runs pofilter's standard checks (the ones Weblate
also runs) on every translated, non-fuzzy message of every ``locales/*/LC_MESSAGES/*.po`` and
fails on any finding that ``locales/pofilter-exceptions.csv`` does not accept. Each exception
row says ``locale,domain,check,msgid,reason``: ``*`` matches any locale or domain, ``msgid``
matches the start of the English text (empty: every message), and ``reason`` must say why the
finding is right for that language. A row with ``*``, ``*`` and an empty msgid switches the
check off for the whole project. Exceptions that no longer match anything are listed, so the
file stays honest. translate-toolkit is a test dependency (the ``test`` extra).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from translate.filters import checks
from translate.storage import factory

from api.core.settings import ROOT
from api.sources.poread import Problem, read_catalog

EXCEPTIONS = ROOT / "locales" / "pofilter-exceptions.csv"
HEADER = ["locale", "domain", "check", "msgid", "reason"]


class ExceptionsError(ValueError):
    """The exceptions file cannot be used; the message names file and line."""


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    locale: str
    domain: str
    check: str
    msgid: str
    message: str

    def problem(self, root: Path | None = None) -> Problem:
        shown = self.path.relative_to(root) if root and self.path.is_relative_to(root) else self.path
        return Problem(shown, self.line, f"pofilter {self.check}: {self.message} (msgid {self.msgid[:50]!r})")


@dataclass(frozen=True)
class Accepted:
    line: int
    locale: str
    domain: str
    check: str
    msgid: str
    reason: str

    @property
    def switches_off(self) -> bool:
        return self.locale == self.domain == "*" and not self.msgid

    def accepts(self, finding: Finding) -> bool:
        return (
            self.check == finding.check
            and self.locale in ("*", finding.locale)
            and self.domain in ("*", finding.domain)
            and finding.msgid.startswith(self.msgid)
        )


def load_exceptions(path: Path) -> list[Accepted]:
    rows = []
    with path.open(encoding="utf-8", newline="") as fp:
        reader = csv.reader(fp)
        if next(reader, None) != HEADER:
            raise ExceptionsError(f"{path}:1: the header must be {','.join(HEADER)}")
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(HEADER):
                raise ExceptionsError(f"{path}:{reader.line_num}: expected {len(HEADER)} fields: {','.join(HEADER)}")
            locale, domain, check, msgid, reason = (cell.strip() for cell in row)
            if not check or not reason:
                raise ExceptionsError(f"{path}:{reader.line_num}: every exception needs a check name and a reason")
            rows.append(Accepted(reader.line_num, locale or "*", domain or "*", check, msgid, reason))
    return rows


def _lines(path: Path) -> dict[tuple[str | None, str], int]:
    """Where each message starts, by (msgctxt, msgid): translate-toolkit's units do not carry lines."""
    return {
        (msg.context, msg.id if isinstance(msg.id, str) else msg.id[0]): msg.lineno or 0
        for msg in read_catalog(path) if msg.id
    }


def run_pofilter(path: Path, locale: str, excluded: Iterable[str] = ()) -> list[Finding]:
    """pofilter's standard checks on one catalog's translated, non-fuzzy messages."""
    config = checks.CheckerConfig(targetlanguage=locale)
    checker: Any = checks.TeeChecker(
        checkerconfig=config,
        excludefilters=dict.fromkeys(excluded, True),
        checkerclasses=[checks.StandardChecker, checks.StandardUnitChecker],
        languagecode=locale,
    )
    store: Any = factory.getobject(str(path))
    lines = _lines(path)
    findings = []
    for unit in store.units:
        if unit.isheader() or unit.isobsolete() or unit.isfuzzy() or not unit.istranslated():
            continue
        msgid = str(unit.source)
        context = unit.getcontext() or None
        for check, result in (checker.run_filters(unit, categorised=True) or {}).items():
            message = " ".join(str(result["message"]).split())
            findings.append(Finding(path, lines.get((context, msgid), 0), locale, path.stem, check, msgid, message))
    return findings


def catalogs(locales_dir: Path) -> list[tuple[str, Path]]:
    return [(po.parent.parent.name, po) for po in sorted(locales_dir.glob("*/LC_MESSAGES/*.po"))]


def check(locales_dir: Path, exceptions: list[Accepted]) -> tuple[list[Finding], list[Accepted]]:
    """(findings no exception accepts, exceptions that accepted nothing)."""
    off = {e.check for e in exceptions if e.switches_off}
    used: set[Accepted] = {e for e in exceptions if e.switches_off}
    refused = []
    for locale, po in catalogs(locales_dir):
        for finding in run_pofilter(po, locale, off):
            accepting = [e for e in exceptions if e.accepts(finding)]
            used.update(accepting)
            if not accepting:
                refused.append(finding)
    return refused, [e for e in exceptions if e not in used]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api.tools.qa", description=__doc__.splitlines()[0])
    parser.add_argument("--locales", type=Path, default=ROOT / "locales", help="folder of catalogs")
    parser.add_argument("--exceptions", type=Path, default=EXCEPTIONS, help="accepted findings, with reasons")
    args = parser.parse_args(argv)
    try:
        exceptions = load_exceptions(args.exceptions)
    except (OSError, ExceptionsError, csv.Error, UnicodeDecodeError) as exc:
        print(f"pofilter exceptions: {exc}", file=sys.stderr)
        return 1
    refused, unused = check(args.locales, exceptions)
    for finding in refused:
        print(finding.problem(ROOT))
    for exception in unused:
        print(f"{args.exceptions}:{exception.line}: note: this exception no longer matches anything; remove it",
              file=sys.stderr)
    print(f"pofilter: {len(refused)} finding(s) not in the exceptions", file=sys.stderr)
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main())
