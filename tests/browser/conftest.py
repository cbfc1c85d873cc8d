"""Browser fixtures: the site served two ways (the app, and its static export behind nginx), one Chromium."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.browser.harness import ALL_TAGS, CHROMIUM, LAUNCH_ARGS, live_server
from tests.static_server import static_site

CHECKED: Counter[str] = Counter()
# Every browser test runs against the app and against the static export served by nginx with
# deploy/nginx-static.conf. Against the export, tests that run per locale run for these locales only
# (left-to-right, Spanish, right-to-left): the export's pages are the app's bytes (tests/test_export.py
# checks every file), so the static run checks what nginx adds, and all 14 locales twice would double
# a long suite. The other (static, locale) combinations are deselected, not skipped.
STATIC_TAGS = ("en", "es", "ar")


def _deselected(item: pytest.Item) -> bool:
    params = getattr(getattr(item, "callspec", None), "params", {})
    return params.get("base_url") == "static" and params.get("tag", "en") not in STATIC_TAGS


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
    dropped = [item for item in items if _deselected(item)]
    if dropped:
        items[:] = [item for item in items if not _deselected(item)]
        config.hook.pytest_deselected(items=dropped)


@pytest.fixture(scope="session", params=["app", "static"])
def base_url(request: pytest.FixtureRequest) -> Iterator[str]:
    with live_server() if request.param == "app" else static_site() as url:
        yield url


@pytest.fixture
def suite_tags(request: pytest.FixtureRequest) -> list[str]:
    """The locales a test that checks every locale itself covers against this base URL."""
    static = request.node.callspec.params.get("base_url") == "static"
    return [tag for tag in ALL_TAGS if tag in STATIC_TAGS] if static else list(ALL_TAGS)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def checked() -> Counter[str]:
    return CHECKED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if CHECKED:
        terminalreporter.write_sep("=", "accessibility coverage")
        for key, count in sorted(CHECKED.items()):
            terminalreporter.write_line(f"{key}: {count}")
