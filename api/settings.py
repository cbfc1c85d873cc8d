"""Where things live and how the app behaves; tests build apps over other folders."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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
    # Public origin, e.g. https://bothand.example, for links in the API, feeds and sitemap when the
    # app runs behind a proxy or CDN. Empty: taken from each request.
    base_url: str = field(default_factory=lambda: os.environ.get("BOTHAND_BASE_URL", "").rstrip("/"))
    # Where readers report an accessibility barrier (shown on the accessibility statement).
    contact_email: str = field(
        default_factory=lambda: os.environ.get("BOTHAND_CONTACT_EMAIL", "accessibility@bothand.example")
    )
    max_age: int = 300  # seconds a CDN or browser may reuse a response without asking
    stale_while_revalidate: int = 86400
