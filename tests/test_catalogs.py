"""Translations degrade one segment at a time, visibly and honestly; they never break a page."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from api.core.locales import make_locale
from api.sources.catalogs import Catalogs
from api.sources.content import load_articles
from api.tools.checks import check_catalog
from tests.conftest import BY_TAG, EDITED_CORPUS_LOCALES, SLUG, assert_sound, po_path, replace_msgstr
from tests.htmltext import find

FIRST_ITEM = "Sleep at regular times"  # the fixture article's first list item


def _item(html: str) -> dict[str, str]:
    """The attributes of the first list item of the article (shown in English in these tests)."""
    return next(li.attrs for li in find(html, "li") if li.text.strip().startswith(FIRST_ITEM))


def test_catalogs_are_sound(project_copy: Path) -> None:
    """Every catalog reads without a problem, and counts every segment of every article once (the real
    corpus's catalogs: tests/test_real_corpus.py)."""
    locales = tuple(make_locale(tag) for tag in ("en", *EDITED_CORPUS_LOCALES))
    articles = load_articles(project_copy / "content")
    catalogs = Catalogs(project_copy / "locales", articles, locales)
    assert_sound(catalogs, locales, articles)
    assert catalogs["es"].article_stats[SLUG].percent == 100  # the fixture's languages are complete
    assert catalogs.problems == []


@pytest.mark.parametrize("folder,tag", [("es", "es"), ("ar", "ar")])
def test_missing_msgstr_falls_back_to_marked_english(
    project_copy: Path, make_client: Callable[[], TestClient], folder: str, tag: str
) -> None:
    before = make_client().get(f"/api/v1/articles/{SLUG}?lang={tag}").json()["translation"]
    replace_msgstr(po_path(project_copy, folder, "content"), FIRST_ITEM, None)
    client = make_client()
    html = client.get(f"/{tag}/articles/{SLUG}").text
    attrs = _item(html)
    assert attrs["lang"] == "en" and attrs["dir"] == "ltr"
    assert "1" in find(html, "div", class_="notice")[0].text  # "1 passage ... shown in English"
    data = client.get(f"/api/v1/articles/{SLUG}?lang={tag}").json()
    item = next(b for b in data["blocks"] if b["type"] == "list")["items"][0]
    assert item["lang"] == "en" and item["text"].startswith(FIRST_ITEM)
    after = data["translation"]
    assert after["untranslated"] == before["untranslated"] + 1
    assert after["percent"] < before["percent"] == 100
    assert after["segments_in_english"] == 1
    locales = {x["tag"]: x for x in client.get("/api/v1/locales").json()["locales"]}
    assert locales[tag]["completeness"]["content"]["percent"] < 100


def test_fuzzy_is_never_served(project_copy: Path, make_client: Callable[[], TestClient]) -> None:
    path = po_path(project_copy, "es", "content")
    text = path.read_text(encoding="utf-8")
    marker = f'msgctxt "{SLUG}"\nmsgid "{FIRST_ITEM}'
    assert marker in text
    path.write_text(text.replace(marker, f"#, fuzzy\n{marker}", 1), encoding="utf-8")
    data = make_client().get(f"/api/v1/articles/{SLUG}?lang=es").json()
    item = next(b for b in data["blocks"] if b["type"] == "list")["items"][0]
    assert item["lang"] == "en"
    assert data["translation"]["fuzzy"] == 1


@pytest.mark.parametrize(
    "bad",
    [
        "<script>alert('x')</script> química",
        "[pulsa aquí](javascript:alert(1)) química",
        "**Dormir** a horas regulares",  # adds bold the English does not have
    ],
)
def test_hostile_or_mismatched_translation_is_not_served(
    project_copy: Path, make_client: Callable[[], TestClient], bad: str
) -> None:
    replace_msgstr(po_path(project_copy, "es", "content"), FIRST_ITEM, bad)
    client = make_client()
    html = client.get(f"/es/articles/{SLUG}").text
    assert "<script>alert" not in html and "javascript:" not in html
    assert _item(html)["lang"] == "en"
    problems = client.app.state.site.problems  # type: ignore[attr-defined]
    assert any(str(p).startswith(str(po_path(project_copy, "es", "content")) + ":") for p in problems)


def test_broken_ui_placeholder_falls_back(project_copy: Path, make_client: Callable[[], TestClient]) -> None:
    replace_msgstr(po_path(project_copy, "es", "ui"), "Published %(published)s", "Publicado %(fecha)s.")
    html = make_client().get(f"/es/articles/{SLUG}").text
    dates = find(html, "p", class_="dates")[0]
    assert dates.text.startswith("Published")  # the English template, with its dates intact
    assert "<time" in html


def test_unreadable_catalog_serves_english(project_copy: Path, make_client: Callable[[], TestClient]) -> None:
    po_path(project_copy, "vi", "content").write_text('msgid "unterminated\n', encoding="utf-8")
    r = make_client().get(f"/vi/articles/{SLUG}")
    assert r.status_code == 200
    assert find(r.text, "h1")[0].attrs.get("lang") == "en"


SPANISH_ITEM = "[es] Sleep at regular times"  # the fixture's pseudo-translation


def test_unterminated_string_costs_its_file_not_a_truncated_page(
    project_copy: Path, make_client: Callable[[], TestClient], caplog: pytest.LogCaptureFixture
) -> None:
    """A translator's editor drops a closing quote. Babel alone would read the file without a word
    and serve "…regular time" as translated; the build serves that file's segments in English and
    names the file and line, the line `bothand check` names too."""
    client = make_client()
    before = client.get(f"/api/v1/articles/{SLUG}?lang=es").json()["translation"]
    path = po_path(project_copy, "es", "content")
    lines = path.read_text("utf-8").splitlines(keepends=True)
    number = lines.index(f'msgstr "{SPANISH_ITEM}"\n') + 1
    lines[number - 1] = f'msgstr "{SPANISH_ITEM}\n'  # the closing quote lost
    path.write_text("".join(lines), "utf-8")

    with caplog.at_level(logging.WARNING):
        client = make_client()
        html = client.get(f"/es/articles/{SLUG}").text
    assert "[es] Sleep" not in html and "[es] First Steps" not in html  # nothing of that file, cut short or whole
    assert _item(html)["lang"] == "en" and _item(html)["dir"] == "ltr"
    assert find(html, "h1")[0].attrs["lang"] == "en"  # every segment of the file, not only the broken one
    assert find(html, "html")[0].attrs["lang"] == "es"  # the interface (ui.po) is still Spanish
    data = client.get(f"/api/v1/articles/{SLUG}?lang=es").json()
    item = next(b for b in data["blocks"] if b["type"] == "list")["items"][0]
    assert item["lang"] == "en" and item["text"] == FIRST_ITEM
    after = data["translation"]
    assert after["translated"] == 0 and after["percent"] == 0
    assert after["invalid"] == before["translated"]  # refused, not counted as translated

    named = f"{path}:{number}: end-of-line within string"
    assert any(str(p).startswith(named) for p in client.app.state.site.problems)  # type: ignore[attr-defined]
    assert any(named in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    assert any(str(p).startswith(named) for p in check_catalog(path, BY_TAG["es"], "content"))


def test_review_state_is_read_from_the_catalog(project_copy: Path, make_client: Callable[[], TestClient]) -> None:
    path = po_path(project_copy, "es", "content")
    path.write_text(f"# Review: {SLUG} draft\n" + path.read_text("utf-8"), "utf-8")  # as `bothand init` writes
    client = make_client()
    assert client.get(f"/api/v1/articles/{SLUG}?lang=es").json()["translation"]["review"] == "draft"
    articles = load_articles(project_copy / "content")
    path = po_path(project_copy, "es", "content")
    text = path.read_text(encoding="utf-8")
    reviewed = text.replace(f"# Review: {SLUG} draft", f"# Review: {SLUG} reviewed {articles[SLUG].source_hash[:12]}")
    path.write_text(reviewed, encoding="utf-8")
    client = make_client()
    assert client.get(f"/api/v1/articles/{SLUG}?lang=es").json()["translation"]["review"] == "reviewed"
    notice = find(client.get(f"/es/articles/{SLUG}").text, "div", class_="notice")[0].text
    path.write_text(text.replace(f"# Review: {SLUG} draft", f"# Review: {SLUG} reviewed 000000000000"), "utf-8")
    client = make_client()
    assert client.get(f"/api/v1/articles/{SLUG}?lang=es").json()["translation"]["review"] == "outdated"
    assert find(client.get(f"/es/articles/{SLUG}").text, "div", class_="notice")[0].text != notice
