"""The Nu HTML Checker: zero errors on every page in every locale (one Java start for all)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import httpx

from tests.browser.harness import ALL_TAGS, pages_for, run_vnu

# Warnings we have read and accept, each with the reason.
ACCEPTED_WARNINGS = {
    # We do declare the language; vnu's guesser misreads short or mixed-script pages.
    "This document appears to be written in",
}


def test_every_page_is_valid_html(base_url: str, tmp_path: Path, checked: Counter[str]) -> None:
    files: list[Path] = []
    for tag in ALL_TAGS:
        for spec in pages_for(tag):
            r = httpx.get(base_url + spec.path)
            assert r.status_code == spec.status, spec
            path = tmp_path / f"{tag}--{spec.name}.html"
            path.write_bytes(r.content)
            files.append(path)
    messages = run_vnu(files)
    checked["vnu: page x locale"] += len(files)
    errors = [m for m in messages if m.kind == "error" or m.sub_type == "fatal"]
    warnings = [m for m in messages if m.kind == "info" and m.sub_type == "warning"
                and not any(w in m.message for w in ACCEPTED_WARNINGS)]
    assert not errors, "\n".join(map(str, errors[:40]))
    assert not warnings, "\n".join(map(str, warnings[:40]))
