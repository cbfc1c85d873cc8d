"""The snapshot a server starts from: the built one when it is current, else built first.

Called by the composition root (api/app.py) and the export; api.web never builds.
"""

from __future__ import annotations

import logging

from api.build.builder import build
from api.build.freshness import is_current
from api.core import snapshot
from api.core.settings import Settings

log = logging.getLogger(__name__)


def load_or_build(settings: Settings) -> snapshot.Index:
    """The snapshot for these settings; built first if missing or out of date (sources changed)."""
    folder = settings.build_dir
    index = snapshot.read_index(folder)
    if index is None or not is_current(settings, index, folder):
        log.warning("building the site snapshot in %s (sources changed)", folder)
        build(settings)
        index = snapshot.read_index(folder)
        if index is None:  # pragma: no cover - build() just wrote it
            raise RuntimeError(f"no snapshot in {folder}")
    return index
