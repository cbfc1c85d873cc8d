"""Names the mirror accepts (language tags, slugs) and server text made safe to print.

Everything a server says can end up on an operator's terminal or in cron's mail: an error
``detail``, a title, a URL. :func:`printable` escapes what a terminal would act on (escape
sequences, carriage returns, bidirectional overrides) so that server text can neither rewrite
the screen nor fake a line of the report.
"""

from __future__ import annotations

import re
import unicodedata

from api.mirror.errors import UsageError

MAX_TAG = 35  # RFC 5646 4.4.1: 35 characters hold every tag anyone uses
TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,120}")
MAX_PRINTED = 300  # characters of one piece of server text in a message


def canonical_tag(tag: str) -> str:
    """BCP 47 case conventions: ``pt-br`` -> ``pt-BR``, ``zh-hant`` -> ``zh-Hant``.

    The same rules as the server's ``api.negotiation.normalize_tag`` (a test holds the two
    together); a copy, because the mirror runs without the server's code and dependencies."""
    if len(tag) > MAX_TAG or not TAG.fullmatch(tag):
        raise UsageError(f"'{printable(tag)}' is not a BCP 47 language tag (e.g. es, pt-BR, zh-Hant)")
    first, *rest = tag.split("-")
    out = [first.lower()]
    for part in rest:
        if len(part) == 4 and part.isalpha():
            out.append(part.title())  # script: Hant
        elif len(part) == 2 and part.isalpha() or len(part) == 3 and part.isdigit():
            out.append(part.upper())  # region: BR, 419
        else:
            out.append(part.lower())
    return "-".join(out)


def is_slug(value: object) -> bool:
    return isinstance(value, str) and SLUG.fullmatch(value) is not None


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: object, limit: int = MAX_PRINTED) -> str:
    """``text`` cut to ``limit`` characters, every control or format character escaped (``\\x1b``).

    Idempotent: what it returns is printable, so escaping twice changes nothing."""
    value = str(text)
    if len(value) > limit:
        value = value[:limit] + "…"
    return "".join(
        c if c.isprintable() or unicodedata.category(c) == "Zs" else _escape(c) for c in value  # Zs: no-break spaces
    )
