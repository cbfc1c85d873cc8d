"""The inline renderer and interface text: translator text can never inject markup or script."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from babel.support import Translations
from hypothesis import given, settings
from hypothesis import strategies as st

from api.i18n.markup import is_safe_url, render_inline, shape
from api.i18n.templating import English, gettext_callables, make_environment, plain


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


# Interface text (api.i18n.templating): translator text is escaped, English fallback is marked by `_()` ---------

def _translations(catalog: dict[Any, str]) -> Translations:
    translations = Translations()
    translations._catalog = catalog  # what a parsed .mo fills
    translations.plural = lambda n: int(n != 1)
    return translations


SPAN = '<span lang="en" dir="ltr">'


def test_served_message_is_escaped_and_unmarked() -> None:
    _ = gettext_callables(_translations({"Hello": "<b>Hola</b> %(name)s"}), english=False)["_"]
    out = _("Hello", name="<i>x</i>")
    assert out == "&lt;b&gt;Hola&lt;/b&gt; &lt;i&gt;x&lt;/i&gt;"
    assert plain(out) is out  # nothing to take off


def test_missing_message_comes_out_marked_and_plain_takes_the_span_off() -> None:
    g = gettext_callables(_translations({}), english=False)
    out = g["_"]("Skip <to> main")
    assert out == f"{SPAN}Skip &lt;to&gt; main</span>" and isinstance(out, English)
    assert plain(out) == "Skip &lt;to&gt; main" and "<" not in plain(out)
    assert g["ngettext"]("%(num)s article", "%(num)s articles", 2) == f"{SPAN}2 articles</span>"
    assert g["pgettext"]("crisis", "worldwide") == f"{SPAN}worldwide</span>"


def test_english_pages_get_no_span() -> None:
    assert gettext_callables(_translations({}), english=True)["_"]("Skip") == "Skip"


def test_translation_that_cannot_be_formatted_falls_back_marked() -> None:
    _ = gettext_callables(_translations({"Updated %(updated)s.": "<b>%(updated)d</b>"}), english=False)["_"]
    out = _("Updated %(updated)s.", updated="<x>")
    assert out == f"{SPAN}Updated &lt;x&gt;.</span>"
    assert plain(out) == "Updated &lt;x&gt;."


def test_plain_refuses_a_value_made_from_a_marked_message() -> None:
    out = gettext_callables(_translations({}), english=False)["_"]("Skip")
    with pytest.raises(TypeError):
        plain(out + "!")


def test_templates_write_the_span_in_text_and_plain_text_elsewhere(tmp_path: Path) -> None:
    (tmp_path / "t.html").write_text(
        '<title>{{ _("Hi") | plain }}</title><nav aria-label="{{ _("Hi") | plain }}"><p>{{ _("Hi") }}</p></nav>')
    env = make_environment(tmp_path)
    html = env.get_template("t.html").render(gettext_callables(_translations({}), english=False))
    assert html == f'<title>Hi</title><nav aria-label="Hi"><p>{SPAN}Hi</span></p></nav>'
