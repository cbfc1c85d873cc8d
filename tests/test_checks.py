"""`bothand check` catches each class of broken catalog and names the file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.core.locales import make_locale
from api.i18n.markup import Shape, render_inline, shape, unsafe_links
from api.sources.messages import MARKUP_CHARS, entry_problems, markup_problems
from api.tools.checks import check_catalog
from tests.conftest import po_path, replace_msgstr


def _problems(path: Path, tag: str, domain: str) -> list[str]:
    return [str(p) for p in check_catalog(path, make_locale(tag), domain)]


# The committed catalogs: tests/test_real_corpus.py. Here the fixture's, which the planted faults below break.
@pytest.mark.parametrize("tag,folder", [("es", "es"), ("ar", "ar"), ("fa", "fa"), ("vi", "vi")])
def test_fixture_catalogs_are_clean(project_copy: Path, tag: str, folder: str) -> None:
    for domain in ("content", "ui"):
        assert _problems(po_path(project_copy, folder, domain), tag, domain) == []


@pytest.mark.parametrize(
    ("domain", "msgid", "bad", "expected"),
    [
        ("content", "Sleep at regular times", "<b>x</b> química", "raw HTML"),
        ("content", "Sleep at regular times", "[x](javascript:alert(1))", "not allowed"),
        ("content", "Reaching out is a **first step**", "Pedir ayuda es un paso. Sin negrita.", "markup differs"),
        ("ui", "Published %(published)s", "Publicado %(fecha)s.", "placeholders differ"),
        ("ui", "Updated %(updated)s", "Actualizado.", "placeholders differ"),
    ],
)
def test_check_names_file_and_line(project_copy: Path, domain: str, msgid: str, bad: str, expected: str) -> None:
    path = po_path(project_copy, "es", domain)
    replace_msgstr(path, msgid, bad)
    problems = _problems(path, "es", domain)
    assert len(problems) >= 1
    assert any(expected in p for p in problems), problems
    line = int(re.match(rf"{re.escape(str(path))}:(\d+):", problems[0]).group(1))  # type: ignore[union-attr]
    # The named line is the entry's msgid or msgstr line.
    window = "".join(path.read_text("utf-8").splitlines(True)[max(0, line - 4) : line + 3])
    assert msgid[:20] in window


def test_syntax_error(project_copy: Path) -> None:
    path = po_path(project_copy, "fr", "content")
    lines = path.read_text("utf-8").splitlines(True)
    idx = next(i for i, line in enumerate(lines) if line.startswith("msgstr") and i > 20)
    lines.insert(idx + 1, 'msgstr "second msgstr"\n')
    path.write_text("".join(lines), "utf-8")
    problems = _problems(path, "fr", "content")
    assert problems and all(p.startswith(f"{path}:") for p in problems)


def test_wrong_plural_forms(project_copy: Path) -> None:
    path = po_path(project_copy, "ar", "ui")
    text = path.read_text("utf-8")
    text = re.sub(r'"Plural-Forms: [^"]*"\n(?:"[^"]*"\n)*', '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n', text)
    path.write_text(text, "utf-8")
    problems = _problems(path, "ar", "ui")
    assert any("nplurals=2" in p and "CLDR says 6" in p for p in problems), problems


def test_wrong_language_header(project_copy: Path) -> None:
    path = po_path(project_copy, "vi", "ui")
    assert '"Language: vi\\n"' in path.read_text("utf-8")
    path.write_text(path.read_text("utf-8").replace('"Language: vi\\n"', '"Language: ja\\n"'), "utf-8")
    assert any("Language header" in p for p in _problems(path, "vi", "ui"))


def test_missing_catalog(project_copy: Path) -> None:
    path = po_path(project_copy, "fa", "ui")
    path.unlink()
    assert any("catalog missing" in p for p in _problems(path, "fa", "ui"))


# The content checks skip the Markdown parses for text without a character markup needs (MARKUP_CHARS):
# for such text they must find nothing, whatever else it holds.
_PLAIN = st.lists(st.sampled_from([*"ab (){}!#:/\\-+.=~|>\"'\n\t\u00a0\u2028é", "http://x.org", "www.x.org",
                                   "javascript:x", "mailto:a@b", " 1. ", "- ", "> ", "    ", "\\(", "  \n", "~~s~~",
                                   "#x;", "lt;", "(javascript:x)", "!x(y)"]), max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(_PLAIN, _PLAIN)
def test_text_without_markup_characters_has_no_markup_problem(source: str, text: str) -> None:
    assert not MARKUP_CHARS.search(source) and not MARKUP_CHARS.search(text)
    assert markup_problems(source, text) == []
    assert shape(text) == Shape((), ()) and "<" not in render_inline(text).text and not unsafe_links(text)


@pytest.mark.parametrize("source,text", [("Hi", "<b>x</b>"), ("Hi", "&lt;img src=x&gt;"), ("Hi", "[x](javascript:y)"),
                                         ("**Hi**", "Hola"), ("Hi", "`code`"), ("Hi", "_em_")])
def test_markup_characters_are_checked(source: str, text: str) -> None:
    assert MARKUP_CHARS.search(source) or MARKUP_CHARS.search(text)
    assert entry_problems(source, text, "a", "content", 2) == markup_problems(source, text) != []
