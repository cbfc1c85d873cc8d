"""Babel extraction method for articles: one message per heading, paragraph, item, cell...

Registered as the ``bothand_content`` entry point in ``babel.extractors``, so plain
``pybabel extract -F babel.cfg`` finds it. Each message is ``pgettext(slug, source)``: the
msgctxt is the article slug, so two articles can translate the same sentence differently,
and the ``#.`` comment tells the translator what the text is and where it sits.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import yaml

from api.content import parse_article

Extracted = tuple[int, str, tuple[str, str], list[str]]


def extract_articles(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    text = fileobj.read().decode(options.get("encoding", "utf-8"))
    article = parse_article(Path(getattr(fileobj, "name", "article.md")), text)
    for segment in article.segments():
        yield segment.line, "pgettext", (article.slug, segment.source), [segment.role]


CRISIS_FIELDS = ("heading", "name", "description", "label")


def extract_crisis(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    """Translatable strings of crisis.yaml, as ``pgettext("crisis", ...)``."""
    lines = fileobj.read().decode("utf-8").splitlines()
    for lineno, line in enumerate(lines, 1):
        key, sep, value = line.strip().lstrip("- ").partition(":")
        if sep and key in CRISIS_FIELDS and value.strip():
            text = yaml.safe_load(value.strip())
            yield lineno, "pgettext", ("crisis", str(text)), [f"help-now resource: {key}"]
