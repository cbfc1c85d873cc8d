"""``content_hash``: one definition shared by the server and by every mirror.

An article's ``content_hash`` changes whenever anything a partner shows from it changes: the
English text, a translation, the review state, the translation notice, the rendered HTML body
and the crisis resources (the help-now phone numbers and links). Anyone can recompute it from
the article JSON the API serves, so a mirror can check what it stores::

    content_hash(article) == article["content_hash"]

The contract: take the served fields in ``HASHED_FIELDS`` that the article has (``reviewed``
and ``notice`` may be ``null``, and are then hashed as ``null``), serialize them as
``json.dumps(fields, sort_keys=True, ensure_ascii=False)`` (Python's default separators
``", "`` and ``": "``), encode that as UTF-8, and prefix the SHA-256 hex digest with
``sha256:``. ``crisis`` is hashed as the article is served without a ``country`` parameter
(an answer to ``?country=CC`` carries that country's block but the same hash). Fields outside
the list (``requested_lang``, URLs, alternates, license, attribution, conditions) are not
hashed: they depend on where or how the site is served, or are fixed texts. The summaries in
article lists carry the same value. The server computes its value with this very function over
the same JSON values (``api/build.py``), so the two can never disagree.

A matching hash says the copy is the one the server built, unaltered on the way. It says
nothing about whether that server is honest: a mirror still checks what it stores (the HTML
against an allowlist, the crisis block's shape; see ``api/mirror/verify.py``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

HASHED_FIELDS = (
    "slug", "lang", "dir", "title", "summary", "published", "updated", "reviewed", "blocks", "html", "translation",
    "notice", "crisis",
)


def content_hash(article: Mapping[str, Any]) -> str:
    """``sha256:<hex>`` over the article's HASHED_FIELDS, as JSON values (see the module docstring)."""
    fields = {k: article[k] for k in HASHED_FIELDS if k in article}
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False)
    return "sha256:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()
