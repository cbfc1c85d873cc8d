"""Interface text that is not translated yet is shown in English, and marked as English.

When the owner adds a UI message, every language shows it in English until its translator catches
up. A screen reader must then read those words as English, not with the page's language rules
(a Spanish voice spelling "Skip to main content" in Spanish, or Arabic right-to-left ordering):
the text gets `<span lang="en" dir="ltr">` where a span may go; in attributes and in the title it
stays plain English text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from starlette.testclient import TestClient

from api.app import create_app
from tests.corpus import SLUG, Corpus, make_corpus
from tests.htmltext import find

EN = '<span lang="en" dir="ltr">'
UNTRANSLATED = ("Skip to main content", "Bothand", "Language")


def _untranslate(corpus: Corpus, folder: str, msgids: tuple[str, ...]) -> None:
    path = corpus.root / "locales" / folder / "LC_MESSAGES" / "ui.po"
    with path.open("rb") as fp:
        catalog = read_po(fp)
    for msgid in msgids:
        message = catalog.get(msgid)
        assert message is not None and message.string, msgid
        message.string = ""
    with path.open("wb") as fp:
        write_po(fp, catalog)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    corpus = make_corpus(tmp_path_factory.mktemp("fallback"))
    _untranslate(corpus, "es", UNTRANSLATED)
    _untranslate(corpus, "fa", UNTRANSLATED)
    return TestClient(create_app(corpus.settings()))


@pytest.mark.parametrize("tag", ["es", "fa"])
def test_untranslated_interface_text_is_marked_english(client: TestClient, tag: str) -> None:
    html = client.get(f"/{tag}/articles/{SLUG}").text
    skip = find(html, "a", class_="skip-link")[0]
    assert skip.text == "Skip to main content"
    assert f'<a class="skip-link" href="#main">{EN}Skip to main content</span></a>' in html
    assert f"<bdi>{EN}Bothand</span></bdi>" in html
    assert '<nav class="language-switcher" aria-label="Language">' in html  # an attribute: plain English
    # translated text around it is not marked
    assert f"[{tag}] Mental-health education in your language" in html
    assert f"{EN}[{tag}]" not in html


@pytest.mark.parametrize("tag", ["es", "fa"])
def test_no_span_where_a_span_cannot_go(client: TestClient, tag: str) -> None:
    html = client.get(f"/{tag}/articles/{SLUG}").text
    title = find(html, "title")[0].text
    assert title.endswith("– Bothand") and "<" not in title
    assert 'type="application/atom+xml"' in html and 'title="Bothand">' in html
    assert "\x02" not in html and "\x03" not in html


def test_no_mark_is_left_on_any_page(client: TestClient) -> None:
    for tag in ("en", "es", "fa", "ht", "zh-Hant"):
        for path in (f"/{tag}/", f"/{tag}/articles/{SLUG}", f"/{tag}/languages", f"/{tag}/developers",
                     f"/{tag}/accessibility", f"/embed/{tag}/{SLUG}", f"/{tag}/no-such-page"):
            body = client.get(path).text
            assert "\x02" not in body and "\x03" not in body, path


def test_english_pages_and_translated_languages_get_no_span(client: TestClient) -> None:
    assert EN not in client.get(f"/en/articles/{SLUG}").text
    assert EN not in client.get(f"/ht/articles/{SLUG}").text  # every ht message is translated


def test_without_the_removal_the_fixture_serves_its_translation(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path)
    with TestClient(create_app(corpus.settings())) as c:
        assert "[es] Skip to main content" in c.get(f"/es/articles/{SLUG}").text
