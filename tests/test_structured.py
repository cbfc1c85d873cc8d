"""Structured data on article pages (api/structured.py), read by a third-party parser (extruct):
schema.org JSON-LD (MedicalWebPage), OpenGraph and the Twitter card, on every article page in
every language, agreeing with the API; and the JSON-LD can never end its script element."""

from __future__ import annotations

import json
import re
from typing import Any

import extruct
import pytest
from starlette.testclient import TestClient

from api.build.structured import script_json
from tests.conftest import SLUG
from tests.corpus import Corpus
from tests.htmltext import find

BASE = "http://testserver"


def metadata(client: TestClient, tag: str, slug: str) -> tuple[dict[str, Any], dict[str, list[str]], str]:
    """(the page's JSON-LD object, its OpenGraph/Twitter properties, the page) as extruct reads them."""
    url = f"{BASE}/{tag}/articles/{slug}"
    html = client.get(url).text
    found = extruct.extract(html, base_url=url, syntaxes=["json-ld", "opengraph"])
    assert len(found["json-ld"]) == 1, found["json-ld"]
    props: dict[str, list[str]] = {}
    for item in found["opengraph"]:
        for name, value in item["properties"]:
            props.setdefault(name, []).append(value)
    for el in find(html, "meta"):
        if el.attrs.get("name", "").startswith("twitter:"):
            props.setdefault(el.attrs["name"], []).append(el.attrs["content"])
    return found["json-ld"][0], props, html


def check_page(client: TestClient, tags: tuple[str, ...], tag: str, slug: str) -> None:
    api = client.get(f"/api/v1/articles/{slug}?lang={tag}").json()
    ld, og, html = metadata(client, tag, slug)
    original = f"{BASE}/en/articles/{slug}"
    assert ld["@context"] == "https://schema.org" and ld["@type"] == "MedicalWebPage"
    assert ld["@id"] == ld["url"] == api["canonical_url"] == f"{BASE}/{tag}/articles/{slug}"
    assert (ld["name"], ld["description"], ld["inLanguage"]) == (api["title"]["text"], api["summary"]["text"], tag)
    assert (ld["datePublished"], ld["dateModified"]) == (api["published"], api["updated"])  # localized date
    assert ld.get("lastReviewed") == api["reviewed"]  # absent when the article has no review date
    assert ld["author"]["@type"] == ld["publisher"]["@type"] == "Organization" and ld["publisher"]["name"]
    assert ld["audience"] == {"@type": "MedicalAudience", "audienceType": "Patient"}
    assert [c["name"] for c in ld.get("about", [])] == [c["name"]["text"] for c in api["conditions"]]
    for condition, coded in zip(ld.get("about", []), api["conditions"], strict=True):
        assert condition["@type"] == "MedicalCondition" and condition["url"] == coded["url"]
        assert [c["codeValue"] for c in condition["code"]] == [c["code"] for c in coded["codes"]]
    assert client.get(ld["license"]).status_code == 200 and 'id="terms"' in client.get(ld["license"]).text
    if tag == "en":
        assert "translationOfWork" not in ld
        assert sorted(w["@id"] for w in ld["workTranslation"]) == sorted(
            f"{BASE}/{t}/articles/{slug}" for t in tags if t != "en")
    else:
        assert ld["translationOfWork"]["@id"] == ld["isBasedOn"] == original
        assert ld["translationOfWork"]["inLanguage"] == "en"
    assert og["og:type"] == ["article"] and og["og:site_name"] == ["Bothand"]
    assert og["og:title"] == [api["title"]["text"]] and og["og:description"] == [api["summary"]["text"]]
    assert og["og:url"] == [api["canonical_url"]]
    (locale,) = og["og:locale"]
    assert re.fullmatch(r"[a-z]{2,3}_[A-Z]{2}", locale) and locale.split("_")[0] == tag.split("-")[0]
    assert len(og["og:locale:alternate"]) == len(set(og["og:locale:alternate"])) == len(tags) - 1
    assert locale not in og["og:locale:alternate"]
    assert og["twitter:card"] == ["summary"] and og["twitter:title"] == [api["title"]["text"]]
    # The review date is on the page for readers too, not only in the metadata.
    reviewed = [el for el in find(html, "p") if "reviewed" in el.attrs.get("class", "")]
    if api["reviewed"]:
        assert f'<time datetime="{api["reviewed"]}">' in html and reviewed
    else:
        assert not reviewed


def test_every_article_page_in_every_language(corpus: Corpus, corpus_client: TestClient) -> None:
    for tag in corpus.tags:
        for slug in corpus.slugs:
            check_page(corpus_client, corpus.tags, tag, slug)


def test_the_real_article_in_every_language(client: TestClient) -> None:
    tags = tuple(loc["tag"] for loc in client.get("/api/v1/locales").json()["locales"])
    for tag in tags:
        check_page(client, tags, tag, SLUG)


@pytest.mark.parametrize("text", [
    "</script><script>alert(1)</script>", "<!-- <script>", "a < b & c > d", "</SCRIPT >", "\u2028\u2029 \"quoted\"",
])
def test_json_ld_cannot_close_its_script_element(text: str) -> None:
    encoded = str(script_json({"name": text, "nested": [{"description": text}]}))
    assert "<" not in encoded and ">" not in encoded and "&" not in encoded
    assert json.loads(encoded) == {"name": text, "nested": [{"description": text}]}  # any JSON parser agrees


def test_json_ld_script_on_the_page_is_only_data(client: TestClient) -> None:
    html = client.get(f"/ar/articles/{SLUG}").text
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    (ld,) = [body for attrs, body in scripts if 'type="application/ld+json"' in attrs]
    assert "<" not in ld and json.loads(ld)["inLanguage"] == "ar"
    # every other script is an external file (CSP: script-src 'self', no inline script)
    assert all("src=" in attrs for attrs, body in scripts if 'type="application/ld+json"' not in attrs)
