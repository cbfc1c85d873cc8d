"""Command line: ``bothand serve | build | export | extract | update | init | check | status | mirror``.

``extract`` runs ``pybabel extract`` for both domains and keeps the committed .pot when only
its POT-Creation-Date would change, so re-running it on unchanged sources changes nothing.
``update`` merges the templates into every catalog with Babel, writing previous-msgid (``#|``)
lines that msgfmt accepts (api.sources.pofiles), and leaves a catalog with syntax errors untouched.
``check`` is what CI runs: every problem is printed as ``file:line: message``.
``--root DIR`` runs extract, update, init, check and stamp on another copy of the project (tests do).
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
import tempfile
from pathlib import Path

from api.core.settings import ROOT, Settings
from api.tools.extraction import DOMAINS, extract_to, messages, pybabel


def _project(args: argparse.Namespace) -> tuple[Path, Settings]:
    """The project a command works on (--root, default this checkout) and its settings."""
    root: Path | None = getattr(args, "root", None)
    locales: Path | None = getattr(args, "locales", None)
    if root is None:
        return ROOT, Settings(locales_dir=locales) if locales else Settings()
    root = root.resolve()
    return root, Settings(content_dir=root / "content", locales_dir=locales or root / "locales",
                          crisis_file=root / "crisis.yaml", conditions_file=root / "conditions.yaml")


def _shown(path: Path, root: Path) -> Path:
    return path.relative_to(root) if path.is_relative_to(root) else path


def cmd_extract(args: argparse.Namespace) -> int:
    root, settings = _project(args)
    with tempfile.TemporaryDirectory() as tmp:
        for path in extract_to(Path(tmp), root).values():
            target = settings.locales_dir / path.name
            if target.exists() and messages(path) == messages(target):
                print(f"{_shown(target, root)}: unchanged")
                continue
            target.write_text(path.read_text("utf-8"), "utf-8")
            print(f"{_shown(target, root)}: updated")
    return 0


def cmd_update(args: argparse.Namespace) -> int:
    """Merge the templates into every catalog (new msgids in, changed ones fuzzy with the previous
    English in `#|` lines, gone ones obsolete). A catalog that is not clean PO syntax is left as it
    is (merging would make its damage look valid): its errors are printed, and the exit status is 1."""
    from api.core.locales import load_table
    from api.sources.poread import read_catalog, syntax_problems
    from api.tools.pomerge import update_catalog

    root, settings = _project(args)
    locales_dir = settings.locales_dir
    templates = {domain: read_catalog(locales_dir / f"{domain}.pot") for domain in DOMAINS}
    broken = 0
    for loc in load_table(locales_dir).all:
        if loc.is_source:
            continue
        for domain, template in templates.items():
            po = locales_dir / loc.folder / "LC_MESSAGES" / f"{domain}.po"
            if not po.exists():
                continue
            if errors := syntax_problems(po):
                broken += 1
                for problem in errors:
                    print(f"{_shown(problem.path, root)}:{problem.line}: {problem.message.split(';')[0]}",
                          file=sys.stderr)
                print(f"{_shown(po, root)}: not updated: fix the error(s) above, then run update again",
                      file=sys.stderr)
                continue
            if update_catalog(po, template, loc.folder, domain):
                print(f"{_shown(po, root)}: updated")
    return 1 if broken else 0


def cmd_init(args: argparse.Namespace) -> int:
    """Start catalogs for a new locale from the templates."""
    _, settings = _project(args)
    locales_dir = settings.locales_dir
    for domain in DOMAINS:
        pybabel("init", "-D", domain, "-i", str(locales_dir / f"{domain}.pot"), "-d", str(locales_dir),
                 "-l", args.locale.replace("-", "_"))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    import contextlib
    import io

    from api.tools.checks import check_all, crisis_warnings
    from api.tools.termbase import check_terms

    root, settings = _project(args)
    problems = check_all(settings, stale=not args.skip_stale, root=root)
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # Babel's own warnings about a broken file
            glossary_problems, warnings = check_terms(settings.locales_dir, root)
    except Exception:  # a catalog the termbase cannot read: already named above with its file and line
        if not problems:
            raise
        glossary_problems, warnings = [], []
        print("termbase not checked: fix the catalog problems first", file=sys.stderr)
    problems += glossary_problems
    stale = crisis_warnings(settings)  # help-now facts to check again at their source: never fail the build
    for problem in [*problems, *warnings, *stale]:
        print(problem)
    if stale:
        print(f"{len(stale)} help-now resource(s) not verified for over 6 months", file=sys.stderr)
    print(f"{len(problems)} problem(s), {len(warnings)} termbase warning(s)"
          + (" (--strict: warnings fail)" if args.strict and warnings else ""), file=sys.stderr)
    return 1 if problems or (args.strict and warnings) else 0


def cmd_stamp(args: argparse.Namespace) -> int:
    """Record today's date for every translation whose text changed (locales/updated.json, api/ledger.py)."""
    import datetime as dt

    from api.build.dates import stamp_site
    from api.sources.ledger import path

    root, settings = _project(args)
    today = dt.date.fromisoformat(args.today) if args.today else dt.date.today()
    changes = stamp_site(settings, today, write=not args.check)
    shown = _shown(path(settings.locales_dir), root)
    for line in changes:
        print(f"{shown}: {line}")
    if args.check and changes:
        print(f"{len(changes)} translation(s) changed since they were stamped: run `make stamp` and commit {shown}",
              file=sys.stderr)
        return 1
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from api.tools.checks import status_table

    print(status_table(Settings()))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    uvicorn.run("api.app:app", host=args.host, port=args.port, proxy_headers=True)
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    """Build the snapshot the server answers from (api.build.builder): only what changed, unless --clean.
    Logs what changed, how many pages were rendered and reused, and how long it took."""
    from api.build.builder import build

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        build(Settings(), clean=args.clean)
    except ValueError as exc:  # a source the owner must fix (Markdown, crisis.yaml...): named with file and line
        print(f"bothand build: {exc}\nThe previous snapshot is unchanged.", file=sys.stderr)
        return 1
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write the site as static files for nginx, an object store or a CDN (api.export.writer)."""
    from api.export import ExportError, export

    try:
        result = export(Settings(), args.dir)
    except ExportError as exc:
        print(f"bothand export: {exc}", file=sys.stderr)
        return 2
    print(f"exported {len(result.files)} resources ({result.written} files, {result.bytes / 2**20:.1f} MiB) "
          f"to {result.folder} in {result.seconds:.1f} s")
    return 0


def cmd_mirror(args: argparse.Namespace) -> int:
    """Exit 0: all mirrored and verified; 1: some articles or languages failed; 2: usage error or total failure."""
    from api.mirror import mirror, report

    if not args.lang and not args.all_languages:
        print("bothand mirror: give --lang TAG (repeatable) or --all-languages", file=sys.stderr)
        return 2
    result = mirror(args.base_url, args.dir, None if args.all_languages else args.lang, state_dir=args.state_dir,
                    allow_http=args.allow_http, concurrency=args.concurrency, timeout=args.timeout,
                    deadline=args.deadline, retries=args.retries, full_listing=args.full,
                    progress=sys.stderr if sys.stderr.isatty() else None)
    report(result, verbose=args.verbose or sys.stdout.isatty())
    return result.exit_status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bothand", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the site and API")
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve.set_defaults(func=cmd_serve)
    build = sub.add_parser("build", help="build the site snapshot (every page and API resource)",
                           description="Renders only the pages whose inputs changed since the last build "
                                       "(the result is the same as a clean build's).")
    build.add_argument("--clean", action="store_true", help="render every page again")
    build.set_defaults(func=cmd_build)
    export = sub.add_parser(
        "export", help="write the whole site and API as static files (for nginx, an object store or a CDN)",
        description="Write every page, embed, API resource, feed and asset as files (with .gz and .br), "
                    "plus the nginx snippets deploy/nginx-static.conf includes. The absolute links name "
                    "BOTHAND_BASE_URL: set it to the public origin first.")
    export.add_argument("dir", metavar="DIR", type=Path, help="the export folder (replaced if it holds an export)")
    export.set_defaults(func=cmd_export)
    root_help = "the project folder (content/, locales/, crisis.yaml, …; default: this checkout)"
    extract = sub.add_parser("extract", help="re-extract locales/*.pot from content and templates")
    extract.add_argument("--root", type=Path, help=root_help)
    extract.set_defaults(func=cmd_extract)
    update = sub.add_parser("update", help="merge the .pot templates into every locale's catalogs")
    update.add_argument("--root", type=Path, help=root_help)
    update.set_defaults(func=cmd_update)
    init = sub.add_parser("init", help="start catalogs for a new locale")
    init.add_argument("locale", help="BCP 47 tag, e.g. pt-BR")
    init.add_argument("--root", type=Path, help=root_help)
    init.set_defaults(func=cmd_init)
    check = sub.add_parser("check", help="fail on any catalog problem, naming file and line")
    check.add_argument("--skip-stale", action="store_true", help="do not re-extract to compare the .pot files")
    check.add_argument("--strict", action="store_true", help="also fail on warnings (termbase terms not used)")
    check.add_argument("--locales", type=Path, help="check the catalogs in this folder instead of locales/")
    check.add_argument("--root", type=Path, help=root_help)
    check.set_defaults(func=cmd_check)
    sub.add_parser("status", help="print translation and review status per locale").set_defaults(func=cmd_status)
    stamp = sub.add_parser("stamp", help="date every translation whose text changed (locales/updated.json)")
    stamp.add_argument("--check", action="store_true", help="change nothing; fail if a translation needs a stamp")
    stamp.add_argument("--today", metavar="YYYY-MM-DD", help="the date to record (default: today)")
    stamp.add_argument("--locales", type=Path, help="the catalogs folder (default: the project's locales/)")
    stamp.add_argument("--root", type=Path, help=root_help)
    stamp.set_defaults(func=cmd_stamp)
    mirror = sub.add_parser(
        "mirror", help="keep a verified local copy of the articles (for clinic portals)",
        description="Copy every article in the chosen languages from a Bothand site into DIR, revalidating "
                    "with ETags on later runs. DIR/<lang> shows <slug>.json, <slug>.html and manifest.json, "
                    "switched over in one step; the lock and staged copies live in a state folder beside DIR.",
        epilog="exit status: 0 everything mirrored and verified; 1 partial failure (some articles or languages "
               "failed, their previous copies kept); 2 usage error or total failure (nothing mirrored)")
    mirror.add_argument("base_url", metavar="BASE_URL", help="the site, e.g. https://bothand.example")
    mirror.add_argument("dir", metavar="DIR", type=Path, help="the mirror folder (created if missing)")
    mirror.add_argument("--lang", action="append", metavar="TAG", help="BCP 47 tag, e.g. es, pt-BR (repeatable)")
    mirror.add_argument("--all-languages", action="store_true", help="every language /api/v1/locales lists")
    mirror.add_argument("--state-dir", type=Path, metavar="STATE",
                        help="lock and staged copies, outside DIR (default: .<DIR name>.mirror-state beside DIR)")
    mirror.add_argument("--allow-http", action="store_true",
                        help="accept a plain http BASE_URL (a site on your own network; prints a warning)")
    mirror.add_argument("--concurrency", type=int, default=4, help="parallel requests (default 4)")
    mirror.add_argument("--timeout", type=float, default=30.0,
                        help="seconds for one whole response, from connecting to its last byte (default 30)")
    mirror.add_argument("--deadline", type=float, default=1800.0,
                        help="seconds for the whole run; then it stops, keeping what it could not finish "
                             "as it was (default 1800)")
    mirror.add_argument("--retries", type=int, default=3,
                        help="retries of a request on 429, 5xx or a lost connection, with backoff (default 3)")
    mirror.add_argument("--full", action="store_true", help="list every article, not only those updated since")
    mirror.add_argument("-v", "--verbose", action="store_true", help="print a summary line even when not on a terminal")
    mirror.set_defaults(func=cmd_mirror)
    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result


def run() -> None:
    """The `bothand` command (and `python -m api.tools.cli`): :func:`main`, then exit without the collector's
    last pass over what a build leaves (templates, catalogs and models in reference cycles, a million
    objects at 500 articles × 14 locales: 2.4 s of a 61-second cold build). The operating system takes the
    memory back whole. Tests call :func:`main`, which leaves the collector alone."""
    code = main()
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    run()
