"""Privacy, as the browser sees it: every request same-origin, no cookie until a language is chosen."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Request

from tests.browser.harness import ALL_TAGS, SLUG, pages_for


@pytest.mark.parametrize("tag", ALL_TAGS)
def test_every_request_is_same_origin_and_no_cookie_is_set(browser: Browser, base_url: str, tag: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []

    def record(request: Request) -> None:
        requests.append(request.url)

    page.on("request", record)
    for spec in pages_for(tag):
        page.goto(base_url + spec.path)
        page.wait_for_load_state("networkidle")
    origin = urlsplit(base_url).netloc
    foreign = [u for u in requests if urlsplit(u).netloc != origin]
    assert foreign == []
    assert any(u.endswith("/static/site.css") for u in requests)
    assert context.cookies() == []
    page.goto(f"{base_url}/{tag}/articles/{SLUG}")
    page.locator(".language-menu summary").click()
    page.locator(".language-switcher a[lang='en']").click()
    assert [c["name"] for c in context.cookies()] == ["lang"]
    context.close()


def test_csp_forbids_third_parties_and_framing_except_embeds(base_url: str) -> None:
    page = httpx.get(f"{base_url}/en/articles/{SLUG}").headers["content-security-policy"]
    assert "default-src 'none'" in page and "frame-ancestors 'none'" in page
    assert "http" not in page  # no third-party origin is allowed anywhere
    embed = httpx.get(f"{base_url}/embed/en/{SLUG}").headers["content-security-policy"]
    assert "frame-ancestors *" in embed
