"""The English source: structure restored from the owner's text, and not one word lost or added."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from api.sources.content import ContentError, Faq, Heading, ListBlock, Quote, Table, load_articles, parse_article
from tests.conftest import SLUG
from tests.corpus import FIXTURES
from tests.htmltext import find, reading_text, words

ARTICLE = FIXTURES / "content" / f"{SLUG}.md"


def test_english_page_is_the_source_text_word_for_word(client: TestClient) -> None:
    html = client.get(f"/en/articles/{SLUG}").text
    title = find(html, "h1")[0]
    body = find(html, "div", id="article-body")[0]
    page = words(reading_text(html, title)) + words(reading_text(html, body))
    source = ARTICLE.read_text(encoding="utf-8").split("---\n", 2)[2]
    source = re.sub(r"^(#+ |- |\d+\. |> |: |Table: )", "", source, flags=re.MULTILINE)  # block markers
    source = re.sub(r"\[([^]]+)\]\([^)]+\)", r"\1", source)  # a link's text, not its address
    source = re.sub(r"^\|( --- \|)+$", "", source, flags=re.MULTILINE).replace("|", " ").replace("*", "")
    assert page == words(source)


def test_structure_is_restored() -> None:
    article = parse_article(ARTICLE)
    kinds = [b.kind for b in article.blocks]
    assert article.title.source == "First Steps Toward Feeling Better"
    assert [b.text.source for b in article.blocks if isinstance(b, Heading)] == [
        "What Can Help", "Comparing Options", "Questions",
    ]
    assert kinds.count("list") == 2
    ordered = [b for b in article.blocks if isinstance(b, ListBlock)]
    assert [len(b.items) for b in ordered] == [3, 2]
    table = next(b for b in article.blocks if isinstance(b, Table))
    assert [c.source for c in table.columns] == ["Option", "What it offers"]
    assert len(table.rows) == 4 and all(len(r) == 2 for r in table.rows)
    assert table.caption is not None and table.caption.source == "Options side by side."
    quote = next(b for b in article.blocks if isinstance(b, Quote))
    assert quote.paragraphs[0].source == "Every small step counts."
    faq = next(b for b in article.blocks if isinstance(b, Faq))
    assert len(faq.items) == 2
    assert faq.items[0].question.source == "Is it normal to feel unsure?"
    assert [a.source for a in faq.items[0].answer] == ["Yes. Many people do.", "It often gets easier."]


def test_front_matter() -> None:
    article = parse_article(ARTICLE)
    assert article.slug == SLUG
    assert article.published.isoformat() == "2026-01-10"
    assert article.summary.source.endswith(".")
    assert len(article.source_hash) == 64


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("# T\n\ntext\n", "front matter"),
        ("---\nslug: x\n---\n# T\n", "lacks published"),
        ("---\nslug: x\npublished: 2026-01-01\nupdated: 2026-01-01\nsummary: s\n---\ntext\n", "`#` title"),
        ("---\nslug: x\npublished: 2026-01-01\nupdated: 2026-01-01\nsummary: s\n---\n# T\n\n| a |\n| - |\n| b |\n",
         "caption"),
        ("---\nslug: x\npublished: 2026-01-01\nupdated: 2026-01-01\nsummary: s\n---\n# T\n\n- a\n  - nested\n",
         "one paragraph"),
        ("---\nslug: x\npublished: 2026-01-01\nupdated: 2026-01-01\nsummary: s\n---\n# T\n\n    code\n",
         "unsupported"),
        # A slug is every URL's last segment and a file name in exports and mirrors: plain characters only.
        ("---\npublished: 2026-01-01\nslug: Mood/../x y\nupdated: 2026-01-01\nsummary: s\n---\n# T\n\ntext\n",
         "slug 'Mood/../x y': use lower-case letters, digits and hyphens"),
    ],
)
def test_bad_source_names_file_and_line(tmp_path: Path, source: str, error: str) -> None:
    path = tmp_path / "bad.md"
    path.write_text(source, encoding="utf-8")
    with pytest.raises(ContentError, match=re.escape(error)) as info:
        parse_article(path)
    assert re.match(rf"{re.escape(str(path))}:\d+: ", str(info.value))


def test_duplicate_slugs_are_refused(tmp_path: Path) -> None:
    for name in ("a.md", "b.md"):
        (tmp_path / name).write_text(ARTICLE.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ContentError, match="already used"):
        load_articles(tmp_path)
