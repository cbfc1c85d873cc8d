"""Where things live and how the app behaves; tests build apps over other folders."""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]  # the checkout: api/core/settings.py -> ../../

# Compression levels of the precompressed bodies (api.core.snapshot.compress), chosen from measured
# size and CPU time on the real corpus (scripts/compression.py; the table is in README, "Performance").
# Rule: the highest level whose extra CPU per KB saved, against the level below, is at most 1 ms.
# Brotli 4 -> 5 costs 0.2 ms per KB saved (8% smaller); 6 costs 5-7, 7 (against 5) 1.6-2.3, 8 and 9
# save nothing (9 takes 19x the CPU of 8), 10 costs 16 and 11 over 200: brotli 11 was 73% of a cold
# build (18 CPU s here, 69x brotli 5) for 12% fewer brotli bytes, and 10 alone (6 CPU s) would break
# the 3-second build. gzip 4 -> 5 costs 0.4-0.6 ms per KB saved; 6 costs 1.3-2.7, 7-9 11 and more
# (9 is 0.7% smaller than 5 for 1.7x its CPU). Two runs: any threshold from 0.6 to 1.3 ms/KB picks
# the same levels. Fixed levels and no timestamps keep the build deterministic.
BROTLI_QUALITY = 5
GZIP_LEVEL = 5


def build_workers() -> int:
    """Threads that compress bodies during a build: BOTHAND_BUILD_WORKERS, or (unset or 0) every core
    this process may run on. The snapshot is the same bytes whatever the number."""
    configured = int(os.environ.get("BOTHAND_BUILD_WORKERS", "0") or 0)
    if configured > 0:
        return configured
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def may_fork() -> bool:
    """Whether this process may fork workers that go on running Python: only while it has a single thread,
    native ones included (fork copies a process's locks as they are, and only the calling thread). A server's
    watcher builds in a thread; Typst, once it has rendered a handout here, keeps a pool of native threads
    that a forked child would wait on forever. Linux lists every thread in /proc/self/task."""
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:  # not Linux: Python's threads are all we can see
        return threading.active_count() == 1


@dataclass(frozen=True)
class Settings:
    content_dir: Path = ROOT / "content"
    locales_dir: Path = ROOT / "locales"
    # Overridable so the accessibility suite can prove it fails on a broken template (tests/browser).
    templates_dir: Path = field(
        default_factory=lambda: Path(os.environ.get("BOTHAND_TEMPLATES_DIR", ROOT / "site" / "templates"))
    )
    static_dir: Path = ROOT / "site" / "static"
    crisis_file: Path = ROOT / "crisis.yaml"
    # Conditions (topics) with their ICD-10-CM / SNOMED CT codes; articles name them by id (api.sources.conditions).
    conditions_file: Path = ROOT / "conditions.yaml"
    # The public origin, e.g. https://bothand.example: every absolute URL (API links, canonical and
    # hreflang links, feeds, sitemap, embed code, oEmbed) is built from it and never from a request's
    # Host header, so no request can change what another reader is served (or a cache stores).
    # Default: what `make serve` listens on (HOST/PORT).
    base_url: str = field(default_factory=lambda: _default_base_url())
    # Other host names the app answers (comma-separated BOTHAND_ALLOWED_HOSTS, e.g. an internal name
    # a health check uses); any other Host gets 400. The base URL's host is always allowed.
    extra_hosts: tuple[str, ...] = field(
        default_factory=lambda: tuple(
            h.strip() for h in os.environ.get("BOTHAND_ALLOWED_HOSTS", "").split(",") if h.strip()
        )
    )
    # Where readers report an accessibility barrier (shown on the accessibility statement).
    contact_email: str = field(
        default_factory=lambda: os.environ.get("BOTHAND_CONTACT_EMAIL", "accessibility@bothand.example")
    )
    # Where `bothand build` writes the snapshot the server answers from (BOTHAND_BUILD_DIR). By
    # default a folder under build/ named after the sources and origin, so two sites never share one.
    build_folder: Path | None = field(default_factory=lambda: _env_path("BOTHAND_BUILD_DIR"))
    # Brotli level for precompressed bodies (BOTHAND_BROTLI_QUALITY, 1-11). 0 or unset: BROTLI_QUALITY,
    # the measured default, at any corpus size (set in __post_init__, so it is what the build uses).
    brotli_quality: int = field(default_factory=lambda: int(os.environ.get("BOTHAND_BROTLI_QUALITY", "0") or 0))
    # Bytes of bodies the server keeps in memory; the rest are read from the snapshot on demand.
    body_cache: int = field(default_factory=lambda: int(os.environ.get("BOTHAND_BODY_CACHE_MB", "64")) * 2**20)
    # Printable PDF handouts of every article x locale (issue 25; api/build/handouts): BOTHAND_HANDOUTS=0 builds
    # none (the bench's "without handouts" row; the article's `handouts` is then empty and no page links one).
    handouts: bool = field(default_factory=lambda: os.environ.get("BOTHAND_HANDOUTS", "1").strip() != "0")
    max_age: int = 300  # seconds a CDN or browser may reuse a response without asking
    stale_while_revalidate: int = 86400

    def __post_init__(self) -> None:
        if not 0 <= self.brotli_quality <= 11:
            raise ValueError(f"brotli quality {self.brotli_quality}: 1 to 11, or 0 for the default")
        if self.brotli_quality == 0:
            object.__setattr__(self, "brotli_quality", BROTLI_QUALITY)

    @property
    def build_dir(self) -> Path:
        if self.build_folder is not None:
            return self.build_folder
        key = "|".join(map(str, (self.content_dir, self.locales_dir, self.templates_dir, self.static_dir,
                                 self.crisis_file, self.base_url)))
        return ROOT / "build" / hashlib.sha256(key.encode()).hexdigest()[:16]

    @property
    def allowed_hosts(self) -> list[str]:
        host = urlsplit(self.base_url).hostname or "127.0.0.1"
        # Whoever opens a loopback server types either name.
        loopback = ["127.0.0.1", "localhost"] if host in ("127.0.0.1", "localhost", "0.0.0.0") else []  # noqa: S104
        return list(dict.fromkeys([host, *loopback, *self.extra_hosts]))


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value) if value else None


def _default_base_url() -> str:
    configured = os.environ.get("BOTHAND_BASE_URL", "").strip().rstrip("/")
    if configured:
        return configured
    host = os.environ.get("HOST", "127.0.0.1")
    return f"http://{host}:{os.environ.get('PORT', '8000')}"
