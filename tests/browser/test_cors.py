"""A clinic portal on another origin calls the API with fetch(), adding its own headers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from playwright.sync_api import Browser

from tests.browser.harness import SLUG, _free_port, wait_until_up


def test_a_portal_fetch_with_its_own_headers_passes_the_preflight(browser: Browser, base_url: str,
                                                                     tmp_path: Path) -> None:
    (tmp_path / "portal.html").write_text(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Clinic portal</title></head>"
        "<body><main><h1>Patient resources</h1></main></body></html>", encoding="utf-8")
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
        # Authorization and X-Request-Id are not CORS-safelisted: Chromium sends a preflight first, and
        # the fetch fails (TypeError) unless the preflight allows both.
        result = page.evaluate("""async (url) => {
            const r = await fetch(url, {headers: {
                "Authorization": "Bearer portal-token", "X-Request-Id": "42", "Accept-Language": "es-MX",
                "Cache-Control": "no-cache"}});
            return {status: r.status, lang: r.headers.get("Content-Language"), etag: r.headers.get("ETag"),
                    body: (await r.json()).lang};
        }""", f"{base_url}/api/v1/articles/{SLUG}")
        assert result["status"] == 200
        assert result["lang"] == result["body"] == "es"
        assert result["etag"]  # exposed to the portal's script, for If-None-Match
    finally:
        context.close()
        partner.terminate()
        partner.wait()
