"""`make serve` picks up edits without a restart, as `hugo server` does: watch the sources, rebuild
what changed (the build is incremental), hand the new snapshot over (api/app.py swaps it in).

A rebuild that fails (a Markdown mistake, a crisis.yaml the checks refuse) hands nothing over: the
previous snapshot keeps serving, and the log says why, naming the file and line.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

import watchfiles

from api.build.builder import build
from api.core import snapshot
from api.core.settings import Settings

log = logging.getLogger(__name__)


def watched(settings: Settings) -> list[Path]:
    """What the owner, translators and designers edit: content, catalogs, templates, static files, data."""
    return [p for p in (settings.content_dir, settings.locales_dir, settings.templates_dir, settings.static_dir,
                        settings.crisis_file, settings.conditions_file) if p.exists()]


def rebuild(settings: Settings, why: str) -> snapshot.Index | None:
    """Build what changed; the new snapshot, or None (logged) when the build failed."""
    log.info("%s: rebuilding", why)
    try:
        build(settings)
    except Exception as exc:  # noqa: BLE001  # any failure: the previous snapshot keeps serving
        log.error("rebuild failed, the previous snapshot keeps serving: %s", exc)
        return None
    return snapshot.read_index(settings.build_dir)


def _changed(changes: set[tuple[watchfiles.Change, str]]) -> str:
    names = sorted({Path(path).name for _, path in changes})
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "") + " changed"


def watch(settings: Settings, built: Callable[[snapshot.Index], None], stop: threading.Event,
          ready: threading.Event | None = None, first: str | None = None) -> None:
    """Until `stop` is set: after each batch of edits, rebuild and pass the new snapshot to `built`
    (and once before any edit, when `first` says why)."""
    paths = watched(settings)
    if ready is not None:
        ready.set()
    if first is not None and (index := rebuild(settings, first)) is not None:
        built(index)
    for changes in watchfiles.watch(*paths, stop_event=stop, debounce=200, step=50, raise_interrupt=False):
        index = rebuild(settings, _changed(changes))
        if index is not None:
            built(index)


def start(settings: Settings, built: Callable[[snapshot.Index], None], first: str | None = None) -> threading.Event:
    """Watch in a daemon thread; returns the event that stops it (once it is watching)."""
    stop, ready = threading.Event(), threading.Event()
    threading.Thread(target=watch, args=(settings, built, stop, ready, first), name="bothand-watch",
                     daemon=True).start()
    ready.wait(10)
    return stop
