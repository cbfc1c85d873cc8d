"""Reader pages: landmarks, language marking, switcher, redirects, cookie discipline, errors."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.corpus import SLUG, UNKNOWN, Corpus
from tests.htmltext import find

PAGES = ["", "accessibility", "languages", "developers"]


def test_every_page_renders_in_every_locale(corpus_client: TestClient, corpus: Corpus) -> None:
    for tag in corpus.tags:
        for page in [*PAGES, *(f"articles/{slug}" for slug in corpus.slugs)]:
            _check_page(corpus_client, tag, page)


def _check_page(client: TestClient, tag: str, page: str) -> None:
    r = client.get(f"/{tag}/{page}")
    assert r.status_code == 200
    assert r.headers["content-language"] == tag
    html = r.text
    root = find(html, "html")[0]
    assert root.attrs["lang"] == tag
    assert root.attrs["dir"] == ("rtl" if tag == "fa" else "ltr")
    assert len(find(html, "h1")) == 1
    assert find(html, "main", id="main") and find(html, "header") and find(html, "footer")
    skip = find(html, "a")[0]
    assert skip.attrs["href"] == "#main"
    # Nothing needs JavaScript (the JSON-LD on article pages is data, never executed).
    assert not [el for el in find(html, "script") if el.attrs.get("type") != "application/ld+json"]
    assert "set-cookie" not in r.headers


def test_switcher_names_each_language_in_itself(corpus_client: TestClient, corpus: Corpus) -> None:
    html = corpus_client.get(f"/fa/articles/{SLUG}").text
    nav = find(html, "nav", class_="language-switcher")[0]
    assert nav.attrs.get("aria-labelledby") or nav.attrs.get("aria-label")  # a named landmark
    links = [el for el in find(html, "a") if el.attrs.get("hreflang") and "choose-language" in el.attrs["href"]]
    assert len(links) == len(corpus.tags)
    current = [a for a in links if a.attrs.get("aria-current")]
    assert [a.attrs["lang"] for a in current] == ["fa"]
    es = next(a for a in links if a.attrs["lang"] == "es")
    assert es.text.strip() == "Español" and es.attrs["dir"] == "ltr"
    assert es.attrs["href"] == f"/choose-language/es?next=/es/articles/{SLUG}"


def test_alternates_and_json_twin(corpus_client: TestClient, corpus: Corpus) -> None:
    html = corpus_client.get(f"/ht/articles/{SLUG}").text
    alternates = {el.attrs["hreflang"] for el in find(html, "link", rel="alternate") if "hreflang" in el.attrs}
    assert alternates == set(corpus.tags) | {"x-default"}
    twin = [el for el in find(html, "link", rel="alternate") if el.attrs.get("type") == "application/json"]
    assert twin[0].attrs["href"] == f"/api/v1/articles/{SLUG}?lang=ht"


def test_article_table_and_headings(corpus_client: TestClient, corpus: Corpus) -> None:
    html = corpus_client.get(f"/es/articles/{SLUG}").text
    assert find(html, "caption")
    assert [th.attrs.get("scope") for th in find(html, "th")] == ["col", "col"]
    levels = [int(el.tag[1]) for el in __import__("tests.htmltext", fromlist=["parse"]).parse(html)
              if el.tag in ("h1", "h2", "h3", "h4")]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))


def test_root_redirects_by_cookie_then_header(corpus_client: TestClient, corpus: Corpus) -> None:
    r = corpus_client.get("/", headers={"Accept-Language": "zh-TW"}, follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/zh-Hant/")
    assert "Accept-Language" in r.headers["vary"]
    r = corpus_client.get("/", headers={"Accept-Language": "zh-TW", "Cookie": "lang=ht"}, follow_redirects=False)
    assert r.headers["location"] == "/ht/"
    r = corpus_client.get("/", headers={"Accept-Language": UNKNOWN}, follow_redirects=False)
    assert r.headers["location"] == "/en/"
    assert "set-cookie" not in r.headers


def test_choosing_a_language_sets_the_only_cookie(corpus_app: Starlette) -> None:
    client = TestClient(corpus_app)  # its own cookie jar: the shared client must stay cookie-free
    r = client.get(f"/choose-language/fa?next=/fa/articles/{SLUG}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/fa/articles/{SLUG}"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("lang=fa;") and "SameSite=lax" in cookie and "Max-Age" in cookie
    r = client.get("/choose-language/fa?next=https://evil.example/", follow_redirects=False)
    assert r.headers["location"] == "/fa/"
    for evil in ("//evil.example/", "/\\evil.example/", "javascript:alert(1)", "/x\r\nSet-Cookie: a=b"):
        r = client.get("/choose-language/fa", params={"next": evil}, follow_redirects=False)
        assert r.headers["location"] == "/fa/", evil


@pytest.mark.parametrize(("url", "canonical"), [
    (f"/zh-hant/articles/{SLUG}", f"/zh-Hant/articles/{SLUG}"),
    ("/zh-hant/", "/zh-Hant/"),
    ("/ZH-HANT/help?country=CA", "/zh-Hant/help?country=CA"),  # the query is kept
    (f"/embed/zh-hant/{SLUG}?country=ZZ&resize=0", f"/embed/zh-Hant/{SLUG}?country=ZZ&resize=0"),
])
def test_tag_case_redirects_to_canonical(corpus_client: TestClient, url: str, canonical: str) -> None:
    r = corpus_client.get(url, follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (301, canonical)


@pytest.mark.parametrize("url", ["/es/articles/nope", "/es/nope", f"/{UNKNOWN}/", f"/xx/articles/{SLUG}"])
def test_localized_404(corpus_client: TestClient, url: str) -> None:
    r = corpus_client.get(url, headers={"Accept-Language": "es"})
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    html = r.text
    assert find(html, "html")[0].attrs["lang"] == "es"
    assert len(find(html, "h1")) == 1
    assert find(html, "h1")[0].text.startswith("[es] ")  # it is in Spanish


def test_unknown_language_page_lists_languages(corpus_client: TestClient, corpus: Corpus) -> None:
    html = corpus_client.get(f"/{UNKNOWN}/", headers={"Accept-Language": f"{UNKNOWN}, en;q=0.1"}).text
    links = {a.attrs["hreflang"] for a in find(html, "a") if a.attrs.get("href", "").count("/") == 2
             and a.attrs.get("hreflang")}
    assert links == set(corpus.tags)


@pytest.mark.parametrize("path", [f"/es/articles/{SLUG}", "/es/"])
def test_crisis_block_on_article_and_home(corpus_client: TestClient, path: str) -> None:
    html = corpus_client.get(path).text
    assert find(html, "aside", id="help-now")
    hrefs = [a.attrs["href"] for a in find(html, "a") if a.attrs.get("href", "").startswith(("tel:", "sms:"))]
    assert "tel:988" in hrefs and "sms:988" in hrefs
    assert find(html, "h2", id="help-now-heading")  # reachable by landmark and by heading


@pytest.mark.parametrize(("tag", "expected"), [
    ("en", "January 10, 2026"),
    ("es", "10 de enero de 2026"),
    ("fa", "۱۰ ژانویه ۲۰۲۶"),  # Persian digits, CLDR's default numbering system for fa
    ("ht", "2026-01-10"),  # CLDR has no Haitian month names yet: an unambiguous ISO date
    ("zh-Hant", "2026年1月10日"),
])
def test_dates_are_formatted_for_the_locale(corpus_client: TestClient, tag: str, expected: str) -> None:
    dates = find(corpus_client.get(f"/{tag}/articles/{SLUG}").text, "p", class_="dates")[0].text
    assert expected in dates
    assert ".." not in dates and "。。" not in dates
