"""What the mirror checks before it stores: the HTML allowlist against the server's real markup, the
content_hash contract, and the small pure pieces (language tags, printable text, JSON depth); and that
the mirror runs without the server's code."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.testclient import TestClient

from api.core.contenthash import content_hash
from api.core.settings import ROOT
from api.i18n.negotiation import normalize_tag
from api.mirror.client import json_depth
from api.mirror.text import canonical_tag, printable
from api.mirror.verify import check_article, foreign_markup, sanitize
from tests.corpus import Corpus
from tests.hostile import Stage, capture_corpus


def markup(data: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Every HTML string the server writes into an article: the body, title, summary and every block text."""
    yield "html", data["html"]
    yield "title", data["title"]["html"]
    yield "summary", data["summary"]["html"]
    stack: list[Any] = [data["blocks"]]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(v for k, v in item.items() if k != "html")
            if isinstance(item.get("html"), str):
                yield "block", item["html"]
        elif isinstance(item, list):
            stack.extend(item)


def test_the_allowlist_keeps_all_the_servers_markup(corpus: Corpus, corpus_client: TestClient) -> None:
    """Every article of the fixture corpus (both variants, every language): its markup passes through the
    sanitizer byte for byte, so the allowlist is exactly as wide as the server's renderer, and it verifies."""
    seen = 0
    for tag in corpus.tags:
        for slug in corpus.slugs:
            data = corpus_client.get(f"/api/v1/articles/{slug}?lang={tag}").json()
            assert data["content_hash"] == content_hash(data)
            assert check_article(data, slug, tag) is None, (tag, slug)
            for where, html in markup(data):
                assert sanitize(html) == html, (tag, slug, where)
                seen += 1
    assert seen > 100


@pytest.mark.parametrize(("served", "kept"), [
    ('<p>Hi</p><script>alert(1)</script>', "<p>Hi</p>"),
    ('<p onclick="steal()">Hi</p>', "<p>Hi</p>"),
    ('<img src="x" onerror="alert(1)"><p>Hi</p>', "<p>Hi</p>"),
    ('<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="java\tscript:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="data:text/html,&lt;script&gt;">x</a>', "<a>x</a>"),
    ('<a href="//evil.example/">x</a>', "<a>x</a>"),
    ('<a href="https://example.org/" target="_blank" rel="opener">x</a>', '<a href="https://example.org/">x</a>'),
    ('<p style="position:fixed">x</p><style>p{}</style>', "<p>x</p>"),
    ('<iframe src="https://evil.example/"></iframe><form><input name="q"></form>x', "x"),
    ('<div class="faq evil">x</div>', '<div class="faq">x</div>'),
    ('<p lang="x&quot; onclick=&quot;y" dir="sideways">x</p>', "<p>x</p>"),
    ("<!-- hidden --><p>x</p>", "<p>x</p>"),
])
def test_sanitize_removes_what_the_site_never_writes(served: str, kept: str) -> None:
    assert sanitize(served) == kept
    assert foreign_markup(served) is not None


@pytest.mark.parametrize("served", [
    '<p lang="en" dir="ltr">Say &quot;hi&quot; &amp; <strong>wave</strong>, <em>gently</em>, <code>ok</code>.</p>',
    '<h2>Title</h2>\n<ul>\n  <li>One</li>\n</ul>\n<ol>\n  <li dir="rtl" lang="fa">Two</li>\n</ol>',
    '<p>Line<br />break, no\u00a0break, <a href="tel:988">988</a> <a href="mailto:a@b.example">mail</a>'
    ' <a href="/es/articles/x">here</a> <a href="other">there</a> <a href="#top">top</a></p>',
    '<div class="table-scroll">\n<table tabindex="0">\n  <caption>C</caption>\n  <thead><tr><th scope="col">H</th>'
    '</tr></thead>\n  <tbody>\n    <tr><td>D</td></tr>\n  </tbody>\n</table>\n</div>',
])
def test_what_the_renderer_writes_is_not_foreign(served: str) -> None:
    """Markup the server writes (_blocks.html, api/markup.py) is kept, written alike or not (`&quot;`, `<br />`)."""
    assert foreign_markup(served) is None


@pytest.fixture(scope="module")
def article(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    data: dict[str, Any] = capture_corpus(tmp_path_factory.mktemp("verify-corpus"))["articles"]["es/first-steps"]
    return data


def test_content_hash_covers_the_html_and_the_crisis_block(article: dict[str, Any]) -> None:
    def changed(edit: Any) -> bool:
        data = copy.deepcopy(article)
        edit(data)
        return content_hash(data) != article["content_hash"]

    assert content_hash(article) == article["content_hash"]
    assert changed(lambda d: d.update(html=d["html"].replace("</p>", " </p>", 1)))
    phone = next(c for r in article["crisis"]["resources"] for c in r["contacts"] if c["kind"] == "phone")
    assert changed(lambda d: next(c for r in d["crisis"]["resources"] for c in r["contacts"]
                                  if c["href"] == phone["href"]).update(href="tel:+1-555-0100"))
    assert changed(lambda d: d["crisis"]["resources"].pop())
    assert changed(lambda d: d["blocks"].pop())
    # Where the site is served, and fixed texts, are not part of it.
    assert not changed(lambda d: d["urls"].update(json="https://elsewhere.example/x"))
    assert not changed(lambda d: d.update(requested_lang="es-MX"))


@pytest.mark.parametrize("tag", ["es", "ES", "pt-br", "PT-BR", "zh-hant", "ZH-HANT-tw", "es-419", "fil", "sr-latn-rs",
                                 "de-ch-1996", "en-us-x-twain"])
def test_canonical_tag_is_the_servers_normalize_tag(tag: str) -> None:
    """The mirror keeps its own copy (it runs without the server's code): the two must agree."""
    assert canonical_tag(tag) == normalize_tag(tag)


def test_printable_escapes_what_a_terminal_acts_on() -> None:
    assert printable("\x1b]0;title\x07\x1b[2J\rOK\n\x7f\x9b\u202eabc\u2066") == (
        "\\x1b]0;title\\x07\\x1b[2J\\x0dOK\\x0a\\x7f\\x9b\\u202eabc\\u2066")
    kept = "Cómo dormir mejor · 如何 · كيف\u00a0ok"
    assert printable(kept) == kept
    assert printable(printable("\x1b[2J")) == printable("\x1b[2J")  # idempotent
    assert printable("x" * 1000, 10) == "x" * 10 + "…"


def nested(depth: int) -> Any:
    value: Any = "[{\"]}"  # brackets and an escaped quote inside a string do not count
    for i in range(depth):
        value = [value] if i % 2 else {"k": value}
    return value


@given(st.integers(min_value=0, max_value=60))
def test_json_depth_counts_nesting_without_parsing(depth: int) -> None:
    assert json_depth(json.dumps(nested(depth)).encode()) == depth


# -- a clinic runs the mirror without the server ------------------------------------------------------------------

BLOCKED_RUN = """
import importlib.abc, sys
SERVER = ("starlette", "jinja2", "babel", "msgspec", "markdown_it", "mdit_py_plugins", "yaml", "brotli", "uvicorn",
          "markupsafe")

class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        mine = name in ("api", "api.core", "api.core.contenthash") or name == "api.mirror" \
            or name.startswith("api.mirror.")
        if name.split(".")[0] in SERVER or name.startswith("api") and not mine:
            raise ImportError(f"the mirror imported {name}")
        return None

sys.meta_path.insert(0, Block())
from api.mirror import mirror, report
result = mirror(sys.argv[1], sys.argv[2], ["es", "fa"], allow_http=True)
report(result)
print(sorted(m for m in sys.modules if m == "api" or m.startswith("api.")))
sys.exit(result.exit_status)
"""


def test_the_mirror_imports_nothing_of_the_server(tmp_path: Path) -> None:
    with Stage(capture_corpus(tmp_path / "corpus")) as stage:
        run = subprocess.run([sys.executable, "-c", BLOCKED_RUN, stage.server.url, str(tmp_path / "mirror")],
                             cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert (run.returncode, run.stderr) == (0, "")
    loaded = json.loads(run.stdout.strip().replace("'", '"'))
    assert all(m in ("api", "api.core", "api.core.contenthash") or m.startswith("api.mirror") for m in loaded), loaded
