"""The JSON API as a clinic developer meets it."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from api.locales import LOCALES
from tests.conftest import SLUG

PROBLEM = "application/problem+json"


def test_locales_lists_every_served_locale(client: TestClient) -> None:
    r = client.get("/api/v1/locales")
    assert r.status_code == 200
    locales = r.json()["locales"]
    assert [loc["tag"] for loc in locales] == [loc.tag for loc in LOCALES]
    by_tag = {loc["tag"]: loc for loc in locales}
    assert by_tag["es"]["autonym"] == "Español" and by_tag["es"]["english_name"] == "Spanish"
    assert by_tag["ar"]["dir"] == "rtl" and by_tag["ar"]["autonym"] == "العربية"
    assert by_tag["zh-Hant"]["gettext"] == "zh_Hant"
    assert by_tag["en"]["completeness"]["content"]["percent"] == 100
    for loc in locales:
        assert set(loc["completeness"]["content"]) >= {"translated", "fuzzy", "untranslated", "obsolete", "percent"}


def test_article_in_spanish(client: TestClient) -> None:
    r = client.get(f"/api/v1/articles/{SLUG}?lang=es")
    assert r.status_code == 200
    assert r.headers["content-language"] == "es"
    assert "accept-language" not in r.headers.get("vary", "").lower()
    data = r.json()
    assert data["lang"] == "es" and data["dir"] == "ltr" and data["slug"] == SLUG
    assert data["title"]["lang"] == "es"
    assert data["title"]["text"] != "How Medication and Therapy Work Together in Mental Health Healing"
    kinds = [b["type"] for b in data["blocks"]]
    assert {"heading", "paragraph", "list", "table", "quote", "faq"} <= set(kinds)
    table = next(b for b in data["blocks"] if b["type"] == "table")
    assert len(table["columns"]) == 2 and len(table["rows"]) == 4 and table["caption"]["text"]
    heading = next(b for b in data["blocks"] if b["type"] == "heading")
    assert heading["level"] == 2 and set(heading["text"]) == {"text", "html", "lang"}
    assert {a["lang"] for a in data["alternates"]} == {loc.tag for loc in LOCALES}
    assert data["translation"]["percent"] == 100
    assert data["published"] == "2026-11-27"


def test_every_locale_serves_the_article(client: TestClient) -> None:
    for loc in LOCALES:
        r = client.get(f"/api/v1/articles/{SLUG}?lang={loc.tag}")
        assert r.status_code == 200, loc.tag
        assert r.json()["lang"] == loc.tag


def test_accept_language_decides_without_lang(client: TestClient) -> None:
    r = client.get(f"/api/v1/articles/{SLUG}", headers={"Accept-Language": "fr-CA,fr;q=0.9"})
    assert r.json()["lang"] == "fr"
    assert r.headers["content-language"] == "fr"
    assert "Accept-Language" in r.headers["vary"]
    r = client.get(f"/api/v1/articles/{SLUG}")
    assert r.json()["lang"] == "en" and "Accept-Language" in r.headers["vary"]


def test_lang_beats_accept_language(client: TestClient) -> None:
    r = client.get(f"/api/v1/articles/{SLUG}?lang=vi", headers={"Accept-Language": "fr"})
    assert r.json()["lang"] == "vi"


def test_article_list(client: TestClient) -> None:
    data = client.get("/api/v1/articles?lang=ar").json()
    item = data["articles"][0]
    assert item["slug"] == SLUG and item["lang"] == "ar"
    assert item["urls"]["html"].endswith(f"/ar/articles/{SLUG}")
    assert item["urls"]["json"].endswith(f"/api/v1/articles/{SLUG}?lang=ar")
    assert "ar" in item["available_languages"]


@pytest.mark.parametrize(
    ("url", "status", "kind"),
    [
        ("/api/v1/articles/nope?lang=es", 404, "unknown-article"),
        (f"/api/v1/articles/{SLUG}?lang=de", 404, "unknown-language"),
        ("/api/v1/articles?lang=xx-YY", 404, "unknown-language"),
        ("/api/v1/nothing-here", 404, "not-found"),
    ],
)
def test_errors_are_problem_json(client: TestClient, url: str, status: int, kind: str) -> None:
    r = client.get(url)
    assert r.status_code == status
    assert r.headers["content-type"].startswith(PROBLEM)
    body = r.json()
    assert body["status"] == status and body["type"].endswith(kind) and body["title"]
    if kind == "unknown-language":
        assert "es" in body["available"]


def test_wrong_method_is_405_with_allow(client: TestClient) -> None:
    r = client.post("/api/v1/locales")
    assert r.status_code == 405
    assert r.headers["content-type"].startswith(PROBLEM)
    assert "GET" in r.headers["allow"]
