"""Sanitized inline HTML (what api.i18n.markup emits: strong, em, code, links) -> runs of characters.

The runs travel to Typst as JSON data, never as markup, so a translator's `#`, `$`, `*` or `]` is
shown as that character and cannot become Typst code.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import TypedDict
from urllib.parse import urljoin


class Run(TypedDict):
    t: str
    b: bool
    i: bool
    href: str | None


class _Runs(HTMLParser):
    def __init__(self, base: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base
        self.runs: list[Run] = []
        self.bold = 0
        self.italic = 0
        self.links: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "strong":
            self.bold += 1
        elif tag == "em":
            self.italic += 1
        elif tag == "a":
            href = dict(attrs).get("href")
            self.links.append(urljoin(self.base, href) if href else None)

    def handle_endtag(self, tag: str) -> None:
        if tag == "strong":
            self.bold = max(0, self.bold - 1)
        elif tag == "em":
            self.italic = max(0, self.italic - 1)
        elif tag == "a" and self.links:
            self.links.pop()

    def handle_data(self, data: str) -> None:
        if not data:
            return
        href = self.links[-1] if self.links else None
        run = Run(t=data, b=self.bold > 0, i=self.italic > 0, href=href)
        last = self.runs[-1] if self.runs else None
        if last is not None and (last["b"], last["i"], last["href"]) == (run["b"], run["i"], run["href"]):
            last["t"] += data
        else:
            self.runs.append(run)


def runs(html: str, base: str) -> list[Run]:
    """The runs of a sanitized inline HTML fragment; relative links made absolute against `base`."""
    parser = _Runs(base)
    parser.feed(html)
    parser.close()
    return parser.runs or [Run(t="", b=False, i=False, href=None)]
