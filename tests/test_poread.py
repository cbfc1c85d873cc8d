"""A content.po read part by part (api/sources/poread.py) gives exactly what reading it whole gives,
and an edit re-reads only the part (the article) it touched: issue 23, a one-segment edit at 500
articles must not re-read megabytes of PO."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings

from api.core.locales import load_table, make_locale
from api.sources.cache import ParseCache
from api.sources.poread import ContentFile, _by_babel, _clean, _split, _split_lines, content_file, read_content
from tests.conftest import po_path
from tests.corpus import make_corpus
from tests.damage import Edits, damaged, edits

COPIES = 8  # articles in the grown file: more new parts than read_content reads one by one


def _same(a: ContentFile, b: ContentFile) -> None:
    assert (a.entries, a.obsolete, a.reviews, a.servable, [str(p) for p in a.problems]) == \
           (b.entries, b.obsolete, b.reviews, b.servable, [str(p) for p in b.problems])


@pytest.fixture
def catalog(tmp_path: Path) -> tuple[Path, object]:
    """The fixture corpus's Spanish content.po, grown to COPIES times its articles (each entry copied under
    new msgctxts), with the locale to read it in."""
    corpus = make_corpus(tmp_path / "corpus")
    path = po_path(corpus.root, "es", "content")
    header, *entries = path.read_text("utf-8").split("\n\n")
    copies = [re.sub(r'^(#~ )?msgctxt "([^"]+)"', rf'\1msgctxt "\2-{n}"', entry, flags=re.M)
              for n in range(COPIES) for entry in entries if entry.strip()]
    path.write_text("\n\n".join([header, *copies]) + "\n", "utf-8")
    loc = next(loc for loc in load_table(corpus.root / "locales").all if loc.tag == "es")
    return path, loc


def _parts_read(cache: ParseCache, path: Path, loc: object) -> tuple[ContentFile, int]:
    """read_content, and how many parts it parsed (cache entries it wrote)."""
    before = set(cache.folder.iterdir()) if cache.folder.exists() else set()
    got = read_content(path, loc, cache)  # type: ignore[arg-type]
    return got, len(set(cache.folder.iterdir()) - before) if cache.folder.exists() else 0


def test_parts_equal_the_whole_file_first_and_after_an_edit(catalog: tuple[Path, object], tmp_path: Path) -> None:
    path, loc = catalog
    cache = ParseCache(tmp_path / "cache")
    first, written = _parts_read(cache, path, loc)
    _same(first, content_file(path, loc))  # type: ignore[arg-type]
    assert written == len(first.parts) >= COPIES  # a first read cuts the whole file into its parts
    assert any(e[0] for e in first.entries.values())

    text = path.read_text("utf-8")
    at = text.index('msgstr "', text.index('msgctxt "')) + len('msgstr "')
    path.write_text(text[:at] + "(editado) " + text[at:], "utf-8")
    edited, written = _parts_read(cache, path, loc)
    _same(edited, content_file(path, loc))  # type: ignore[arg-type]
    _same(edited, _by_babel(path, loc)[0])  # type: ignore[arg-type]  # and as Babel's reader reads it
    assert written == 1  # only the edited article's part was read again
    assert any(s.startswith("(editado) ") for s, *_ in edited.entries.values())


@pytest.mark.parametrize("damage", ["syntax error", "duplicate msgid"])
def test_a_broken_part_is_read_whole_and_named_as_before(catalog: tuple[Path, object], tmp_path: Path,
                                                          damage: str) -> None:
    path, loc = catalog
    cache = ParseCache(tmp_path / "cache")
    read_content(path, loc, cache)  # type: ignore[arg-type]
    text = path.read_text("utf-8")
    header, first, *rest = text.split("\n\n")
    if damage == "syntax error":
        rest[-2] = rest[-2].replace('msgstr "', 'msgstr "unterminated\nmsgstr "', 1)
    else:
        rest[-2] = first  # the first entry again, in another part
    path.write_text("\n\n".join([header, first, *rest]), "utf-8")
    got = read_content(path, loc, cache)  # type: ignore[arg-type]
    whole = content_file(path, loc)  # type: ignore[arg-type]
    _same(got, whole)
    assert not got.servable and got.problems


# Without Babel's reader ----------------------------------------------------------------------
# A file of clean syntax in the form tools write is read by api/sources/pofast.py, Babel reading only its
# header: it must give what Babel's reader gives, entry for entry (lines, flags, obsolete, problems).
SAMPLE = (
    '# Spanish translations.\n# Review: a reviewed 0123456789ab\n# Review: b draft\n#\n#, fuzzy\nmsgid ""\nmsgstr ""\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: es\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
    '#. title\n#: content/a.md:1\nmsgctxt "a"\nmsgid "Hello"\nmsgstr "Hola"\n\n'
    '#, fuzzy\n#| msgctxt "a"\n#| msgid ""\n#| "Hi "\n#| "there"\nmsgctxt "a"\nmsgid "Hello there"\nmsgstr "Hola"\n\n'
    '#, python-format,fuzzy \nmsgctxt "a"\nmsgid "Bye"\nmsgstr "Adiós"\n\n'
    '#,fuzzy-ish\nmsgctxt "a"\nmsgid "Later"\nmsgstr "Luego"\n\n'
    'msgctxt "a"\nmsgid "Empty"\nmsgstr ""\n\n'
    'msgctxt "a"\nmsgid ""\n"See [the guide](/guide) "\n"now"\nmsgstr ""\n"Mira [la guía](javascript:x) "\n"ya"\n\n'
    'msgctxt "b"\nmsgid "Say \\"hi\\"\\n\\tok\\\\"\nmsgstr "Di \\"hola\\"\\n\\tok\\\\\\a"\n\n'
    'msgctxt "b"\nmsgid "**Bold** and <b>raw</b>"\nmsgstr "Negrita y <b>crudo</b>"\n\n'
    'msgid "No context"\nmsgstr "Sin contexto"\n\n'
    'msgctxt "b"\nmsgid "day"\nmsgid_plural "days"\nmsgstr[0] "día"\nmsgstr[1] "días"\n\n'
    '#~| msgid "Hi"\n#~ msgctxt "a"\n#~ msgid "Old"\n#~ msgstr "Viejo"\n\n'
    '#~ msgid "week"\n#~ msgid_plural "weeks"\n#~ msgstr[0] "semana"\n#~ msgstr[1] "semanas"\n'
)
SIGNIFICANT = [b'"', b"\\", b"\n", b" ", b"#", b"~", b"|", b",", b"fuzzy", b"m", b"[", b"]", b"0", b"\r", b"\xff",
               b'msgid ""\nmsgstr "x"\n', b'msgctxt "a"\n', b"#, fuzzy\n", b"\n\n", b"<b>", b"](javascript:x)"]


def _both(data: bytes) -> tuple[object, object] | None:
    """What the fast path and Babel's reader make of a file (None if the fast path does not read it)."""
    loc = make_locale("es")
    fast = _clean(data, loc)
    if fast is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "content.po"
        path.write_bytes(data)
        babel = _by_babel(path, loc)
    return (fast[0].__dict__, fast[1]), (babel[0].__dict__, babel[1])


@pytest.mark.parametrize("text", [SAMPLE, SAMPLE.replace("\n", "\r\n")])
def test_a_clean_file_is_read_without_babel_as_babel_reads_it(text: str) -> None:
    both = _both(text.encode())
    assert both is not None  # read by the fast path: what the test is about
    fast, babel = both
    assert fast == babel
    entries = fast[0]["entries"]
    assert entries[("a", "Hello there")][1] and entries[("a", "Bye")][1] and not entries[("a", "Later")][1]
    assert entries[("a", "See [the guide](/guide) now")][3] and entries[("b", "**Bold** and <b>raw</b>")][3]
    assert fast[0]["obsolete"] == ["a", None] and fast[0]["reviews"]["a"] == ("reviewed", "0123456789ab")


def test_a_second_header_is_left_to_babel() -> None:
    """Babel takes any msgid "" for the header (its fields and comments): such a file is not read here."""
    assert _both(SAMPLE.replace('msgid "No context"\nmsgstr "Sin contexto"', 'msgctxt "c"\nmsgid ""\nmsgstr "x"')
                 .encode()) is None


def test_a_header_babel_reads_another_charset_from_is_left_to_babel() -> None:
    """`charset=UTF-\\n`: our check finds "UTF-" (UTF-8), Babel the field up to the next one, an unknown
    charset it cannot decode the file with: only Babel's reader says so (the file is not served)."""
    data = SAMPLE.replace("charset=UTF-8\\n", "charset=UTF-\\\\n").encode()
    assert _both(data) is None
    assert not content_file(_written(data), make_locale("es")).servable


def _written(data: bytes) -> Path:
    path = Path(tempfile.mkdtemp()) / "content.po"
    path.write_bytes(data)
    return path


@settings(max_examples=1000, deadline=None)
@given(edits(SAMPLE.encode(), SIGNIFICANT, min_size=1))
def test_the_fast_read_and_babel_agree_on_any_edit(changes: Edits) -> None:
    """The sample edited at random: if the fast path reads it at all, it reads what Babel reads."""
    data = damaged(SAMPLE.encode(), changes)
    both = _both(data)
    if both is not None:
        assert both[0] == both[1]


# _split cuts a file whose blank lines are empty by regular expressions, any other line by line.
PARTS = SAMPLE.replace('msgctxt "b"\nmsgid "day"', 'msgctxt "a"\nmsgid "day"') + (
    '\nmsgid "no context"\nmsgstr "x"\n\n\n#~ msgctxt "c"\n#~ msgid "y"\n#~ msgstr "z"\n\n'
    'msgctxt "c"\n#. late\nmsgctxt "d"\nmsgid "w"\nmsgstr "v"\n')
CUTS = [b"\n", b"\n\n", b" \n", b"\t", b"\r", b"\x0b", b"msgctxt ", b"#~ msgctxt ", b'msgctxt "q"\n', b'msgid ""',
        b"x", b"\x1c", b"\xc2\xa0"]


@settings(max_examples=400, deadline=None)
@given(edits(PARTS.encode(), CUTS, max_size=4))
def test_the_parts_are_cut_as_line_by_line(changes: Edits) -> None:
    data = damaged(PARTS.encode(), changes)
    assert _split(data) == _split_lines(data)
    for small in (b"", b"\n", b'msgid ""', b'msgid ""\n', b'\nmsgid ""\n\nmsgctxt "a"\n'):
        assert _split(small) == _split_lines(small)
