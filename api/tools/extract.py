"""Babel extraction methods: articles (``bothand_content``) and help-now resources (``bothand_crisis``).

Registered as entry points in ``babel.extractors``, so plain ``pybabel extract -F babel.cfg``
finds them. Each article message is ``pgettext(slug, source)``: the msgctxt is the article slug,
so two articles can translate the same sentence differently. The ``#.`` comments tell the
translator where the text sits (first line, e.g. "table 1, column header 1") and what kind of
text it is, because its grammar depends on that: a column header is a short label, a table
cell a phrase under its header, a list item continues the sentence that introduces the list.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import yaml

from api.sources.content import Article, Faq, Heading, ListBlock, Paragraph, Quote, Segment, Table, parse_article

Extracted = tuple[int, str, tuple[str, str], list[str]]


def _quoted(segment: Segment) -> str:
    return f"“{segment.source}”"


def _opens(segment: Segment) -> bool:
    """A paragraph that ends in a colon introduces what follows."""
    return segment.source.rstrip("*_ ").endswith(":")


def described_segments(article: Article) -> Iterator[tuple[Segment, list[str]]]:
    """Every segment of an article with its translator comments: where it is, then what it is."""
    yield article.title, [
        article.title.role,
        "The article's title: its main heading, also the link text in article lists and feeds.",
    ]
    yield article.summary, [
        article.summary.role,
        "One or two sentences shown under the title in article lists, feeds and link previews.",
    ]
    lead_in: Segment | None = None  # a paragraph ending in ":" that the next list completes
    for block in article.blocks:
        match block:
            case Heading(level=level, text=text):
                yield text, [text.role, f"Section heading (level {level}); screen-reader users jump between headings."]
            case Paragraph(text=text):
                notes = [text.role]
                if _opens(text):
                    notes.append("Introduces what follows (usually a list); keep it open-ended, ending in a colon.")
                yield text, notes
            case ListBlock(items=bullets):
                for item in bullets:
                    notes = [item.role, f"A bullet point, one of {len(bullets)} in this list."]
                    if lead_in is not None:
                        notes.append(
                            f"It completes the lead-in {_quoted(lead_in)}: keep the grammar of every item in "
                            "this list consistent with that phrase."
                        )
                    yield item, notes
            case Table(caption=caption, columns=columns, rows=rows):
                headers = ", ".join(_quoted(c) for c in columns)
                yield caption, [
                    caption.role,
                    f"The table's caption: screen readers announce it before the table. Columns: {headers}.",
                ]
                for column in columns:
                    yield column, [
                        column.role,
                        "Table column header: a short label (a word or noun phrase), not a sentence.",
                    ]
                for row in rows:
                    for k, cell in enumerate(row):
                        header = f" {_quoted(columns[k])}" if k < len(columns) else ""
                        yield cell, [
                            cell.role,
                            f"Table cell under the column header{header}: a short phrase, not a full sentence; "
                            "the header is its implied subject.",
                        ]
            case Quote(paragraphs=paragraphs):
                for para in paragraphs:
                    yield para, [
                        para.role,
                        "A pull quote set apart from the text: a short saying or image; a natural equivalent "
                        "in your language is better than a word-for-word one.",
                    ]
            case Faq(items=questions):
                for entry in questions:
                    yield entry.question, [
                        entry.question.role,
                        "FAQ question, as a reader would ask it; shown as a heading over its answer.",
                    ]
                    for para in entry.answer:
                        yield para, [
                            para.role,
                            f"FAQ answer to the question {_quoted(entry.question)}.",
                        ]
        lead_in = block.text if isinstance(block, Paragraph) and _opens(block.text) else None


def extract_articles(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    text = fileobj.read().decode(options.get("encoding", "utf-8"))
    article = parse_article(Path(getattr(fileobj, "name", "article.md")), text)
    for segment, comments in described_segments(article):
        yield segment.line, "pgettext", (article.slug, segment.source), comments


CRISIS_FIELDS = {
    "heading": "Heading of the help-now box shown with every article, embed and API response.",
    "name": "Name of a help-now service: keep its own name recognisable (with its number, if it has one). "
            "The site adds the country it serves after it, e.g. “(United States)”, in your language.",
    "description": "What the help-now service offers and to whom; keep every fact (hours, cost, countries) exact.",
    "label": "Text of a link that starts the contact; keep its number or web address exactly. The site adds "
             "the country it serves, e.g. “Call 988 (United States)”: that whole text names the link.",
}
CONTACT_KINDS = {"phone": "a phone call", "sms": "a text message", "url": "a web page"}


def _crisis_scalars(node: yaml.Node, resource: str = "") -> Iterator[tuple[str, str, yaml.ScalarNode, str]]:
    """(resource id, key, scalar node, contact kind) for every translatable field, in document order."""
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _crisis_scalars(item, resource)
    elif isinstance(node, yaml.MappingNode):
        values = {str(k.value): v for k, v in node.value}
        ident = values.get("id")
        resource = str(ident.value) if isinstance(ident, yaml.ScalarNode) else resource
        kind = values.get("kind")
        for key, value in node.value:
            if isinstance(value, yaml.ScalarNode) and key.value in CRISIS_FIELDS:
                yield resource, str(key.value), value, str(kind.value) if isinstance(kind, yaml.ScalarNode) else ""
            else:
                yield from _crisis_scalars(value, resource)


def extract_crisis(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    """Translatable strings of crisis.yaml, as ``pgettext("crisis", ...)``.

    Walks the YAML node tree, so every scalar style works (plain, quoted, folded ``>``,
    literal ``|``); a message's line is its scalar's own (``start_mark.line`` + 1).
    """
    root = yaml.compose(fileobj.read().decode(options.get("encoding", "utf-8")), Loader=yaml.SafeLoader)
    if root is None:
        return
    for resource, key, node, kind in _crisis_scalars(root):
        text = str(node.value).strip()
        if not text:
            continue
        comments = [f"help-now resource {resource}: {key}" if resource else f"help-now {key}", CRISIS_FIELDS[key]]
        if key == "label" and kind:
            comments.append(f"The link starts {CONTACT_KINDS.get(kind, kind)}.")
        yield node.start_mark.line + 1, "pgettext", ("crisis", text), comments
    yield from _crisis_names(root)


def _crisis_names(node: yaml.Node) -> Iterator[Extracted]:
    """The English (CLDR) names of the countries and languages crisis.yaml lists: the site takes them
    from CLDR in each language, and from the catalog where CLDR has none (e.g. Haitian Creole)."""
    from api.sources.crisis import ANY, english_country, english_language

    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _crisis_names(item)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value in ("countries", "languages") and isinstance(value, yaml.SequenceNode):
                for item in value.value:
                    code = str(item.value)
                    if not isinstance(item, yaml.ScalarNode) or code == ANY:
                        continue
                    if key.value == "countries":
                        name, what = english_country(code), f"country {code} (ISO 3166-1)"
                    else:
                        name, what = english_language(code), f"language {code} (BCP 47)"
                    yield item.start_mark.line + 1, "pgettext", ("crisis", name), [
                        f"help-now: name of the {what}, as in “Call 988 (United States)” or “Languages: English and "
                        "Spanish”. Translate it only if your language's usual name differs from what CLDR gives "
                        "(the site uses CLDR's name where this is empty)."]
            else:
                yield from _crisis_names(value)
