"""Replacing a folder whole: readers of it see the old one or the new one, never a mix."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def swap_in(new: Path, dest: Path) -> None:
    """Put the finished folder `new` (beside `dest`, same filesystem) in the place of `dest`.

    Two renames; the old folder is moved aside first and removed after, so a crash in between leaves
    either folder in place (a leftover `<dest>.old` is removed by the next swap)."""
    old = dest.with_name(dest.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if dest.exists():
        os.replace(dest, old)
    os.replace(new, dest)
    shutil.rmtree(old, ignore_errors=True)
