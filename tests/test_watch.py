"""`make serve` shows an edit without a restart, and a broken edit keeps the old page (issue 23, part 5)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from api.app import LazyApp
from tests.corpus import make_corpus

PAGE = "/en/articles/sleep-and-mood"
WAIT = 30.0  # seconds: generous for a shared CI machine; a rebuild of this corpus takes well under one


def _until(check: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def test_an_edit_shows_without_a_restart_and_a_broken_one_keeps_the_old_page(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    corpus = make_corpus(tmp_path / "corpus")
    source = corpus.root / "content" / "sleep-and-mood.md"
    text = source.read_text("utf-8")
    app = LazyApp(watch=True, settings=corpus.settings())
    caplog.set_level(logging.INFO)
    with TestClient(app) as client:
        assert "closely linked." in client.get(PAGE).text
        source.write_text(text.replace("closely linked.", "closely linked, both ways."), "utf-8")
        assert _until(lambda: "closely linked, both ways." in client.get(PAGE).text)
        assert any("(content/sleep-and-mood.md)" in r.getMessage()
                   for r in caplog.records if r.getMessage().startswith("built"))

        source.write_text(text.replace("slug: sleep-and-mood", "slug: Not A Slug!"), "utf-8")
        assert _until(lambda: any("rebuild failed" in r.getMessage() for r in caplog.records))
        failed = next(r.getMessage() for r in caplog.records if "rebuild failed" in r.getMessage())
        assert "sleep-and-mood.md" in failed
        page = client.get(PAGE)
        assert page.status_code == 200 and "closely linked, both ways." in page.text

        source.write_text(text, "utf-8")
        assert _until(lambda: "closely linked, both ways." not in client.get(PAGE).text)
    assert app.stop is not None
    app.stop.set()


@pytest.mark.parametrize("watch", [True, False], ids=["make serve", "production"])
def test_start_up_after_an_edit_serves_at_once_then_shows_the_edit(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                                                   watch: bool) -> None:
    """Start-up never waits for a build when there is a snapshot: the previous one answers at once,
    and the edit made while the server was down appears when the rebuild is done (with or without
    watching for later edits)."""
    from api.build.builder import build

    corpus = make_corpus(tmp_path / "corpus")
    build(corpus.settings())
    source = corpus.root / "content" / "sleep-and-mood.md"
    source.write_text(source.read_text("utf-8").replace("closely linked.", "closely linked, both ways."), "utf-8")
    caplog.set_level(logging.INFO)
    app = LazyApp(watch=watch, settings=corpus.settings())
    with TestClient(app) as client:
        first = client.get(PAGE)
        assert first.status_code == 200
        assert any("serving the previous snapshot" in r.getMessage() for r in caplog.records)
        assert _until(lambda: "closely linked, both ways." in client.get(PAGE).text)
    assert (app.stop is not None) == watch
    if app.stop is not None:
        app.stop.set()
