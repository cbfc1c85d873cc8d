"""The JSON API as a clinic developer meets it."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from api.core.contenthash import content_hash
from tests.corpus import SLUG, UNKNOWN, Corpus

PROBLEM = "application/problem+json"


def test_locales_lists_every_served_locale(corpus_client: TestClient, corpus: Corpus) -> None:
    r = corpus_client.get("/api/v1/locales")
    assert r.status_code == 200
    locales = r.json()["locales"]
    assert [loc["tag"] for loc in locales] == list(corpus.tags)
    by_tag = {loc["tag"]: loc for loc in locales}
    assert by_tag["es"]["autonym"] == "Español" and by_tag["es"]["english_name"] == "Spanish"
    assert by_tag["fa"]["dir"] == "rtl" and by_tag["fa"]["autonym"] == "فارسی"
    assert by_tag["zh-Hant"]["gettext"] == "zh_Hant"
    assert by_tag["en"]["completeness"]["content"]["percent"] == 100
    for loc in locales:
        assert set(loc["completeness"]["content"]) >= {"translated", "fuzzy", "untranslated", "obsolete", "percent"}


def test_article_in_spanish(corpus_client: TestClient, corpus: Corpus) -> None:
    r = corpus_client.get(f"/api/v1/articles/{SLUG}?lang=es")
    assert r.status_code == 200
    assert r.headers["content-language"] == "es"
    assert "accept-language" not in r.headers.get("vary", "").lower()
    data = r.json()
    assert data["lang"] == "es" and data["dir"] == "ltr" and data["slug"] == SLUG
    assert data["title"]["lang"] == "es"
    assert data["title"]["text"] == "[es] First Steps Toward Feeling Better"
    kinds = [b["type"] for b in data["blocks"]]
    assert {"heading", "paragraph", "list", "table", "quote", "faq"} <= set(kinds)
    table = next(b for b in data["blocks"] if b["type"] == "table")
    assert len(table["columns"]) == 2 and len(table["rows"]) == 4 and table["caption"]["text"]
    heading = next(b for b in data["blocks"] if b["type"] == "heading")
    assert heading["level"] == 2 and set(heading["text"]) == {"text", "html", "lang"}
    assert {a["lang"] for a in data["alternates"]} == set(corpus.tags)
    assert data["translation"]["percent"] == 100
    assert data["published"] == "2026-01-10"


def test_a_countrys_article_carries_its_own_content_hash(corpus_client: TestClient) -> None:
    """?country= changes the help-now block, so the hash a mirror re-checks changes with it."""
    plain = corpus_client.get(f"/api/v1/articles/{SLUG}?lang=es").json()
    canada = corpus_client.get(f"/api/v1/articles/{SLUG}?lang=es&country=CA").json()
    assert canada["crisis"] != plain["crisis"]
    assert content_hash(canada) == canada["content_hash"] != plain["content_hash"]
    assert content_hash(plain) == plain["content_hash"]


def test_every_locale_serves_the_article(corpus_client: TestClient, corpus: Corpus) -> None:
    for tag in corpus.tags:
        for slug in corpus.slugs:
            r = corpus_client.get(f"/api/v1/articles/{slug}?lang={tag}")
            assert r.status_code == 200, (tag, slug)
            assert r.json()["lang"] == tag


def test_accept_language_decides_without_lang(corpus_client: TestClient, corpus: Corpus) -> None:
    r = corpus_client.get(f"/api/v1/articles/{SLUG}", headers={"Accept-Language": "es-MX,es;q=0.9"})
    assert r.json()["lang"] == "es"
    assert r.headers["content-language"] == "es"
    assert "Accept-Language" in r.headers["vary"]
    r = corpus_client.get(f"/api/v1/articles/{SLUG}")
    assert r.json()["lang"] == "en" and "Accept-Language" in r.headers["vary"]


def test_lang_beats_accept_language(corpus_client: TestClient, corpus: Corpus) -> None:
    r = corpus_client.get(f"/api/v1/articles/{SLUG}?lang=ht", headers={"Accept-Language": "es"})
    assert r.json()["lang"] == "ht"


def test_article_list(corpus_client: TestClient, corpus: Corpus) -> None:
    data = corpus_client.get("/api/v1/articles?lang=fa").json()
    assert [item["slug"] for item in data["articles"]] == corpus.slugs and data["total"] == len(corpus.slugs)
    item = next(i for i in data["articles"] if i["slug"] == SLUG)
    assert item["lang"] == "fa" and item["dir"] == "rtl"
    assert item["urls"]["html"].endswith(f"/fa/articles/{SLUG}")
    assert item["urls"]["json"].endswith(f"/api/v1/articles/{SLUG}?lang=fa")
    assert item["available_languages"] == list(corpus.tags)


@pytest.mark.parametrize(
    ("url", "status", "kind"),
    [
        ("/api/v1/articles/nope?lang=es", 404, "unknown-article"),
        (f"/api/v1/articles/{SLUG}?lang={UNKNOWN}", 404, "unknown-language"),
        ("/api/v1/articles?lang=xx-YY", 404, "unknown-language"),
        ("/api/v1/nothing-here", 404, "not-found"),
    ],
)
def test_errors_are_problem_json(corpus_client: TestClient, corpus: Corpus, url: str, status: int, kind: str) -> None:
    r = corpus_client.get(url)
    assert r.status_code == status
    assert r.headers["content-type"].startswith(PROBLEM)
    body = r.json()
    assert body["status"] == status and body["type"].endswith(kind) and body["title"]
    if kind == "unknown-language":
        assert body["available"] == list(corpus.tags)


def test_wrong_method_is_405_with_allow(corpus_client: TestClient, corpus: Corpus) -> None:
    r = corpus_client.post("/api/v1/locales")
    assert r.status_code == 405
    assert r.headers["content-type"].startswith(PROBLEM)
    assert "GET" in r.headers["allow"]
