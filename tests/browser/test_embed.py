"""A partner's page on another origin embeds an Arabic article with the oEmbed code."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import httpx
from playwright.sync_api import Browser

from tests.browser.harness import SLUG, partner_portal


def test_rtl_embed_in_an_iframe_on_another_origin(browser: Browser, base_url: str, tmp_path: Path) -> None:
    oembed = httpx.get(f"{base_url}/api/oembed?url={quote(f'{base_url}/ar/articles/{SLUG}')}&maxheight=300").json()
    context = browser.new_context()
    with partner_portal(tmp_path, oembed["html"]) as portal:
        try:
            page = context.new_page()
            page.goto(portal)
            frame = page.frame_locator("iframe")
            frame.locator("h1").wait_for()
            assert frame.locator("html").get_attribute("dir") == "rtl"
            assert frame.locator("html").get_attribute("lang") == "ar"
            assert frame.locator("aside#help-now").is_visible()
            # The optional script reports the height; the partner's script sizes the iframe to fit.
            page.wait_for_function("() => parseInt(document.querySelector('iframe').style.height) > 1000")
            assert context.cookies() == []
        finally:
            context.close()
