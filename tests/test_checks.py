"""`bothand check` catches each class of broken catalog and names the file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from api.core.locales import make_locale
from api.tools.checks import check_catalog
from tests.conftest import copy_real_project, po_path, replace_msgstr


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """The real content/ and locales/, still (issue 22): this module's edits name the real article's msgids;
    moving it to the fixture corpus (tests/conftest.py's `project_copy`) is left to do."""
    return copy_real_project(tmp_path)


def _problems(path: Path, tag: str, domain: str) -> list[str]:
    return [str(p) for p in check_catalog(path, make_locale(tag), domain)]


@pytest.mark.parametrize("tag,folder", [("es", "es"), ("ar", "ar"), ("zh-Hant", "zh_Hant"), ("ru", "ru")])
def test_committed_catalogs_are_clean(project_copy: Path, tag: str, folder: str) -> None:
    for domain in ("content", "ui"):
        assert _problems(po_path(project_copy, folder, domain), tag, domain) == []


@pytest.mark.parametrize(
    ("domain", "msgid", "bad", "expected"),
    [
        ("content", "Stabilize brain chemistry", "<b>x</b> química", "raw HTML"),
        ("content", "Stabilize brain chemistry", "[x](javascript:alert(1))", "not allowed"),
        ("content", "**Your preferences are valid.**", "Tus preferencias son válidas. Sin negrita.", "markup differs"),
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
    path = po_path(project_copy, "ru", "ui")
    text = path.read_text("utf-8")
    text = re.sub(r'"Plural-Forms: [^"]*"\n(?:"[^"]*"\n)*', '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n', text)
    path.write_text(text, "utf-8")
    problems = _problems(path, "ru", "ui")
    assert any("nplurals=2" in p and "CLDR says 3" in p for p in problems), problems


def test_wrong_language_header(project_copy: Path) -> None:
    path = po_path(project_copy, "ko", "ui")
    path.write_text(path.read_text("utf-8").replace('"Language: ko\\n"', '"Language: ja\\n"'), "utf-8")
    assert any("Language header" in p for p in _problems(path, "ko", "ui"))


def test_missing_catalog(project_copy: Path) -> None:
    path = po_path(project_copy, "ht", "ui")
    path.unlink()
    assert any("catalog missing" in p for p in _problems(path, "ht", "ui"))
