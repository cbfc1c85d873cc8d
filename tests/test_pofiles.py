"""api.sources.pofiles: the build refuses exactly what gettext refuses (and what Babel would misread), and
`update` writes previous msgids that gettext, translate-toolkit (Weblate) and Poedit read."""

from __future__ import annotations

import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from hypothesis import given, settings
from translate.storage import pypo

from api.sources.pofast import read as fast_read
from api.sources.pofiles import syntax_errors
from api.sources.poread import read_catalog
from api.tools.pomerge import merge, render, update_catalog
from tests.conftest import copy_real_project
from tests.damage import Edits, damaged, edits


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """The real catalogs (issue 22): `bothand update` must leave the committed catalogs as they are, so
    that test reads the committed files (a copy: nothing is built)."""
    return copy_real_project(tmp_path)

MSGFMT = shutil.which("msgfmt")
HEADER = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
          '"Language: es\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n')

# (body after the header, whether msgfmt accepts it). Each rejected one is a way a hand edit or a
# broken tool breaks a file; the accepted ones are forms a file may legitimately take.
CASES = {
    "unterminated msgstr": ('msgid "Hello"\nmsgstr "Hola\n\nmsgid "Bye"\nmsgstr "Adiós"\n', False),
    "unterminated continuation": ('msgid "Hello"\nmsgstr ""\n"Ho\n"la"\n', False),
    "unterminated at the end of the file": ('msgid "Hello"\nmsgstr "Hola', False),
    "unterminated obsolete": ('#~ msgid "Old"\n#~ msgstr "Viejo\n', False),
    "unterminated previous": ('#, fuzzy\n#| msgid "Hi\nmsgid "Hello"\nmsgstr "Hola"\n', False),
    "bad escape": ('msgid "Hello"\nmsgstr "Ho\\qla"\n', False),
    "escaped apostrophe": ('msgid "Hello"\nmsgstr "Ho\\\'la"\n', False),
    "quote inside a string": ('msgid "Hello"\nmsgstr "Di "hola""\n', False),
    "text after the string": ('msgid "Hello"\nmsgstr "Hola" amigo\n', False),
    "comment after the string": ('msgid "Hello" # greeting\nmsgstr "Hola"\n', False),
    "stray line": ('msgid "Hello"\nmsgstr "Hola"\nthis is stray\n', False),
    "unknown keyword": ('MSGID "Hello"\nmsgstr "Hola"\n', False),
    "keyword without string": ('msgctxt\nmsgid "Hello"\nmsgstr "Hola"\n', False),
    "missing msgstr": ('msgid "Hello"\n\nmsgid "Bye"\nmsgstr "Adiós"\n', False),
    "msgctxt without msgid": ('msgctxt "greeting"\nmsgstr "Hola"\n', False),
    "two msgstr": ('msgid "Hello"\nmsgstr "Hola"\nmsgstr "Buenas"\n', False),
    "comment inside an entry": ('msgid "Hello"\n# note\nmsgstr "Hola"\n', False),
    "comment between previous and msgid": ('#| msgid "Hi"\n#, fuzzy\nmsgid "Hello"\nmsgstr "Hola"\n', False),
    "previous without its entry": ('msgid "Hello"\nmsgstr "Hola"\n\n#| msgid "Hi"\n', False),
    "previous continuation without #|": ('#, fuzzy\n#| msgid ""\n"Hi"\nmsgid "Hello"\nmsgstr "Hola"\n', False),
    "obsolete mixed with live": ('msgid "Hello"\n#~ msgstr "Hola"\n', False),
    "duplicate": ('msgid "Hello"\nmsgstr "Hola"\n\nmsgid "Hello"\nmsgstr "Buenas"\n', False),
    "duplicate in a context": ('msgctxt "a"\nmsgid "Hi"\nmsgstr "x"\n\nmsgctxt "a"\nmsgid "Hi"\nmsgstr "y"\n', False),
    "duplicate of an obsolete": ('msgid "Hello"\nmsgstr "Hola"\n\n#~ msgid "Hello"\n#~ msgstr "Buenas"\n', False),
    "second header": ('msgid ""\nmsgstr "x"\n', False),
    "plural without msgstr[]": ('msgid "day"\nmsgid_plural "days"\nmsgstr "día"\n', False),
    "plural index gap": ('msgid "day"\nmsgid_plural "days"\nmsgstr[0] "día"\nmsgstr[2] "días"\n', False),
    "msgstr[] without plural": ('msgid "day"\nmsgstr[0] "día"\n', False),
    "invalid UTF-8": ('msgid "Hello"\nmsgstr "Hol\udcff"\n', False),
    "fine": ('# translator\n#. extracted\n#: a.py:1\n#, fuzzy\n#| msgid "Hi"\nmsgid "Hello"\nmsgstr "Hola"\n', True),
    "fine continuation and escapes": ('msgid ""\n"Say \\"hi\\"\\n"\nmsgstr ""\n"Di \\"hola\\"\\t\\\\\\n"\n', True),
    "fine plural": ('msgid "day"\nmsgid_plural "days"\nmsgstr[0] "día"\nmsgstr[1] "días"\n', True),
    "fine context": ('msgctxt "a"\nmsgid "Hi"\nmsgstr "x"\n\nmsgctxt "b"\nmsgid "Hi"\nmsgstr "y"\n', True),
    "fine previous, wrapped": ('#, fuzzy\n#| msgctxt "a"\n#| msgid ""\n#| "Hi "\n#| "there"\nmsgctxt "a"\n'
                               'msgid "Hello"\nmsgstr "Hola"\n', True),
    "fine obsolete with previous": ('#~| msgid "Hi"\n#~ msgid "Hello"\n#~ msgstr "Hola"\n', True),
    "fine indented and CRLF": ('  msgid "Hello"\r\n  msgstr "Hola"  \r\n', True),
    "fine string after a blank line": ('msgid "Hello"\nmsgstr "Ho"\n\n"la"\n', True),
}
# What msgfmt accepts but Babel reads wrongly (so the site would serve something else): refused too.
# No PO editor writes these. (body, the msgstr meant)
BABEL_MISREADS = {
    "two strings on one line": ('msgid "Hello"\nmsgstr "Ho" "la"\n', "Hola"),
    "no space after the keyword": ('msgid "Hello"\nmsgstr"Hola"\n', "Hola"),
    "tab after the keyword": ('msgid "Hello"\nmsgstr\t"Hola"\n', "Hola"),
    "keyword and msgid on one line": ('msgid "Hello" msgstr "Hola"\n', "Hola"),
    "octal escape": ('msgid "Hello"\nmsgstr "\\110ola"\n', "Hola"),
    "hexadecimal escape": ('msgid "Hello"\nmsgstr "\\x48ola"\n', "Hola"),
}


def _file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "case.po"
    path.write_bytes((HEADER + body).encode("utf-8", errors="surrogateescape"))
    return path


def _msgfmt_accepts(path: Path) -> bool:
    assert MSGFMT, "msgfmt (gettext) is a test dependency: make test-deps"
    return subprocess.run([MSGFMT, "-o", "/dev/null", str(path)], capture_output=True, check=False).returncode == 0


@pytest.mark.parametrize("name", list(CASES))
def test_refuses_what_msgfmt_refuses(tmp_path: Path, name: str) -> None:
    body, accepted = CASES[name]
    path = _file(tmp_path, body)
    assert _msgfmt_accepts(path) == accepted  # the table says what gettext says
    errors = syntax_errors(path.read_bytes())
    assert (errors == []) == accepted, errors
    for error in errors:  # each names a line of the file and says what is wrong there
        assert 1 <= error.line <= (HEADER + body).count("\n") + 1 and error.message


@pytest.mark.parametrize("name", list(BABEL_MISREADS))
def test_refuses_what_babel_would_misread(tmp_path: Path, name: str) -> None:
    body, meant = BABEL_MISREADS[name]
    path = _file(tmp_path, body)
    assert _msgfmt_accepts(path)
    read = {m.id: m.string for m in read_po(BytesIO(path.read_bytes())) if m.id}
    assert read.get("Hello") != meant  # what the site would serve
    assert syntax_errors(path.read_bytes())


def test_the_line_named_is_the_broken_one() -> None:
    body = 'msgid "Hello"\nmsgstr "Hola\n\nmsgid "Hello"\nmsgstr "Hola"\n'
    errors = syntax_errors((HEADER + body).encode())
    first = HEADER.count("\n") + 2
    assert [(e.line, e.message.split(":")[0]) for e in errors] == [(first, "end-of-line within string")]


# The fast path -------------------------------------------------------------------------------
# syntax_errors checks a file in the form tools write with one regular expression and sends anything
# else to the lexer: whatever it accepts, the lexer must accept with the same entries and lines.
SAMPLE = HEADER + (
    '# translator\n#. extracted\n#: a.py:1\n#, fuzzy\n#| msgctxt "a"\n#| msgid ""\n#| "Hi "\n#| "there"\n'
    'msgctxt "a"\nmsgid "Hello"\nmsgstr "Hola"\n\n'
    'msgctxt "b"\nmsgid ""\n"Say \\"hi\\"\\n"\nmsgstr ""\n"Di \\"hola\\"\\t\\\\\\n"\n\n'
    'msgid "day"\nmsgid_plural "days"\nmsgstr[0] "día"\nmsgstr[1] "días"\n\n'
    '#~| msgid "Hi"\n#~ msgid "Hello"\n#~ msgstr "Hola"\n\n'
    '#~ msgctxt "c"\n#~ msgid "week"\n#~ msgid_plural "weeks"\n#~ msgstr[0] "semana"\n#~ msgstr[1] "semanas"\n'
)
# Bytes that make or break PO syntax, for the mutations below.
SIGNIFICANT = [b'"', b"\\", b"\n", b" ", b"#", b"~", b"|", b",", b"m", b"[", b"]", b"0", b"1", b"\r", b"\t",
               b"n", b"x", b"\xff", b"\xc3", "\ufeff".encode(), b"msgid ", b"msgstr ", b'msgid "Hello"']


def _named(data: bytes) -> list[tuple[int, str]]:
    return [(e.line, e.message) for e in syntax_errors(data)]


def _named_by_lexer(data: bytes) -> list[tuple[int, str]]:
    return [(e.line, e.message) for e in syntax_errors(data, fast=False)]


@pytest.mark.parametrize("text", [SAMPLE, SAMPLE.replace("\n", "\r\n"), SAMPLE + "\n# trailing comment"])
def test_the_fast_path_takes_the_forms_tools_write(text: str) -> None:
    data = text.encode()
    assert fast_read(data) is not None  # not the lexer: the fast path itself is what is tested below
    assert _named(data) == _named_by_lexer(data) == []
    assert _named(data + data[len(HEADER):]) == _named_by_lexer(data + data[len(HEADER):]) != []  # duplicates


@pytest.mark.parametrize("name", [*CASES, *BABEL_MISREADS])
def test_the_fast_path_names_every_broken_case_as_the_lexer(name: str) -> None:
    body = CASES[name][0] if name in CASES else BABEL_MISREADS[name][0]
    data = (HEADER + body).encode("utf-8", errors="surrogateescape")
    assert _named(data) == _named_by_lexer(data)


@settings(max_examples=400, deadline=None)
@given(edits(SAMPLE.encode(), SIGNIFICANT, min_size=1))
def test_the_fast_path_and_the_lexer_agree_on_any_damage(changes: Edits) -> None:
    """A sample edited at random (bytes inserted, deleted or replaced): the same errors on the same lines."""
    data = damaged(SAMPLE.encode(), changes)
    assert _named(data) == _named_by_lexer(data)


# Updating -----------------------------------------------------------------------------------
def _catalog(po: str) -> Catalog:
    return read_po(BytesIO((HEADER + po).encode()), locale="es")


def _template(*ids: str) -> Catalog:
    template = Catalog()
    for msgid in ids:
        template.add(msgid, context="a")
    return template


LONG = ("Reaching out is a first step, and it can feel hard: you may not know whom to ask, what to say, "
        "or whether what you feel is serious enough to bother anyone with.")


def _previous(data: bytes) -> dict[str, str]:
    """msgid -> previous msgid, as translate-toolkit (Weblate's reader) sees the file."""
    store = pypo.pofile(data)
    return {u.source: u.prev_source for u in store.units if u.source and u.prev_source}


def test_previous_msgid_survives_more_edits_and_goes_when_translated() -> None:
    catalog = _catalog(f'msgctxt "a"\nmsgid "{LONG}"\nmsgstr "[es] {LONG}"\n')
    edited = LONG.replace("whom", "who")
    merge(catalog, _template(edited))
    once = render(catalog)
    assert syntax_errors(once) == []
    assert _previous(once) == {edited: LONG}
    assert once.count(b"\n#| ") > 1  # wrapped like the msgid, each line quoted

    catalog = read_po(BytesIO(once), locale="es")
    merge(catalog, _template(edited))
    assert render(catalog) == once  # unchanged sources, unchanged file

    again = edited.replace("hard", "very hard")
    merge(catalog, _template(again))
    twice = render(catalog)
    assert _previous(twice) == {again: LONG}  # the English the translation was made for, as msgmerge keeps it
    assert syntax_errors(twice) == []

    catalog = read_po(BytesIO(twice), locale="es")
    catalog.get(again, "a").flags.discard("fuzzy")  # the translator reviews it
    merge(catalog, _template(again))
    assert _previous(render(catalog)) == {}
    assert b"| msgid" not in render(catalog)  # not left behind as a translator comment either


def test_english_that_comes_back_revives_its_translation_once() -> None:
    """Babel keeps the obsolete entry and adds the msgid again: a duplicate msgfmt refuses."""
    catalog = _catalog('msgctxt "a"\nmsgid "Stay"\nmsgstr "Quédate"\n\n'
                       '#~ msgctxt "a"\n#~ msgid "Back again"\n#~ msgstr "De nuevo"\n')
    merge(catalog, _template("Stay", "Back again"))
    data = render(catalog)
    assert syntax_errors(data) == []
    back = read_po(BytesIO(data)).get("Back again", "a")
    assert back is not None and back.string == "De nuevo" and back.fuzzy
    assert not read_po(BytesIO(data)).obsolete


def test_unreadable_previous_comments_of_older_updates_are_dropped() -> None:
    """What `pybabel update --previous` wrote (and the next update turned into `# |` comments)."""
    catalog = _catalog('# | msgid "" "The answer is one-size-fits-all. But research and lived\n'
                       '# | experience " "show that therapy helps."\n'
                       '# a translator\'s note\n'
                       'msgctxt "a"\nmsgid "Stay"\nmsgstr "Quédate"\n')
    merge(catalog, _template("Stay"))
    data = render(catalog)
    assert b"| msgid" not in data and b"# a translator's note" in data
    assert syntax_errors(data) == []


def test_update_leaves_committed_catalogs_as_they_are(project_copy: Path) -> None:
    """Merging the committed templates changes nothing but leftovers of the old `#|` bug."""
    locales = project_copy / "locales"
    templates = {d: read_catalog(locales / f"{d}.pot") for d in ("content", "ui")}
    for po in sorted(locales.glob("*/LC_MESSAGES/*.po")):
        before = po.read_bytes()
        update_catalog(po, templates[po.stem], po.parent.parent.name, po.stem)
        after = po.read_bytes()
        kept = [line for line in before.split(b"\n") if not line.startswith(b"# | ")]
        assert after.split(b"\n") == kept, po
        assert not update_catalog(po, templates[po.stem], po.parent.parent.name, po.stem)


def test_a_live_entry_before_an_obsolete_previous_msgid_stays_live(tmp_path: Path) -> None:
    """msgmerge writes `#~| msgid` for an obsolete fuzzy entry; Babel alone reads the live entry
    before such lines as obsolete, so its translation would silently not be served."""
    path = _file(tmp_path, 'msgid "Live"\nmsgstr "Vivo"\n\n#~| msgid "Old"\n#~ msgid "Gone"\n#~ msgstr "Ido"\n')
    assert _msgfmt_accepts(path) and syntax_errors(path.read_bytes()) == []
    catalog = read_catalog(path)
    live = catalog.get("Live")
    assert live is not None and live.string == "Vivo" and live.lineno == HEADER.count("\n") + 1
    assert list(catalog.obsolete) == ["Gone"]
