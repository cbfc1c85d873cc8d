"""What a reader in distress sees first (issue 24): help one tap away on every page, the title in the
first screen of a phone, the help-now block lined up on the reading side, and a page that prints."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.harness import ALL_TAGS, SLUG, pages_for

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    yield page
    context.close()


# Every line of every help-now item, measured: where its text starts and ends, and where the item's
# content box is. A line in English inside an Arabic page (lang="en" dir="ltr") must still start on
# the right, next to the bullet, like every other line.
LINES = """() => [...document.querySelectorAll('.crisis-list > li')].flatMap(li => {
    const box = li.getBoundingClientRect();
    const s = getComputedStyle(li);
    const right = box.right - parseFloat(s.paddingRight), left = box.left + parseFloat(s.paddingLeft);
    return [...li.querySelectorAll(':scope > .crisis-line')].map(line => {
        const first = line.firstElementChild;
        const r = first.getBoundingClientRect();
        return {text: first.textContent.trim().slice(0, 30), lang: first.closest('[lang]').lang,
                left: r.left, right: r.right, boxLeft: left, boxRight: right};
    });
})"""


@pytest.mark.parametrize("tag", ["ar", "fa"])
@pytest.mark.parametrize("path", ["help", f"articles/{SLUG}", "help/US"])
def test_help_now_lines_start_on_the_right_in_rtl(phone: Page, base_url: str, tag: str, path: str) -> None:
    phone.goto(f"{base_url}/{tag}/{path}")
    lines = phone.evaluate(LINES)
    assert len(lines) >= 4
    for line in lines:
        assert abs(line["right"] - line["boxRight"]) <= 2, f"{line} does not start at the right edge"
    # at least one line is English inside the RTL page (the case that broke: "Find A Helpline")
    # (short enough that a line pulled to the left would show: "Find A Helpline")
    short = [line for line in lines if line["lang"] == "en" and line["right"] - line["left"] <
             (line["boxRight"] - line["boxLeft"]) / 2]
    assert short, f"no short English line measured: {lines}"


def test_help_now_lines_start_on_the_left_in_ltr(phone: Page, base_url: str) -> None:
    phone.goto(f"{base_url}/en/help")
    for line in phone.evaluate(LINES):
        assert abs(line["left"] - line["boxLeft"]) <= 2, line


HELP_BEFORE_MAIN = """() => {
    const main = document.querySelector('main');
    const link = [...document.querySelectorAll('a[href]:not([href^="#"])')].find(a =>
        /\\/help(\\/[A-Z]{2})?$/.test(new URL(a.href).pathname)
        && (a.compareDocumentPosition(main) & Node.DOCUMENT_POSITION_FOLLOWING));
    if (!link) return null;
    const r = link.getBoundingClientRect();
    return {text: link.textContent.trim(), top: r.top, bottom: r.bottom, width: r.width,
            inHeader: !!link.closest('header.site-header')};
}"""


@pytest.mark.parametrize("tag", ALL_TAGS)
def test_every_page_has_a_help_link_before_main(phone: Page, base_url: str, tag: str) -> None:
    specs = [spec for spec in pages_for(tag) if spec.name != "embed"]  # an embed lives in a partner's page
    for spec in specs:
        phone.goto(base_url + spec.path)
        found = phone.evaluate(HELP_BEFORE_MAIN)
        assert found and found["inHeader"], f"{spec.path}: no help link before main"
        assert found["text"] and found["width"] >= 24 and found["top"] >= 0 and found["bottom"] <= PHONE["height"], \
            f"{spec.path}: the help link is not in the first screen: {found}"


FIRST_SCREEN = """() => {
    const h = document.querySelector('h1').getBoundingClientRect();
    const visible = (el) => { const r = el.getBoundingClientRect();
        return el.checkVisibility() && r.width > 0 && r.bottom > 0 && r.top < innerHeight; };
    const languages = [...document.querySelectorAll('a[hreflang]')].filter(a => a.closest('header') && visible(a));
    const p = document.querySelector('.article-body p');
    return {titleBottom: h.bottom, languages: languages.length,
            bodyTop: p ? p.getBoundingClientRect().top : null};
}"""


@pytest.mark.parametrize("tag", ALL_TAGS)
def test_a_phone_shows_the_title_and_help_and_no_language_wall(phone: Page, base_url: str, tag: str) -> None:
    phone.goto(f"{base_url}/{tag}/articles/{SLUG}")
    first = phone.evaluate(FIRST_SCREEN)
    assert first["titleBottom"] <= PHONE["height"], first
    assert first["languages"] <= 2, first
    assert first["bodyTop"] is not None and first["bodyTop"] < PHONE["height"], \
        f"the article does not start in the first screen: {first}"


def test_the_language_menu_opens_and_switches_without_javascript(browser: Browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{base_url}/ar/articles/{SLUG}")
    menu = page.locator(".language-menu")
    summary = menu.locator("summary")
    assert summary.inner_text().strip() == "العربية"  # the current language, in the page's own language
    assert not page.locator(".language-menu a[lang='vi']").is_visible()  # closed: no wall
    summary.click()
    links = page.locator(".language-menu a[hreflang]")
    assert links.count() == len(ALL_TAGS) and links.first.is_visible()
    page.locator(".language-menu a[lang='vi']").click()
    assert page.url == f"{base_url}/vi/articles/{SLUG}"
    context.close()


def test_code_is_monospace_on_the_developers_page(phone: Page, base_url: str) -> None:
    for tag in ("en", "ar", "zh-Hans"):
        phone.goto(f"{base_url}/{tag}/developers")
        fonts = phone.evaluate(
            "() => [...document.querySelectorAll('pre code')].map(c => getComputedStyle(c).fontFamily)")
        assert fonts and all("monospace" in f for f in fonts), (tag, fonts)
        body = phone.evaluate("() => getComputedStyle(document.querySelector('main p')).fontFamily")
        assert "monospace" not in body


def test_arabic_headings_keep_their_line_height_and_body_text_is_larger(phone: Page, base_url: str) -> None:
    sizes = {}
    for tag in ("en", "ar"):
        phone.goto(f"{base_url}/{tag}/articles/{SLUG}")
        sizes[tag] = phone.evaluate("""() => {
            const h = getComputedStyle(document.querySelector('h1'));
            const p = getComputedStyle(document.querySelector('.article-body p'));
            return {h1: parseFloat(h.lineHeight) / parseFloat(h.fontSize), p: parseFloat(p.fontSize),
                    pLine: parseFloat(p.lineHeight) / parseFloat(p.fontSize)};
        }""")
    assert sizes["ar"]["h1"] < 1.4, sizes  # the Arabic h1 holds together
    assert sizes["ar"]["pLine"] >= 1.8 and sizes["ar"]["p"] > sizes["en"]["p"], sizes


def test_cjk_headings_are_balanced(phone: Page, base_url: str) -> None:
    phone.goto(f"{base_url}/zh-Hans/articles/{SLUG}")
    assert phone.evaluate("() => getComputedStyle(document.querySelector('h1')).textWrap").startswith("balance")


# Print ---------------------------------------------------------------------------------------------

PRINTED = """() => {
    const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
    const controls = [...document.querySelectorAll('input, select, button, textarea, summary')].filter(shown);
    const addresses = [...document.querySelectorAll('a[href]')].filter(shown).map(a => {
        const after = getComputedStyle(a, '::after');
        return {text: a.textContent.trim().slice(0, 40), after: after.content, direction: after.direction,
                bidi: after.unicodeBidi};
    }).filter(a => a.after && a.after !== 'none' && a.after !== 'normal');
    const nav = [...document.querySelectorAll('nav, .language-menu, .header-help')].filter(shown).length;
    return {controls: controls.map(c => c.outerHTML.slice(0, 60)), addresses, nav};
}"""


# At most this many A4 or US Letter pages (the English article ran to 6, its last holding one sentence).
PRINTED_PAGES = {f"articles/{SLUG}": 4, "help/US": 1}


def page_count(pdf: bytes) -> int:
    """The number of pages of a PDF Chromium printed: the /Count of its page tree."""
    tree = re.search(rb"<<[^<>]*/Type\s*/Pages\b[^<>]*>>", pdf)
    assert tree, "no page tree in the PDF"
    count = re.search(rb"/Count\s+(\d+)", tree.group(0))
    assert count
    return int(count.group(1))


@pytest.mark.parametrize("tag", ["en", "ar"])
@pytest.mark.parametrize("path", [f"articles/{SLUG}", "help/US"])
def test_printed_pages_have_no_controls_and_only_absolute_addresses(
    browser: Browser, base_url: str, tag: str, path: str,
) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base_url}/{tag}/{path}")
    page.emulate_media(media="print")
    printed = page.evaluate(PRINTED)
    assert printed["controls"] == [] and printed["nav"] == 0, printed
    assert printed["addresses"], "no link address is printed"
    for a in printed["addresses"]:
        address = re.search(r'\(([^)]*)\)', a["after"].replace('"', ""))
        assert address and re.match(r"(https?://|mailto:|tel:|sms:)", address.group(1)), a
        assert a["direction"] == "ltr" and a["bidi"] == "isolate", a
    if path.startswith("articles/") and tag != "en":  # the notice's link to the English original
        assert any(f"({base_url}/en/articles/" in a["after"].replace('"', "") for a in printed["addresses"]), printed
    pages, letter = page_count(page.pdf(format="A4")), page_count(page.pdf(format="Letter"))
    assert 1 <= pages <= PRINTED_PAGES[path] and 1 <= letter <= PRINTED_PAGES[path], (pages, letter)
    context.close()
