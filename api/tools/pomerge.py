"""``bothand update``: merge a template into a catalog as msgmerge would, in Babel's layout, writing the
previous msgid of a fuzzy entry as `#|` lines msgfmt, translate-toolkit and Poedit read."""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import normalize, read_po, write_po

from api.sources.pofast import unescape
from api.sources.pofiles import STRING, WIDTH, for_babel

_PREVIOUS_START = re.compile(r'\|\s*(msgctxt|msgid|msgid_plural)\s+(".*")\Z')
_PREVIOUS_MORE = re.compile(r'\|\s*(".*")\Z')


def _key(msg: Message) -> tuple[str | None, str]:
    return msg.context, msg.id if isinstance(msg.id, str) else msg.id[0]


def _take_previous(msg: Message) -> list[str] | None:
    """Babel reads `#|` lines as translator comments starting with '|': take them out of `msg`
    and return the previous msgid (and msgid_plural) they give; None if none, or if they are
    unreadable (wrapped by an older `pybabel update`), which are dropped."""
    marked = [c for c in msg.user_comments if c.startswith("|")]
    if not marked or not re.match(r"\|\s*msg(?:ctxt|id)\b", marked[0]):
        return None  # a translator comment that merely starts with "|"
    msg.user_comments = [c for c in msg.user_comments if not c.startswith("|")]
    parts: dict[str, list[str]] = {}
    current = None
    for comment in marked:
        start = _PREVIOUS_START.match(comment)
        more = _PREVIOUS_MORE.match(comment)
        if start is not None and start.group(1) not in parts:
            current, text = start.group(1), start.group(2)
        elif more is not None and current is not None:
            text = more.group(1)
        else:
            return None
        string = STRING.fullmatch(text)
        if string is None:
            return None
        try:
            parts.setdefault(current, []).append(unescape(string.group(1)))
        except ValueError:
            return None
    if "msgid" not in parts:
        return None
    return ["".join(parts["msgid"]), *(["".join(parts["msgid_plural"])] if "msgid_plural" in parts else [])]


def _translated(msg: Message) -> bool:
    return any(msg.string) if isinstance(msg.string, (list, tuple)) else bool(msg.string)


def merge(catalog: Catalog, template: Catalog) -> None:
    """`catalog.update(template)` (new text in, changed text fuzzy, gone text obsolete), with each
    fuzzy entry's previous msgid as msgmerge --previous keeps it: the English the translation was
    made for (an entry that was already fuzzy keeps its hint), none on other entries."""
    hints: dict[tuple[str | None, str], list[str]] = {}
    for msg in [*catalog, *catalog.obsolete.values()]:
        if msg.id:
            hint = _take_previous(msg) or (list(msg.previous_id) if msg.previous_id else None)
            if hint is not None and msg.fuzzy:
                hints[_key(msg)] = hint
    # English that came back: its obsolete translation is live again, fuzzy (never the same msgid twice).
    wanted = {_key(m) for m in template if m.id}
    for okey, msg in list(catalog.obsolete.items()):
        if _key(msg) in wanted:
            del catalog.obsolete[okey]
            if catalog.get(msg.id, msg.context) is None:
                msg.flags.add("fuzzy")
                catalog[msg.id] = msg
    before = {_key(m): m for m in catalog if m.id}
    catalog.update(template, update_header_comment=False, update_creation_date=True)
    for msg in catalog:
        if not msg.id:
            continue
        if not msg.fuzzy or not _translated(msg):
            msg.previous_id = []
        elif msg.previous_id:  # matched to another entry's translation just now
            old = before.get((msg.context, msg.previous_id[0])) or next(
                (m for k, m in before.items() if k[1] == msg.previous_id[0]), None)
            if old is not None and old.fuzzy and _key(old) in hints:
                msg.previous_id = hints[_key(old)]
        else:
            msg.previous_id = hints.get(_key(msg), [])


def render(catalog: Catalog) -> bytes:
    """The catalog as `write_po` writes it, with `#| msgid` lines gettext can read: quoted line by
    line like `#~` lines, after the flags, where Babel puts them."""
    marker = f"previous-{secrets.token_hex(8)}-"
    previous: dict[str, list[str]] = {}
    for number, msg in enumerate(m for m in catalog if m.id and m.previous_id):
        previous[f"{marker}{number}"] = list(msg.previous_id)
        msg.flags.add(f"{marker}{number}")
    buf = BytesIO()
    try:
        write_po(buf, catalog, width=WIDTH, include_previous=False)
    finally:
        for msg in catalog:
            msg.flags = {f for f in msg.flags if not f.startswith(marker)}
    lines = buf.getvalue().decode(catalog.charset).split("\n")
    out: list[str] = []
    for line in lines:
        if not (line.startswith("#,") and marker in line):
            out.append(line)
            continue
        flags = [f.strip() for f in line[2:].split(",")]
        hint = previous[next(f for f in flags if f.startswith(marker))]
        kept = [f for f in flags if not f.startswith(marker)]
        if kept:
            out.append("#, " + ", ".join(kept))
        for keyword, text in zip(("msgid", "msgid_plural"), hint, strict=False):
            # Quoted and wrapped as the msgid itself is, 3 columns narrower for the "#| ".
            out += [f"#| {part}" for part in f"{keyword} {normalize(text, width=WIDTH - 3)}".split("\n")]
    return "\n".join(out).encode(catalog.charset)


def update_catalog(po: Path, template: Catalog, locale: str, domain: str) -> bool:
    """Merge `template` into the catalog file `po`; True if the file changed."""
    data = po.read_bytes()
    catalog = read_po(BytesIO(for_babel(data)), locale=locale, domain=domain)
    merge(catalog, template)
    new = render(catalog)
    if new == data:
        return False
    fd, tmp = tempfile.mkstemp(dir=po.parent, prefix=f".{po.name}.")
    try:
        with os.fdopen(fd, "wb") as fp:
            fp.write(new)
        os.chmod(tmp, po.stat().st_mode & 0o777)
        os.replace(tmp, po)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True
