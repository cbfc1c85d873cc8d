"""Layout under the conditions readers really use: 320 px, text spacing, forced colours, print..."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.harness import ALL_TAGS, SLUG, pages_for

NO_HSCROLL = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
# WCAG 1.4.12 Text Spacing: the bookmarklet's values.
TEXT_SPACING = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }
p { margin-block-end: 2em !important; }
"""
CLIPPED = """() => [...document.querySelectorAll('body *')].filter(el => {
    const s = getComputedStyle(el);
    const hides = ['hidden', 'clip'].includes(s.overflowX) || ['hidden', 'clip'].includes(s.overflowY);
    return hides && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1);
}).map(el => el.tagName + '.' + el.className)"""


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    # bypass_csp only lets the text-spacing test inject its style sheet, as a reader's bookmarklet would.
    context = browser.new_context(viewport={"width": 320, "height": 640}, bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("tag", ALL_TAGS)
def test_no_horizontal_scroll_at_320px(phone: Page, base_url: str, tag: str) -> None:
    for spec in pages_for(tag):
        phone.goto(base_url + spec.path)
        assert phone.evaluate(NO_HSCROLL), f"{spec.path} scrolls sideways at 320 px"


@pytest.mark.parametrize("tag", ["en", "ar", "fa", "vi", "ko", "hi", "zh-Hans"])
def test_text_spacing_override_clips_nothing(phone: Page, base_url: str, tag: str) -> None:
    for spec in pages_for(tag):
        phone.goto(base_url + spec.path)
        phone.add_style_tag(content=TEXT_SPACING)
        assert phone.evaluate(NO_HSCROLL), f"{spec.path} scrolls sideways with text spacing"
        assert phone.evaluate(CLIPPED) == [], spec.path


def test_forced_colors_keep_focus_and_borders(browser: Browser, base_url: str) -> None:
    context = browser.new_context(forced_colors="active")
    page = context.new_page()
    page.goto(f"{base_url}/ar/articles/{SLUG}")
    assert page.evaluate("() => matchMedia('(forced-colors: active)').matches")
    page.keyboard.press("Tab")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")
    borders = page.evaluate(
        "() => [...document.querySelectorAll('th, td')].map(c => getComputedStyle(c).borderTopStyle)"
    )
    assert borders and set(borders) == {"solid"}
    assert page.evaluate("() => getComputedStyle(document.querySelector('.crisis')).borderTopStyle") == "solid"
    context.close()


def test_reduced_motion_is_honoured(browser: Browser, base_url: str) -> None:
    for motion, expected in (("reduce", "auto"), ("no-preference", "smooth")):
        context = browser.new_context(reduced_motion=motion)  # type: ignore[arg-type]
        page = context.new_page()
        page.goto(f"{base_url}/en/articles/{SLUG}")
        assert page.evaluate("() => getComputedStyle(document.documentElement).scrollBehavior") == expected
        context.close()


def test_print_hides_navigation_and_shows_link_targets(browser: Browser, base_url: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base_url}/es/articles/{SLUG}")
    page.emulate_media(media="print")
    for hidden in (".language-switcher", ".skip-link", ".header-help", ".country-form", ".article-topics"):
        display = page.evaluate(f"() => getComputedStyle(document.querySelector('{hidden}')).display")
        assert display == "none", hidden
    after = page.evaluate("""() => getComputedStyle(document.querySelector('.notice a'), '::after').content""")
    assert f"{base_url}/en/articles/{SLUG}" in after  # where it leads, as an absolute address
    context.close()


def test_without_javascript_everything_reads_and_the_language_switches(browser: Browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base_url}/")
    assert page.url.endswith("/en/")
    page.get_by_role("link").filter(has_text="How Medication and Therapy").first.click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("How Medication")
    assert page.get_by_role("table").is_visible()
    assert context.cookies() == []
    page.locator(".language-menu summary").click()  # a disclosure: opens without JavaScript
    page.locator(".language-switcher a[lang='vi']").click()
    assert page.url == f"{base_url}/vi/articles/{SLUG}"
    assert page.locator("html").get_attribute("lang") == "vi"
    assert [(c["name"], c["value"]) for c in context.cookies()] == [("lang", "vi")]
    page.goto(f"{base_url}/")
    assert page.url.endswith("/vi/")  # the choice is remembered
    context.close()


TARGETS = """() => [...document.querySelectorAll(
        '.language-switcher a, .language-menu summary, .header-help a, .site-name a, .site-footer a, ' +
        '.crisis a, .skip-link:focus, .notice a')]
    .filter(a => a.offsetParent !== null)
    .map(a => { const r = a.getBoundingClientRect(); return [a.textContent.trim().slice(0, 30), r.width, r.height]; })
    .filter(([, w, h]) => w < 24 || h < 24)"""


@pytest.mark.parametrize("tag", ["en", "ar", "zh-Hant", "hi"])
def test_targets_are_at_least_24px(phone: Page, base_url: str, tag: str) -> None:
    for spec in pages_for(tag):
        phone.goto(base_url + spec.path)
        assert phone.evaluate(TARGETS) == [], spec.path
