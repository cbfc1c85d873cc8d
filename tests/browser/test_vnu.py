"""The Nu HTML Checker: zero errors and no unreviewed warnings on every page in every locale."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from tests.browser.harness import pages_for, vnu_failures


def test_every_page_is_valid_html(base_url: str, suite_tags: list[str], tmp_path: Path,
                                  checked: Counter[str]) -> None:
    count, bad = vnu_failures(base_url, tmp_path, suite_tags)
    checked["vnu: page x locale combinations"] += count
    assert count == sum(len(pages_for(tag)) for tag in suite_tags)  # every kind of page, every locale
    assert not bad, "\n".join(map(str, bad[:40]))
