"""The inline renderer: translator text can never inject markup or script."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.i18n.markup import is_safe_url, render_inline, shape


def test_emphasis_and_links_render() -> None:
    r = render_inline("**Safety matters.** See [the guide](https://example.org/a?b=1&c=2).")
    assert r.html == (
        '<strong>Safety matters.</strong> See <a href="https://example.org/a?b=1&amp;c=2">the guide</a>.'
    )
    assert r.text == "Safety matters. See the guide."


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        "[x](javascript:alert(1))",
        "[x](JAVASCRIPT:alert(1))",
        "[x](java\tscript:alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "![x](javascript:alert(1))",
        "<javascript:alert(1)>",
        "[x](//evil.example/)",
    ],
)
def test_hostile_text_is_inert(source: str) -> None:
    html = str(render_inline(source).html).lower()
    assert "<script" not in html and "<img" not in html
    assert "href=\"javascript" not in html and "href=\"vbscript" not in html and "href=\"data" not in html
    assert "href=\"//" not in html


@pytest.mark.parametrize(
    ("url", "ok"),
    [("https://a.b", True), ("http://a.b", True), ("mailto:x@y.z", True), ("tel:988", True),
     ("/es/articles/x", True), ("#help-now", True), ("other-article", True),
     ("javascript:x", False), ("data:x", False), ("file:///etc/passwd", False), ("//evil", False)],
)
def test_link_targets(url: str, ok: bool) -> None:
    assert is_safe_url(url) is ok


def test_shape_sees_markup_not_words() -> None:
    assert shape("**Hola** mundo") == shape("**Hello** world")
    assert shape("Hola mundo") != shape("**Hello** world")
    assert shape("[a](https://x)") != shape("[a](https://y)")


@settings(deadline=None)  # property, not speed: no timing on shared machines
@given(st.text(max_size=200))
def test_any_text_renders_without_raw_tags(text: str) -> None:
    html = str(render_inline(text).html)
    # The only tags ever produced are our own inline ones.
    tags = set(re.findall(r"<\s*/?\s*([a-zA-Z][a-zA-Z0-9]*)", html))
    assert tags <= {"strong", "em", "a", "code", "br"}
    assert 'href="javascript' not in html.lower()
