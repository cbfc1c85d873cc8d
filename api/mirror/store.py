"""Where a mirror keeps its files, and how a language is switched over in one step.

Layout, for ``bothand mirror URL DIR`` (DIR is what a portal serves)::

    DIR/<lang>                  a symlink to .versions/<lang>.<stamp>: the copy being served
    DIR/.versions/<lang>.<stamp>/  <slug>.json, <slug>.html, manifest.json: one complete copy
    STATE/lock                  one run at a time (filelock: fcntl on POSIX, msvcrt on Windows)
    STATE/staging/<lang>/       new copies fetched and verified, not yet switched over
    STATE/next/<lang>/          the next copy of a language, being put together

STATE is a folder beside DIR (``.<name>.mirror-state`` next to it, or ``--state-dir``), never
inside it: nothing half-done is ever under the folder a portal serves. A language is switched
over only when its run finished: its next copy is put together in STATE (this run's new files,
the unchanged ones hard-linked from the current copy, the manifest), moved under
``DIR/.versions/`` and made current by replacing the ``DIR/<lang>`` symlink with
:func:`os.replace`, one atomic step: a reader sees the whole previous copy or the whole new
one. A run killed at any point leaves the previous copy served; what it staged is revalidated
(304) by the next run instead of downloaded again.

The old layout (``DIR/<lang>/`` a real folder, ``DIR/.staging/``, ``DIR/.lock``) is migrated
on the first run: the folder becomes the first version, under the symlink; its manifest keeps
its ETags, so the run revalidates instead of downloading everything.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import filelock

from api.mirror.errors import UsageError
from api.mirror.handouts import handout_files
from api.mirror.manifest import Entry, Manifest
from api.mirror.text import is_slug, printable

VERSIONS = ".versions"


def default_state_dir(root: Path) -> Path:
    return root.parent / f".{root.name}.mirror-state"


def write_atomic(path: Path, data: bytes) -> None:
    """Replace path with data: readers see the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)  # a portal's web server must be able to read it
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _link_or_copy(source: Path, target: Path) -> None:
    """Files are never changed in place, so a hard link is as good as a copy (and costs nothing)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
        os.chmod(target, 0o644)


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


def _sync_dir(path: Path) -> None:
    """Make a rename in `path` durable (POSIX; elsewhere the rename has to do)."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")


@dataclass(frozen=True)
class Staged:
    """A verified copy fetched by this run (or an interrupted one), not yet switched over."""

    entry: Entry
    json_path: Path
    html_path: Path


class Store:
    def __init__(self, root: Path, state: Path | None = None):
        self.root = root.absolute()
        self.state = (state or default_state_dir(self.root)).absolute()
        self.versions = self.root / VERSIONS

    # -- the run ---------------------------------------------------------------------------------

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """One run at a time per mirror (a slow run and the next cron run must not interleave)."""
        inside = self.state.resolve() == self.root.resolve() or self.root.resolve() in self.state.resolve().parents
        if inside:
            raise UsageError(f"the state folder {printable(self.state)} must be outside the mirror folder")
        try:
            self.state.mkdir(parents=True, exist_ok=True)
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"cannot use {printable(self.root)}: {printable(exc)}") from None
        lock = filelock.FileLock(self.state / "lock", timeout=0)
        try:
            lock.acquire()
        except filelock.Timeout:
            raise UsageError(f"another mirror run is using {printable(self.root)}") from None
        try:
            self._tidy()
            yield
        finally:
            lock.release()

    def _tidy(self) -> None:
        """What the old layout and interrupted switch-overs leave behind."""
        _remove(self.root / ".staging")  # old layout: staged copies inside the served folder
        with contextlib.suppress(FileNotFoundError):
            (self.root / ".lock").unlink()  # old layout: the lock inside the served folder
        for leftover in [*self.root.glob(".*.link-*"), *self.versions.glob(".*.partial")]:
            _remove(leftover)

    # -- the copy being served -------------------------------------------------------------------

    def current(self, lang: str) -> Path | None:
        """The folder `DIR/<lang>` shows now (None before the first run), migrating the old layout."""
        path = self.root / lang
        if path.is_symlink():
            target = path.resolve()
            return target if target.is_dir() else self._recover(lang)
        if path.is_dir():  # the old layout: make the folder the first version, behind the symlink
            self.versions.mkdir(exist_ok=True)
            legacy = self.versions / f"{lang}.{_stamp()}"
            os.rename(path, legacy)
            self._point(lang, legacy)
            return legacy
        if path.exists():
            raise UsageError(f"{printable(path)} is in the way (not a folder)")
        return self._recover(lang)

    def _recover(self, lang: str) -> Path | None:
        """A run stopped between moving a copy in and pointing to it: the newest complete copy."""
        complete = sorted(p for p in self.versions.glob(f"{lang}.*") if (p / "manifest.json").is_file())
        if not complete:
            return None
        self._point(lang, complete[-1])
        return complete[-1]

    def _point(self, lang: str, version: Path) -> None:
        """Make `DIR/<lang>` show `version`: one atomic replace of the symlink."""
        link = self.root / f".{lang}.link-{uuid.uuid4().hex}"
        os.symlink(os.path.relpath(version, self.root), link)
        try:
            os.replace(link, self.root / lang)
        except BaseException:
            link.unlink()
            raise
        _sync_dir(self.root)

    def manifest(self, lang: str) -> Manifest:
        current = self.current(lang)
        return Manifest.load(current / "manifest.json", lang) if current else Manifest(lang)

    def has_copy(self, lang: str, slug: str) -> bool:
        """Both files of an article are there (someone may have tidied up by hand)."""
        current = self.current(lang)
        return current is not None and all((current / f"{slug}.{ext}").is_file() for ext in ("json", "html"))

    # -- staging -----------------------------------------------------------------------------------

    def _staging(self, lang: str) -> Path:
        return self.state / "staging" / lang

    def staged(self, lang: str) -> dict[str, Staged]:
        """Copies an interrupted run fetched and verified but never switched over."""
        out = {}
        folder = self._staging(lang)
        for meta in folder.glob("*.meta.json"):
            try:
                entry = Entry.parse(json.loads(meta.read_bytes()))
            except (OSError, ValueError):
                continue
            if entry is None or not is_slug(entry.slug) or entry.lang != lang or not entry.etag:
                continue
            item = Staged(entry, folder / f"{entry.slug}.json", folder / f"{entry.slug}.html")
            if all(p.is_file() for p in (item.json_path, item.html_path, *_handouts(folder, entry))):
                out[entry.slug] = item
        return out

    def stage(self, entry: Entry, json_body: bytes, html: str, handouts: dict[str, bytes] | None = None) -> Staged:
        """`handouts`: the article's PDFs by file name (api/mirror/handouts.py), which entry.files lists."""
        folder = self._staging(entry.lang)
        item = Staged(entry, folder / f"{entry.slug}.json", folder / f"{entry.slug}.html")
        write_atomic(item.json_path, json_body)
        write_atomic(item.html_path, html.encode("utf-8"))
        for name, body in (handouts or {}).items():
            write_atomic(folder / name, body)
        meta = (json.dumps(asdict(entry), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        write_atomic(folder / f"{entry.slug}.meta.json", meta)  # last: marks the copy complete
        return item

    # -- the switch-over ---------------------------------------------------------------------------

    def publish(self, manifest: Manifest, fresh: dict[str, Staged]) -> Manifest:
        """Put the language's next copy together and make it current in one step; returns what it holds."""
        lang = manifest.lang
        current = self.current(lang)
        nxt = self.state / "next" / lang
        _remove(nxt)
        nxt.mkdir(parents=True)
        kept: dict[str, Entry] = {}
        for slug, entry in manifest.articles.items():
            item = fresh.get(slug)
            folder = item.json_path.parent if item is not None else current
            if folder is None:
                continue
            sources = [folder / f"{slug}.json", folder / f"{slug}.html", *_handouts(folder, entry)]
            if not all(p.is_file() for p in sources):
                continue  # a copy deleted by hand that could not be fetched again this run
            for source in sources:
                _link_or_copy(source, nxt / source.name)
            kept[slug] = entry
        manifest = replace(manifest, articles=kept)
        write_atomic(nxt / "manifest.json", manifest.dumps())
        self.versions.mkdir(exist_ok=True)
        version = self.versions / f"{lang}.{_stamp()}"
        _move(nxt, version)
        self._point(lang, version)
        for old in self.versions.glob(f"{lang}.*"):
            if old != version:
                _remove(old)
        _remove(self._staging(lang))
        return manifest


def _handouts(folder: Path, entry: Entry) -> list[Path]:
    """The article's handout files the entry lists: only names the mirror itself gives them."""
    return [folder / name for name in handout_files(entry.slug) if name in entry.files.values()]


def _move(source: Path, target: Path) -> None:
    """A rename; across file systems (STATE and DIR on different disks), a copy then a rename."""
    try:
        os.rename(source, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        partial = target.with_name(f".{target.name}.partial")
        _remove(partial)
        shutil.copytree(source, partial)
        os.rename(partial, target)
        _remove(source)
