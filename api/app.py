"""The server's entry point: ``uvicorn api.app:app`` (what ``make serve`` runs).

The composition root, the one module that joins the build and the web phases: :func:`create_app`
makes the snapshot current (api.build.startup: built only when the sources changed) and hands it to
the web app (api.web.app). Importing this module does nothing else: ``app`` opens the snapshot when
the server starts it (the ASGI lifespan), so a test, a tool or a type checker can import it for free.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.types import Receive, Scope, Send

from api.build.startup import load_or_build
from api.core.settings import Settings
from api.web import app as web


def create_app(settings: Settings | None = None) -> Starlette:
    """The app for `settings` (default: the environment's), over a snapshot that is current."""
    settings = settings or Settings()
    return web.create_app(settings, load_or_build(settings))


class LazyApp:
    """An ASGI app that creates the real one (:func:`create_app`) on the server's first message:
    the lifespan start-up under uvicorn, or the first request under servers without lifespan."""

    def __init__(self) -> None:
        self.app: Starlette | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.app is None:
            self.app = create_app()
        await self.app(scope, receive, send)


app = LazyApp()
