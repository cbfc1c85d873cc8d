"""What a rendered body is made from, as one hash: the key of the build's memo (api/build/memo.py).

A page is `template(context)` plus what every template may read besides its context: the code,
every template, the static files (asset links), the settings, the locale table, crisis.yaml and
conditions.yaml (the global part, from the hashes the build lists once: api/build/freshness.py),
and the locale's interface translations (the locale part). The
context itself (typed models, plain values) is encoded with msgpack, so any change to what a page
shows (a translated segment, a title, a date, a member of a list) changes its key: dependency
tracking by value, which cannot forget an aggregate the way hand-written dependency lists can
(sphinx#1360, hugo#13648).
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import Any

import msgspec
from babel.support import NullTranslations

from api.core.locales import Locale, LocaleTable
from api.core.settings import Settings

# The inputs every page may depend on, by their names in api/build/freshness.py's listing.
SHARED = ("api/", "templates/", "static/", "crisis.yaml", "conditions.yaml")


def settings_digest(settings: Settings) -> str:
    """The settings a page shows (links, addresses, headers, whether it links handouts); not the port or
    where files go."""
    return hashlib.sha256(repr((settings.base_url, settings.contact_email, settings.max_age,
                                settings.stale_while_revalidate, settings.handouts)).encode()).hexdigest()


def ui_digest(translations: NullTranslations) -> str:
    """The interface messages a locale serves (what `_()` in a template can return)."""
    served: dict[Any, Any] = getattr(translations, "_catalog", {})
    # Not the header entry (""): Babel stamps it with the time a catalog without a PO-Revision-Date
    # was read, and no page shows it. Its plural rule does change ngettext: that part is kept.
    plural = getattr(translations, "_info", {}).get("plural-forms", "")
    items = sorted((repr(k), repr(v)) for k, v in served.items() if k != "") + [("plural-forms", plural)]
    return hashlib.sha256(msgspec.msgpack.encode(items)).hexdigest()


def _hook(value: object) -> object:
    if isinstance(value, str):  # Markup
        return str(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "language") and hasattr(value, "territory"):  # babel.Locale
        return str(value)
    raise NotImplementedError(f"no inputs key for {type(value).__name__}")


_ENCODER = msgspec.msgpack.Encoder(enc_hook=_hook)


def key_base(settings: Settings, table: LocaleTable, files: dict[str, str]) -> str:
    """The global part of every page's key: code, templates, static files, data, settings, locale table.
    `files` is the build's listing of its inputs (name -> hash), so the key and the log agree."""
    shared = sorted((name, digest) for name, digest in files.items() if name.startswith(SHARED))
    return hashlib.sha256(repr((shared, settings_digest(settings),
                                [dataclasses.astuple(loc) for loc in table.all])).encode()).hexdigest()


def _shared(value: object) -> bool:
    """A model or dataclass (an article, a summary, a topic with its articles): one object that may stand
    in many pages' contexts, digested once."""
    return isinstance(value, msgspec.Struct) or (dataclasses.is_dataclass(value) and not isinstance(value, type))


class Keys:
    """The page keys of one build. A model shown on many pages (an article on its page and a dozen
    embeds, the help-now block on every page of a locale, a language's summaries on its lists) is
    encoded once, and its digest stands for it in every key: by identity, because the build's models
    live as long as the build and are never changed (the model is kept, so its id cannot be reused)."""

    def __init__(self, base: str):
        self.base = base
        self.digests: dict[int, tuple[object, bytes]] = {}

    def forget(self) -> None:
        """Drop the digests (and the models they keep alive): the build calls it between locales."""
        self.digests.clear()

    def _digest(self, value: object) -> bytes:
        found = self.digests.get(id(value))
        if found is None:
            found = self.digests[id(value)] = (value, hashlib.sha256(_ENCODER.encode(value)).digest())
        return found[1]

    def _compact(self, value: object) -> object:
        if _shared(value):
            return self._digest(value)
        if isinstance(value, list) and value and _shared(value[0]):
            return [self._digest(item) if _shared(item) else item for item in value]
        return value

    def blocks_key(self, loc: Locale, blocks: list[Any]) -> str:
        """The key of an article body: its translated blocks, in one locale (the templates are in base)."""
        digest = hashlib.sha256(f"{self.base}\0{loc.tag}\0".encode())
        digest.update(_ENCODER.encode(blocks))
        return digest.hexdigest()

    def key(self, loc: Locale, ui: str, template: str, path: str | None, context: dict[str, Any]) -> str:
        """The memo key of one page: its template and context, in one locale of one site."""
        digest = hashlib.sha256(f"{self.base}\0{loc.tag}\0{ui}\0{template}\0{path}\0".encode())
        digest.update(_ENCODER.encode({name: self._compact(value) for name, value in context.items()}))
        return digest.hexdigest()


def encode(value: object) -> bytes:
    """msgpack of plain values, models and dataclasses, for hashing (Markup, paths, Babel locales as text)."""
    return _ENCODER.encode(value)
