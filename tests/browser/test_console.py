"""Lighthouse best practices: no page logs a console error, and no request a page makes fails.

Before the favicon existed, every page logged a 404 for /favicon.ico.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Response

from tests.browser.harness import ALL_TAGS, pages_for


@pytest.mark.parametrize("tag", ALL_TAGS)
def test_no_console_errors_and_no_failed_requests(browser: Browser, base_url: str, tag: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    failed: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            errors.append(f"{page.url}: {message.type}: {message.text}")

    def on_response(response: Response) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            failed.append(f"{page.url}: {response.status} {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: uncaught {exc}"))
    try:
        for spec in pages_for(tag):
            if spec.status != 200:
                continue  # the browser itself logs a document's 404 status
            page.goto(base_url + spec.path)
            page.wait_for_load_state("networkidle")
    finally:
        context.close()
    assert errors == [] and failed == []
