"""The article's accessibility tree, as an outline kept per locale (tests/browser/outlines/).

The outline is what a screen reader user navigates by: landmarks, headings, the table's caption
and column headers, link names, and the language of each language name. A change to any of them
must be deliberate: regenerate with `UPDATE_OUTLINES=1 make test` and review the diff.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.harness import ALL_TAGS, SLUG

OUTLINES = Path(__file__).parent / "outlines"
KEEP = re.compile(r"^\s*- (banner|navigation|main|contentinfo|complementary|region|heading|table|caption|"
                  r"columnheader|link|note|article)\b")


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def outline(page: Page) -> str:
    tree = page.locator("body").aria_snapshot()
    lines = [line.rstrip(":") for line in tree.splitlines() if KEEP.match(line)]
    # A handout link names its pages and size, which follow the PDF's bytes (the installed fonts' version
    # among them): kept as digits masked, so the outline holds the link's wording, not its figures.
    lines = [re.sub(r"\d", "#", line) if "PDF" in line else line for line in lines]
    langs = page.evaluate("""() => [...document.querySelectorAll('.language-switcher a')]
        .map(a => `${a.lang} ${a.dir} ${a.textContent.trim()}`)""")
    return "\n".join([*lines, "", "# language names: lang dir name", *langs]) + "\n"


@pytest.mark.parametrize("tag", ALL_TAGS)
def test_article_outline_matches_the_kept_one(page: Page, base_url: str, tag: str) -> None:
    page.goto(f"{base_url}/{tag}/articles/{SLUG}")
    actual = outline(page)
    path = OUTLINES / f"{tag}.txt"
    if os.environ.get("UPDATE_OUTLINES"):
        OUTLINES.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"no kept outline for {tag}: run UPDATE_OUTLINES=1 make test"
    assert actual == path.read_text(encoding="utf-8")
