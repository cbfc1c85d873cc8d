"""Babel extraction of condition names from conditions.yaml (``bothand_conditions``).

Registered in ``babel.extractors`` and named in babel-ui.cfg, so ``make extract`` puts each name
into ui.pot as ``pgettext("condition", name)``, with a comment that says what the name is and
which codes it stands for (so a translator can check the clinical meaning).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from api.sources.conditions import CONTEXT, parse_conditions

Extracted = tuple[int, str, tuple[str, str], list[str]]


def extract_conditions(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    conditions, _ = parse_conditions(fileobj.read().decode(options.get("encoding", "utf-8")))
    for condition in conditions.values():
        codes = "; ".join(f"{c.system.name} {c.code}" for c in condition.codes)
        yield condition.name_line, "pgettext", (CONTEXT, condition.name), [
            f"condition {condition.id}: {codes}",
            "Name of a health condition, used as a topic: a link on every article about it, and the heading "
            "of its topic page. Use the name patients know (the everyday term in your termbase), not a "
            "diagnostic label; keep it short.",
        ]
