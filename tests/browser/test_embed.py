"""A partner's page on another origin embeds an Arabic article with the oEmbed code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import httpx
from playwright.sync_api import Browser

from tests.browser.harness import SLUG, _free_port, wait_until_up


def test_rtl_embed_in_an_iframe_on_another_origin(browser: Browser, base_url: str, tmp_path: Path) -> None:
    oembed = httpx.get(f"{base_url}/api/oembed?url={quote(f'{base_url}/ar/articles/{SLUG}')}&maxheight=300").json()
    (tmp_path / "portal.html").write_text(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Clinic portal</title></head>"
        f"<body><main><h1>Patient resources</h1>{oembed['html']}</main></body></html>",
        encoding="utf-8",
    )
    port = _free_port()
    partner = subprocess.Popen(  # noqa: S603  # a static file server standing in for a clinic's site
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    context = browser.new_context()
    try:
        portal = f"http://localhost:{port}/portal.html"  # localhost vs 127.0.0.1: a different origin
        wait_until_up(portal)
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
        partner.terminate()
        partner.wait(timeout=10)
