"""axe-core: zero violations on every page x locale x width x colour scheme."""

from __future__ import annotations

from collections import Counter

import pytest
from playwright.sync_api import Browser

from tests.browser.harness import ALL_TAGS, SCHEMES, WIDTHS, axe_failures


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("tag", ALL_TAGS)
def test_no_axe_violations(browser: Browser, base_url: str, checked: Counter[str], tag: str, width: int,
                           scheme: str) -> None:
    count, failures = axe_failures(browser, base_url, tag, width, scheme)
    checked["axe: page x locale x width x scheme combinations"] += count
    assert not failures, "\n\n".join(failures)
