"""Parsed sources kept between builds, by the hash of their bytes (and of the code that parses them).

A catalog of a large site is megabytes of PO text, and 500 articles are 500 Markdown parses;
parsing them all was most of an incremental build that changed one segment. A file whose bytes
did not change is read back from here instead. The folder is the build's own (beside the snapshot); entries no build
used are removed, so it never grows past one copy of each source.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle  # noqa: S403  # our own files, in our own build folder: as trusted as the code
import shutil
import tempfile
from pathlib import Path
from typing import Any

import babel
import markdown_it


def code_version() -> str:
    """Changes when the parsing code (api/sources), Babel or markdown-it changes: a cache from other
    code is never read."""
    digest = hashlib.sha256(f"{babel.__version__} {markdown_it.__version__}".encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


class ParseCache:
    def __init__(self, folder: Path):
        self.folder = folder
        self.version = code_version()
        self.used: set[str] = set()

    @classmethod
    def beside(cls, snapshot: Path, fresh: bool = False) -> ParseCache:
        """The cache of the snapshot folder `snapshot` (`<snapshot>.cache`); emptied first if `fresh`."""
        folder = snapshot.with_name(snapshot.name + ".cache")
        if fresh:
            shutil.rmtree(folder, ignore_errors=True)
        return cls(folder)

    def key(self, *parts: bytes | str) -> str:
        digest = hashlib.sha256(self.version.encode())
        for part in parts:
            data = part.encode() if isinstance(part, str) else part
            digest.update(len(data).to_bytes(8, "big") + data)
        return digest.hexdigest()

    def get(self, key: str) -> Any | None:
        self.used.add(key)
        with contextlib.suppress(OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
            return pickle.loads((self.folder / key).read_bytes())  # noqa: S301  # see the import
        return None

    def has(self, key: str) -> bool:
        return (self.folder / key).is_file()

    def put(self, key: str, value: Any) -> None:
        self.used.add(key)
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fp:
            pickle.dump(value, fp, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.folder / key)

    def prune(self) -> None:
        """Remove what this build did not use."""
        if self.folder.is_dir():
            for path in self.folder.iterdir():
                if path.name not in self.used:
                    path.unlink(missing_ok=True)
