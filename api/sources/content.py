"""English Markdown source -> typed blocks.

An article is a Markdown file under ``content/`` with YAML front matter. Block structure
is what markdown-it-py parses; the conventions on top are few and written here:

* the single ``#`` heading is the article title;
* a paragraph ``Table: ...`` right after a table is that table's caption (Pandoc's syntax);
* a definition list (``term`` then ``: definition``) is a FAQ: question, then answer.

Every piece of text becomes a :class:`Segment` whose ``source`` is the inline Markdown:
it is the msgid translators see. Anything this module does not understand is an error that
names the file and line, so the owner never publishes a silently mangled article.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from api.sources.cache import ParseCache

CAPTION_PREFIX = "Table: "
REQUIRED_META = ("slug", "published", "updated", "summary")
CONDITION_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# A slug is the last segment of every URL of the article, its file names in an export and a mirror:
# lower-case letters, digits and hyphens only (what the OpenAPI document promises partners).
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SLUG_PATTERN = "^" + SLUG.pattern + "$"


class ContentError(ValueError):
    """The source cannot be turned into an article; the message names file and line."""


@dataclass(frozen=True)
class Segment:
    source: str  # inline Markdown; the msgid
    line: int  # 1-based line in the source file
    role: str  # what translators are told in the `#.` comment, e.g. "list item 2"


@dataclass(frozen=True)
class Heading:
    level: int
    text: Segment
    kind: str = "heading"


@dataclass(frozen=True)
class Paragraph:
    text: Segment
    kind: str = "paragraph"


@dataclass(frozen=True)
class ListBlock:
    ordered: bool
    items: tuple[Segment, ...]
    kind: str = "list"


@dataclass(frozen=True)
class Table:
    caption: Segment  # required: screen readers announce a table by its caption
    columns: tuple[Segment, ...]
    rows: tuple[tuple[Segment, ...], ...]
    kind: str = "table"


@dataclass(frozen=True)
class Quote:
    paragraphs: tuple[Segment, ...]
    kind: str = "quote"


@dataclass(frozen=True)
class FaqItem:
    question: Segment
    answer: tuple[Segment, ...]


@dataclass(frozen=True)
class Faq:
    items: tuple[FaqItem, ...]
    kind: str = "faq"


Block = Heading | Paragraph | ListBlock | Table | Quote | Faq


@dataclass(frozen=True)
class ConditionRef:
    """A condition the article is about: an id from conditions.yaml, and where the article names it."""

    id: str
    line: int


@dataclass(frozen=True)
class Article:
    slug: str
    title: Segment
    summary: Segment
    published: dt.date
    updated: dt.date
    reviewed: dt.date | None
    blocks: tuple[Block, ...]
    source_hash: str  # sha256 of the translatable text: a review names it, so a later edit shows
    path: Path
    conditions: tuple[ConditionRef, ...] = ()  # front matter `conditions: [id, ...]` (see api.sources.conditions)

    def segments(self) -> Iterator[Segment]:
        """Every translatable text, in reading order (title and summary first)."""
        yield self.title
        yield self.summary
        for block in self.blocks:
            yield from block_segments(block)


def block_segments(block: Block) -> Iterator[Segment]:
    match block:
        case Heading(text=text) | Paragraph(text=text):
            yield text
        case ListBlock(items=items) | Quote(paragraphs=items):
            yield from items
        case Table():
            yield block.caption
            yield from block.columns
            for row in block.rows:
                yield from row
        case Faq():
            for item in block.items:
                yield item.question
                yield from item.answer


def _parser() -> MarkdownIt:
    # html=False: the source may not carry raw HTML into any page.
    return MarkdownIt("commonmark", {"html": False}).enable("table").use(front_matter_plugin).use(deflist_plugin)


_MD = _parser()
# libyaml's safe loader where PyYAML was built with it: the same documents and marks, a tenth of the time
# (front matter is read twice per article, 1,000 times at 500 articles).
_YAML: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_article(path: Path, text: str | None = None) -> Article:
    raw = path.read_text(encoding="utf-8") if text is None else text
    root = SyntaxTreeNode(_MD.parse(raw))
    return _Builder(path, raw, root).build()


def load_articles(content_dir: Path, cache: ParseCache | None = None) -> dict[str, Article]:
    """All articles under a folder, by slug, in the order of their file names (a file whose bytes
    the cache has seen is not parsed again)."""
    articles: dict[str, Article] = {}
    for path in sorted(content_dir.glob("*.md")):
        if cache is None:
            article = parse_article(path)
        else:
            raw = path.read_bytes()
            key = cache.key("article", str(path), raw)
            found = cache.get(key)
            if isinstance(found, Article):
                article = found
            else:
                article = parse_article(path)
                cache.put(key, article)
        if article.slug in articles:
            raise ContentError(f"{path}: slug {article.slug!r} is already used by {articles[article.slug].path}")
        articles[article.slug] = article
    return articles


def _line(node: SyntaxTreeNode) -> int:
    return (node.map[0] + 1) if node.map else 0


def _inline(node: SyntaxTreeNode) -> str:
    """The inline Markdown source of a block that holds one inline run."""
    for child in node.children:
        if child.type == "inline":
            return child.content.strip()
    return ""


class _Builder:
    def __init__(self, path: Path, raw: str, root: SyntaxTreeNode) -> None:
        self.path = path
        self.raw = raw
        self.root = root

    def fail(self, line: int, message: str) -> ContentError:
        return ContentError(f"{self.path}:{line}: {message}")

    def _slug(self, meta: dict[str, Any]) -> str:
        slug = str(meta["slug"])
        if not SLUG.fullmatch(slug) or len(slug) > 120:
            line = next((n for n, text in enumerate(self.raw.splitlines(), 1) if text.startswith("slug:")), 1)
            raise self.fail(line, f"slug {slug[:60]!r}: use lower-case letters, digits and hyphens")
        return slug

    def build(self) -> Article:
        nodes = list(self.root.children)
        meta = self._front_matter(nodes)
        title: Segment | None = None
        blocks: list[Block] = []
        counts: dict[str, int] = {}

        def role(kind: str) -> str:
            counts[kind] = counts.get(kind, 0) + 1
            return f"{kind} {counts[kind]}"

        i = 0
        while i < len(nodes):
            node = nodes[i]
            line = _line(node)
            if node.type == "front_matter":
                pass
            elif node.type == "heading":
                level = int(node.tag[1])
                if level == 1:
                    if title is not None or blocks:
                        raise self.fail(line, "the `#` title must be the first block and appear once")
                    title = Segment(_inline(node), line, "title")
                else:
                    blocks.append(Heading(level, Segment(_inline(node), line, f"heading level {level}")))
            elif node.type == "paragraph":
                text = _inline(node)
                if text.startswith(CAPTION_PREFIX):
                    raise self.fail(line, "a `Table:` caption must directly follow a table")
                blocks.append(Paragraph(Segment(text, line, role("paragraph"))))
            elif node.type in ("bullet_list", "ordered_list"):
                n = role("list")
                items = tuple(
                    Segment(self._single_paragraph(item), _line(item), f"{n}, item {k}")
                    for k, item in enumerate(node.children, 1)
                )
                blocks.append(ListBlock(node.type == "ordered_list", items))
            elif node.type == "table":
                nxt = nodes[i + 1] if i + 1 < len(nodes) else None
                if nxt is None or nxt.type != "paragraph" or not _inline(nxt).startswith(CAPTION_PREFIX):
                    raise self.fail(_line(node), "a table needs a caption: a `Table: ...` paragraph right after it")
                i += 1
                n = role("table")
                caption = Segment(_inline(nxt)[len(CAPTION_PREFIX):].strip(), _line(nxt), f"{n}, caption")
                blocks.append(self._table(node, n, caption))
            elif node.type == "blockquote":
                n = role("quote")
                paras = []
                for k, child in enumerate(node.children, 1):
                    if child.type != "paragraph":
                        raise self.fail(_line(child), "a quote may hold only paragraphs")
                    paras.append(Segment(_inline(child), _line(child), f"{n}, paragraph {k}"))
                blocks.append(Quote(tuple(paras)))
            elif node.type == "dl":
                blocks.append(self._faq(node, role("faq")))
            else:
                raise self.fail(line, f"unsupported Markdown block: {node.type}")
            i += 1

        if title is None:
            raise self.fail(1, "the article needs a `#` title")
        summary_line = next(
            (n for n, text in enumerate(self.raw.splitlines(), 1) if text.startswith("summary:")), 1
        )
        summary = Segment(str(meta["summary"]).strip(), summary_line, "summary (front matter)")
        article = Article(
            slug=self._slug(meta),
            title=title,
            summary=summary,
            published=_date(meta["published"]),
            updated=_date(meta["updated"]),
            reviewed=_date(meta["reviewed"]) if meta.get("reviewed") else None,
            blocks=tuple(blocks),
            source_hash="",
            path=self.path,
            conditions=self._conditions(nodes[0]),
        )
        digest = hashlib.sha256("\n".join(s.source for s in article.segments()).encode("utf-8")).hexdigest()
        return replace(article, source_hash=digest)

    def _front_matter(self, nodes: list[SyntaxTreeNode]) -> dict[str, Any]:
        if not nodes or nodes[0].type != "front_matter":
            raise self.fail(1, "the article needs YAML front matter (--- slug, published, updated, summary ---)")
        try:
            meta = yaml.load(nodes[0].content, Loader=_YAML) or {}  # noqa: S506  # a safe loader
        except yaml.YAMLError as exc:
            raise self.fail(1, f"front matter is not valid YAML: {exc}") from exc
        missing = [key for key in REQUIRED_META if key not in meta]
        if missing:
            raise self.fail(1, f"front matter lacks {', '.join(missing)}")
        return dict(meta)

    def _conditions(self, node: SyntaxTreeNode) -> tuple[ConditionRef, ...]:
        """`conditions: [depression, anxiety]` (or a block list) -> ids with their lines."""
        root = yaml.compose(node.content, Loader=_YAML)
        fields = {str(k.value): v for k, v in root.value} if isinstance(root, yaml.MappingNode) else {}
        value = fields.get("conditions")
        if value is None:
            return ()
        first = 2 + value.start_mark.line  # the front matter starts on the line after `---`
        if not isinstance(value, yaml.SequenceNode):
            raise self.fail(first, "`conditions` is a list of condition ids, e.g. [depression, anxiety]")
        refs: list[ConditionRef] = []
        for item in value.value:
            line = 2 + item.start_mark.line
            text = str(item.value) if isinstance(item, yaml.ScalarNode) else ""
            if not CONDITION_ID.fullmatch(text):
                raise self.fail(line, f"a condition is an id from conditions.yaml, not {text or item.tag!r}")
            if any(r.id == text for r in refs):
                raise self.fail(line, f"condition {text!r} is listed twice")
            refs.append(ConditionRef(text, line))
        return tuple(refs)

    def _single_paragraph(self, item: SyntaxTreeNode) -> str:
        if len(item.children) != 1 or item.children[0].type != "paragraph":
            raise self.fail(_line(item), "a list item must be one paragraph (no nested lists or blocks)")
        return _inline(item.children[0])

    def _table(self, node: SyntaxTreeNode, n: str, caption: Segment) -> Table:
        columns: tuple[Segment, ...] = ()
        rows: list[tuple[Segment, ...]] = []
        for part in node.children:  # thead, tbody
            for r, tr in enumerate(part.children, 1):
                cells = tr.children
                if part.type == "thead":
                    columns = tuple(
                        Segment(_inline(c), _line(tr) or _line(node), f"{n}, column header {k}")
                        for k, c in enumerate(cells, 1)
                    )
                else:
                    rows.append(tuple(
                        Segment(_inline(c), _line(tr), f"{n}, row {r}, column {k}") for k, c in enumerate(cells, 1)
                    ))
        return Table(caption, columns, tuple(rows))

    def _faq(self, node: SyntaxTreeNode, n: str) -> Faq:
        items: list[FaqItem] = []
        question: Segment | None = None
        k = 0
        for child in node.children:
            if child.type == "dt":
                k += 1
                question = Segment(_inline(child), _line(child), f"{n}, question {k}")
                items.append(FaqItem(question, ()))
            elif child.type == "dd" and question is not None:
                answer = []
                for p, para in enumerate(child.children, 1):
                    if para.type != "paragraph":
                        raise self.fail(_line(para), "a FAQ answer may hold only paragraphs")
                    answer.append(Segment(_inline(para), _line(para), f"{n}, answer {k}, paragraph {p}"))
                items[-1] = FaqItem(question, items[-1].answer + tuple(answer))
        return Faq(tuple(items))


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
