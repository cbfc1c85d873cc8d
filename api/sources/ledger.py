"""Localized dates: when each article last changed in each language.

An article's English date is its front matter's ``updated``. A translation changes on its own (a
translator fixes one msgstr) while the English date stays put, so every (article, language) has a
date of its own, kept in a committed ledger, ``locales/updated.json``::

    {"medication-and-therapy": {"es": {"text": "sha256:…", "updated": "2026-11-29"}, …}, …}

``text`` is a hash of the text readers see in that language: the title, the summary and every
block, each text with the language it is really in (so a segment that falls back to English, or
English that changed under it, changes it too). ``bothand stamp`` (``make stamp``) records today's
date for every (article, language) whose text hash changed; ``bothand stamp --check`` (part of
``make check``) fails while one changed without a stamp. The build only *reads* the ledger: the same
sources always build the same bytes, and nothing needs the git history at run time.

A language's date is the ledger's date, but never older than the English ``updated``: when the
English changes, the translated page changes too (new English segments), whether or not anyone
stamped yet. It is what ``updated`` says in the API, what ``updated_since`` filters on, and what the
Atom ``<updated>``, the sitemap ``<lastmod>`` and the JSON-LD ``dateModified`` say.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import msgspec

from api.core import models as m
from api.sources.articles import Translated

LEDGER = "updated.json"


class Entry(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    text: str  # "sha256:<hex>" of the text readers see (text_hash)
    updated: dt.date  # when that text was first stamped


Ledger = dict[str, dict[str, Entry]]  # slug -> BCP 47 tag -> entry
Hashes = dict[str, dict[str, str]]  # slug -> BCP 47 tag -> text hash


def path(locales_dir: Path) -> Path:
    return locales_dir / LEDGER


def read(locales_dir: Path) -> Ledger:
    """The committed ledger ({} when there is none yet). A broken file is an error naming it."""
    file = path(locales_dir)
    if not file.exists():
        return {}
    try:
        return msgspec.json.decode(file.read_bytes(), type=Ledger)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise ValueError(f"{file}: {exc}") from None


def encode(ledger: Ledger) -> bytes:
    """Stable bytes: sorted keys, one entry per line, so a stamp's diff shows only what moved."""
    raw = msgspec.json.encode({slug: dict(sorted(langs.items())) for slug, langs in sorted(ledger.items())})
    return msgspec.json.format(raw, indent=2) + b"\n"


def text_hash(tr: Translated) -> str:
    """sha256 over the text a reader sees in one language: title, summary, blocks (with their `lang`)."""
    payload = m.encode({"title": tr.title, "summary": tr.summary, "blocks": tr.blocks})
    return "sha256:" + hashlib.sha256(payload).hexdigest()


def updated(ledger: Ledger, slug: str, tag: str, english: dt.date) -> dt.date:
    """The date of `slug` in `tag`: the stamped date, never older than the English one."""
    entry = ledger.get(slug, {}).get(tag)
    return english if entry is None else max(english, entry.updated)


def stamp(ledger: Ledger, current: Hashes, today: dt.date) -> tuple[Ledger, list[str]]:
    """The ledger after stamping `today` on every (slug, tag) whose text changed (or is new), without
    the articles and languages that are gone; and what changed, as `tag/slug` lines."""
    new: Ledger = {}
    changes: list[str] = []
    for slug, langs in current.items():
        for tag, digest in langs.items():
            old = ledger.get(slug, {}).get(tag)
            if old is not None and old.text == digest:
                new.setdefault(slug, {})[tag] = old
            else:
                new.setdefault(slug, {})[tag] = Entry(text=digest, updated=today)
                changes.append(f"{tag}/{slug}: {'changed' if old else 'new'}, {today.isoformat()}")
    for slug, entries in ledger.items():
        changes += [f"{tag}/{slug}: gone" for tag in entries if tag not in current.get(slug, {})]
    return new, changes
