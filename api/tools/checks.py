"""Catalog hygiene for CI and translators: ``bothand check`` and ``bothand status``.

``check`` fails on anything that would make a translation wrong or unserved: syntax errors,
a Language or Plural-Forms header that does not fit the folder, markup or placeholder
mismatches, unsafe links, wrong plural counts, and a stale .pot. Each problem names the file
and line, as compilers do, so editors and CI logs link straight to it.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from collections.abc import Collection
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError

from api.core.locales import Locale, load_table
from api.core.settings import ROOT, Settings
from api.sources.catalogs import Catalogs
from api.sources.conditions import check_article_conditions, read_conditions
from api.sources.content import ContentError, load_articles
from api.sources.crisis import contact_labels
from api.sources.crisis_file import read_crisis, stale_warnings
from api.sources.messages import message_problems, plural_rule_problem
from api.sources.poread import Problem, header_line, read_catalog, read_leniently, syntax_problems
from api.tools.extraction import DOMAINS, stale_templates

_MSGFMT_LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):\s*(?P<msg>.*)$")


def _rel(path: Path) -> Path:
    try:
        return path.relative_to(ROOT)
    except ValueError:
        return path


def _msgfmt(path: Path) -> list[Problem]:
    exe = shutil.which("msgfmt")
    if exe is None:
        return []
    run = subprocess.run(  # noqa: S603  # fixed arguments, our own file
        [exe, "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True, check=False
    )
    problems = []
    for line in run.stderr.splitlines():
        m = _MSGFMT_LINE.match(line)
        if m and "warning" not in m.group("msg").lower():
            problems.append(Problem(_rel(path), int(m.group("line")), f"msgfmt: {m.group('msg')}"))
    if run.returncode and not problems:
        problems.append(Problem(_rel(path), 0, f"msgfmt --check failed: {run.stderr.strip()[:200]}"))
    return problems


def _header_problems(path: Path, catalog: Catalog, loc: Locale) -> list[Problem]:
    problems = []
    if str(catalog.locale_identifier or "") != loc.folder:
        problems.append(
            Problem(_rel(path), 1, f"Language header is {catalog.locale_identifier!r}, expected {loc.folder!r}")
        )
    rule = plural_rule_problem(catalog.plural_forms, catalog.num_plurals)
    if rule is not None:
        problems.append(Problem(_rel(path), header_line(path, "Plural-Forms"), rule))
    expected = Catalog(locale=loc.folder)
    if catalog.num_plurals != expected.num_plurals:
        problems.append(Problem(
            _rel(path), 1,
            f"Plural-Forms has nplurals={catalog.num_plurals}, CLDR says {expected.num_plurals} for {loc.tag}",
        ))
    return problems


def check_catalog(path: Path, loc: Locale, domain: str, protected: Collection[str] = ()) -> list[Problem]:
    if not path.exists():
        return [Problem(_rel(path), 0, "catalog missing (run `bothand init` for this locale)")]
    # The same errors, with the same lines, that make the build serve this file in English.
    syntax = [Problem(_rel(p.path), p.line, p.message) for p in syntax_problems(path)]
    if syntax:
        try:  # what else is wrong (e.g. the Plural-Forms header), as far as a lenient reading shows it
            return syntax + _header_problems(path, read_leniently(path), loc)
        except Exception:  # noqa: BLE001  # e.g. undecodable bytes: the syntax errors say it all
            return syntax
    problems = _msgfmt(path)
    try:
        catalog = read_catalog(path, strict=True)
    except PoFileError as exc:
        m = re.search(r"(?:line|on) (\d+)", str(exc))
        problems.append(Problem(_rel(path), int(m.group(1)) if m else 0, f"syntax error: {exc}"))
        # Read leniently to report what else is wrong (e.g. the Plural-Forms header behind the error).
        return problems + _header_problems(path, read_catalog(path), loc)
    problems += _header_problems(path, catalog, loc)
    for msg in catalog:
        if not msg.id or msg.fuzzy:
            continue
        has_text = any(msg.string) if isinstance(msg.string, (list, tuple)) else bool(msg.string)
        if not has_text:
            continue
        for text in message_problems(msg, domain, catalog.num_plurals, protected):
            msgid = msg.id if isinstance(msg.id, str) else msg.id[0]
            problems.append(Problem(_rel(path), msg.lineno or 0, f"msgid {msgid[:60]!r}: {text}"))
    return problems


def check_all(settings: Settings, stale: bool = True, root: Path = ROOT) -> list[Problem]:
    """Every problem of the project at `root` (content, conditions, help-now resources, templates,
    and the catalogs of every locale its locales/LINGUAS lists)."""
    problems: list[Problem] = []
    try:
        load_articles(settings.content_dir)
    except ContentError as exc:
        path, _, rest = str(exc).partition(":")
        line, _, message = rest.partition(":")
        problems.append(Problem(_rel(Path(path)), int(line) if line.isdigit() else 0, message.strip()))
    problems += condition_problems(settings)
    if stale:
        for domain in stale_templates(settings.locales_dir, root):
            problems.append(Problem(_rel(settings.locales_dir / f"{domain}.pot"), 1,
                                    "stale: re-run `make extract` and commit the result"))
    _, resources, crisis_problems = read_crisis(settings.crisis_file)
    problems += [Problem(_rel(p.path), p.line, p.message) for p in crisis_problems]
    protected = contact_labels(resources)
    for loc in load_table(settings.locales_dir):
        if loc.is_source:
            continue
        for domain in DOMAINS:
            problems += check_catalog(settings.locales_dir / loc.folder / "LC_MESSAGES" / f"{domain}.po", loc, domain,
                                      protected)
    return problems


def condition_problems(settings: Settings) -> list[Problem]:
    """conditions.yaml (ids, names, ICD-10-CM / SNOMED CT / ICD-10 codes) and every article's
    `conditions:` ids, each problem with its file and line."""
    path = settings.conditions_file
    if not path.exists():
        return []
    known, found = read_conditions(path)
    problems = [Problem(_rel(path), p.line, p.message) for p in found]
    try:
        articles = load_articles(settings.content_dir)
    except ContentError:
        return problems  # already reported by check_all
    for article in articles.values():
        for text in check_article_conditions(((r.id, r.line) for r in article.conditions), known, article.path):
            file, line, message = text.split(":", 2)
            problems.append(Problem(_rel(Path(file)), int(line), message.strip()))
    return problems


def crisis_warnings(settings: Settings, today: dt.date | None = None) -> list[Problem]:
    """Help-now resources last verified more than 6 months ago (printed; they do not fail `check`)."""
    _, resources, _ = read_crisis(settings.crisis_file, today)
    return [Problem(_rel(p.path), p.line, p.message) for p in stale_warnings(settings.crisis_file, resources, today)]


def status_rows(settings: Settings) -> list[dict[str, object]]:
    articles = load_articles(settings.content_dir)
    table = load_table(settings.locales_dir)
    catalogs = Catalogs(settings.locales_dir, articles, table.all)
    rows: list[dict[str, object]] = []
    for loc in table:
        cats = catalogs[loc.tag]
        for scope, stats in [*sorted(cats.article_stats.items()), ("ui", cats.ui_stats)]:
            rows.append({"locale": loc.tag, "scope": scope, "review": cats.review(scope).state, **stats.as_dict()})
    return rows


def status_table(settings: Settings) -> str:
    cols = ["locale", "scope", "translated", "fuzzy", "untranslated", "invalid", "obsolete", "percent", "review"]
    rows = status_rows(settings)
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in cols}
    lines = ["  ".join(c.ljust(widths[c]) for c in cols)]
    lines += ["  ".join(str(r[c]).ljust(widths[c]) for c in cols) for r in rows]
    return "\n".join(lines)
