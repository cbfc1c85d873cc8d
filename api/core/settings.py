"""Where things live and how the app behaves; tests build apps over other folders."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]  # the checkout: api/core/settings.py -> ../../


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
    # Brotli level for precompressed bodies (BOTHAND_BROTLI_QUALITY). 0 = automatic: 11 (smallest)
    # while the site has at most 200 article pages, 5 above that, so a large build stays minutes long.
    brotli_quality: int = field(default_factory=lambda: int(os.environ.get("BOTHAND_BROTLI_QUALITY", "0")))
    # Bytes of bodies the server keeps in memory; the rest are read from the snapshot on demand.
    body_cache: int = field(default_factory=lambda: int(os.environ.get("BOTHAND_BODY_CACHE_MB", "64")) * 2**20)
    max_age: int = 300  # seconds a CDN or browser may reuse a response without asking
    stale_while_revalidate: int = 86400

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
