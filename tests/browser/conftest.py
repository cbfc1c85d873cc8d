"""Browser fixtures: one live server and one Chromium for the whole session."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.browser.harness import CHROMIUM, LAUNCH_ARGS, live_server

CHECKED: Counter[str] = Counter()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def base_url() -> Iterator[str]:
    with live_server() as url:
        yield url


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
