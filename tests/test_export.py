"""Static export (api/export.py): every resource as a file, deterministic, the app's own bytes; and that
export served by nginx with deploy/nginx-static.conf answers as the app does."""

from __future__ import annotations

import ast
import dataclasses
import functools
import gzip
import json
import os
import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlencode, urlsplit
from xml.etree import ElementTree

import brotli
import httpx
import jsonschema
import pytest
from starlette.testclient import TestClient

from api.app import create_app
from api.core import routes
from api.core.routes import (
    API_PREFIX,
    BY_NAME,
    EMBED_PREFIX,
    LANG_PREFIXES,
    ROUTES,
    SHAPES,
    Address,
    Route,
    at,
    match,
    prefix_of,
)
from api.core.settings import ROOT, Settings
from api.core.snapshot import read_addresses
from api.export import ExportError, ExportResult, export, file_for, locations
from tests.browser.harness import _free_port
from tests.conftest import BASE, FAST_BROTLI, SLUG, make_site
from tests.corpus import Corpus
from tests.htmltext import find
from tests.static_server import CONF, corpus_server, export_for, running_nginx, static_site

HTML = "text/html; charset=utf-8"


# Every export here is of the session site's fixture corpus (tests/conftest.py), written once for the module.
@pytest.fixture(scope="module")
def site_copy(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return make_site(tmp_path_factory.mktemp("export-corpus"))


def sources(corpus: Corpus) -> dict[str, Path]:
    return {"content_dir": corpus.root / "content", "locales_dir": corpus.root / "locales"}


def settings_for(corpus: Corpus, folder: Path, base_url: str = BASE) -> Settings:
    return corpus.settings(base_url=base_url, build_folder=folder / "build", brotli_quality=FAST_BROTLI)


@pytest.fixture(scope="module")
def exported(site_copy: Corpus, tmp_path_factory: pytest.TempPathFactory) -> ExportResult:
    folder = tmp_path_factory.mktemp("export")
    return export(settings_for(site_copy, folder), folder / "site")


@pytest.fixture(scope="module")
def same_app(site_copy: Corpus, exported: ExportResult) -> Iterator[TestClient]:
    """The app over the very snapshot the export was written from."""
    with TestClient(create_app(settings_for(site_copy, exported.folder.parent))) as client:
        yield client


def tree(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under root: its bytes and modification time."""
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(("address", "path"), [
    (at("home", lang="es"), "es/index.html"),
    (at("article_page", lang="es", slug=SLUG), f"es/articles/{SLUG}.html"),
    (at("home_page", lang="es", number=2), "es/page/2.html"),
    (at("feed", lang="es"), "es/feed.xml"),
    (at("static", name="site.css"), "static/site.css"),
    (at("embed", lang="es", slug=SLUG, resize="0"), f"embed/es/{SLUG}.resize-0.html"),
    (at("embed", lang="es", slug=SLUG, country="CA", resize="0"), f"embed/es/{SLUG}.country-CA.resize-0.html"),
    (at("api_article", slug=SLUG, lang="pt-BR"), f"api/v1/articles/{SLUG}/pt-BR.json"),
    (at("api_articles", lang="es"), "api/v1/article-list/es/1.json"),
    (at("api_articles", lang="es", page=3, per_page=20), "api/v1/article-list/es/3.json"),
    (at("locales"), "api/v1/locales.json"),
    (at("oembed", url=f"http://testserver/ar/articles/{SLUG}", format="json", lang="ar", slug=SLUG),
     f"api/oembed/ar/{SLUG}.json"),
    (at("error_page", lang="fa", status=404, kind="not-found"), "_errors/fa/404-not-found.html"),
    (at("help_any", lang="es"), "_alt/help/es/help.html"),
])
def test_addresses_map_onto_files_a_web_server_can_find(address: Address, path: str) -> None:
    assert file_for(address) == path


@pytest.mark.parametrize("address", [
    at("api_articles", lang="es", updated_since="2026-01-01"),  # a filter: only the app answers it
    at("embed", lang="es", slug="x", country="C A"),  # a value that is not a plain name
    at("article_page", lang="..", slug="x"),
    at("static", name="../etc/passwd"),
    at("static", name="x\\y"),
    at("infobutton"),  # no file: only the app answers it
    at("page", lang="_bothand", page="manifest"),  # reserved for the export's own files
])
def test_what_cannot_be_a_file_is_refused_by_name(address: Address) -> None:
    with pytest.raises(ExportError, match="cannot export"):
        file_for(address)


def test_every_resource_is_a_file_with_the_apps_bytes(exported: ExportResult, same_app: TestClient) -> None:
    site = same_app.app.state.site  # type: ignore[attr-defined]
    assert set(exported.files) == set(site.by_key)
    compared = 0
    for key, rel in exported.files.items():
        body = exported.path(key).read_bytes()
        resource = site.by_key[key]
        assert body == site.body(resource.variants[0]), key
        for variant in resource.variants[1:]:
            packed = (exported.folder / (rel + {"gzip": ".gz", "br": ".br"}[variant.encoding])).read_bytes()
            assert (gzip.decompress(packed) if variant.encoding == "gzip" else brotli.decompress(packed)) == body
        if key.startswith("!"):
            continue
        # And what a reader or a partner gets from the app at that URL is exactly that file.
        answer = same_app.get(key, headers={"Accept-Encoding": "identity"})
        assert (answer.status_code, answer.content) == (resource.status, body), key
        compared += 1
    # Error pages too: the app answers a missing article with the exported 404 page.
    missing = same_app.get("/es/articles/no-such-article", headers={"Accept-Encoding": "identity"})
    assert missing.content == exported.path("!error/es/404/not-found").read_bytes()
    assert compared >= 200


def test_precompressed_files_lie_next_to_each_text_file(exported: ExportResult) -> None:
    page = exported.path(f"/es/articles/{SLUG}")
    assert gzip.decompress(Path(f"{page}.gz").read_bytes()) == page.read_bytes()
    assert brotli.decompress(Path(f"{page}.br").read_bytes()) == page.read_bytes()
    assert not Path(f"{exported.path('/static/favicon.ico')}.gz").exists()  # not text: no variants


def test_exporting_twice_gives_identical_trees(site_copy: Corpus, exported: ExportResult, tmp_path: Path) -> None:
    # A second export from a snapshot built afresh in another folder: same bytes, same mtimes (ETags).
    again = export(settings_for(site_copy, tmp_path), tmp_path / "site")
    first, second = tree(exported.folder), tree(again.folder)
    assert list(first) == list(second)
    assert [name for name in first if first[name] != second[name]] == []
    # nginx's ETag is mtime + size: each file's mtime follows its content, so an edit that keeps the size
    # still changes the ETag.
    mtimes = {stamp for _, stamp in first.values()}
    assert len(mtimes) > len(first) // 4


def test_re_export_replaces_only_an_export(site_copy: Corpus, exported: ExportResult, tmp_path: Path) -> None:
    settings = settings_for(site_copy, exported.folder.parent)
    again = export(settings, exported.folder)  # over the previous export: fine
    assert again.folder == exported.folder and (exported.folder / "_bothand" / "manifest.json").is_file()
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("mine", "utf-8")
    with pytest.raises(ExportError, match="not empty"):
        export(settings, precious)
    assert (precious / "notes.txt").read_text("utf-8") == "mine"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".export-")]  # no half-written tree left


def test_the_command_line_exports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    from api.tools import cli
    from api.tools.cli import main

    monkeypatch.setattr(cli, "Settings", functools.partial(Settings, **sources(make_site(tmp_path / "corpus"))))
    monkeypatch.setenv("BOTHAND_BUILD_DIR", str(tmp_path / "build"))
    monkeypatch.setenv("BOTHAND_BROTLI_QUALITY", str(FAST_BROTLI))
    assert main(["export", str(tmp_path / "out")]) == 0
    assert "exported" in capsys.readouterr().out
    assert (tmp_path / "out" / "en" / "index.html").is_file()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "x").write_text("x", "utf-8")
    assert main(["export", str(tmp_path / "other")]) == 2
    assert "refusing" in capsys.readouterr().err
    assert os.listdir(tmp_path / "other") == ["x"]


# The export served by nginx with deploy/nginx-static.conf --------------------------------------------
COMPARED_HEADERS = ("content-type", "content-language", "cache-control", "link", "content-security-policy",
                    "x-content-type-options", "referrer-policy", "permissions-policy", "access-control-allow-origin",
                    "access-control-expose-headers", "set-cookie", "location", "allow")


class Static:
    def __init__(self, url: str, result: ExportResult, app: TestClient):
        self.url = url
        self.result = result
        self.app = app

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return httpx.get(self.url + path, **kwargs)

    def both(self, path: str, headers: dict[str, str] | None = None) -> tuple[httpx.Response, httpx.Response]:
        """(nginx's answer, the app's answer) to the same request."""
        headers = {"Accept-Encoding": "identity", **(headers or {})}
        self.app.cookies.clear()  # a cookie an earlier request set must not speak for this one
        return self.get(path, headers=headers), self.app.get(path, headers=headers, follow_redirects=False)


@pytest.fixture(scope="module")
def static(site_copy: Corpus, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Static]:
    folder = tmp_path_factory.mktemp("static")
    port = _free_port()
    result = export_for(folder, port, **sources(site_copy))
    settings = settings_for(site_copy, folder, f"http://127.0.0.1:{port}")
    with running_nginx(result.folder, port, folder / "nginx") as url, \
            TestClient(create_app(settings), base_url=url) as app:
        yield Static(url, result, app)


def header_tokens(response: httpx.Response, name: str) -> set[str]:
    return {t.strip() for v in response.headers.get_list(name) for t in v.split(",") if t.strip()}


def test_nginx_answers_every_exported_url_as_the_app_does(static: Static) -> None:
    """Same status, bytes and headers (ETags: both strong, nginx's are its own) for every URL exported."""
    checked = 0
    for key in static.result.files:
        if key.startswith("!"):
            continue
        mine, theirs = static.both(key)
        assert (mine.status_code, mine.content) == (theirs.status_code, theirs.content), key
        for name in COMPARED_HEADERS:
            assert mine.headers.get(name) == theirs.headers.get(name), (key, name)
        assert header_tokens(mine, "vary") == header_tokens(theirs, "vary"), key
        assert mine.headers["etag"].startswith('"'), key
        checked += 1
    assert checked >= 200


@pytest.mark.parametrize("path", [f"/es/articles/{SLUG}", "/api/v1/locales", "/ar/feed.xml", "/static/site.css"])
def test_precompressed_variants_are_served(static: Static, path: str) -> None:
    plain = static.get(path, headers={"Accept-Encoding": "identity"})
    packed = static.get(path, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["content-encoding"] == "gzip" and "content-encoding" not in plain.headers
    assert packed.content == plain.content  # httpx decodes gzip
    assert int(packed.headers["content-length"]) < len(plain.content)
    assert packed.headers["etag"] != plain.headers["etag"]
    assert "Accept-Encoding" in header_tokens(plain, "vary") and "Accept-Encoding" in header_tokens(packed, "vary")


@pytest.mark.parametrize("path", [f"/fa/articles/{SLUG}", f"/api/v1/articles/{SLUG}?lang=vi", "/sitemap.xml"])
def test_strong_etags_revalidate_and_head_works(static: Static, path: str) -> None:
    first = static.get(path)
    etag = first.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    again = static.get(path, headers={"If-None-Match": etag, "Accept-Encoding": first.headers.get(
        "content-encoding", "identity")})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert static.get(path, headers={"If-None-Match": '"stale"'}).status_code == 200
    head = httpx.head(static.url + path)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == etag and head.headers["content-length"] == first.headers["content-length"]


@pytest.mark.parametrize("headers", [
    {}, {"Accept-Language": "es"}, {"Accept-Language": "es-MX,es;q=0.9,en;q=0.8"},
    {"Accept-Language": "zh-TW,zh;q=0.9"}, {"Accept-Language": "zh-CN,zh;q=0.9"}, {"Accept-Language": "zh-HK"},
    {"Accept-Language": "pt-PT,pt;q=0.9"}, {"Accept-Language": "fr-CA"}, {"Accept-Language": "tl"},
    {"Accept-Language": "de-DE,de;q=0.9,en;q=0.8"}, {"Accept-Language": "de-DE,de;q=0.9,ar;q=0.5"},
    {"Accept-Language": "es;q=0, fr"}, {"Accept-Language": "*"}, {"Accept-Language": "vi-VN"},
    {"Cookie": "lang=fa", "Accept-Language": "es"}, {"Cookie": "lang=zh-hant"}, {"Cookie": "lang=xx",
                                                                                  "Accept-Language": "vi"},
], ids=repr)
def test_the_root_sends_readers_where_the_app_does(static: Static, headers: dict[str, str]) -> None:
    mine, theirs = static.both("/", headers)
    assert mine.status_code == theirs.status_code == 303
    assert mine.headers["location"] == theirs.headers["location"]
    assert mine.headers["cache-control"] == theirs.headers["cache-control"] == "private, no-cache"
    assert header_tokens(mine, "vary") == header_tokens(theirs, "vary") == {"Cookie", "Accept-Language"}


@pytest.mark.parametrize("next_path", ["/vi/articles/x", "//evil.example/", "https://evil.example/", "/\\evil"])
def test_choosing_a_language_sets_the_same_cookie(static: Static, next_path: str) -> None:
    path = f"/choose-language/vi?next={quote(next_path)}" if next_path.startswith("/v") else \
        "/choose-language/vi?" + urlencode({"next": next_path})
    mine, theirs = static.both(path)
    assert mine.status_code == theirs.status_code == 303
    for name in ("location", "set-cookie", "cache-control"):
        assert mine.headers[name] == theirs.headers[name], name
    assert static.get("/choose-language/xx").status_code == 404


@pytest.mark.parametrize(("path", "headers", "page"), [
    ("/es/articles/no-such-article", {}, "!error/es/404/not-found"),
    ("/embed/ar/no-such-article", {}, "!error/ar/404/not-found"),
    ("/qaa/articles/x", {"Accept-Language": "ar"}, "!error/ar/404/unknown-language"),  # qaa: never served
    ("/nothing-here/", {"Cookie": "lang=vi"}, "!error/vi/404/unknown-language"),
])
def test_reader_errors_speak_the_readers_language(static: Static, path: str, headers: dict[str, str],
                                                  page: str) -> None:
    mine, theirs = static.both(path, headers)
    assert mine.status_code == theirs.status_code == 404
    assert mine.content == theirs.content == static.result.path(page).read_bytes()
    assert mine.headers["cache-control"] == theirs.headers["cache-control"]
    assert header_tokens(mine, "vary") - {"Accept-Encoding"} == header_tokens(theirs, "vary") - {"Accept-Encoding"}


@pytest.mark.parametrize(("path", "status", "kind"), [
    (f"/api/v1/articles/{SLUG}?lang=es-MX", 404, "unknown-language"),  # the app matches it; a static host cannot
    (f"/api/v1/articles/{SLUG}?lang=qaa", 404, "unknown-language"),
    ("/api/v1/articles/no-such-article?lang=es", 404, "unknown-article"),
    ("/api/v1/articles?lang=es&per_page=5", 400, "needs-app"),
    ("/api/v1/articles?updated_since=2026-01-01", 400, "needs-app"),
    (f"/api/v1/articles/{SLUG}?lang=es&x=1", 400, "needs-app"),
    ("/api/v1/locales?x=1", 400, "needs-app"),
    ("/api/oembed?url=https%3A%2F%2Fevil.example%2Fes%2Farticles%2Fx", 404, "unknown-article"),
    ("/api/oembed", 400, "needs-app"),
    ("/api/nothing", 404, "not-found"),
    (f"/api/v1/articles/{SLUG}/es.json", 404, "unknown-article"),  # the export's file names are not URLs
])
def test_what_needs_the_app_is_a_clear_problem(static: Static, path: str, status: int, kind: str) -> None:
    r = static.get(path)
    assert r.status_code == status
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["type"] == f"urn:bothand:problem:{kind}" and problem["status"] == status
    if kind == "unknown-language":
        assert "es" in problem["available"] and "static copy" in problem["detail"]


def test_oembed_for_our_own_pages(static: Static) -> None:
    page = f"{static.url}/ar/articles/{SLUG}"
    for query in (urlencode({"url": page, "format": "json"}), urlencode({"url": page}),
                  f"url={page}&maxwidth=400&maxheight=300"):  # maxwidth/maxheight: the default size
        r = static.get(f"/api/oembed?{query}")
        assert r.status_code == 200, query
        assert r.content == static.app.get(f"/api/oembed?{urlencode({'url': page, 'format': 'json'})}").content
    xml = static.get(f"/api/oembed?{urlencode({'url': page, 'format': 'xml'})}")
    assert xml.status_code == 501 and xml.json()["type"] == "urn:bothand:problem:unsupported-format"


def test_api_without_lang_negotiates_at_the_edge(static: Static) -> None:
    r = static.get(f"/api/v1/articles/{SLUG}", headers={"Accept-Language": "zh-TW,zh;q=0.9"})
    assert r.json()["lang"] == "zh-Hant" and r.headers["content-language"] == "zh-Hant"
    assert "Accept-Language" in header_tokens(r, "vary")
    listed = static.get("/api/v1/articles", headers={"Accept-Language": "ar"})
    assert listed.json()["lang"] == "ar" and "Accept-Language" in header_tokens(listed, "vary")
    assert static.get(f"/api/v1/articles/{SLUG}").json()["lang"] == "en"


@pytest.mark.parametrize(("path", "headers"), [
    ("/es/help", {}),  # the page without a country
    ("/es/help", {"Cookie": "country=CA"}),  # the remembered country
    ("/es/help?country=CA", {"Cookie": "country=US"}),  # the form wins over the cookie
    ("/es/help?country=CA&remember=1", {}),  # through /choose-country/
    ("/es/help?country=&remember=1", {}),  # forget it
    ("/es/help/CA", {}),
    ("/ar/help/MX", {}),  # no line here: the page for any other country
    (f"/embed/es/{SLUG}?country=MX", {}),
    (f"/embed/es/{SLUG}?country=MX&resize=0", {}),
    (f"/es/articles/{SLUG}.pdf?country=MX", {}),  # handouts: no line here, the file for any other country
    (f"/fa/articles/{SLUG}.large-print.pdf?country=GB", {}),  # an emergency number only: the same
    (f"/es/articles/{SLUG}.pdf?utm_source=x", {}),  # another query: the handout without a country
    ("/choose-country/CA?next=/es/help/CA", {}),
    ("/choose-country/none?next=/es/help", {}),
])
def test_help_now_by_country_as_the_app_does(static: Static, path: str, headers: dict[str, str]) -> None:
    mine, theirs = static.both(path, headers)
    assert mine.status_code == theirs.status_code, path
    assert mine.content == theirs.content or mine.status_code == 303
    if mine.status_code == 303:
        assert unquote(mine.headers["location"]) == unquote(theirs.headers["location"])
    cache = theirs.headers.get("cache-control")
    # The app's form redirect says nothing about caching; nginx keeps every /es/help answer private.
    assert mine.headers.get("cache-control") == cache or (cache is None and mine.status_code == 303
                                                          and mine.headers["cache-control"] == "private, no-cache")
    if "Cookie" in header_tokens(theirs, "vary"):
        assert "Cookie" in header_tokens(mine, "vary")
    cookie = theirs.headers.get("set-cookie", "")
    assert mine.headers.get("set-cookie", "").split(";")[0] == cookie.split(";")[0]
    assert ("Max-Age=0" in mine.headers.get("set-cookie", "")) == ("Max-Age=0" in cookie)


def test_methods_preflight_and_private_files(static: Static) -> None:
    post = httpx.post(f"{static.url}/es/articles/{SLUG}")
    assert post.status_code == 405 and post.headers["allow"] == "GET, HEAD, OPTIONS"
    assert post.headers["content-language"] == "es"
    api = httpx.delete(f"{static.url}/api/v1/locales")
    assert api.status_code == 405 and api.headers["content-type"] == "application/problem+json"
    pre = httpx.options(f"{static.url}/api/v1/articles/{SLUG}", headers={
        "Origin": "https://clinic.example", "Access-Control-Request-Method": "GET"})
    assert pre.status_code == 204 and pre.headers["access-control-allow-origin"] == "*"
    assert "GET" in pre.headers["access-control-allow-methods"]
    assert "If-None-Match" in pre.headers["access-control-allow-headers"]
    for path in ("/_bothand/manifest.json", "/_bothand/nginx-http.conf", "/_errors/es/404-not-found.html",
                 f"/es/articles/{SLUG}.html", f"/es/articles/{SLUG}.html.gz", "/es/index.html"):
        assert static.get(path).status_code == 404, path
    assert static.get("/es").headers["location"] == "/es/"


# The route table (api/core/routes.py) is the one place a URL is declared: walk it --------------------
ONLY_A_VIEW = {  # a request for each route that no snapshot resource answers
    "root": "/", "lang_slash": "/es", "help": "/es/help", "choose_language": "/choose-language/es?next=/es/",
    "choose_country": "/choose-country/CA?next=/es/help/CA",
}
NOT_IN_THIS_CORPUS = {"home_page": "/es/page/2"}


def test_every_route_is_served_alike_by_the_app_and_nginx(static: Static) -> None:
    addresses = read_addresses(static.result.snapshot)
    keys_of: dict[str, list[str]] = {}
    for key, address in addresses.items():
        keys_of.setdefault(address.route, []).append(key)
        assert address.key == key  # the key is what the table makes of the address: nothing else wrote it
    for route in ROUTES:
        if route.name in ONLY_A_VIEW:
            mine, theirs = static.both(ONLY_A_VIEW[route.name])
            assert (mine.status_code, mine.headers.get("location")) == (
                theirs.status_code, theirs.headers.get("location")), route.name
            continue
        if route.file is None:  # answered by the app only: the static copy says so
            assert static.get(route.path).headers["content-type"] == "application/problem+json", route.name
            continue
        if route.name not in keys_of:  # this corpus has none (a second home page needs 21 articles)
            mine, theirs = static.both(NOT_IN_THIS_CORPUS[route.name])
            assert mine.status_code == theirs.status_code == 404, route.name
            continue
        for key in keys_of[route.name][:3]:
            assert static.result.files[key] == file_for(addresses[key])
            if route.internal:
                continue
            mine, theirs = static.both(key)
            assert (mine.status_code, mine.content) == (theirs.status_code, theirs.content), key
    # And nginx picks each URL by the location derived from the same route the app picks it by.
    located = generated_locations(static.result.folder)
    samples = {**ONLY_A_VIEW, **NOT_IN_THIS_CORPUS, **{name: keys[0] for name, keys in keys_of.items()}}
    for route in ROUTES:
        if not route.internal:
            url = samples.get(route.name, route.path).split("?")[0]
            assert nginx_location(located, url) == route.name == getattr(match(url), "route", None), url


def generated_locations(export_dir: Path) -> list[tuple[str, str, re.Pattern[str] | None]]:
    """The export's nginx-locations.conf: (route, exact path or "", regular expression or None), in order."""
    out = []
    text = (export_dir / "_bothand" / "nginx-locations.conf").read_text("utf-8")
    for kind, where, route in re.findall(r'^location (=|~) "?(.*?)"? \{  # (\w+)$', text, re.M):
        out.append((route, where if kind == "=" else "", re.compile(where.replace("(?<", "(?P<"))
                    if kind == "~" else None))
    return out


def nginx_location(located: list[tuple[str, str, re.Pattern[str] | None]], url: str) -> str | None:
    """Which route's location nginx picks for `url`: an exact one first, then the first expression."""
    exact = [route for route, path, _ in located if path == url]
    return exact[0] if exact else next((route for route, _, regex in located if regex and regex.search(url)), None)


ROUTE_SEGMENTS = {part for route in ROUTES if not route.internal for part in route.path.split("/")
                  if part and "{" not in part}


def test_the_nginx_config_writes_no_url_of_a_route() -> None:
    """deploy/nginx-static.conf names no route's path: every URL-shaped location comes from the table."""
    conf = [line.split("#")[0] for line in CONF.read_text("utf-8").splitlines()]
    locations = {line.strip().removeprefix("location ").removesuffix("{").strip()
                 for line in conf if line.strip().startswith("location ")}
    assert locations == {r"~ \.(?:html|gz|br)$", "/", "^~ /_errors/", "^~ /_bothand/", "^~ /_alt/"}
    written = {part for line in conf for part in ROUTE_SEGMENTS if f"/{part}" in line.replace("\\", "")}
    assert written == set()
    assert "include /srv/bothand/_bothand/nginx-locations.conf;" in CONF.read_text("utf-8")


def test_the_namespaces_are_what_the_routes_say(monkeypatch: pytest.MonkeyPatch) -> None:
    """The prefixes the app and nginx tell URLs apart by (an API error is a problem, only an embed may be
    framed, where a URL names its language) are computed from the table's paths and kinds (issue 22)."""
    public = [route for route in ROUTES if not route.internal]
    assert (API_PREFIX, EMBED_PREFIX, LANG_PREFIXES) == ("/api/", "/embed/", ("/embed/", "/"))
    for kind, prefix in (("api", API_PREFIX), ("embed", EMBED_PREFIX)):
        assert {r.name for r in public if r.path.startswith(prefix)} == {r.name for r in public if r.kind == kind}
    with pytest.raises(ValueError, match="share no path"):
        prefix_of("reader")  # reader pages have no namespace of their own: `/`
    monkeypatch.setattr(routes, "ROUTES", (*ROUTES, Route("stray", "/api/stray")))  # a page under /api/
    with pytest.raises(ValueError, match="stray"):
        prefix_of("api")


# Every segment of a public route's path or file (`api`, `v1`, `article-list`, `embed`, ...).
URL_SEGMENTS = {part for route in ROUTES if not route.internal for text in (route.path, route.file or "")
                for part in text.split("/") if part and "{" not in part}


def _url_literals(text: str) -> set[str]:
    """The route segments `text` writes as part of a URL or file path (`/api/`, `(?:embed/)?`); source paths
    (`api/core/routes.py`) aside."""
    text = re.sub(r"\bapi/[\w/]+\.py\b", "", text)
    return {seg for seg in URL_SEGMENTS
            if re.search(rf"(?:^|[^\w.~-])(?:/{re.escape(seg)}(?:$|[^\w.~-])|{re.escape(seg)}/)", text)}


def _code_strings(path: Path) -> list[tuple[int, str]]:
    """A module's string constants (f-strings' literal parts too), but its docstrings."""
    tree = ast.parse(path.read_text("utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def test_the_app_and_the_export_write_no_url_of_a_route() -> None:
    """Outside api/core/routes.py, api/web and api/export write no route's path or file (`/api/`, `/embed/`,
    `api/v1/articles/`) but in comments and docstrings: the app, the export and nginx's maps take their
    prefixes and patterns from the table (issue 22)."""
    found = []
    for module in sorted([*(ROOT / "api" / "web").rglob("*.py"), *(ROOT / "api" / "export").rglob("*.py")]):
        found += [f"{module.relative_to(ROOT)}:{line} {sorted(segs)}" for line, text in _code_strings(module)
                  if (segs := _url_literals(text))]
    for template in sorted((ROOT / "api" / "export" / "templates").glob("*.j2")):
        found += [f"{template.relative_to(ROOT)}:{n} {sorted(segs)}"
                  for n, line in enumerate(template.read_text("utf-8").splitlines(), 1)
                  if (segs := _url_literals(line.split("#")[0]))]  # nginx comments aside
    assert found == []
    assert _url_literals('~^400!:[^:]*:/api/ x') == {"api"}  # what it would catch: the hand-written map of old
    assert _url_literals("(?:_alt/[^/]+/)?embed/ '*'") == {"embed"}


@pytest.mark.parametrize(("route", "param", "wider"), [
    ("choose_language", "lang", "[^/]+"), ("lang_slash", "segment", "[A-Za-z0-9.]+"), ("help", "lang", r"\S+"),
    ("choose_country", "country", "[A-Z]{2}|none|.*"),
])
def test_no_redirect_is_built_from_a_wider_shape(route: str, param: str, wider: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The export refuses a table whose shapes would let more than letters, digits, `_`, `~`, `-` reach a
    Location header (`/\\evil` is another host to a browser; CR/LF would split the response)."""
    spec = BY_NAME[route]
    assert locations.BEHAVIOUR[route](spec).route == route  # the table as it is: fine
    if param in dict(spec.shapes):
        monkeypatch.setitem(BY_NAME, route, dataclasses.replace(spec, shapes=((param, wider),)))
    else:
        monkeypatch.setitem(SHAPES, param, wider)
    with pytest.raises(ExportError, match="may only hold letters"):
        locations.BEHAVIOUR[route](BY_NAME[route])


# Hostile paths (issue 21): nothing in a path may reach a header, split a response or leave the site ---
def raw_get(url: str, target: str) -> tuple[int, list[tuple[str, str]], bytes]:
    """GET `target` exactly as written (no client normalizes it): status, header lines, body."""
    host, port = urlsplit(url).hostname, urlsplit(url).port
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = [(name.strip().lower(), value.strip()) for name, _, value in (line.partition(":") for line in lines)]
    return int(status_line.split()[1]), headers, body


HOSTILE_PATHS = [
    "/%0d%0aSet-Cookie:%20country=US;Max-Age=99999999;x=",  # a year of the US lines for a reader elsewhere
    "/%0d%0aX:1%0d%0a%0d%0a<svg%20onload=alert(1)>",  # response splitting: the CSP pushed into the body
    "/%0aSet-Cookie:%20lang=ar/help?country=CA",  # through the help-now redirect
    "/es/%0aSet-Cookie:%20lang=ar/help",
    "/%5Cevil%E3%80%82com",  # Location: /\evil。com/ is //evil.com to a browser
    "/%5C2130706433",  # the same with a decimal IP
    "/\\evil.example",  # a raw backslash
    "/es%09",
    "/embed/es/%5Cevil",
    "/api/v1/articles/%0aX:1",
]


def _names(headers: list[tuple[str, str]]) -> set[str]:
    return {name for name, _ in headers}


@pytest.mark.parametrize("target", HOSTILE_PATHS)
def test_a_hostile_path_is_refused_by_nginx_and_the_app(static: Static, target: str) -> None:
    status, headers, body = raw_get(static.url, target)
    assert status == 400, target
    assert not {"set-cookie", "location", "x"} & _names(headers), headers
    assert [value for name, value in headers if name == "content-security-policy"], headers
    assert b"onload=alert" not in body and b"frame-ancestors" not in body  # nothing pushed into the body
    problem = target.startswith("/api/")
    assert dict(headers)["content-type"] == ("application/problem+json" if problem else HTML)
    if problem:
        assert json.loads(body)["type"] == "urn:bothand:problem:bad-request"
    # The app, asked the same: the same refusal.
    theirs = static.app.get(target, headers={"Accept-Encoding": "identity"}, follow_redirects=False)
    assert theirs.status_code == 400 and "set-cookie" not in theirs.headers and "location" not in theirs.headers
    assert theirs.headers["content-type"] == dict(headers)["content-type"]
    if not problem:
        assert theirs.content == body  # the reader's 400 page, in the reader's language
        assert theirs.headers["cache-control"] == dict(headers)["cache-control"]


@pytest.mark.parametrize("target", [
    "/%E3%80%82evil.example", "/evil%E3%80%82com", "//evil.example", "/%2F%2Fevil.example", "/%2F%5Cevil",
    "/es/help/..%2F..%2F%2Fevil.example", "/choose-language/es?next=%2F%5Cevil.example",
    "/choose-language/es?next=/%0d%0aX:1", "/choose-country/CA?next=//evil.example", "/ES", "/es",
])
def test_every_redirect_stays_on_the_site(static: Static, target: str) -> None:
    for status, headers in (raw_get(static.url, target)[:2],
                            (lambda r: (r.status_code, list(r.headers.items())))(
                                static.app.get(target, follow_redirects=False))):
        location = dict(headers).get("location")
        if location is not None:
            assert 300 <= status < 400
            assert location.startswith("/") and location[1:2] not in ("/", "\\"), location
            assert not re.search(r"[\x00-\x20\x7f\\]", location), location
            assert "cache-control" in dict(headers), (target, headers)  # never a redirect a CDN keeps by guess
        assert not {"x"} & {name for name, _ in headers}


def test_a_plain_one_segment_path_still_gains_its_slash(static: Static) -> None:
    mine, theirs = static.both("/es")
    assert mine.status_code == theirs.status_code == 301
    assert mine.headers["location"] == theirs.headers["location"] == "/es/"
    assert mine.headers["cache-control"] == theirs.headers["cache-control"]


# The partner contract, against the app and against the export behind nginx --------------------------
# What a clinic's integration relies on, asked over HTTP of both; the static run must pass it unchanged.
CONTRACT_TAGS = ("en", "es", "ar", "zh-Hant")
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module", params=["app", "static"])
def partner(request: pytest.FixtureRequest, site_copy: Corpus) -> Iterator[httpx.Client]:
    with corpus_server(site_copy) if request.param == "app" else static_site(**sources(site_copy)) as url, \
            httpx.Client(base_url=url, timeout=30) as client:
        yield client


def origin(client: httpx.Client) -> str:
    return str(client.base_url).rstrip("/")


def _validator(doc: dict[str, Any], path: str, status: str, media: str = "application/json") -> Any:
    schema = {**doc["paths"][path]["get"]["responses"][status]["content"][media]["schema"],
              "components": doc["components"]}
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def test_contract_sync_everything_from_the_document(partner: httpx.Client) -> None:
    """List, fetch and revalidate every article in every language, using only what the document names."""
    doc = partner.get("/api/v1/openapi.json").json()
    operations = {item["get"]["operationId"]: path for path, item in doc["paths"].items()}
    locales = partner.get(operations["listLocales"]).json()["locales"]
    _validator(doc, "/api/v1/locales", "200").validate({"locales": locales})
    fetched = 0
    for loc in locales:
        url: str | None = f"{operations['listArticles']}?lang={loc['tag']}"
        while url:
            page = partner.get(url)
            _validator(doc, "/api/v1/articles", "200").validate(page.json())
            for item in page.json()["articles"]:
                article = partner.get(item["urls"]["json"])
                assert article.status_code == 200 and article.json()["lang"] == loc["tag"]
                assert article.headers["content-language"] == loc["tag"]
                _validator(doc, "/api/v1/articles/{slug}", "200").validate(article.json())
                again = partner.get(item["urls"]["json"], headers={"If-None-Match": article.headers["etag"]})
                assert again.status_code == 304 and again.content == b""
                fetched += 1
            nxt = page.links.get("next")
            url = nxt["url"] if nxt else None
    assert fetched >= len(locales)
    missing = partner.get("/api/v1/articles/no-such-article?lang=es")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("application/problem+json")
    _validator(doc, "/api/v1/articles/{slug}", "404", "application/problem+json").validate(missing.json())


@pytest.mark.parametrize("tag", CONTRACT_TAGS)
def test_contract_embed_page(partner: httpx.Client, tag: str) -> None:
    r = partner.get(f"/embed/{tag}/{SLUG}")
    assert r.status_code == 200 and "set-cookie" not in r.headers
    assert "frame-ancestors *" in r.headers["content-security-policy"]
    root = find(r.text, "html")[0]
    assert root.attrs["lang"] == tag and root.attrs["dir"] == ("rtl" if tag in ("ar", "fa") else "ltr")
    assert find(r.text, "base")[0].attrs["target"] == "_top"
    assert find(r.text, "aside", id="help-now") and find(r.text, "footer", class_="attribution")
    assert not find(r.text, "nav")
    assert find(r.text, "script")[0].attrs["src"] == "/static/embed-resize.js"
    assert not find(partner.get(f"/embed/{tag}/{SLUG}?resize=0").text, "script")
    assert partner.get(f"/embed/{tag}/no-such-article").status_code == 404
    assert partner.get(f"/embed/qaa/{SLUG}").status_code == 404


@pytest.mark.parametrize("tag", CONTRACT_TAGS)
def test_contract_oembed_from_the_discovery_link(partner: httpx.Client, tag: str) -> None:
    html = partner.get(f"/{tag}/articles/{SLUG}").text
    link = [el for el in find(html, "link") if el.attrs.get("type") == "application/json+oembed"][0]
    data = partner.get(link.attrs["href"]).json()
    assert (data["version"], data["type"], data["provider_name"]) == ("1.0", "rich", "Bothand")
    iframe = find(data["html"], "iframe")[0]
    assert iframe.attrs["src"] == f"{origin(partner)}/embed/{tag}/{SLUG}"
    assert iframe.attrs["lang"] == tag and iframe.attrs["title"] == data["title"]
    assert partner.get(iframe.attrs["src"]).status_code == 200
    script = find(data["html"], "script")[0].attrs["src"]
    assert script.endswith("/static/embed-parent.js") and partner.get(script).status_code == 200


@pytest.mark.parametrize("tag", CONTRACT_TAGS)
def test_contract_atom_feed(partner: httpx.Client, tag: str) -> None:
    r = partner.get(f"/{tag}/feed.xml")
    assert r.headers["content-type"].startswith("application/atom+xml") and r.headers["content-language"] == tag
    feed = ElementTree.fromstring(r.content)
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == tag
    entries = feed.findall(f"{ATOM}entry")
    assert entries
    for entry in entries:
        href = entry.find(f"{ATOM}link").get("href")  # type: ignore[union-attr]
        assert partner.get(str(href)).status_code == 200


def test_contract_sitemap_and_robots(partner: httpx.Client) -> None:
    root = ElementTree.fromstring(partner.get("/sitemap.xml").content)
    urls = root.findall(f"{SITEMAP}url")
    assert urls
    for url in urls[:12]:
        assert partner.get(str(url.find(f"{SITEMAP}loc").text)).status_code == 200  # type: ignore[union-attr]
        assert "x-default" in {ln.get("hreflang") for ln in url.findall(f"{XHTML}link")}
    assert f"Sitemap: {origin(partner)}/sitemap.xml" in partner.get("/robots.txt").text


@pytest.mark.parametrize("path", ["/api/v1/locales", f"/api/v1/articles/{SLUG}?lang=fa", "/api/v1/articles?lang=ru",
                                  f"/ru/articles/{SLUG}", "/es/", "/ar/feed.xml", f"/embed/vi/{SLUG}",
                                  "/api/v1/openapi.json"])
def test_contract_http_semantics(partner: httpx.Client, path: str) -> None:
    r = partner.get(path, headers={"Origin": "https://clinic.example"})
    etag = r.headers["etag"]
    assert etag.startswith('"') and r.headers["cache-control"] == "public, max-age=300, stale-while-revalidate=86400"
    assert r.headers["access-control-allow-origin"] == "*" and "ETag" in r.headers["access-control-expose-headers"]
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["referrer-policy"] == "no-referrer"
    framing = "frame-ancestors *" if path.startswith("/embed/") else "frame-ancestors 'none'"
    assert framing in r.headers["content-security-policy"] and "set-cookie" not in r.headers
    again = partner.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    head = partner.head(path)
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == etag
    preflight = partner.options(path, headers={"Origin": "https://clinic.example",
                                               "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 204 and preflight.headers["access-control-allow-origin"] == "*"
