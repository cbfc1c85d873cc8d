"""``bothand stamp``: date every translation whose text changed (the ledger, api/sources/ledger.py).

It lives with the build because the text a reader sees in a language is what the build translates.
"""

from __future__ import annotations

import datetime as dt

from api.build.builder import Builder
from api.core.settings import Settings
from api.sources import ledger


def stamp_site(settings: Settings, today: dt.date, write: bool = True) -> list[str]:
    """Stamp the ledger of a site's sources (``bothand stamp``); returns what changed. `today` is a
    parameter so tests (and a release that wants one date) choose it; write=False only reports."""
    builder = Builder(settings)
    new, changes = ledger.stamp(builder.ledger, builder.text_hashes(), today)
    if write and (changes or not ledger.path(settings.locales_dir).exists()):
        ledger.path(settings.locales_dir).write_bytes(ledger.encode(new))
    return changes
