"""Reading PO files: Babel's reader, the syntax check that names every error, and a content.po read
part by part (one part per article) so that an edit re-reads only the part it touched.

A content.po of a large site is megabytes: 500 articles × ~60 segments. Reading and checking it
whole took seconds, which made a one-segment edit cost as much as a cold start. :func:`read_content`
splits the file at its articles (consecutive entries with the same msgctxt), keeps each part's
parse in the parse cache (api/sources/cache.py) by the bytes of the header and of that part, and
re-reads only the parts whose bytes changed, each with the header (which holds the plural rule and
charset). A file with any syntax error, or a msgid defined in two parts, is read whole, so every
problem is named exactly as :func:`content_file` names it.

A cold read of a file of clean syntax in the form tools write (every file the build itself writes)
takes its entries from api/sources/pofast.py instead of making a Babel Message of each: Babel reads only
its header. Any other file is read by Babel, with the syntax check naming each error.
"""

from __future__ import annotations

import bisect
import codecs
import contextlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from api.core.locales import Locale
from api.sources.cache import ParseCache
from api.sources.messages import entry_problems, message_problems
from api.sources.pofiles import clean_entries, for_babel, syntax_errors

REVIEW_LINE = re.compile(r"^#?\s*Review:\s*(\S+)\s+(draft|reviewed)(?:\s+([0-9a-f]{6,64}))?\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def read_catalog(path: Path, locale: str | None = None, strict: bool = False) -> Catalog:
    return read_po(io.BytesIO(for_babel(path.read_bytes())), locale=locale, abort_invalid=strict)


def read_leniently(path: Path, locale: str | None = None) -> Catalog:
    """What Babel makes of a file that is not clean PO syntax (for counts and headers, never to
    serve), without the warnings it prints to stdout: syntax_problems names every error."""
    with contextlib.redirect_stdout(io.StringIO()):
        return read_catalog(path, locale=locale)


NOT_SERVED = "none of this file's translations are served (English instead) until it is fixed"


def syntax_problems(path: Path) -> list[Problem]:
    """Every PO syntax error of a catalog (api.sources.pofiles), with its line; empty if the file is clean."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [Problem(path, 0, f"cannot be read: {exc}")]
    return [Problem(path, p.line, f"{p.message}; {NOT_SERVED}") for p in syntax_errors(data)]


def header_line(path: Path, name: str) -> int:
    """The line of a header field (e.g. Plural-Forms) in a .po file, for file:line messages."""
    try:
        for number, line in enumerate(path.read_text("utf-8", errors="replace").splitlines(), 1):
            if line.lstrip('"').startswith(name + ":"):
                return number
    except OSError:
        pass
    return 1


def reviews_from(catalog: Catalog) -> dict[str, tuple[str, str | None]]:
    return {m.group(1): (m.group(2), m.group(3)) for m in REVIEW_LINE.finditer(catalog.header_comment or "")}


@dataclass(frozen=True)
class ContentFile:
    """What the build uses of a content.po, parsed and checked once (and kept in the parse cache).

    entries: (msgctxt, msgid) -> (msgstr, fuzzy, line, problems); problems are checked only for
    entries that could be served (translated, not fuzzy, in a file of clean syntax)."""

    entries: dict[tuple[str, str], tuple[str, bool, int, tuple[str, ...]]]
    obsolete: list[str | None]  # the msgctxt of each obsolete (#~) entry
    reviews: dict[str, tuple[str, str | None]]
    servable: bool
    problems: list[Problem]
    parts: tuple[str, ...] = ()  # the parse cache's keys of its parts (see read_content), to keep them


def content_file(path: Path, loc: Locale) -> ContentFile:
    """A content.po read whole (what :func:`read_content` does part by part)."""
    return _whole(path, loc)[0]


def parse_file(path: Path, loc: Locale) -> tuple[Catalog | None, bool, list[Problem]]:
    """A catalog file read: the catalog, whether it may be served (clean syntax), its problems."""
    errors = syntax_problems(path)
    try:
        catalog = read_leniently(path, loc.folder) if errors else read_catalog(path, locale=loc.folder)
    except Exception as exc:  # noqa: BLE001  # a broken file must not take the site down
        if not errors:
            errors.append(Problem(path, getattr(exc, "lineno", 0), f"cannot be read: {exc}"))
        return None, False, errors
    return catalog, not errors, errors


Entry = tuple[str, bool, int, tuple[str, ...]]  # msgstr, fuzzy, line, problems


@dataclass(frozen=True)
class _Part:
    """One part of a clean content.po, parsed: lines counted from the part's first line (0)."""

    entries: dict[tuple[str, str], Entry]
    obsolete: list[tuple[str | None, str]]  # (msgctxt, msgid) of each obsolete entry


def _entries(catalog: Catalog, ok: bool, shift: int) -> dict[tuple[str, str], Entry]:
    entries: dict[tuple[str, str], Entry] = {}
    for msg in catalog:
        if not isinstance(msg.id, str) or not msg.id or msg.context is None or not isinstance(msg.string, str):
            continue  # the header, or a plural entry: article text has neither
        checked = ok and not msg.fuzzy and bool(msg.string)
        problems_of = tuple(message_problems(msg, "content", catalog.num_plurals)) if checked else ()
        entries[(msg.context, msg.id)] = (msg.string, msg.fuzzy, (msg.lineno or 0) + shift, problems_of)
    return entries


# Anchored on "\n", not on ^ with re.MULTILINE, which tries every position of megabytes.
_SPACE_LINE = re.compile(rb"\n[ \t\r\v\f]+(?:\n|\Z)")  # blank, but not empty (after the first line)
_SPACE_FIRST = re.compile(rb"[ \t\r\v\f]+(?:\n|\Z)")
_TEXT = re.compile(rb"[^\n]")
_CONTEXT_LINE = re.compile(rb"\n((?:#~ )?msgctxt [^\n]*)")


def _split(data: bytes) -> tuple[bytes, list[tuple[int, bytes]]] | None:
    """The header (the first entry, msgid "") and the parts: runs of entries with one msgctxt, each with
    the index of its first line. None when the file does not start with a header.

    This runs on every build, over every content.po: a file whose blank lines are empty (as tools write
    them) is cut where its msgctxt lines change, found by regular expressions, not a Python step per
    line (0.10 -> 0.045 CPU s at 14 MB); any other by :func:`_split_lines` (tests compare the two)."""
    if _SPACE_FIRST.match(data) or _SPACE_LINE.search(data):
        return _split_lines(data)
    blank = _first_empty_line(data)  # where the header ends
    header = data if blank is None else data[:max(blank - 1, 0)]
    if not (header.startswith(b'msgid ""') or b'\nmsgid ""' in header):
        return None
    first = None if blank is None else _TEXT.search(data, blank)
    if first is None:
        return header, []
    starts, context, block = [first.start()], None, -1
    for found in _CONTEXT_LINE.finditer(data, first.start() - 1):
        here = data.rfind(b"\n\n", 0, found.start(1)) + 2  # the first line of the entry it is in
        if here == block:
            continue  # not the first msgctxt line of its entry
        block = here
        if here == first.start():
            context = found.group(1)
        elif found.group(1) != context:
            starts.append(here)
            context = found.group(1)
    parts: list[tuple[int, bytes]] = []
    line = counted = 0
    for start, end in zip(starts, [*starts[1:], len(data)], strict=True):
        line += data.count(b"\n", counted, start)
        counted = start
        parts.append((line, data[start:end].rstrip(b"\n")))
    return header, parts


def _first_empty_line(data: bytes) -> int | None:
    """Where the first empty line of `data` starts (lines as data.split(b"\\n") gives them), if any."""
    if not data or data.startswith(b"\n"):
        return 0
    at = data.find(b"\n\n")
    if at >= 0:
        return at + 1
    return len(data) if data.endswith(b"\n") else None


def _split_lines(data: bytes) -> tuple[bytes, list[tuple[int, bytes]]] | None:
    """:func:`_split` line by line: any file (blank lines may hold spaces)."""
    lines = data.split(b"\n")
    blank = [n for n, line in enumerate(lines) if not line.strip()]
    end = blank[0] if blank else len(lines)
    if not any(line.startswith(b'msgid ""') for line in lines[:end]):
        return None
    parts: list[tuple[int, bytes]] = []
    start, context = None, None
    n = end
    while n < len(lines):
        if not lines[n].strip():
            n += 1
            continue
        first = n
        while n < len(lines) and lines[n].strip():
            n += 1
        found = next((line for line in lines[first:n] if line.startswith((b"msgctxt ", b"#~ msgctxt "))), None)
        if start is None or (found is not None and found != context):
            if start is not None:
                parts.append((start, b"\n".join(lines[start:first]).rstrip(b"\n")))
            start, context = first, found
    if start is not None:
        parts.append((start, b"\n".join(lines[start:]).rstrip(b"\n")))
    return b"\n".join(lines[:end]), parts


def _parse_part(header: bytes, part: bytes, loc: Locale) -> _Part | None:
    """A part read with the header before it; None if it is not clean syntax (the file is then read whole)."""
    text = header + b"\n\n" + part + b"\n"
    shift = -(header.count(b"\n") + 3)  # after the header's lines and a blank one: the part's line 0
    if (clean := _clean(text, loc)) is not None:  # the form tools write: read as a whole file would be
        read, obsolete = clean
        return _Part({key: (s, f, line + shift, p) for key, (s, f, line, p) in read.entries.items()},
                     [(context, msgid) for _, context, msgid in obsolete])
    if syntax_errors(text):
        return None
    catalog = read_po(io.BytesIO(for_babel(text)), locale=loc.folder)
    return _Part(_entries(catalog, True, shift), [(m.context, _msgid(m)) for m in catalog.obsolete.values()])


def _sliced(whole: ContentFile, catalog_obsolete: list[tuple[int, str | None, str]],
            parts: list[tuple[int, bytes]]) -> list[_Part] | None:
    """The parts of a file read whole (clean), each entry in the part its line falls in."""
    starts = [start + 1 for start, _ in parts]  # 1-based first line of each part
    found: list[_Part] = [_Part({}, []) for _ in parts]

    def part_of(line: int) -> int | None:
        index = bisect.bisect_right(starts, line) - 1
        return index if index >= 0 else None

    for key, (string, fuzzy, line, problems) in whole.entries.items():
        index = part_of(line)
        if index is None:
            return None
        found[index].entries[key] = (string, fuzzy, line - starts[index], problems)
    for line, context, msgid in catalog_obsolete:
        index = part_of(line)
        if index is None:
            return None
        found[index].obsolete.append((context, msgid))
    return found


def read_content(path: Path, loc: Locale, cache: ParseCache) -> ContentFile:
    """A content.po parsed and checked, re-reading only the parts whose bytes the cache has not seen."""
    split = _split(path.read_bytes())
    if split is None:
        return content_file(path, loc)
    header, parts = split
    keys = [cache.key("content-part", loc.folder, header, part) for _, part in parts]
    got: list[_Part | None] = [found if isinstance(found := cache.get(key), _Part) else None for key in keys]
    missing = [i for i, found in enumerate(got) if found is None]
    if len(missing) > max(4, len(parts) // 4):  # most of it is new (a first build): read it whole, then cut
        whole, obsolete = _whole(path, loc)
        if not whole.servable or whole.problems or (sliced := _sliced(whole, obsolete, parts)) is None:
            return whole
        for key, cut in zip(keys, sliced, strict=True):
            cache.put(key, cut)
        return ContentFile(whole.entries, whole.obsolete, whole.reviews, True, [], tuple(keys))
    done: list[_Part] = []
    for key, (_, text), found in zip(keys, parts, got, strict=True):
        if found is None:
            found = _parse_part(header, text, loc)
            if found is None:  # not clean syntax: read whole, which names every error
                return content_file(path, loc)
            cache.put(key, found)
        done.append(found)
    joined = _joined(parts, done)
    if joined is None:  # a msgid defined in two parts: read whole, which names the duplicate
        return content_file(path, loc)
    header_catalog = read_po(io.BytesIO(for_babel(header + b"\n")), locale=loc.folder)
    return ContentFile(joined[0], joined[1], reviews_from(header_catalog), True, [], tuple(keys))


def _joined(parts: list[tuple[int, bytes]], done: list[_Part]) -> tuple[dict[tuple[str, str], Entry],
                                                                       list[str | None]] | None:
    """The parts' entries with their lines in the file, and the obsolete entries' msgctxt; None if a
    msgid is defined in two parts."""
    entries: dict[tuple[str, str], Entry] = {}
    obsolete: list[str | None] = []
    seen: set[tuple[str | None, str]] = set()
    for (start, _), part in zip(parts, done, strict=True):
        here = set(part.entries) | set(part.obsolete)
        if here & seen:
            return None
        seen |= here
        entries.update({key: (s, f, line + start + 1, p) for key, (s, f, line, p) in part.entries.items()})
        obsolete += [context for context, _ in part.obsolete]
    return entries, obsolete


def _msgid(msg: Message) -> str:
    return msg.id if isinstance(msg.id, str) else msg.id[0]


def _whole(path: Path, loc: Locale) -> tuple[ContentFile, list[tuple[int, str | None, str]]]:
    """:func:`content_file`, and the line, msgctxt and msgid of each obsolete entry (to cut it in parts)."""
    with contextlib.suppress(OSError):
        if (clean := _clean(path.read_bytes(), loc)) is not None:
            return clean
    return _by_babel(path, loc)


def _by_babel(path: Path, loc: Locale) -> tuple[ContentFile, list[tuple[int, str | None, str]]]:
    """:func:`_whole` by Babel's reader, and the syntax check naming every error: any file."""
    catalog, ok, problems = parse_file(path, loc)
    if catalog is None:
        return ContentFile({}, [], {}, False, problems), []
    entries = _entries(catalog, ok, 0)
    obsolete = [(m.lineno or 0, m.context, _msgid(m)) for m in catalog.obsolete.values()]
    return (ContentFile(entries, [m.context for m in catalog.obsolete.values()], reviews_from(catalog), ok,
                        problems), obsolete)


def _clean(data: bytes, loc: Locale) -> tuple[ContentFile, list[tuple[int, str | None, str]]] | None:
    """:func:`_whole` of a file of clean syntax in the form tools write (api/sources/pofast.py), read without
    making a Babel Message of each entry: Babel reads only its header. What Babel's reader makes of such a
    file, entry for entry (tests/test_poread.py); None for any other file (then Babel reads it whole)."""
    read = clean_entries(data)
    if read is None or not read.entries:
        return None
    header, *rest = read.entries
    # Babel takes every msgid "" for the header (its fields, its comments): here only the first entry is one.
    if header.msgid or header.context is not None or header.obsolete or any(not entry.msgid for entry in rest):
        return None
    try:
        catalog = read_po(io.BytesIO(for_babel(read.head)), locale=loc.folder)
        # Babel decodes the lines after the header with the charset it parses from it (not always what
        # pofiles._charset finds, e.g. an escape in the field): only UTF-8 is what was read here.
        if codecs.lookup(catalog.charset).name != "utf-8":
            return None
    except Exception:  # noqa: BLE001  # Babel reading the whole file names it (parse_file)
        return None
    entries: dict[tuple[str, str], Entry] = {}
    obsolete: list[tuple[int, str | None, str]] = []
    for entry in rest:
        if entry.obsolete:
            obsolete.append((entry.line, entry.context, entry.msgid))
        elif entry.context is not None and entry.string is not None:  # not plural: article text has none
            checked = not entry.fuzzy and bool(entry.string)
            problems = tuple(entry_problems(entry.msgid, entry.string, entry.context, "content",
                                            catalog.num_plurals)) if checked else ()
            entries[(entry.context, entry.msgid)] = (entry.string, entry.fuzzy, entry.line, problems)
    return ContentFile(entries, [context for _, context, _ in obsolete], reviews_from(catalog), True, []), obsolete
