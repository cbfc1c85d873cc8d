"""Interface text that is not translated yet is shown in English, and marked as English.

When the owner adds a UI message, every language shows it in English until its translator catches
up. A screen reader must then read those words as English, not with the page's language rules
(a Spanish voice spelling "Skip to main content" in Spanish, or Arabic right-to-left ordering):
the text gets `<span lang="en" dir="ltr">` where a span may go; in attributes, the title and the
country menu's options it stays plain English text. Templates write those bytes themselves (`_()` for
text, `_() | plain` where a span cannot go): nothing rewrites a page after it is rendered (issue 22).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from starlette.testclient import TestClient

from api.app import create_app
from api.build.builder import Builder
from tests.corpus import SLUG, Corpus, make_corpus
from tests.htmltext import find

EN = '<span lang="en" dir="ltr">'
UNTRANSLATED = ("Skip to main content", "Bothand", "Language")


def _untranslate(corpus: Corpus, folder: str, msgids: tuple[str, ...] | None) -> None:
    """Leave `msgids` (None: every message) untranslated in a language's ui.po."""
    path = corpus.root / "locales" / folder / "LC_MESSAGES" / "ui.po"
    with path.open("rb") as fp:
        catalog = read_po(fp)
    if msgids is None:
        for message in catalog:
            if message.id:
                message.string = ("", "") if isinstance(message.id, tuple) else ""
    for msgid in msgids or ():
        found = catalog.get(msgid)
        assert found is not None and found.string, msgid
        found.string = ""
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


# Every page of a language whose interface is all English ------------------------------------------------

NO_SPAN_ELEMENTS = {"title", "option", "script", "style", "textarea"}  # text only: a span there is not markup


class _SpanPlaces(HTMLParser):
    """Where a page puts `<span lang="en">`, and what its attributes hold."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.misplaced: list[str] = []
        self.spans = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and ("<" in value or "\x02" in value or "\x03" in value):
                self.misplaced.append(f"<{tag} {name}={value!r}>")
        if tag == "span" and ("lang", "en") in attrs:
            self.spans += 1
            inside = NO_SPAN_ELEMENTS.intersection(self.open)
            if inside:
                self.misplaced.append(f"span inside <{inside.pop()}>")
        if tag not in {"meta", "link", "br", "img", "input", "hr", "base", "wbr", "source"}:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag):]

    def handle_data(self, data: str) -> None:
        if "\x02" in data or "\x03" in data:
            self.misplaced.append(f"control mark in text {data[:40]!r}")


@pytest.fixture(scope="module")
def english_pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Every HTML page of a corpus whose Spanish interface is all English and whose Persian has none
    of the messages that go into attributes, the title and the country menu."""
    corpus = make_corpus(tmp_path_factory.mktemp("all-english"))
    _untranslate(corpus, "es", None)
    _untranslate(corpus, "fa", ("Bothand", "Language", "About this site", "note", "Not chosen",
                                "Accessibility statement",
                                "Articles about mental health, written by a therapist, in your language."))
    return {str(d.key): d.body.decode() for d in Builder(corpus.settings()).drafts()
            if d.media_type.startswith("text/html") and isinstance(d.body, bytes)}


def test_no_mark_and_no_span_in_attributes_title_or_options(english_pages: dict[str, str]) -> None:
    spans = 0
    for key, html in english_pages.items():
        places = _SpanPlaces()
        places.feed(html)
        assert not places.misplaced, (key, places.misplaced[:3])
        for element in NO_SPAN_ELEMENTS:
            for inner in re.findall(rf"<{element}\b[^>]*>(.*?)</{element}>", html, re.S):
                assert 'lang="en"' not in inner, (key, element, inner[:80])
        spans += places.spans
    assert spans > 1000  # the Spanish and Persian pages do show English text, in spans


@pytest.mark.parametrize("tag", ["es", "fa"])
def test_english_where_a_span_cannot_go_is_plain(english_pages: dict[str, str], tag: str) -> None:
    home = next(html for html in english_pages.values() if f'<html lang="{tag}"' in html
                and '<meta name="description" content="Articles about mental health' in html)
    assert re.search(r"<title>[^<]+ – Bothand</title>", home)
    assert 'aria-label="Language"' in home and 'aria-label="About this site"' in home
    assert 'title="Bothand">' in home
    noted = [html for html in english_pages.values()
             if f'<html lang="{tag}"' in html and "aria-roledescription" in html]
    assert noted and all('aria-roledescription="note"' in html for html in noted)
    assert '<option value="">Not chosen</option>' in home
    assert '<bdi><span lang="en" dir="ltr">Bothand</span></bdi>' in home  # the same message in text: a span


def test_error_page_title_is_plain_and_its_heading_marked(english_pages: dict[str, str]) -> None:
    page = next(html for html in english_pages.values() if '<html lang="es"' in html and "Page not found" in html)
    assert "<title>Page not found – Bothand</title>" in page
    assert '<h1><span lang="en" dir="ltr">Page not found</span></h1>' in page
