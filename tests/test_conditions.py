"""Conditions and their codes: what the owner writes, what `bothand check` refuses, how codes match."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file

from api.core.settings import ROOT, Settings
from api.sources.conditions import (
    ICD10,
    ICD10CM,
    SNOMED,
    Code,
    Criterion,
    match_score,
    normalize,
    parse_condition,
    read_conditions,
    verhoeff_valid,
)
from api.sources.content import ContentError, parse_article
from api.tools.checks import condition_problems
from api.tools.extract_conditions import extract_conditions
from tests.conftest import SITE_CONDITIONS, SLUG, add_conditions
from tests.corpus import FIXTURES

FULL = f"conditions: {SITE_CONDITIONS}"  # the front matter line (6) of the article the tests edit


def article_text() -> str:
    """The fixture article naming every condition, as the session site serves it."""
    text = (FIXTURES / "content" / f"{SLUG}.md").read_text("utf-8")
    return text.replace("\nsummary: ", f"\n{FULL}\nsummary: ", 1)


@pytest.mark.parametrize(("raw", "expected"), [
    ("F41.1", "F41.1"), ("f41.1", "F41.1"), ("F411", "F41.1"), (" F41 ", "F41"), ("S72.001A", "S72.001A"),
    ("F41.", None), ("F4", None), ("41.1", None), ("F41.12345", None), ("F4.11", None), ("", None),
    ("F41.1;DROP", None), ("Ｆ41", None),
])
def test_icd10cm_codes_are_normalized_or_refused(raw: str, expected: str | None) -> None:
    assert normalize(ICD10CM, raw) == expected


def test_who_icd10_allows_at_most_two_characters_after_the_dot() -> None:
    assert normalize(ICD10, "f43.1") == "F43.1"
    assert normalize(ICD10, "F43.123") is None


@pytest.mark.parametrize("concept", ["35489007", "197480006", "406506008", "47505003", "13746004", "17226007"])
def test_snomed_concepts_of_the_owners_article_have_valid_check_digits(concept: str) -> None:
    assert verhoeff_valid(concept)
    assert normalize(SNOMED, concept) == concept


@pytest.mark.parametrize(("raw", "why"), [
    ("197480007", "check digit"),  # one digit off: Verhoeff catches every single-digit error
    ("179480006", "check digit"),  # two adjacent digits swapped: Verhoeff catches these too
    ("197480016", "partition"),  # a description id, not a concept
    ("0197480006", "6 to 18 digits"),
    ("19748", "6 to 18 digits"),
    ("F41.1", "6 to 18 digits"),
])
def test_malformed_snomed_ids_are_refused_with_a_reason(raw: str, why: str) -> None:
    assert normalize(SNOMED, raw) is None
    with pytest.raises(ValueError, match=why):
        parse_condition(f"snomed:{raw}")


def test_icd_codes_match_at_the_code_or_an_ancestor_snomed_exactly() -> None:
    f41 = [Code(ICD10CM, "F41")]
    assert match_score([Criterion(Code(ICD10CM, "F41.1"))], f41) is not None
    assert match_score([Criterion(Code(ICD10CM, "F41"))], f41) is not None
    assert match_score([Criterion(Code(ICD10CM, "F41.1"))], [Code(ICD10CM, "F41.9")]) is None
    assert match_score([Criterion(Code(ICD10CM, "F41"))], [Code(ICD10CM, "F41.1")]) is None  # no descendants
    assert match_score([Criterion(Code(ICD10, "F41.1"))], f41) is None  # another code system
    assert match_score([Criterion(Code(SNOMED, "197480006"))], [Code(SNOMED, "197480006")]) is not None
    assert match_score([Criterion(Code(SNOMED, "21897009"))], [Code(SNOMED, "197480006")]) is None


def test_an_exact_code_ranks_above_an_ancestor_and_more_criteria_above_fewer() -> None:
    asked = [Criterion(Code(ICD10CM, "F41.1")), Criterion(Code(SNOMED, "47505003"))]
    exact = match_score(asked, [Code(ICD10CM, "F41.1")])
    ancestor = match_score(asked, [Code(ICD10CM, "F41")])
    both = match_score(asked, [Code(ICD10CM, "F41"), Code(SNOMED, "47505003")])
    assert exact is not None and ancestor is not None and both is not None
    assert both > exact > ancestor


def _conditions_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "conditions.yaml"
    path.write_text("conditions:\n" + body, encoding="utf-8")
    return path


def test_conditions_file_problems_name_their_line(tmp_path: Path) -> None:
    path = _conditions_file(tmp_path, (
        "  - id: anxiety\n"           # line 2
        "    name: Anxiety\n"
        "    icd10cm: [F41, 41.1]\n"   # line 4: malformed ICD-10-CM
        "    snomed: [197480007]\n"    # line 5: wrong check digit
        "  - id: anxiety\n"           # line 6: duplicate id
        "    name: Again\n"
        "    icd10cm: [F41]\n"
        "    snomed: [197480006]\n"
        "  - id: adhd\n"              # line 10: no SNOMED codes
        "    name: ADHD\n"
        "    icd10cm: [F90]\n"
        "    icd9: [314.01]\n"        # line 13: unknown field
    ))
    _, problems = read_conditions(path)
    found = {(p.line, next(w for w in ("ICD-10-CM code", "check digit", "used twice", "needs SNOMED CT",
                                       "unknown field") if w in p.message)) for p in problems}
    assert found == {(4, "ICD-10-CM code"), (5, "check digit"), (6, "used twice"), (10, "needs SNOMED CT"),
                     (13, "unknown field")}


def test_check_reports_conditions_file_and_article_problems_with_file_and_line(project_copy: Path) -> None:
    conditions = _conditions_file(project_copy, "  - id: anxiety\n    name: Anxiety\n    icd10cm: [F41]\n"
                                                "    snomed: [19748000]\n")
    add_conditions(project_copy / "content" / f"{SLUG}.md")
    settings = Settings(content_dir=project_copy / "content", locales_dir=project_copy / "locales",
                        conditions_file=conditions)
    problems = [str(p) for p in condition_problems(settings)]
    assert any("conditions.yaml:5:" in p and "19748000" in p for p in problems), problems
    # The article names depression, adhd, ...: unknown here, reported at its front matter line (6).
    assert any(f"{SLUG}.md:6:" in p and "unknown condition 'depression'" in p for p in problems), problems


def test_bothand_check_fails_on_an_unknown_condition_id(project_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    article = project_copy / "content" / f"{SLUG}.md"
    add_conditions(article)
    article.write_text(article.read_text("utf-8").replace("conditions: [depression,", "conditions: [depresion,"),
                       "utf-8")
    from api.tools import checks

    settings = Settings(content_dir=project_copy / "content", locales_dir=project_copy / "locales")
    problems = [str(p) for p in checks.check_all(settings, stale=False)]
    assert any(f"{SLUG}.md:6: unknown condition 'depresion'" in p for p in problems), problems


@pytest.mark.parametrize(("front_matter", "message"), [
    ("conditions: anxiety", "is a list of condition ids"),
    ("conditions: [anxiety, Anxiety]", "not 'Anxiety'"),
    ("conditions: [anxiety, anxiety]", "listed twice"),
])
def test_article_front_matter_conditions_are_checked_where_written(tmp_path: Path, front_matter: str,
                                                                   message: str) -> None:
    text = article_text().replace(FULL, front_matter)
    with pytest.raises(ContentError, match=rf":6: .*{message}"):
        parse_article(tmp_path / "a.md", text)


def test_block_list_of_conditions_keeps_each_line(tmp_path: Path) -> None:
    text = article_text().replace(FULL, "conditions:\n  - anxiety\n  - ptsd")
    article = parse_article(tmp_path / "a.md", text)
    assert [(r.id, r.line) for r in article.conditions] == [("anxiety", 7), ("ptsd", 8)]


def test_the_extractor_gives_translators_each_name_with_its_codes() -> None:
    messages = list(extract_from_file(extract_conditions, str(ROOT / "conditions.yaml")))
    by_name = {msgid: (line, comments, context) for line, msgid, comments, context in messages}
    assert set(by_name) == {"Depression", "Anxiety", "ADHD", "PTSD", "Bipolar disorder", "Chronic stress"}
    line, comments, context = by_name["Anxiety"]
    assert context == "condition"
    assert (ROOT / "conditions.yaml").read_text("utf-8").splitlines()[line - 1].strip() == "name: Anxiety"
    assert "SNOMED CT 197480006" in comments[0]


def test_make_extract_puts_condition_names_into_ui_pot(tmp_path: Path) -> None:
    """babel-ui.cfg names the extractor, registered as an entry point (pyproject.toml)."""
    out = tmp_path / "ui.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run([str(pybabel), "-q", "extract", "-F", "babel-ui.cfg", "-c", "Translators:", "-o", str(out), "."],
                   cwd=ROOT, check=True)
    pot = out.read_text("utf-8")
    assert 'msgctxt "condition"\nmsgid "Chronic stress"' in pot
    assert "#. condition stress: ICD-10-CM F43; SNOMED CT 17226007" in pot
