"""pofilter (translate-toolkit) over every catalog: a planted problem fails, accepted findings need a reason."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from api.tools.qa import EXCEPTIONS, ExceptionsError, load_exceptions, main
from tests.conftest import copy_real_project, po_path, replace_msgstr


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """The real catalogs (issue 22): pofilter flags the fixture corpus's pseudo-translations ('[es] …': brackets,
    start punctuation), so a planted problem would not be the only finding there."""
    return copy_real_project(tmp_path)

STORM = "Medication can calm the storm"


def _run(root: Path, exceptions: Path = EXCEPTIONS) -> int:
    return main(["--locales", str(root / "locales"), "--exceptions", str(exceptions)])


@pytest.mark.parametrize(
    ("bad", "check"),
    [
        ("La medicación puede calmar la la tormenta.", "doublewords"),
        ("La medicación (puede calmar la tormenta.", "brackets"),
    ],
)
def test_planted_problem_fails_with_file_and_line(
    project_copy: Path, capsys: pytest.CaptureFixture[str], bad: str, check: str
) -> None:
    path = po_path(project_copy, "es", "content")
    assert _run(project_copy) == 0  # clean before: the planted problem is what makes it fail
    before = set(capsys.readouterr().out.splitlines())
    replace_msgstr(path, STORM, bad)
    assert _run(project_copy) == 1
    out = [line for line in capsys.readouterr().out.splitlines() if line not in before]
    assert len(out) == 1, out
    match = re.match(rf"(?P<path>.+):(?P<line>\d+): pofilter {check}: ", out[0])
    assert match and match["path"].endswith("es/LC_MESSAGES/content.po"), out
    lines = path.read_text("utf-8").splitlines()
    assert STORM in "\n".join(lines[int(match["line"]) - 1 : int(match["line"]) + 1])


def test_an_exception_with_its_reason_accepts_the_finding(project_copy: Path, tmp_path: Path) -> None:
    replace_msgstr(po_path(project_copy, "es", "content"), STORM, "La medicación puede calmar la la tormenta.")
    exceptions = tmp_path / "exceptions.csv"
    exceptions.write_text(
        EXCEPTIONS.read_text("utf-8").rstrip("\n") + f"\nes,content,doublewords,{STORM},a test says so\n", "utf-8"
    )
    assert _run(project_copy, exceptions) == 0
    # Only that check, locale and message: the same doubled word in French still fails.
    replace_msgstr(po_path(project_copy, "fr", "content"), STORM, "Le médicament peut calmer la la tempête.")
    assert _run(project_copy, exceptions) == 1


def test_an_exception_needs_a_reason(tmp_path: Path) -> None:
    exceptions = tmp_path / "exceptions.csv"
    exceptions.write_text("locale,domain,check,msgid,reason\nes,content,doublewords,,\n", "utf-8")
    with pytest.raises(ExceptionsError, match=":2: every exception needs a check name and a reason"):
        load_exceptions(exceptions)
    assert main(["--exceptions", str(exceptions)]) == 1


def test_committed_catalogs_pass_with_the_documented_exceptions(project_copy: Path) -> None:
    assert all(e.reason for e in load_exceptions(EXCEPTIONS))
    assert _run(project_copy) == 0
