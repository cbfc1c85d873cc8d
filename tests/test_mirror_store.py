"""Where the mirror keeps its files: one symlink switch per language, lock and staging outside the served
folder, a run killed mid-way, two runs at once, and a mirror made by an earlier version (the old layout)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import filelock
import pytest

from api.core.settings import ROOT
from api.mirror import Result, mirror
from tests.hostile import Answer, Stage, capture_corpus, forever

LANGS = ["es", "fa"]


@pytest.fixture(scope="module")
def captured(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return capture_corpus(tmp_path_factory.mktemp("store-corpus"))


@pytest.fixture
def stage(captured: dict[str, Any]) -> Iterator[Stage]:
    with Stage(captured) as s:
        yield s


def run(stage: Stage, out: Path, **options: Any) -> Result:
    return mirror(stage.server.url, out, LANGS, allow_http=True, retries=0, **options)


def served(out: Path) -> dict[str, bytes]:
    return {f"{lang.name}/{p.name}": p.read_bytes() for lang in sorted(out.iterdir()) if not lang.name.startswith(".")
            for p in sorted(lang.iterdir()) if p.name != "manifest.json"}


def retitle(stage: Stage, key: str, title: str) -> None:
    stage.site.edit(key, lambda d: d["title"].update(text=title))


def test_a_language_is_switched_over_in_one_step(stage: Stage, tmp_path: Path) -> None:
    out = tmp_path / "portal" / "bothand"
    first = run(stage, out)
    assert (first.exit_status, first.errors) == (0, [])
    state = tmp_path / "portal" / ".bothand.mirror-state"
    assert sorted(p.name for p in out.iterdir()) == [".versions", "es", "fa"]  # no lock, no staging in DIR
    assert (state / "lock").exists() and not (state / "staging" / "es").exists()
    es = out / "es"
    assert es.is_symlink() and not os.path.isabs(os.readlink(es))  # relative: DIR can be moved or copied whole
    old = es.resolve()
    assert sorted(p.name for p in old.iterdir()) == sorted(
        ["manifest.json", *(f"{slug}{ext}" for slug in ("first-steps", "sleep-and-mood")
                            for ext in (".html", ".json", ".pdf", ".large-print.pdf"))])

    unchanged = (old / "sleep-and-mood.json").stat().st_ino
    unchanged_pdf = (old / "sleep-and-mood.pdf").stat().st_ino
    retitle(stage, "es/first-steps", "[es] A new title")
    second = run(stage, out)
    assert (second.exit_status, second.fetched) == (0, ["es/first-steps"])
    new = es.resolve()
    assert new != old and not old.exists()  # the previous copy goes once the new one is current
    assert [p.name for p in (out / ".versions").iterdir() if p.name.startswith("es.")] == [new.name]
    assert json.loads((es / "first-steps.json").read_bytes())["title"]["text"] == "[es] A new title"
    assert (new / "sleep-and-mood.json").stat().st_ino == unchanged  # the unchanged article: a hard link, not a copy
    assert (new / "sleep-and-mood.pdf").stat().st_ino == unchanged_pdf  # its handouts too
    manifest = json.loads((es / "manifest.json").read_bytes())
    assert manifest["format"] == 1 and sorted(manifest["articles"]) == ["first-steps", "sleep-and-mood"]
    assert manifest["articles"]["first-steps"]["title"] == "[es] A new title"


def test_a_run_killed_mid_way_leaves_the_served_copy(stage: Stage, tmp_path: Path) -> None:
    out = tmp_path / "mirror"
    assert run(stage, out).exit_status == 0
    before = served(out)
    retitle(stage, "es/sleep-and-mood", "[es] Changed")  # fetched and staged by the run we kill
    stage.hostile = lambda r: Answer(body=forever(), pause=0.2) if r.route == "/api/v1/articles/first-steps" else None
    child = subprocess.Popen([sys.executable, "-m", "api.tools.cli", "mirror", "--allow-http", stage.server.url,
                              str(out), "--lang", "es", "--timeout", "600"], cwd=ROOT, stderr=subprocess.DEVNULL)
    staged = tmp_path / ".mirror.mirror-state" / "staging" / "es" / "sleep-and-mood.meta.json"
    deadline = time.monotonic() + 60
    while not staged.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert staged.exists()
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    assert served(out) == before  # the portal still serves the whole previous copy

    stage.hostile = None
    resumed = run(stage, out)  # the lock died with the process
    assert (resumed.exit_status, resumed.fetched) == (0, [])
    assert "es/sleep-and-mood" in resumed.not_modified  # the staged copy was revalidated, not downloaded again
    assert json.loads((out / "es" / "sleep-and-mood.json").read_bytes())["title"]["text"] == "[es] Changed"


def test_one_run_at_a_time(stage: Stage, tmp_path: Path) -> None:
    out = tmp_path / "mirror"
    with filelock.FileLock(tmp_path / ".mirror.mirror-state" / "lock", timeout=0):
        busy = run(stage, out)
    assert (busy.exit_status, busy.requests) == (2, [])
    assert busy.errors == [f"another mirror run is using {out}"]
    assert run(stage, out).exit_status == 0


def test_the_state_folder_stays_outside_the_served_folder(stage: Stage, tmp_path: Path) -> None:
    out = tmp_path / "mirror"
    inside = run(stage, out, state_dir=out / "state")
    assert inside.exit_status == 2 and "must be outside the mirror folder" in inside.errors[0]
    elsewhere = run(stage, out, state_dir=tmp_path / "var" / "bothand")
    assert elsewhere.exit_status == 0 and (tmp_path / "var" / "bothand" / "lock").exists()


def test_a_mirror_in_the_old_layout_is_migrated(stage: Stage, tmp_path: Path) -> None:
    """Before: DIR/<lang>/ real folders, DIR/.staging/, DIR/.lock. The first run keeps every ETag (all 304)."""
    out = tmp_path / "mirror"
    assert run(stage, out).exit_status == 0
    for lang in LANGS:
        version = (out / lang).resolve()
        (out / lang).unlink()
        shutil.copytree(version, out / lang)
    shutil.rmtree(out / ".versions")
    shutil.rmtree(tmp_path / ".mirror.mirror-state")
    (out / ".staging" / "es").mkdir(parents=True)
    (out / ".staging" / "es" / "first-steps.json").write_text("{}")
    (out / ".lock").touch()
    before = served(out)

    migrated = run(stage, out)
    assert (migrated.exit_status, migrated.fetched, len(migrated.not_modified)) == (0, [], 4)
    assert served(out) == before
    assert sorted(p.name for p in out.iterdir()) == [".versions", "es", "fa"]
    assert all((out / lang).is_symlink() for lang in LANGS)
