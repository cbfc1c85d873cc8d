"""Tiny HTML readers for tests: the text of an element, and elements with their attributes."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

INLINE = {"a", "strong", "em", "code", "span", "time", "bdi", "b", "i", "abbr", "small"}
VOID = {"meta", "link", "br", "img", "input", "hr", "source", "wbr", "area", "base", "col", "embed", "track"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    children: list[Element] = field(default_factory=list)


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#root", {})
        self.stack = [self.root]
        self.all: list[Element] = []
        self.events: list[tuple[str, list[Element]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        el = Element(tag, {k: v or "" for k, v in attrs})
        if tag not in INLINE:  # a block or cell boundary separates words, as a screen reader hears it
            self.events.append((" ", list(self.stack)))
        self.stack[-1].children.append(el)
        self.all.append(el)
        if tag not in VOID:
            self.stack.append(el)

    def handle_endtag(self, tag: str) -> None:
        if tag not in INLINE:
            self.events.append((" ", list(self.stack)))
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                break

    def handle_data(self, data: str) -> None:
        self.events.append((data, list(self.stack)))
        for el in self.stack[1:]:
            el.text += data


def parse(html: str) -> list[Element]:
    tree = _Tree()
    tree.feed(html)
    return tree.all


def find(html: str, tag: str | None = None, **attrs: str) -> list[Element]:
    """Elements by tag and attributes; `class_` means class, `aria_current` means aria-current."""
    wanted = {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()}
    return [
        el for el in parse(html)
        if (tag is None or el.tag == tag) and all(el.attrs.get(k) == v for k, v in wanted.items())
    ]


def reading_text(html: str, root: Element) -> str:
    """The words inside `root`, in reading order, with a table's caption read after the table
    (where CSS shows it, and where the owner's text has it)."""
    tree = _Tree()
    tree.feed(html)
    target = next(el for el in tree.all if el.tag == root.tag and el.attrs == root.attrs)
    out: list[str] = []
    held: list[str] = []
    held_table: Element | None = None
    for data, stack in tree.events:
        if held_table is not None and held_table not in stack:
            out.extend(held)
            held, held_table = [], None
        if target not in stack:
            continue
        caption = next((i for i, el in enumerate(stack) if el.tag == "caption"), None)
        if caption is not None:
            held.append(data)
            held_table = stack[caption - 1]
        else:
            out.append(data)
    out.extend(held)
    return "".join(out)


def words(text: str) -> list[str]:
    return text.replace("\u00a0", " ").split()
