"""axe-core: zero violations on every page x locale x width x colour scheme."""

from __future__ import annotations

from collections import Counter

import pytest
from playwright.sync_api import Browser

from tests.browser.harness import ALL_TAGS, SCHEMES, WIDTHS, describe, pages_for, run_axe


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("tag", ALL_TAGS)
def test_no_axe_violations(browser: Browser, base_url: str, checked: Counter[str], tag: str, width: int,
                           scheme: str) -> None:
    context = browser.new_context(
        viewport={"width": width, "height": 900}, color_scheme=scheme,  # type: ignore[arg-type]
        bypass_csp=True,  # only so axe can be injected; the served CSP is tested elsewhere
    )
    page = context.new_page()
    failures = []
    try:
        for spec in pages_for(tag):
            response = page.goto(base_url + spec.path)
            assert response is not None and response.status == spec.status, spec
            violations = run_axe(page)
            checked["axe: page x locale x width x scheme"] += 1
            if violations:
                failures.append(f"{spec.path} @{width}px {scheme}:\n{describe(violations)}")
    finally:
        context.close()
    assert not failures, "\n\n".join(failures)
