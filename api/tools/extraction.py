"""Message extraction with pybabel: the catalog templates (.pot) from the sources, and whether the
committed ones are stale (what ``bothand extract`` writes and ``bothand check`` compares)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from api.core.settings import ROOT
from api.sources.poread import read_catalog

DOMAINS = {"content": "babel.cfg", "ui": "babel-ui.cfg"}
PYBABEL_HEADER = ["--project=Bothand", "--version=1", "--copyright-holder=Bothand",
                  "--msgid-bugs-address=https://github.com/bothand/bothand/issues"]


def pybabel(*args: str, cwd: Path = ROOT) -> None:
    exe = Path(sys.executable).with_name("pybabel")
    subprocess.run([str(exe), "-q", *args], check=True, cwd=cwd)  # noqa: S603  # our own fixed arguments


def messages(path: Path) -> list[tuple[object, ...]]:
    """What a template says, without its header (creation date, Babel version) or line wrapping."""
    return [
        (m.context, m.id, tuple(m.auto_comments), tuple(m.locations), tuple(sorted(m.flags)))
        for m in read_catalog(path) if m.id
    ]


def extract_to(out_dir: Path, root: Path = ROOT) -> dict[str, Path]:
    """Run pybabel extract for every domain of the project at `root` into out_dir; returns the .pot paths."""
    paths = {}
    for domain, cfg in DOMAINS.items():
        out = out_dir / f"{domain}.pot"
        pybabel("extract", "-F", str(ROOT / cfg), "-o", str(out), "--add-comments=Translators:", *PYBABEL_HEADER,
                 ".", cwd=root)
        paths[domain] = out
    return paths


def stale_templates(locales_dir: Path, root: Path = ROOT) -> list[str]:
    """Which committed .pot files differ from a fresh extraction (ignoring the creation date)."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = extract_to(Path(tmp), root)
        return [
            domain for domain, path in fresh.items()
            if not (locales_dir / path.name).exists() or messages(path) != messages(locales_dir / path.name)
        ]


