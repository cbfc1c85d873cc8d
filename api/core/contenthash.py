"""``content_hash``: one definition shared by the server and by every mirror.

An article's ``content_hash`` changes whenever anything a partner shows from it changes: the
English text, a translation, the review state or the translation notice. Anyone can recompute it
from the article JSON the API serves, so a mirror can check what it stores::

    content_hash(article) == article["content_hash"]

The contract: take the served fields in ``HASHED_FIELDS`` that the article has (``reviewed``
and ``notice`` may be ``null``, and are then hashed as ``null``), serialize them as
``json.dumps(fields, sort_keys=True, ensure_ascii=False)`` (Python's default separators
``", "`` and ``": "``), encode that as UTF-8, and prefix the SHA-256 hex digest with
``sha256:``. Fields outside the list (URLs, alternates, the ``html`` rendering, license,
attribution, crisis resources) are not hashed: they depend on where the site is served, or are
renderings of the hashed fields. The server computes its value with this very function over the
same JSON values, so the two can never disagree.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

HASHED_FIELDS = (
    "slug", "lang", "dir", "title", "summary", "published", "updated", "reviewed", "blocks", "translation", "notice",
)


def content_hash(article: Mapping[str, Any]) -> str:
    """``sha256:<hex>`` over the article's HASHED_FIELDS, as JSON values (see the module docstring)."""
    fields = {k: article[k] for k in HASHED_FIELDS if k in article}
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False)
    return "sha256:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()
