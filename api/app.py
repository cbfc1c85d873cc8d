"""The server's entry point: ``uvicorn api.app:app`` (what ``make serve`` runs).

The composition root, the one module that joins the build and the web phases: :func:`create_app`
makes the snapshot current (api.build.startup: built only when the sources changed) and hands it to
the web app (api.web.app). Importing this module does nothing else: ``app`` opens the snapshot when
the server starts it (the ASGI lifespan), so a test, a tool or a type checker can import it for free.
"""

from __future__ import annotations

import logging
import os
import threading

from starlette.applications import Starlette
from starlette.types import Receive, Scope, Send

from api.build import watch as watcher
from api.build.freshness import is_current
from api.build.startup import load_or_build
from api.core import snapshot
from api.core.settings import Settings
from api.web import app as web

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> Starlette:
    """The app for `settings` (default: the environment's), over a snapshot that is current."""
    settings = settings or Settings()
    return web.create_app(settings, load_or_build(settings))


class LazyApp:
    """An ASGI app that creates the real one (:func:`create_app`) on the server's first message:
    the lifespan start-up under uvicorn, or the first request under servers without lifespan.

    It starts from the previous snapshot when there is one, even if the sources changed since: the
    edits are built in the background and the new snapshot swapped in whole when ready (a request is
    answered from the old snapshot or the new one, never a mix; a failed build keeps the old one), so a
    restart after an edit never refuses connections while it builds. With no snapshot yet, it builds
    first. With `watch` (BOTHAND_WATCH=1, what `make serve` sets), later edits to the sources are
    rebuilt too while it serves (api/build/watch.py)."""

    def __init__(self, watch: bool | None = None, settings: Settings | None = None) -> None:
        self.app: Starlette | None = None
        self.settings = settings
        self.watch = os.environ.get("BOTHAND_WATCH", "") == "1" if watch is None else watch
        self.stop: threading.Event | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.app is None:
            _log_to_terminal()
            settings = self.settings or Settings()
            self.app, first = self._start_from_previous(settings)
            if self.watch:
                self.stop = watcher.start(settings, lambda index: self.swap(web.create_app(settings, index)), first)
            elif first is not None:
                threading.Thread(target=self._build_once, args=(settings, first), name="bothand-build",
                                 daemon=True).start()
        await self.app(scope, receive, send)

    def _build_once(self, settings: Settings, why: str) -> None:
        index = watcher.rebuild(settings, why)
        if index is not None:
            self.swap(web.create_app(settings, index))

    @staticmethod
    def _start_from_previous(settings: Settings) -> tuple[Starlette, str | None]:
        """The app to start with: a previous snapshot, even if the sources changed since (the watcher
        rebuilds what changed at once and swaps it in), so start-up never waits for a build; or, with
        no snapshot yet, the one built now."""
        folder = settings.build_dir
        index = snapshot.read_index(folder)
        if index is None:
            return create_app(settings), None
        if is_current(settings, index, folder):
            return web.create_app(settings, index), None
        log.warning("serving the previous snapshot while the edits since are built")
        return web.create_app(settings, index), "edits since the last build"

    def swap(self, new: Starlette) -> None:
        old, self.app = self.app, new  # one assignment: later requests see the new snapshot
        if old is not None:  # requests still reading the old packs get a minute to finish
            threading.Timer(RETIRE_AFTER, old.state.site.close).start()


def _log_to_terminal() -> None:
    """Show the build's lines (what it builds, what changed, how long) beside uvicorn's: under uvicorn
    nothing configures the root logger, so INFO lines from api.* would be dropped silently."""
    ours = logging.getLogger("api")
    if not ours.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s:     %(message)s"))
        ours.addHandler(handler)
        ours.setLevel(logging.INFO)


RETIRE_AFTER = 60.0  # seconds an old snapshot stays open after a swap


app = LazyApp()
