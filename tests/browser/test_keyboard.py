"""Keyboard and screen-reader use: skip link, visible focus, and the accessibility tree."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page

from tests.browser.harness import ALL_TAGS, SLUG, pages_for
from tests.conftest import LOCALES


def _article(base_url: str, tag: str) -> dict[str, Any]:
    """What the page should show, from the API (the same models the page was rendered from)."""
    data: dict[str, Any] = httpx.get(f"{base_url}/api/v1/articles/{SLUG}?lang={tag}").json()
    return data


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    yield pg
    context.close()


@pytest.mark.parametrize("tag", ALL_TAGS)
def test_skip_link_is_first_and_moves_focus_into_main(page: Page, base_url: str, tag: str) -> None:
    page.goto(f"{base_url}/{tag}/articles/{SLUG}")
    page.keyboard.press("Tab")
    first = page.evaluate("() => [document.activeElement.tagName, document.activeElement.getAttribute('href')]")
    assert first == ["A", "#main"]
    assert page.locator(".skip-link").is_visible()  # shown when focused
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    page.keyboard.press("Tab")  # the next Tab continues inside main, not back in the header
    assert page.evaluate("() => document.getElementById('main').contains(document.activeElement)")


FOCUS_STYLE = """(el) => {
    el.focus();
    const s = getComputedStyle(el);
    return {visible: el === document.activeElement && s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
            text: el.textContent.trim().slice(0, 40)};
}"""


@pytest.mark.parametrize("tag", ["en", "ar", "zh-Hant"])
def test_every_focusable_element_shows_focus(page: Page, base_url: str, tag: str) -> None:
    for spec in pages_for(tag):
        page.goto(base_url + spec.path)
        page.keyboard.press("Tab")  # keyboard modality, so :focus-visible applies
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")  # the menus
        focusables = page.locator("a[href], button, input, select, textarea, summary, [tabindex='0']")
        missing = []
        for i in range(focusables.count()):
            result = focusables.nth(i).evaluate(FOCUS_STYLE)
            if not result["visible"]:
                missing.append(result["text"])
        assert not missing, f"{spec.path}: no visible focus on {missing}"


def _expected_headings(base_url: str, tag: str) -> list[tuple[int, str]]:
    data = _article(base_url, tag)
    out = [(1, data["title"]["text"])]
    for block in data["blocks"]:
        if block["type"] == "heading":
            out.append((block["level"], block["text"]["text"]))
        elif block["type"] == "faq":
            out += [(block["level"], item["question"]["text"]) for item in block["items"]]
    if data.get("conditions"):
        out.append((2, TOPICS))  # the article's topics: interface text, checked by position and level
    if data.get("handouts"):
        out.append((2, TOPICS))  # "Print this article" over the handout links: the same, interface text
    out.append((2, data["crisis"]["heading"]["text"]))
    return [(level, re.sub(r"\s+", " ", text).strip()) for level, text in out]


TOPICS = "<an interface heading>"  # the Topics heading, the handouts' heading


def _same_outline(found: list[tuple[int, str]], expected: list[tuple[int, str]]) -> bool:
    return len(found) == len(expected) and all(
        f[0] == e[0] and (e[1] == TOPICS or f[1] == e[1]) for f, e in zip(found, expected, strict=True))


@pytest.mark.parametrize("tag", ALL_TAGS)
def test_accessibility_tree_of_the_article(page: Page, base_url: str, tag: str) -> None:
    """What a screen reader gets: landmarks, heading outline, table headers, link names, languages."""
    page.goto(f"{base_url}/{tag}/articles/{SLUG}")
    tree = page.locator("body").aria_snapshot()
    for landmark in ("banner", "navigation", "main", "contentinfo"):
        assert f"- {landmark}" in tree, landmark
    headings = page.evaluate("""() => [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')]
        .map(h => [Number(h.tagName[1]), h.textContent.replace(/\\s+/g, ' ').trim()])""")
    found = [(int(h[0]), str(h[1])) for h in headings]
    assert _same_outline(found, _expected_headings(base_url, tag)), found
    assert page.get_by_role("table").count() == 1
    columns = page.get_by_role("columnheader").all_inner_texts()
    table = next(b for b in _article(base_url, tag)["blocks"] if b["type"] == "table")
    assert [c.strip() for c in columns] == [c["text"] for c in table["columns"]]
    assert page.get_by_role("table").get_attribute("aria-label") is None  # named by its caption
    # The language menu: closed, it says the current language; opened, every language in its own.
    menu = page.get_by_role("navigation").first
    assert menu.locator("summary").inner_text().strip() == next(loc.autonym for loc in LOCALES if loc.tag == tag)
    assert menu.get_by_role("link").count() == 0  # no wall of links before the content
    menu.locator("summary").click()
    names = menu.get_by_role("link").all_inner_texts()
    assert [n.strip() for n in names] == [loc.autonym for loc in LOCALES]
    langs = page.evaluate("""() => [...document.querySelectorAll('.language-switcher a')]
        .map(a => [a.lang, a.getAttribute('aria-current')])""")
    assert langs == [[loc.tag, "true" if loc.tag == tag else None] for loc in LOCALES]
    # Every link has a name a screen reader can say.
    unnamed = page.evaluate("() => [...document.links].filter(a => !a.textContent.trim()).length")
    assert unnamed == 0
