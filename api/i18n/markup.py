"""Inline Markdown (a strict subset) -> safe HTML, for English source and translator text alike.

Translator text is untrusted. The renderer is markdown-it-py with raw HTML switched off
(so ``<script>`` arrives as text, escaped), images switched off, and only the link
targets a reader can safely follow: http(s), mailto, tel and site-relative paths.
Anything else (``javascript:``, ``data:``, ``vbscript:``...) is not made a link at all.

:func:`shape` describes the markup of a text (links, emphasis, code) so that a translation
can be checked against its source: a msgstr that drops or adds a link or changes its target
is not served (see ``catalogs.py``) and ``check`` names it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

_SAFE_SCHEME = re.compile(r"^(https?:|mailto:|tel:|/(?!/)|#|\./|\.\./)", re.IGNORECASE)
_ANY_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:", re.IGNORECASE)
# Characters browsers strip or ignore inside URLs, which could hide a scheme: `java\tscript:`.
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]")


def is_safe_url(url: str) -> bool:
    url = _URL_NOISE.sub("", url)
    if _SAFE_SCHEME.match(url):
        return True
    # A relative reference without a scheme (e.g. `other-article`) is fine; any other scheme is not.
    return not _ANY_SCHEME.match(url) and not url.startswith("//")


def _make_renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable(["image", "html_inline", "autolink"])
    md.validateLink = is_safe_url  # type: ignore[method-assign]  # markdown-it's documented hook
    return md


_MD = _make_renderer()


@dataclass(frozen=True)
class Rendered:
    html: Markup
    text: str  # plain text, what a reader hears


@lru_cache(maxsize=8192)
def render_inline(source: str) -> Rendered:
    """Render one segment. Cached: a segment's HTML depends only on its text."""
    tokens = _MD.parseInline(source)
    html = _MD.renderer.render(tokens, _MD.options, {})
    text = "".join(_plain(child) for tok in tokens for child in (tok.children or []))
    # The renderer escapes every text token and emits only the tags above, so this is safe.
    return Rendered(Markup(html.strip()), text.strip())  # noqa: S704  # built by our strict renderer


def _plain(token: Token) -> str:
    if token.type in ("text", "code_inline"):
        return token.content
    if token.type in ("softbreak", "hardbreak"):
        return " "
    return ""


@dataclass(frozen=True)
class Shape:
    """What markup a text carries, ignoring its words."""

    links: tuple[str, ...]
    marks: tuple[tuple[str, int], ...]

    def describe(self) -> str:
        parts = [f"{count}x {name}" for name, count in self.marks]
        parts += [f"link to {href}" for href in self.links]
        return ", ".join(parts) or "no markup"


@lru_cache(maxsize=8192)
def shape(source: str) -> Shape:
    links: list[str] = []
    marks: Counter[str] = Counter()
    for tok in _MD.parseInline(source):
        for child in tok.children or []:
            if child.type == "link_open":
                links.append(str(child.attrs.get("href", "")))
            elif child.type in ("strong_open", "em_open", "code_inline"):
                marks[child.type.removesuffix("_open")] += 1
    return Shape(tuple(sorted(links)), tuple(sorted(marks.items())))


def unsafe_links(source: str) -> list[str]:
    """Link targets written in a text that the renderer refuses (reported by `check`)."""
    found: list[str] = []
    for match in re.finditer(r"\]\(\s*<?([^)\s>]*)", source):
        if not is_safe_url(match.group(1)):
            found.append(match.group(1))
    return found


