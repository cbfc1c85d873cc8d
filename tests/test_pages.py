"""Reader pages: landmarks, language marking, switcher, redirects, cookie discipline, errors."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from api.locales import LOCALES
from tests.conftest import SLUG
from tests.htmltext import find

PAGES = ["", f"articles/{SLUG}", "accessibility", "languages", "developers"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("tag", [loc.tag for loc in LOCALES])
def test_every_page_renders_in_every_locale(client: TestClient, tag: str, page: str) -> None:
    r = client.get(f"/{tag}/{page}")
    assert r.status_code == 200
    assert r.headers["content-language"] == tag
    html = r.text
    root = find(html, "html")[0]
    assert root.attrs["lang"] == tag
    assert root.attrs["dir"] == ("rtl" if tag in ("ar", "fa") else "ltr")
    assert len(find(html, "h1")) == 1
    assert find(html, "main", id="main") and find(html, "header") and find(html, "footer")
    skip = find(html, "a")[0]
    assert skip.attrs["href"] == "#main"
    assert not find(html, "script")  # nothing needs JavaScript
    assert "set-cookie" not in r.headers


def test_switcher_names_each_language_in_itself(client: TestClient) -> None:
    html = client.get(f"/ar/articles/{SLUG}").text
    nav = find(html, "nav", class_="language-switcher")[0]
    assert nav.attrs["aria-labelledby"]
    links = [el for el in find(html, "a") if el.attrs.get("hreflang") and "choose-language" in el.attrs["href"]]
    assert len(links) == len(LOCALES)
    current = [a for a in links if a.attrs.get("aria-current")]
    assert [a.attrs["lang"] for a in current] == ["ar"]
    es = next(a for a in links if a.attrs["lang"] == "es")
    assert es.text.strip() == "Español" and es.attrs["dir"] == "ltr"
    assert es.attrs["href"] == f"/choose-language/es?next=/es/articles/{SLUG}"


def test_alternates_and_json_twin(client: TestClient) -> None:
    html = client.get(f"/vi/articles/{SLUG}").text
    alternates = {el.attrs["hreflang"] for el in find(html, "link", rel="alternate") if "hreflang" in el.attrs}
    assert alternates == {loc.tag for loc in LOCALES} | {"x-default"}
    twin = [el for el in find(html, "link", rel="alternate") if el.attrs.get("type") == "application/json"]
    assert twin[0].attrs["href"] == f"/api/v1/articles/{SLUG}?lang=vi"


def test_article_table_and_headings(client: TestClient) -> None:
    html = client.get(f"/es/articles/{SLUG}").text
    assert find(html, "caption")
    assert [th.attrs.get("scope") for th in find(html, "th")] == ["col", "col"]
    levels = [int(el.tag[1]) for el in __import__("tests.htmltext", fromlist=["parse"]).parse(html)
              if el.tag in ("h1", "h2", "h3", "h4")]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))


def test_root_redirects_by_cookie_then_header(client: TestClient) -> None:
    r = client.get("/", headers={"Accept-Language": "ko-KR"}, follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/ko/")
    assert "Accept-Language" in r.headers["vary"]
    r = client.get("/", headers={"Accept-Language": "ko-KR", "Cookie": "lang=ht"}, follow_redirects=False)
    assert r.headers["location"] == "/ht/"
    r = client.get("/", headers={"Accept-Language": "de"}, follow_redirects=False)
    assert r.headers["location"] == "/en/"
    assert "set-cookie" not in r.headers


def test_choosing_a_language_sets_the_only_cookie(app: Starlette) -> None:
    client = TestClient(app)  # its own cookie jar: the shared client must stay cookie-free
    r = client.get(f"/choose-language/fa?next=/fa/articles/{SLUG}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/fa/articles/{SLUG}"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("lang=fa;") and "SameSite=lax" in cookie and "Max-Age" in cookie
    r = client.get("/choose-language/fa?next=https://evil.example/", follow_redirects=False)
    assert r.headers["location"] == "/fa/"
    for evil in ("//evil.example/", "/\\evil.example/", "javascript:alert(1)", "/x\r\nSet-Cookie: a=b"):
        r = client.get("/choose-language/fa", params={"next": evil}, follow_redirects=False)
        assert r.headers["location"] == "/fa/", evil


def test_tag_case_redirects_to_canonical(client: TestClient) -> None:
    r = client.get(f"/pt-br/articles/{SLUG}", follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (301, f"/pt-BR/articles/{SLUG}")


@pytest.mark.parametrize("url", ["/es/articles/nope", "/es/nope", "/de/", f"/xx/articles/{SLUG}"])
def test_localized_404(client: TestClient, url: str) -> None:
    r = client.get(url, headers={"Accept-Language": "es"})
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    html = r.text
    assert find(html, "html")[0].attrs["lang"] == "es"
    assert len(find(html, "h1")) == 1
    assert "Page not found" not in find(html, "h1")[0].text  # it is in Spanish


def test_unknown_language_page_lists_languages(client: TestClient) -> None:
    html = client.get("/de/", headers={"Accept-Language": "de, en;q=0.1"}).text
    links = {a.attrs["hreflang"] for a in find(html, "a") if a.attrs.get("href", "").count("/") == 2
             and a.attrs.get("hreflang")}
    assert {"es", "ar", "zh-Hant"} <= links


@pytest.mark.parametrize("path", [f"/es/articles/{SLUG}", "/es/"])
def test_crisis_block_on_article_and_home(client: TestClient, path: str) -> None:
    html = client.get(path).text
    aside = find(html, "aside", id="help-now")[0]
    hrefs = [a.attrs["href"] for a in find(html, "a") if a.attrs.get("href", "").startswith(("tel:", "sms:"))]
    assert "tel:988" in hrefs and "sms:988" in hrefs
    assert aside.attrs["aria-labelledby"] == "help-now-heading"


@pytest.mark.parametrize(("tag", "expected"), [
    ("en", "November 27, 2026"),
    ("es", "27 de noviembre de 2026"),
    ("fa", "۲۷ نوامبر ۲۰۲۶"),  # Persian digits, CLDR's default numbering system for fa
    ("ht", "2026-11-27"),  # CLDR has no Haitian month names yet: an unambiguous ISO date
    ("zh-Hant", "2026年11月27日"),
])
def test_dates_are_formatted_for_the_locale(client: TestClient, tag: str, expected: str) -> None:
    dates = find(client.get(f"/{tag}/articles/{SLUG}").text, "p", class_="dates")[0].text
    assert expected in dates
    assert ".." not in dates and "。。" not in dates
