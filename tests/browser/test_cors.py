"""A clinic portal on another origin calls the API with fetch(), adding its own headers."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser

from tests.browser.harness import SLUG, partner_portal


def test_a_portal_fetch_with_its_own_headers_passes_the_preflight(browser: Browser, base_url: str,
                                                                     tmp_path: Path) -> None:
    context = browser.new_context()
    with partner_portal(tmp_path) as portal:
        try:
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
