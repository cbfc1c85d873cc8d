"""The snapshot a server starts from: the built one when it is current, else built first.

Called by the composition root (api/app.py) and the export; api.web never builds. The build is
incremental (api/build/store.py), so a start-up after a small edit renders only what the edit
touched. A build that fails (a Markdown mistake, a crisis.yaml the checks refuse) leaves the previous
snapshot serving: the error is logged with its file and line, and the site stays up.
"""

from __future__ import annotations

import logging

from api.build.builder import build
from api.build.freshness import is_current
from api.core import snapshot
from api.core.settings import Settings

log = logging.getLogger(__name__)


def load_or_build(settings: Settings, keep_previous: bool = True) -> snapshot.Index:
    """The snapshot for these settings; built first if missing or out of date. If that build fails,
    the previous snapshot when `keep_previous` (a server), else the error (an export)."""
    folder = settings.build_dir
    index = snapshot.read_index(folder)
    if index is not None and is_current(settings, index, folder):
        return index
    log.warning("building the site snapshot in %s (%s)", folder,
                "none yet" if index is None else "its sources or settings changed")
    try:
        build(settings)
    except ValueError as exc:  # a source the owner must fix: never take the site down for it
        if index is None or not keep_previous:
            raise
        log.error("the build failed, the previous snapshot keeps serving: %s", exc)
        return index
    built = snapshot.read_index(folder)
    if built is None:  # pragma: no cover - build() just wrote it
        raise RuntimeError(f"no snapshot in {folder}")
    return built
