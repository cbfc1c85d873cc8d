"""Embeds, oEmbed, feeds and the sitemap, as a partner clinic or a crawler uses them."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote
from xml.etree import ElementTree as ET

import feedparser
import pytest
from starlette.testclient import TestClient

from tests.conftest import SITE_LOCALES as LOCALES
from tests.conftest import SLUG
from tests.htmltext import find

ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.mark.parametrize("tag", [loc.tag for loc in LOCALES])
def test_embed_page(client: TestClient, tag: str) -> None:
    r = client.get(f"/embed/{tag}/{SLUG}")
    assert r.status_code == 200 and "set-cookie" not in r.headers
    html = r.text
    root = find(html, "html")[0]
    assert root.attrs["lang"] == tag and root.attrs["dir"] == ("rtl" if tag in ("ar", "fa") else "ltr")
    assert find(html, "title")[0].text.strip()
    assert find(html, "base")[0].attrs["target"] == "_top"  # links leave the iframe
    assert find(html, "aside", id="help-now")  # crisis resources always travel with the article
    assert find(html, "footer", class_="attribution")
    assert not find(html, "nav")  # no site chrome inside a partner's page


def test_embed_script_is_optional(client: TestClient) -> None:
    assert find(client.get(f"/embed/es/{SLUG}").text, "script")[0].attrs["src"] == "/static/embed-resize.js"
    assert not find(client.get(f"/embed/es/{SLUG}?resize=0").text, "script")


def test_embed_unknowns_are_404(client: TestClient) -> None:
    assert client.get(f"/embed/qaa/{SLUG}").status_code == 404
    assert client.get("/embed/es/nope").status_code == 404


def test_oembed(client: TestClient) -> None:
    url = f"http://testserver/ar/articles/{SLUG}"
    r = client.get(f"/api/oembed?url={quote(url)}&maxwidth=500&format=json")
    data = r.json()
    assert (data["version"], data["type"], data["provider_name"]) == ("1.0", "rich", "Bothand")
    assert data["width"] == 500
    iframe = find(data["html"], "iframe")[0]
    assert iframe.attrs["src"] == f"http://testserver/embed/ar/{SLUG}"
    assert iframe.attrs["title"] == data["title"] and iframe.attrs["lang"] == "ar"
    assert client.get(iframe.attrs["src"]).status_code == 200  # the embed HTML works
    assert find(data["html"], "script")[0].attrs["src"].endswith("/static/embed-parent.js")


@pytest.mark.parametrize(("query", "width", "height", "width_attr"), [
    ("", 600, 800, "100%"),  # no bound: the iframe fills the partner's column
    ("&maxwidth=500", 500, 800, "500"),
    ("&maxwidth=20000&maxheight=300", 600, 300, "600"),  # a bound above our size changes nothing
    ("&maxwidth=49&maxheight=1", 50, 50, "50"),  # too small to read: raised to 50, not refused
    ("&maxwidth=0&maxheight=" + "9" * 40, 50, 800, "50"),
])
def test_oembed_respects_the_consumers_maximum(client: TestClient, query: str, width: int, height: int,
                                               width_attr: str) -> None:
    r = client.get(f"/api/oembed?url={quote(f'http://testserver/es/articles/{SLUG}')}{query}")
    assert r.status_code == 200, r.text
    data = r.json()
    assert (data["width"], data["height"]) == (width, height)
    iframe = find(data["html"], "iframe")[0]
    assert iframe.attrs["width"] == width_attr and iframe.attrs["height"] == str(height)


@pytest.mark.parametrize(("query", "status"), [
    ("url=https://evil.example/ar/articles/x", 404),
    (f"url=http://testserver/ar/articles/{SLUG}&format=xml", 501),
    (f"url=http://testserver/ar/articles/{SLUG}&maxwidth=abc", 400),
    (f"url=http://testserver/ar/articles/{SLUG}&maxheight=-300", 400),
    (f"url=http://testserver/ar/articles/{SLUG}&maxwidth=1e3", 400),
    ("", 400),
    ("url=http://testserver/qaa/articles/x", 404),
])
def test_oembed_errors(client: TestClient, query: str, status: int) -> None:
    r = client.get(f"/api/oembed?{query}")
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/problem+json")


def test_oembed_discovery_link(client: TestClient) -> None:
    html = client.get(f"/vi/articles/{SLUG}").text
    link = [el for el in find(html, "link") if el.attrs.get("type") == "application/json+oembed"][0]
    assert client.get(link.attrs["href"]).json()["type"] == "rich"


def test_developer_page_shows_embed_code(client: TestClient) -> None:
    html = client.get("/es/developers").text
    code = " ".join(el.text for el in find(html, "code"))
    assert "<iframe" in code and f"/embed/es/{SLUG}" in code and "curl" in code


@pytest.mark.parametrize("tag", ["en", "ar", "zh-Hant"])
def test_atom_feed(client: TestClient, tag: str) -> None:
    r = client.get(f"/{tag}/feed.xml")
    assert r.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(r.content)
    assert feed.tag == f"{ATOM}feed"
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == tag
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == client.get(f"/api/v1/articles?lang={tag}&per_page=100").json()["total"]
    entry = next(e for e in entries if e.findtext(f"{ATOM}id") == f"http://testserver/{tag}/articles/{SLUG}")
    links = {ln.get("hreflang"): ln.get("href") for ln in entry.findall(f"{ATOM}link")
             if ln.get("hreflang") and ln.get("type") == "text/html"}  # the other languages (not the PDFs)
    assert set(links) == {loc.tag for loc in LOCALES} - {tag}
    assert entry.find(f"{ATOM}title").text  # type: ignore[union-attr]


def test_sitemap_has_every_page_with_alternates(client: TestClient) -> None:
    body = client.get("/sitemap.xml").content
    # A default namespace, as crawlers' examples show it (never ElementTree's `ns0:` prefix).
    assert b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"' in body and b"ns0:" not in body
    root = ET.fromstring(body)
    urls = root.findall(f"{SM}url")
    assert len(urls) % len(LOCALES) == 0  # every page in every language
    for url in urls:
        alternates = {ln.get("hreflang") for ln in url.findall(f"{XHTML}link")}
        assert alternates == {loc.tag for loc in LOCALES} | {"x-default"}
    locs = {u.findtext(f"{SM}loc"): u.findtext(f"{SM}lastmod") for u in urls}
    for loc in LOCALES:
        for page in ("", f"articles/{SLUG}", "languages", "accessibility", "developers"):
            assert f"http://testserver/{loc.tag}/{page}" in locs
        # lastmod: the article's date in that language; the home page's is its newest article's
        updated = client.get(f"/api/v1/articles/{SLUG}?lang={loc.tag}").json()["updated"]
        assert locs[f"http://testserver/{loc.tag}/articles/{SLUG}"] == updated
        listed = client.get(f"/api/v1/articles?lang={loc.tag}&per_page=100").json()["articles"]
        assert locs[f"http://testserver/{loc.tag}/"] == max(a["updated"] for a in listed)


@pytest.mark.parametrize("tag", ["es", "ar", "zh-Hant"])
def test_atom_entries_carry_the_whole_article(client: TestClient, tag: str) -> None:
    body = client.get(f"/{tag}/feed.xml").content
    article = client.get(f"/api/v1/articles/{SLUG}?lang={tag}").json()
    content = ET.fromstring(body).find(f"{ATOM}entry/{ATOM}content")
    assert content is not None and content.get("type") == "html"
    assert content.text == article["html"]  # the sanitized body, exactly as the API serves it
    # ... and a feed reader (feedparser) finds it as the entry's HTML content, dated like the API.
    entry = feedparser.parse(body).entries[0]
    assert entry.content[0].type == "text/html" and "<table" in entry.content[0].value
    assert entry.updated.startswith(article["updated"])


def test_robots(client: TestClient) -> None:
    text = client.get("/robots.txt").text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_base_url_setting_for_cdns(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """BOTHAND_BASE_URL (what an operator behind a CDN sets) names every absolute link."""
    from api.app import create_app
    from api.core.settings import Settings
    from tests.corpus import SLUG as FIXTURE
    from tests.corpus import make_corpus

    corpus = make_corpus(tmp_path)
    monkeypatch.setenv("BOTHAND_BASE_URL", "https://bothand.example/")
    monkeypatch.setenv("BOTHAND_BUILD_DIR", str(tmp_path / "build"))
    monkeypatch.setenv("BOTHAND_BROTLI_QUALITY", "4")
    app = create_app(Settings(content_dir=corpus.root / "content", locales_dir=corpus.root / "locales"))
    data = TestClient(app, base_url="https://bothand.example").get(f"/api/v1/articles/{FIXTURE}?lang=es").json()
    assert data["canonical_url"] == f"https://bothand.example/es/articles/{FIXTURE}"


def test_cors_preflight_allows_what_portals_send(client: TestClient) -> None:
    """A portal's fetch() adding its own auth and tracing headers must pass the browser's preflight."""
    sent = ["authorization", "x-request-id", "accept", "accept-language", "if-none-match", "content-type",
            "cache-control", "traceparent"]
    pre = client.options(f"/api/v1/articles/{SLUG}", headers={
        "Origin": "https://clinic.example", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": ", ".join(sent)})
    assert pre.status_code == 204
    allowed = {h.strip().lower() for h in pre.headers["access-control-allow-headers"].split(",")}
    assert set(sent) <= allowed
    assert "*" in allowed  # any other header too (Authorization is named: `*` never covers it)
