"""The harness itself: a deliberately broken template must make the checks fail."""

from __future__ import annotations

import shutil
from pathlib import Path

from playwright.sync_api import Browser

from api.core.settings import ROOT
from tests.browser.harness import axe_failures, live_server, vnu_failures

BREAKAGE = """
<img src="/static/site.css">
<h4>A heading that skips two levels</h4>
<p id="article-title">A second element with the title's id</p>
"""


def test_broken_template_fails_axe_and_vnu(browser: Browser, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "site" / "templates", templates)
    article = templates / "article.html"
    text = article.read_text("utf-8")
    marker = '<div class="article-body" id="article-body">'
    assert marker in text
    article.write_text(text.replace(marker, marker + BREAKAGE), "utf-8")

    with live_server({"BOTHAND_TEMPLATES_DIR": str(templates)}) as base_url:
        _, axe = axe_failures(browser, base_url, "es", 1280, "light")
        _, vnu = vnu_failures(base_url, tmp_path, ["es"])

    report = "\n".join(axe)
    assert "image-alt" in report  # image without alt
    assert "heading-order" in report  # h4 straight after h1
    messages = " ".join(m.message for m in vnu)
    assert "Duplicate ID" in messages  # the id used twice
    assert "alt" in messages  # vnu also insists on alt
    # And nothing else was broken: only the article page fails.
    assert all("/articles/medication-and-therapy" in failure for failure in axe)
