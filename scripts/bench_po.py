"""CPU time of reading one large content.po cold (issue 23): prints figures, asserts nothing.

Times, best of N runs (CPU seconds, time.process_time, so other load on a shared machine counts
less than wall time would):

- ``content_file``: the file read whole (syntax check, Babel's reader, the checks of each entry);
- ``read_content`` with an empty ParseCache: what a first build does (the same, then cut in parts);
- the phases of the first: ``syntax_errors`` alone, Babel's ``read_po`` alone, and the checks
  (``message_problems`` of every translated entry) alone.

Absolute numbers drift on a shared machine: compare two versions of the code within one session.
The markup checks cache by text (api/i18n/markup.py), so a corpus whose segments repeat checks fast;
each run starts with those caches empty.

Usage: .venv/bin/python scripts/bench_po.py [--runs 3] [--locale es] PATH/TO/content.po
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from babel.messages.pofile import read_po  # noqa: E402

from api.core.locales import make_locale  # noqa: E402
from api.i18n.markup import render_inline, shape  # noqa: E402
from api.sources import poread  # noqa: E402
from api.sources.cache import ParseCache  # noqa: E402
from api.sources.messages import message_problems  # noqa: E402
from api.sources.pofiles import for_babel, syntax_errors  # noqa: E402


def best(runs: int, work: Callable[[], object]) -> float:
    """The least CPU time of `runs` calls of `work` (the run least disturbed by other load), each cold:
    the markup caches emptied, as in a new build worker."""
    times = []
    for _ in range(runs):
        shape.cache_clear()
        render_inline.cache_clear()
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path, help="a content.po, e.g. the es one of a 500-article corpus")
    parser.add_argument("--locale", default="es", help="its locale tag (default es)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each measure; the best is printed (default 3)")
    args = parser.parse_args(argv)
    loc = make_locale(args.locale)
    path: Path = args.path
    data = path.read_bytes()
    entries = data.count(b"\nmsgid ")
    print(f"{path}: {len(data) / 1e6:.1f} MB, {entries} entries, best of {args.runs} (CPU s)")

    scratch = tempfile.TemporaryDirectory(prefix="bench-po-")  # removed at the end, outside the timing

    def fresh_read() -> None:
        poread.read_content(path, loc, ParseCache(Path(tempfile.mkdtemp(dir=scratch.name))))

    catalog = read_po(io.BytesIO(for_babel(data)), locale=loc.folder)

    def checks() -> None:
        for msg in catalog:
            if msg.id and msg.context is not None and isinstance(msg.string, str) and msg.string and not msg.fuzzy:
                message_problems(msg, "content", catalog.num_plurals)

    rows = [
        ("content_file (whole, cold)", lambda: poread.content_file(path, loc)),
        ("read_content (empty cache)", fresh_read),
        ("  syntax_errors", lambda: syntax_errors(data)),
        ("  babel read_po", lambda: read_po(io.BytesIO(for_babel(data)), locale=loc.folder)),
        ("  message_problems", checks),
    ]
    for name, work in rows:
        print(f"{name:30} {best(args.runs, work):7.2f}")
    scratch.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
