"""The owner adds an article: it is served at once, in English everywhere it is not yet translated,
marked as such, and partners see it in the listing."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from translate.storage import pypo

from api.core.settings import ROOT
from api.tools.cli import main
from tests import corpus
from tests.htmltext import find

NEW = """---
slug: grounding
published: 2026-12-01
updated: 2026-12-02
summary: A short grounding exercise.
---

# A Grounding Exercise

Name **five** things you can see. Read [more](https://example.org/grounding).

| Step | What to do |
| --- | --- |
| 1 | Breathe |

Table: The steps.
"""


def test_new_article_is_served_in_english_and_marked(project_copy: Path, make_client: Callable[[], TestClient]) -> None:
    (project_copy / "content" / "grounding.md").write_text(NEW, encoding="utf-8")
    client = make_client()

    listing = client.get("/api/v1/articles?lang=ar&per_page=1")
    everything = client.get("/api/v1/articles?lang=ar&per_page=100").json()["articles"]
    assert listing.json()["total"] == len(everything) == len(list((project_copy / "content").glob("*.md")))
    assert 'rel="next"' in listing.headers["link"]
    since = client.get("/api/v1/articles?updated_since=2026-12-02").json()["articles"]
    assert "grounding" in [a["slug"] for a in since]
    assert [a["slug"] for a in since] == [a["slug"] for a in everything if a["updated"] >= "2026-12-02"]

    data = client.get("/api/v1/articles/grounding?lang=ar").json()
    assert data["lang"] == "ar" and data["title"]["lang"] == "en"
    assert data["translation"]["percent"] == 0 and data["translation"]["untranslated"] > 0
    paragraph = next(b for b in data["blocks"] if b["type"] == "paragraph")
    assert paragraph["text"]["html"] == (
        'Name <strong>five</strong> things you can see. Read <a href="https://example.org/grounding">more</a>.'
    )

    html = client.get("/ar/articles/grounding").text
    assert find(html, "html")[0].attrs["dir"] == "rtl"
    h1 = find(html, "h1")[0]
    assert (h1.attrs["lang"], h1.attrs["dir"]) == ("en", "ltr")
    assert find(html, "div", class_="notice")  # readers are told parts are in English

    home = client.get("/es/").text
    assert len(find(home, "ul", class_="article-list")[0].children) == len(everything)
    locales = {x["tag"]: x for x in client.get("/api/v1/locales").json()["locales"]}
    assert locales["es"]["completeness"]["content"]["percent"] < 100


SHORT = "Reaching out is a **first step**, and it can feel *hard*."
LONG = ("Reaching out is a **first step**, and it can feel *hard*: you may not know whom to ask, what to say, "
        "or whether what you feel is serious enough to bother anyone with. That is all right.")
EDITED = LONG.replace("whom to ask", "who to ask")


def _project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project to run the translator workflow in: the fixture corpus (tests/corpus.py), whose first
    article opens with LONG (translated in every locale), and the interface sources extract reads."""
    fixtures = tmp_path / "fixtures"
    shutil.copytree(corpus.FIXTURES, fixtures)
    article = fixtures / "content" / f"{corpus.SLUG}.md"
    article.write_text(article.read_text("utf-8").replace(SHORT, LONG), "utf-8")
    monkeypatch.setattr(corpus, "FIXTURES", fixtures)
    root = corpus.make_corpus(tmp_path / "project").root
    shutil.copytree(ROOT / "api", root / "api", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "site" / "templates", root / "site" / "templates")
    for name in ("crisis.yaml", "conditions.yaml"):
        shutil.copy(ROOT / name, root / name)
    return root


def test_check_accepts_the_catalogs_update_writes_when_a_long_paragraph_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`make extract update` after an edit to a paragraph long enough to wrap, then `make check`:
    the previous English goes in `#|` lines that gettext reads (pybabel wrapped them like prose,
    and msgfmt refused 4 lines per locale), and Weblate and Poedit show it beside the fuzzy entry."""
    root = _project(tmp_path, monkeypatch)
    assert len(LONG) > 2 * 76  # wraps over several lines in a .po file
    project = ["--root", str(root)]
    assert main(["extract", *project]) == 0 and main(["update", *project]) == 0
    assert main(["check", "--strict", *project]) == 0, capsys.readouterr()  # the starting point is clean

    article = root / "content" / f"{corpus.SLUG}.md"
    article.write_text(article.read_text("utf-8").replace(LONG, EDITED), "utf-8")
    assert main(["extract", *project]) == 0
    assert main(["update", *project]) == 0
    capsys.readouterr()
    status = main(["check", "--strict", *project])
    assert status == 0, capsys.readouterr()

    catalogs = sorted((root / "locales").glob("*/LC_MESSAGES/*.po"))
    assert len(catalogs) == 2 * (len(corpus.BASE_TAGS))
    for po in catalogs:  # gettext itself, as `make check` runs it
        run = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)], capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
    for tag in corpus.BASE_TAGS:
        po = root / "locales" / tag.replace("-", "_") / "LC_MESSAGES" / "content.po"
        unit = next(u for u in pypo.pofile.parsefile(str(po)).units if u.source == EDITED)
        assert unit.isfuzzy() and unit.target == corpus.pseudo(tag, LONG)
        assert unit.prev_source == LONG  # the translator's "previous" hint, as translate-toolkit reads it
        assert po.read_text("utf-8").count("\n#| ") >= 3  # wrapped, every line quoted

    before = {po: po.read_bytes() for po in catalogs}
    assert main(["update", *project]) == 0
    assert {po: po.read_bytes() for po in catalogs} == before  # a second update keeps the hint as it is


def _corpus(tmp_path: Path) -> Path:
    root = corpus.make_corpus(tmp_path / "project").root
    for name in ("crisis.yaml", "conditions.yaml"):
        shutil.copy(ROOT / name, root / name)
    return root


def _break(po: Path, prefix: str) -> int:
    """Drop the closing quote of the first one-line msgstr starting with `prefix`; returns its line."""
    lines = po.read_text("utf-8").splitlines(keepends=True)
    number = next(n for n, line in enumerate(lines, 1) if line.startswith(f'msgstr "{prefix}') and line.endswith('"\n'))
    lines[number - 1] = lines[number - 1][:-2] + "\n"
    po.write_text("".join(lines), "utf-8")
    return number


def test_update_leaves_a_broken_catalog_as_it_is_and_names_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Merging would read the cut-short string as if it were whole and write it back valid."""
    root = _corpus(tmp_path)
    po = root / "locales" / "es" / "LC_MESSAGES" / "content.po"
    number = _break(po, "[es] ")
    before = po.read_bytes()
    assert main(["update", "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert f"locales/es/LC_MESSAGES/content.po:{number}: end-of-line within string" in err
    assert "Traceback" not in err
    assert po.read_bytes() == before


def test_check_names_each_broken_catalog_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _corpus(tmp_path)
    shutil.copy(ROOT / "locales" / "es" / "glossary.csv", root / "locales" / "es" / "glossary.csv")  # termbase too
    ui = root / "locales" / "es" / "LC_MESSAGES" / "ui.po"
    ui.write_bytes(ui.read_bytes() + b'\nmsgid "Extra"\nmsgstr "M\xe1s"\n')  # Latin-1 in a UTF-8 file
    bad_byte = ui.read_bytes().count(b"\n")
    content = root / "locales" / "fa" / "LC_MESSAGES" / "content.po"
    stray = content.read_text("utf-8").count("\n") + 1
    content.write_text(content.read_text("utf-8") + "a stray line\n", "utf-8")
    assert main(["check", "--skip-stale", "--root", str(root)]) == 1
    out = capsys.readouterr().out
    assert f"{ui}:{bad_byte}: not valid" in out
    assert f"{content}:{stray}: unknown keyword 'a'" in out
    assert "WARNING" not in out  # nothing but file:line: message lines
