"""The static files (site/static): served as they are, each at /static/<name>; the favicon also at /favicon.ico."""

from __future__ import annotations

import mimetypes
from collections.abc import Iterator
from pathlib import Path

from api.core.routes import at
from api.core.snapshot import Draft


def static_drafts(static: Path) -> Iterator[Draft]:
    for path in sorted(p for p in static.rglob("*") if p.is_file()):
        media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if media.startswith("text/") or media in ("application/javascript", "image/svg+xml"):
            media += "; charset=utf-8" if media.startswith("text/") else ""
        yield Draft(at("static", name=path.relative_to(static).as_posix()), path.read_bytes(), media)
        if path.name == "favicon.ico":
            yield Draft(at("site_file", name="favicon", ext="ico"), path.read_bytes(), "image/x-icon")
