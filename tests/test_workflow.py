"""The owner adds an article: it is served at once, in English everywhere it is not yet translated,
marked as such, and partners see it in the listing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from starlette.testclient import TestClient

from tests.htmltext import find

NEW = """---
slug: grounding
published: 2026-12-01
updated: 2026-12-02
summary: A short grounding exercise.
---

# A Grounding Exercise

Name **five** things you can see. Read [more](https://example.org/grounding).

| Step | What to do |
| --- | --- |
| 1 | Breathe |

Table: The steps.
"""


def test_new_article_is_served_in_english_and_marked(project_copy: Path, make_client: Callable[[], TestClient]) -> None:
    (project_copy / "content" / "grounding.md").write_text(NEW, encoding="utf-8")
    client = make_client()

    listing = client.get("/api/v1/articles?lang=ar&per_page=1")
    assert listing.json()["total"] == 2
    assert 'rel="next"' in listing.headers["link"]
    since = client.get("/api/v1/articles?updated_since=2026-12-02").json()["articles"]
    assert [a["slug"] for a in since] == ["grounding"]

    data = client.get("/api/v1/articles/grounding?lang=ar").json()
    assert data["lang"] == "ar" and data["title"]["lang"] == "en"
    assert data["translation"]["percent"] == 0 and data["translation"]["untranslated"] > 0
    paragraph = next(b for b in data["blocks"] if b["type"] == "paragraph")
    assert paragraph["text"]["html"] == (
        'Name <strong>five</strong> things you can see. Read <a href="https://example.org/grounding">more</a>.'
    )

    html = client.get("/ar/articles/grounding").text
    assert find(html, "html")[0].attrs["dir"] == "rtl"
    h1 = find(html, "h1")[0]
    assert (h1.attrs["lang"], h1.attrs["dir"]) == ("en", "ltr")
    assert find(html, "div", class_="notice")  # readers are told parts are in English

    home = client.get("/es/").text
    assert len(find(home, "ul", class_="article-list")[0].children) == 2
    locales = {x["tag"]: x for x in client.get("/api/v1/locales").json()["locales"]}
    assert locales["es"]["completeness"]["content"]["percent"] < 100
