"""The termbase: glossaries in Weblate's CSV format, and `bothand check` warning when a translation skips a term."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from api.core.settings import ROOT
from api.tools.cli import main
from api.tools.termbase import TermbaseError, check_terms, load_glossary, term_problems
from tests.conftest import po_path, replace_msgstr

# Messages of the fixture corpus (project_copy), each the only one with its term.
UNSURE = "Is it normal to feel unsure?"
STEP = "Every small step counts."
GLOSSARY = (
    "source,target,explanation\n"
    'unsure,inseguridad,"Feeling unsure, not doubting a fact; not ""dudoso"" (doubtful)."\n'
    "unsure,insegur,Inflections: inseguro/insegura.\n"
    "counts,cuenta,The verb of the quote.\n"
)


def _only_glossary(root: Path, folder: str, text: str) -> Path:
    """Leave exactly one glossary in the copied locales folder, so the test sees only its own terms."""
    for other in (root / "locales").glob("*/glossary.csv"):
        other.unlink()
    path = root / "locales" / folder / "glossary.csv"
    path.write_text(text, "utf-8")
    return path


def _check(root: Path, *flags: str) -> int:
    return main(["check", "--skip-stale", "--locales", str(root / "locales"), *flags])


def test_planted_violation_is_warned_with_file_and_line_and_strict_fails(
    project_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _only_glossary(project_copy, "es", GLOSSARY)
    replace_msgstr(po_path(project_copy, "es", "content"), STEP, "Cada pequeño paso cuenta.")
    replace_msgstr(po_path(project_copy, "es", "content"), UNSURE, "¿Es normal sentirse dudoso?")

    assert _check(project_copy) == 0  # a warning alone does not fail a plain check
    out = capsys.readouterr().out
    warnings = [line for line in out.splitlines() if ": warning: " in line]
    assert len(warnings) == 1, out
    match = re.match(r"(?P<path>.+content\.po):(?P<line>\d+): warning: term “unsure”", warnings[0])
    assert match, warnings[0]
    lines = Path(match["path"]).read_text("utf-8").splitlines()
    assert UNSURE in "\n".join(lines[int(match["line"]) - 1 : int(match["line"]) + 2])
    assert "inseguridad" in warnings[0] and "doubtful" in warnings[0]

    assert _check(project_copy, "--strict") == 1


def test_approved_form_passes_strict(project_copy: Path) -> None:
    _only_glossary(project_copy, "es", GLOSSARY)
    replace_msgstr(po_path(project_copy, "es", "content"), STEP, "Cada pequeño paso cuenta.")
    replace_msgstr(po_path(project_copy, "es", "content"), UNSURE, "¿Es normal sentirse INSEGURA?")
    assert _check(project_copy, "--strict") == 0


def test_term_only_flagged_where_the_english_has_it(tmp_path: Path) -> None:
    po = tmp_path / "ui.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "A number of people feel better."\nmsgstr "Algunas personas se sienten mejor."\n\n'
        'msgid "Numb, not sad."\nmsgstr "Insensible, no triste."\n\n'
        '#, fuzzy\nmsgid "Numb again."\nmsgstr "Insensible otra vez."\n\n'
        'msgid "Numb once more."\nmsgstr ""\n',
        "utf-8",
    )
    glossary = tmp_path / "glossary.csv"
    glossary.write_text("source,target,explanation\nnumb,embotad,Inflections: embotado/embotada.\n", "utf-8")
    problems = term_problems(po, load_glossary(glossary))
    # "number" is not "numb"; fuzzy and untranslated messages are not translations yet.
    assert [(p.line, "“numb”" in p.message) for p in problems] == [(8, True)]  # the msgid line of "Numb, not sad."


def test_only_locales_with_a_glossary_are_checked(project_copy: Path) -> None:
    _only_glossary(project_copy, "es", "source,target,explanation\ncounts,zählt,wrong language on purpose\n")
    replace_msgstr(po_path(project_copy, "fr", "content"), STEP, "Rien à voir.")
    errors, warnings = check_terms(project_copy / "locales")
    assert errors == []
    assert [p.path.parts[-3] for p in warnings] == ["es"]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("source;target;explanation\nnumb;x;y\n", 1),
        ("source,target,explanation\nnumb,,empty target\n", 2),
        ("source,target,explanation\nnumb,x\n", 2),
    ],
)
def test_broken_glossary_is_an_error_with_its_line(project_copy: Path, text: str, line: int) -> None:
    path = _only_glossary(project_copy, "es", text)
    with pytest.raises(TermbaseError) as exc:
        load_glossary(path)
    assert exc.value.line == line
    assert _check(project_copy) == 1


def test_committed_glossaries_are_weblate_csv_and_catalogs_use_them() -> None:
    glossaries = sorted((ROOT / "locales").glob("*/glossary.csv"))
    assert glossaries, "no glossary committed"
    for path in glossaries:
        terms = {t.source.casefold(): t for t in load_glossary(path)}
        for source in ("medication", "withdrawal effects", "numb", "healing", "clients", "bothand"):
            assert source in terms, f"{path}: {source}"
            assert terms[source].explanation, f"{path}: {source} has no note for translators"
    errors, warnings = check_terms(ROOT / "locales", ROOT)
    assert errors == [] and [str(w) for w in warnings] == []
