"""Start-up from a built snapshot: reused while its inputs are the same, rebuilt as soon as one changes.

The owner edits an article and restarts `make serve`: the reader must see the edit. An operator
copies or checks out the same sources (new modification times, same bytes): start-up must not pay
for a build, and after one content check it must not hash the inputs again either.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from api.app import create_app
from api.build import builder, freshness, startup
from api.build.freshness import STAMP, is_current
from api.build.startup import load_or_build
from api.core.snapshot import read_index
from tests.corpus import SLUG, make_corpus


@pytest.fixture()
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Calls of the build, recorded (the real build still runs)."""
    calls: list[str] = []
    real = builder.build

    def build(settings: object, folder: Path | None = None) -> Path:
        calls.append("build")
        return real(settings, folder)  # type: ignore[arg-type]

    monkeypatch.setattr(startup, "build", build)  # what start-up calls
    return calls


def test_an_edited_article_is_served_after_a_restart(tmp_path: Path, counted: list[str]) -> None:
    corpus = make_corpus(tmp_path)
    settings = corpus.settings()
    with TestClient(create_app(settings)) as client:
        before = client.get(f"/en/articles/{SLUG}").text
    assert counted == ["build"]
    source = corpus.root / "content" / f"{SLUG}.md"
    text = source.read_text("utf-8")
    paragraph = "Reaching out is a **first step**"
    assert paragraph in text
    source.write_text(text.replace(paragraph, "A sentence the owner just added. " + paragraph), "utf-8")
    with TestClient(create_app(settings)) as client:
        after = client.get(f"/en/articles/{SLUG}").text
    assert counted == ["build", "build"]
    assert "A sentence the owner just added." in after and "A sentence the owner just added." not in before


def test_same_bytes_with_new_times_are_not_rebuilt_and_hashed_once(
    tmp_path: Path, counted: list[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    corpus = make_corpus(tmp_path)
    settings = corpus.settings()
    load_or_build(settings)
    assert counted == ["build"] and (settings.build_dir / STAMP).is_file()
    for path in (corpus.root / "locales").rglob("*.po"):  # as a checkout or a copy would leave them
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 5_000_000_000))
    hashed: list[str] = []
    real_fingerprint = freshness.fingerprint

    def fingerprint(s: object) -> str:
        hashed.append("hash")
        return real_fingerprint(s)  # type: ignore[arg-type]

    monkeypatch.setattr("api.build.freshness.fingerprint", fingerprint)
    index = read_index(settings.build_dir)
    assert index is not None
    assert is_current(settings, index, settings.build_dir)  # the contents are the same: no build
    assert hashed == ["hash"]
    assert is_current(settings, index, settings.build_dir)  # the new times are remembered: no hashing
    assert hashed == ["hash"]
    load_or_build(settings)
    assert counted == ["build"]


def test_a_changed_setting_or_translation_is_not_current(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path)
    settings = corpus.settings()
    index = load_or_build(settings)
    assert is_current(settings, index, settings.build_dir)
    assert not is_current(corpus.settings(base_url="https://elsewhere.example"), index, settings.build_dir)
    po = corpus.root / "locales" / "es" / "LC_MESSAGES" / "content.po"
    stat = po.stat()
    po.write_text(po.read_text("utf-8").replace("[es] ", "[es]  ", 1), "utf-8")
    os.utime(po, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # even with its old modification time
    assert not is_current(settings, index, settings.build_dir)
