"""HTTP semantics a CDN and a partner rely on: validators, caching, HEAD, CORS, Allow, headers."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.corpus import SLUG

URLS = ["/api/v1/locales", f"/api/v1/articles/{SLUG}?lang=fa", "/api/v1/articles", f"/zh-Hant/articles/{SLUG}",
        "/es/", "/fa/feed.xml", "/sitemap.xml", "/robots.txt", f"/embed/ht/{SLUG}", "/api/v1/openapi.json"]


@pytest.mark.parametrize("url", URLS)
def test_strong_etag_and_304(corpus_client: TestClient, url: str) -> None:
    r = corpus_client.get(url)
    etag = r.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert r.headers["cache-control"] == "public, max-age=300, stale-while-revalidate=86400"
    again = corpus_client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag and "cache-control" in again.headers
    assert "content-type" not in again.headers
    assert corpus_client.get(url, headers={"If-None-Match": '"other", ' + etag}).status_code == 304
    assert corpus_client.get(url, headers={"If-None-Match": "W/" + etag}).status_code == 304  # weak comparison
    assert corpus_client.get(url, headers={"If-None-Match": '"stale"'}).status_code == 200


@pytest.mark.parametrize("url", URLS)
def test_head_everywhere_get_is(corpus_client: TestClient, url: str) -> None:
    get = corpus_client.get(url)
    head = corpus_client.head(url)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == get.headers["etag"]
    assert head.headers["content-length"] == get.headers["content-length"]


def test_each_language_has_its_own_etag(corpus_client: TestClient) -> None:
    tags = {corpus_client.get(f"/api/v1/articles/{SLUG}?lang={t}").headers["etag"] for t in ("en", "es", "fa")}
    assert len(tags) == 3


def test_vary_only_when_negotiated(corpus_client: TestClient) -> None:
    assert corpus_client.get(f"/api/v1/articles/{SLUG}").headers["vary"] == "Accept-Language"
    # Where the URL names the language, only the encoding varies (Accept-Encoding picks br, gzip or none).
    assert corpus_client.get(f"/api/v1/articles/{SLUG}?lang=es").headers["vary"] == "Accept-Encoding"
    assert corpus_client.get(f"/es/articles/{SLUG}").headers["vary"] == "Accept-Encoding"
    assert corpus_client.get("/api/v1/locales").headers["vary"] == "Accept-Encoding"


def test_cors_for_any_origin(corpus_client: TestClient) -> None:
    r = corpus_client.get("/api/v1/locales", headers={"Origin": "https://clinic.example"})
    assert r.headers["access-control-allow-origin"] == "*"
    assert "ETag" in r.headers["access-control-expose-headers"]
    pre = corpus_client.options(f"/api/v1/articles/{SLUG}", headers={
        "Origin": "https://clinic.example", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "accept-language, if-none-match"})
    assert pre.status_code == 204
    assert pre.headers["access-control-allow-origin"] == "*"
    assert "GET" in pre.headers["access-control-allow-methods"]
    assert "If-None-Match" in pre.headers["access-control-allow-headers"]
    assert "vary" not in pre.headers


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_405_with_allow(corpus_client: TestClient, method: str) -> None:
    for url in (f"/api/v1/articles/{SLUG}", f"/es/articles/{SLUG}"):
        r = corpus_client.request(method, url)
        assert r.status_code == 405
        assert r.headers["allow"] == "GET, HEAD, OPTIONS"
    problem = corpus_client.request(method, "/api/v1/locales")
    assert problem.headers["content-type"].startswith("application/problem+json")


def test_security_and_privacy_headers(corpus_client: TestClient) -> None:
    r = corpus_client.get(f"/es/articles/{SLUG}")
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert "set-cookie" not in r.headers
    embed = corpus_client.get(f"/embed/fa/{SLUG}")
    assert "frame-ancestors *" in embed.headers["content-security-policy"]
    assert "x-frame-options" not in embed.headers and "set-cookie" not in embed.headers


def test_choosing_a_language_is_never_cached(corpus_app: Starlette) -> None:
    r = TestClient(corpus_app).get("/choose-language/es?next=/es/", follow_redirects=False)
    assert r.headers["cache-control"] == "no-store"


def test_errors_are_cacheable_briefly_and_never_500(corpus_client: TestClient) -> None:
    r = corpus_client.get("/es/articles/nope")
    assert r.status_code == 404 and r.headers["cache-control"] == "public, max-age=60"
    for url in ["/%00", "/es/articles/%ff%fe", "/api/v1/articles/..%2f..%2fetc", "/api/v1/articles?lang=%00",
                "/api/oembed?url=javascript:alert(1)", "/embed/qaa/yy", "/" + "a" * 5000]:
        assert corpus_client.get(url).status_code < 500, url


def test_header_lists_stay_bounded_and_right(corpus_client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server keeps the header lists of a few resources only (a crawl of every resource must not grow
    it without bound: api/web/serve.py, HEADER_LISTS); one made again after that is the same."""
    from api.web import serve

    urls = URLS
    first = {url: corpus_client.get(url, headers={"accept-encoding": "br"}) for url in urls}
    assert all(r.status_code == 200 for r in first.values())
    monkeypatch.setattr(serve, "HEADER_LISTS", 2)
    for _ in range(2):
        for url in urls:
            again = corpus_client.get(url, headers={"accept-encoding": "br"})
            assert again.status_code == 200 and again.content == first[url].content
            assert dict(again.headers) == dict(first[url].headers), url
