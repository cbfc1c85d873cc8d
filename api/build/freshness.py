"""Whether a built snapshot still matches its inputs (api/build/startup.py builds when it does not).

Start-up compares a stamp of every input's name, size and modification time (no file is read) with
the one the build left beside the snapshot; only when it differs (a checkout, a copy) are the
inputs' contents hashed and compared with the snapshot's fingerprint.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from pathlib import Path

from api.core import snapshot
from api.core.settings import ROOT, Settings

STAMP = "stamp"  # in the snapshot folder: stat_stamp and fingerprint of what it was built from


def _inputs(settings: Settings) -> Iterator[tuple[str, Path]]:
    """Every file the build reads, with the name it is fingerprinted under."""
    roots = [settings.content_dir, settings.locales_dir, settings.templates_dir, settings.static_dir,
             settings.crisis_file, settings.conditions_file, ROOT / "api"]
    for n, root in enumerate(roots):
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in files:
            if "__pycache__" not in path.parts:
                yield f"{n}/{path.relative_to(root) if root.is_dir() else path.name}", path


def _settings_key(settings: Settings) -> bytes:
    return repr((snapshot.FORMAT, settings.base_url, settings.contact_email, settings.max_age,
                 settings.stale_while_revalidate, settings.brotli_quality)).encode()


def fingerprint(settings: Settings) -> str:
    """Changes whenever anything the build reads changes: sources, catalogs, templates, code, settings."""
    digest = hashlib.sha256(_settings_key(settings))
    for name, path in _inputs(settings):
        digest.update(name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def stat_stamp(settings: Settings) -> str:
    """Like `fingerprint`, from each input's name, size and modification time only: no file is read.
    Start-up compares this first and hashes contents only when it differs (e.g. after a checkout)."""
    digest = hashlib.sha256(_settings_key(settings))
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
