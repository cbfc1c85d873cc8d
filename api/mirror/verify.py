"""What the mirror checks before it stores an article, and the HTML allowlist.

An article is stored only if it is the slug and language asked for, its ``content_hash``
recomputed from the JSON matches (:mod:`api.contenthash`: it covers the text, the ``html``
body and the crisis block), its crisis block has the expected shape with contact links a
reader can safely follow, and every piece of markup in it (the ``html`` body, and the ``html``
of the title, the summary and every block) is markup the server's own renderer emits.

The allowlist is derived from what the server writes: ``site/templates/_blocks.html`` (headings
2-6, paragraphs, lists, the table with its scroll wrapper, block quotes, the FAQ wrapper, each
text's ``lang``/``dir``) and ``api/markup.py`` (inline: links to http(s), mailto, tel and
site-relative paths, strong, em, code, line breaks). :func:`sanitize` keeps exactly that, with
`nh3 <https://nh3.readthedocs.io>`_ (the Rust html5ever parser and the ammonia sanitizer);
:func:`foreign_markup` names the first thing it would drop. A server whose markup goes beyond
the allowlist is not trusted with any of the article: the previous copy stays.
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser

import nh3

from api.core.contenthash import content_hash
from api.mirror.text import TAG, printable

HEADINGS = {f"h{level}" for level in range(2, 7)}
TEXT_TAGS = {*HEADINGS, "p", "li", "caption", "th", "td"}  # blocks whose text may carry lang and dir
TAGS = {*TEXT_TAGS, "ul", "ol", "div", "table", "thead", "tbody", "tr", "blockquote", "a", "strong", "em", "code", "br"}
CLASSES = {"div": {"table-scroll", "faq"}}
ATTRIBUTE_VALUES = {
    **{tag: {"dir": {"ltr", "rtl"}} for tag in TEXT_TAGS},
    "table": {"tabindex": {"0"}},
}
ATTRIBUTES = {
    **{tag: {"lang"} for tag in TEXT_TAGS},
    "th": {"lang", "scope"},  # scope="col": checked in _attribute
    "a": {"href", "title"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}  # and relative references (ammonia keeps those)
CONTACT_SCHEMES = ("https:", "http:", "tel:", "sms:", "mailto:")  # crisis contact links


def _attribute(tag: str, name: str, value: str) -> str | None:
    if name == "lang":
        return value if TAG.fullmatch(value) else None
    if name == "scope":
        return value if value == "col" else None
    if name == "href" and value.startswith("//"):
        return None  # a scheme-relative link leaves the site
    return value


def sanitize(html: str) -> str:
    """`html` with only the server renderer's tags, attributes and link schemes (the rest removed)."""
    return nh3.clean(
        html, tags=TAGS, clean_content_tags={"script", "style"}, attributes=ATTRIBUTES,
        tag_attribute_values=ATTRIBUTE_VALUES, allowed_classes=CLASSES, url_schemes=URL_SCHEMES,
        attribute_filter=_attribute, link_rel=None, strip_comments=True,
    )


class _Tokens(HTMLParser):
    """Tags with their attributes, and text with character references resolved: markup compared by meaning."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        shown = "".join(f' {k}="{v}"' if v is not None else f" {k}" for k, v in sorted(attrs))
        self.tokens.append(f"<{tag}{shown}>")

    def handle_endtag(self, tag: str) -> None:
        if tag != "br":
            self.tokens.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self.tokens and not self.tokens[-1].startswith("<"):
            self.tokens[-1] += data
        else:
            self.tokens.append(data)

    def handle_comment(self, data: str) -> None:
        self.tokens.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.tokens.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.tokens.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.tokens.append(f"<![{data}]>")


def _tokens(html: str) -> list[str]:
    parser = _Tokens()
    parser.feed(html)
    parser.close()
    return parser.tokens


def foreign_markup(html: str) -> str | None:
    """The first piece of `html` the allowlist removes (printable), or None if it keeps all of it.

    Compares by meaning, so that the sanitizer writing ``"`` for ``&quot;`` or ``<br>`` for
    ``<br />`` is not a difference."""
    served, kept = _tokens(html), _tokens(sanitize(html))
    if served == kept:
        return None
    first = next((a for a, b in zip(served, kept, strict=False) if a != b), served[len(kept)] if len(served) > len(kept)
                 else "markup")
    return printable(first, 80)


def _markup(data: dict[str, object]) -> Iterator[tuple[str, object]]:
    """Every HTML string of an article: the body, the title's and summary's, and each block text's."""
    yield "html", data.get("html")
    for name in ("title", "summary"):
        text = data.get(name)
        yield f"{name}.html", text.get("html") if isinstance(text, dict) else None
    stack: list[object] = [data.get("blocks")]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key == "html":
                    yield "blocks", value
                else:
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)


def _crisis_problem(crisis: object) -> str | None:
    resources = crisis.get("resources") if isinstance(crisis, dict) else None
    heading = crisis.get("heading") if isinstance(crisis, dict) else None
    if not (isinstance(heading, dict) and heading.get("text") and isinstance(resources, list) and resources
            and all(isinstance(r, dict) and isinstance(r.get("name"), dict) and r["name"].get("text")
                    and isinstance(r.get("contacts", []), list) for r in resources)
            and any(r.get("contacts") for r in resources)):
        return "the crisis block is missing or empty"
    for resource in resources:
        for contact in resource.get("contacts", []):
            href = contact.get("href") if isinstance(contact, dict) else None
            if not (isinstance(href, str) and href.lower().startswith(CONTACT_SCHEMES)):
                return f"a crisis contact link is not https, tel, sms or mailto: {printable(href, 80)}"
    return None


def check_article(data: object, slug: str, lang: str) -> str | None:
    """Why an article must not be stored (printable), or None if it may."""
    if not isinstance(data, dict):
        return "not a JSON object"
    if data.get("slug") != slug or data.get("lang") != lang:
        return f"answered {printable(data.get('lang'), 40)}/{printable(data.get('slug'), 130)} instead"
    if data.get("content_hash") != content_hash(data):
        return "content_hash does not match the content (damaged or altered in transit)"
    problem = _crisis_problem(data.get("crisis"))
    if problem:
        return problem
    for where, html in _markup(data):
        if not isinstance(html, str):
            if where == "html":
                return "the html fragment is missing"
            continue
        foreign = foreign_markup(html)
        if foreign is not None:
            return f"{where} carries markup the site never writes: {foreign}"
    source = data.get("canonical_url")
    if not (isinstance(source, str) and source.lower().startswith(("https://", "http://"))):
        return "canonical_url is not an http(s) URL"
    return None
