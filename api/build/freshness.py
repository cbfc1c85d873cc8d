"""Whether a built snapshot still matches its inputs (api/build/startup.py builds when it does not),
and what changed since it was built (the build's log line).

Start-up compares a stamp of every input's name, size and modification time (no file is read) with
the one the build left beside the snapshot; only when it differs (a checkout, a copy, an edit) are
the inputs' contents hashed and compared with the snapshot's fingerprint.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

from api.core import snapshot
from api.core.settings import ROOT, Settings

STAMP = "stamp"  # in the snapshot folder: stat_stamp and fingerprint of what it was built from
SOURCES = "sources.json"  # in the snapshot folder: each input's hash and the settings (what_changed)
SETTING_NAMES = {"base_url": "base URL", "contact_email": "contact email", "max_age": "max-age",
                 "stale_while_revalidate": "stale-while-revalidate", "brotli_quality": "brotli level",
                 "format": "snapshot format", "handouts": "handouts on/off"}


def _inputs(settings: Settings) -> Iterator[tuple[str, Path]]:
    """Every file the build reads, with the name it is fingerprinted (and logged) under."""
    roots = {"content": settings.content_dir, "locales": settings.locales_dir, "templates": settings.templates_dir,
             "static": settings.static_dir, "crisis.yaml": settings.crisis_file,
             "conditions.yaml": settings.conditions_file, "api": ROOT / "api"}
    for label, root in roots.items():
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in files:
            if "__pycache__" not in path.parts:
                yield (f"{label}/{path.relative_to(root).as_posix()}" if root.is_dir() else label), path


def _settings(settings: Settings) -> dict[str, object]:
    return {"format": snapshot.FORMAT, "base_url": settings.base_url, "contact_email": settings.contact_email,
            "max_age": settings.max_age, "stale_while_revalidate": settings.stale_while_revalidate,
            "brotli_quality": settings.brotli_quality, "handouts": settings.handouts}


def digests(settings: Settings) -> dict[str, str]:
    """Each input's name and the hash of its bytes."""
    return {name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in _inputs(settings)}


def fingerprint(settings: Settings, files: dict[str, str] | None = None) -> str:
    """Changes whenever anything the build reads changes: sources, catalogs, templates, code, settings."""
    digest = hashlib.sha256(repr(sorted(_settings(settings).items())).encode())
    for name, file_digest in sorted((files if files is not None else digests(settings)).items()):
        digest.update(f"{name}\0{file_digest}\0".encode())
    return digest.hexdigest()


def sources(settings: Settings, files: dict[str, str]) -> bytes:
    """What the snapshot was built from, for the next build's log (SOURCES)."""
    return json.dumps({"settings": _settings(settings), "files": files}, sort_keys=True).encode()


def what_changed(folder: Path, settings: Settings, files: dict[str, str]) -> list[str]:
    """Since the snapshot in `folder` was built, in words: "es content.po", "content/new.md (new)",
    "base URL"... (empty: nothing)."""
    try:
        old = json.loads((folder / SOURCES).read_text())
    except (OSError, ValueError):
        return ["no record of the previous build's sources"]
    out = [SETTING_NAMES.get(name, name) for name, value in _settings(settings).items()
           if old["settings"].get(name) != value]
    before: dict[str, str] = old["files"]
    for name in sorted(set(before) | set(files)):
        if before.get(name) != files.get(name):
            out.append(_file_label(name) + (" (new)" if name not in before else " (removed)" if name not in files
                                             else ""))
    return out if len(out) <= 6 else [*out[:5], f"{len(out) - 5} more files"]


def _file_label(name: str) -> str:
    parts = name.split("/")
    if parts[0] == "locales" and len(parts) == 4 and parts[2] == "LC_MESSAGES":
        return f"{parts[1]} {parts[3]}"  # "es content.po"
    return name


def stat_stamp(settings: Settings) -> str:
    """Like `fingerprint`, from each input's name, size and modification time only: no file is read.
    Start-up compares this first and hashes contents only when it differs (e.g. after a checkout)."""
    digest = hashlib.sha256(repr(sorted(_settings(settings).items())).encode())
    for name, path in _inputs(settings):
        stat = path.stat()
        digest.update(f"{name}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def is_current(settings: Settings, index: snapshot.Index, folder: Path) -> bool:
    """Whether the snapshot in `folder` (whose index is `index`) was built from the inputs as they are now."""
    stamp = stat_stamp(settings)
    stamp_file = folder / STAMP
    with contextlib.suppress(OSError):
        if stamp_file.read_text() == _stamp_line(stamp, index.fingerprint):
            return True
    if index.fingerprint != fingerprint(settings):
        return False
    with contextlib.suppress(OSError):  # same contents, new times: remember them, so the next start skips hashing
        remember(folder, stamp, index.fingerprint)
    return True


def _stamp_line(stamp: str, fingerprinted: str) -> str:
    return f"{stamp} {fingerprinted}"


def remember(folder: Path, stamp: str, fingerprinted: str) -> None:
    """Leave beside the snapshot in `folder` the stamp of the inputs whose contents gave `fingerprinted`."""
    (folder / STAMP).write_text(_stamp_line(stamp, fingerprinted))
