"""Regression tests for the outside security review (issue 8): each test reproduces one finding.

The nginx findings (slow clients, Host through the cache, oversized Link headers, cached error
pages) are proven against the real deploy/nginx.conf in tests/test_cdn.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from starlette.testclient import TestClient

from api.app import create_app
from api.core.settings import Settings
from api.i18n.negotiation import MAX_HEADER, Negotiator
from api.tools.checks import check_all
from tests.conftest import FAST_BROTLI, SLUG, po_path, replace_msgstr

ALL_PAGES = ["/{t}/", f"/{{t}}/articles/{SLUG}", "/{t}/developers", "/{t}/languages", "/{t}/accessibility",
             f"/embed/{{t}}/{SLUG}", "/{t}/feed.xml", f"/api/v1/articles/{SLUG}?lang={{t}}",
             "/api/v1/articles?lang={t}"]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, (old, path)
    path.write_text(text.replace(old, new), "utf-8")


def _check(project: Path) -> list[str]:
    settings = Settings(content_dir=project / "content", locales_dir=project / "locales",
                        base_url="http://testserver", build_folder=project / "build", brotli_quality=FAST_BROTLI)
    return [str(p) for p in check_all(settings, stale=False)]


def _every_page_answers(client: TestClient, tag: str) -> None:
    for pattern in ALL_PAGES:
        url = pattern.format(t=tag)
        assert client.get(url).status_code == 200, url


# 1. Host-header poisoning -------------------------------------------------------------------------

def test_1_absolute_urls_never_come_from_the_host_header(project_copy: Path) -> None:
    settings = Settings(content_dir=project_copy / "content", locales_dir=project_copy / "locales",
                        base_url="https://bothand.example", extra_hosts=("internal.example",),
                        build_folder=project_copy / "build", brotli_quality=FAST_BROTLI)
    client = TestClient(create_app(settings), base_url="http://internal.example")
    bodies = [
        client.get("/en/developers").text,
        client.get(f"/es/articles/{SLUG}").text,
        client.get(f"/embed/es/{SLUG}").text,
        client.get("/es/feed.xml").text,
        client.get("/sitemap.xml").text,
        client.get("/robots.txt").text,
        client.get(f"/api/v1/articles/{SLUG}?lang=es").text,
        client.get("/api/v1/articles?per_page=1").headers["link"],
        client.get(f"/api/oembed?url=https://bothand.example/es/articles/{SLUG}").text,
    ]
    for body in bodies:
        assert "internal.example" not in body and "testserver" not in body
    assert "src=&#34;https://bothand.example/static/embed-parent.js&#34;" in bodies[0]
    assert 'rel="canonical" href="https://bothand.example/es/articles/' in bodies[1]


def test_1_an_unknown_host_is_refused(client: TestClient) -> None:
    r = client.get("/en/developers", headers={"Host": "evil.example"})
    assert r.status_code == 400 and "evil.example" not in r.text
    assert r.headers["x-content-type-options"] == "nosniff"


def test_1_trailing_slash_redirects_are_paths(client: TestClient) -> None:
    r = client.get("/es/languages/?x=1", follow_redirects=False)
    assert r.status_code == 301 and r.headers["location"] == "/es/languages?x=1"


# 2. A translator's format spec ----------------------------------------------------------------------

def test_2_a_changed_conversion_costs_one_segment_not_the_language(
    project_copy: Path, make_client: Callable[[], TestClient]
) -> None:
    fr = po_path(project_copy, "fr", "ui")
    text = fr.read_text("utf-8")
    # Every French %(num)s and %(site)s becomes %(num)d / %(site)d: formatting strings with them fails.
    fr.write_text(re.sub(r'(msgstr(?:\[\d\])? ".*?)%\((num|site)\)s', r"\1%(\2)d", text), "utf-8")
    es = po_path(project_copy, "es", "ui")
    replace_msgstr(es, "Updated %(updated)s.", "Actualizado %(updated)c.")
    client = make_client()
    _every_page_answers(client, "fr")
    _every_page_answers(client, "es")
    assert "From Bothand." in client.get(f"/api/v1/articles/{SLUG}?lang=fr").json()["attribution"]["text"]
    problems = _check(project_copy)
    assert any(p.startswith("locales/fr/LC_MESSAGES/ui.po:") or "fr/LC_MESSAGES/ui.po:" in p and "%(num)d" in p
               for p in problems), problems
    assert any("es/LC_MESSAGES/ui.po:" in p and "%(updated)c" in p for p in problems), problems


def test_2_width_and_precision_are_refused(project_copy: Path, make_client: Callable[[], TestClient]) -> None:
    # 12. `%(site)100000s` would add 100 KB to every page.
    replace_msgstr(po_path(project_copy, "es", "ui"), "From %(site)s.", "De %(site)100000s.")
    client = make_client()
    body = client.get(f"/api/v1/articles/{SLUG}?lang=es").json()
    assert body["attribution"]["text"] == "From Bothand. Shown unchanged, with permission."
    assert len(client.get(f"/embed/es/{SLUG}").content) < 100_000
    assert any("%(site)100000s" in p for p in _check(project_copy))


# 3. Plural-Forms -----------------------------------------------------------------------------------

@pytest.mark.parametrize("rule", ["n>>1", "n%0", "n+5", "(n"])
def test_3_a_bad_plural_rule_costs_that_interface_only(
    project_copy: Path, make_client: Callable[[], TestClient], rule: str
) -> None:
    es = po_path(project_copy, "es", "ui")
    text = es.read_text("utf-8")
    es.write_text(re.sub(r'"Plural-Forms: [^"]*"\n(?:"[^"]*"\n)*', f'"Plural-Forms: nplurals=3; plural={rule};\\\\n"\n',
                         text, count=1), "utf-8")
    client = make_client()  # the app starts
    _every_page_answers(client, "es")
    page = client.get(f"/es/articles/{SLUG}").text
    assert "Skip to main content" in page  # the interface falls back to English...
    assert client.get(f"/api/v1/articles/{SLUG}?lang=es").json()["blocks"][0]["text"]["lang"] == "es"  # ...content not
    problems = _check(project_copy)
    assert any(re.search(r"es/LC_MESSAGES/ui\.po:\d+: Plural-Forms rule", p) for p in problems), problems


# 4. Accept-Language --------------------------------------------------------------------------------

def test_4_huge_accept_language_headers_are_cut_before_any_cache(client: TestClient) -> None:
    negotiator: Negotiator = client.app.state.site.negotiator  # type: ignore[attr-defined]  # the app's own
    negotiator._best.cache_clear()
    for i in range(20):
        header = f"x-{i}," + "a" * 200_000 + ",es"
        r = client.get(f"/api/v1/articles/{SLUG}", headers={"Accept-Language": header})
        assert r.status_code == 200 and len(r.content) < 200_000
        assert r.json()["requested_lang"] is None  # never the raw header
    keys = negotiator._best.cache_info()
    assert keys.currsize <= 20 and keys.maxsize is not None and keys.maxsize <= 1024
    assert all(len(h) <= MAX_HEADER for h in _cache_keys(negotiator))


def _cache_keys(negotiator: Negotiator) -> list[str]:
    # lru_cache does not list its keys; ask again for what we stored and measure what it was given.
    return [negotiator.best_match("x," + "a" * 200_000)[1] or ""]


def test_4_the_cut_never_lands_mid_range(client: TestClient) -> None:
    best_match = client.app.state.site.negotiator.best_match  # type: ignore[attr-defined]
    filler = ", ".join(f"x-aaaaaaaa-bbbbbbbb-c{i:07d};q=0.1" for i in range(14))  # 14 unknown ranges
    header = f"qaa, {filler}, fr;q=0.5"  # qaa: never served
    cut = MAX_HEADER - len("qaa, ") - len(filler) - 2
    assert 0 < cut < len("fr;q=0.5")  # a plain cut at MAX_HEADER would leave "fr;q=0": French refused
    # French lies beyond the cap: it is dropped whole, and nothing in the header is refused.
    assert best_match(header) == (None, None)
    shorter = f"qaa, {filler.rsplit(', ', 1)[0]}, fr;q=0.5"
    assert len(shorter) <= MAX_HEADER
    loc, requested = best_match(shorter)
    assert loc is not None and loc.tag == "fr" and requested == "fr"


def test_4_requested_lang_is_normalized_so_equal_content_has_equal_etags(client: TestClient) -> None:
    a = client.get(f"/api/v1/articles/{SLUG}", headers={"Accept-Language": "es-MX,es;q=0.9"})
    b = client.get(f"/api/v1/articles/{SLUG}", headers={"Accept-Language": "es-mx, es;q=0.8, en;q=0.1"})
    assert a.json()["requested_lang"] == b.json()["requested_lang"] == "es-MX"
    assert a.headers["etag"] == b.headers["etag"]


# 6. Help-now labels --------------------------------------------------------------------------------

def test_6_help_now_numbers_and_addresses_survive_translation(
    project_copy: Path, make_client: Callable[[], TestClient]
) -> None:
    es = po_path(project_copy, "es", "ui")
    replace_msgstr(es, "Call 988", "Llama al 555-0100")
    replace_msgstr(es, "findahelpline.com", "findahelpline.evil.example")
    client = make_client()
    crisis = client.get(f"/api/v1/articles/{SLUG}?lang=es").json()["crisis"]
    labels = {c["href"]: c["label"] for r in crisis["resources"] for c in r["contacts"]}
    # The refused label falls back to English, and so does the country it names (never half and half).
    assert labels["tel:988"] == {"text": "Call 988 (United States)", "lang": "en"}
    # A web address is the same in every language: the English one stands in, with the country part in Spanish.
    assert labels["https://findahelpline.com/"] == {"text": "[es] findahelpline.com ([es] worldwide)", "lang": "es"}
    page = client.get(f"/es/articles/{SLUG}").text
    assert "555-0100" not in page and "evil.example" not in page
    problems = _check(project_copy)
    assert any("es/LC_MESSAGES/ui.po:" in p and "'Call 988'" in p for p in problems), problems
    assert any("es/LC_MESSAGES/ui.po:" in p and "findahelpline.evil.example" in p for p in problems), problems


def test_6_native_digits_are_the_same_number(project_copy: Path, make_client: Callable[[], TestClient]) -> None:
    replace_msgstr(po_path(project_copy, "fa", "ui"), "Call 988", "تماس با ۹۸۸")
    replace_msgstr(po_path(project_copy, "fa", "ui"), "United States", None)  # so CLDR names the country
    crisis = make_client().get(f"/api/v1/articles/{SLUG}?lang=fa&country=US").json()["crisis"]
    labels = {c["href"]: c["label"]["text"] for r in crisis["resources"] for c in r["contacts"]}
    assert labels["tel:988"] == "[fa] تماس با ۹۸۸ (ایالات متحده)"  # the country's name from CLDR, in Persian


# 7. Client input never causes a 500 -----------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "/api/v1/articles?page=%C2%B2",
    "/api/v1/articles?per_page=%C2%B2",
    "/api/v1/articles?page=" + "9" * 4301,
    f"/api/oembed?url=http://testserver/es/articles/{SLUG}&maxwidth=%C2%B9%C2%B2%C2%B3",
    "/api/oembed?url=http://%5B::1",
    "/api/v1/articles?updated_since=" + "2" * 5000,
])
def test_7_bad_parameters_are_400_problems(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 400, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["type"] == "urn:bothand:problem:invalid-parameter"


def test_7_a_500_carries_the_security_headers(project_copy: Path) -> None:
    settings = Settings(content_dir=project_copy / "content", locales_dir=project_copy / "locales",
                        base_url="http://testserver", build_folder=project_copy / "build", brotli_quality=FAST_BROTLI)
    app = create_app(settings)

    class Broken(dict[str, object]):
        def __getitem__(self, key: str) -> object:
            raise RuntimeError("simulated bug")

    app.state.site.summaries = Broken()  # every computed answer now fails
    client = TestClient(app, raise_server_exceptions=False)
    for url in ("/api/v1/articles?lang=es&per_page=5", f"/api/oembed?url=http://testserver/es/articles/{SLUG}&maxwidth=300"):
        r = client.get(url)
        assert r.status_code == 500, url
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"
        assert r.headers["cache-control"] == "no-store"
        assert "simulated bug" not in r.text
        assert r.json()["type"] == "urn:bothand:problem:server-error"


# 8. Error pages in the reader's language are never shared -------------------------------------------

def test_8_error_pages_in_the_readers_language_are_private(client: TestClient) -> None:
    r = client.get("/no/such/page", headers={"Accept-Language": "ar"})
    assert r.status_code == 404 and 'lang="ar"' in r.text
    assert r.headers["cache-control"] == "private, no-cache"
    assert r.headers["vary"] == "Cookie, Accept-Language"
    named = client.get("/es/articles/no-such-article", headers={"Accept-Language": "ar"})
    assert named.status_code == 404 and 'lang="es"' in named.text  # the URL says Spanish
    assert named.headers["cache-control"].startswith("public")
    assert "Accept-Language" not in named.headers.get("vary", "")


# 9. Link headers ------------------------------------------------------------------------------------

def test_9_link_headers_carry_only_known_parameters(client: TestClient) -> None:
    r = client.get("/api/v1/articles?lang=es&updated_since=2020-01-01&per_page=1")
    assert r.status_code == 200
    for link in r.headers["link"].split(", "):
        params = re.findall(r"[?&]([a-z_]+)=", link)
        assert set(params) <= {"lang", "updated_since", "page", "per_page"}
    unknown = client.get("/api/v1/articles?x=" + "a" * 1000)
    assert unknown.status_code == 400 and unknown.json()["type"] == "urn:bothand:problem:unknown-parameter"
    assert {"lang", "page", "per_page", "updated_since"} <= set(unknown.json()["accepted"])


# 10. Markup never reaches JSON text -----------------------------------------------------------------

def test_10_markup_written_as_entities_is_refused(project_copy: Path, make_client: Callable[[], TestClient]) -> None:
    content = po_path(project_copy, "es", "content")
    replace_msgstr(content, "What Can Help", "&lt;img src=x onerror=alert(1)&gt;")
    replace_msgstr(po_path(project_copy, "es", "ui"), "From %(site)s.", "<script>alert(1)</script> %(site)s")
    client = make_client()
    body = client.get(f"/api/v1/articles/{SLUG}?lang=es").text
    assert "<img" not in body and "<script" not in body
    problems = _check(project_copy)
    assert any("es/LC_MESSAGES/content.po:" in p and "HTML" in p for p in problems), problems
    assert any("es/LC_MESSAGES/ui.po:" in p and "HTML" in p for p in problems), problems


# 11. Control characters -----------------------------------------------------------------------------

def test_11_control_characters_never_reach_a_feed(project_copy: Path, make_client: Callable[[], TestClient]) -> None:
    content = po_path(project_copy, "es", "content")
    title = next(m for m in re.findall(r'msgid "(.*)"', content.read_text("utf-8")) if m.startswith("First Steps"))
    replace_msgstr(content, title, "Cómo\x01 funcionan\x85 juntos")
    client = make_client()
    feed = client.get("/es/feed.xml")
    ET.fromstring(feed.content)  # well-formed
    assert "\x01" not in feed.text
    assert any("control character" in p for p in _check(project_copy))


# 13. Smaller bugs -----------------------------------------------------------------------------------

def test_13_options_on_a_missing_path_is_404(client: TestClient) -> None:
    assert client.options("/no/such/thing").status_code == 404
    assert client.options(f"/api/v1/articles/{SLUG}").status_code == 204


def test_13_static_files_have_one_address(client: TestClient) -> None:
    assert client.get("/static/site.css").status_code == 200
    assert client.get("/static/site.css/", follow_redirects=False).status_code == 404


def test_13_error_pages_under_embed_cannot_be_framed(client: TestClient) -> None:
    r = client.get("/embed/es/no-such-article")
    assert r.status_code == 404 and 'lang="es"' in r.text
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    ok = client.get(f"/embed/es/{SLUG}")
    assert "frame-ancestors *" in ok.headers["content-security-policy"]


def test_13_favicon(client: TestClient) -> None:
    ico = client.get("/favicon.ico")
    assert ico.status_code == 200 and ico.headers["content-type"] == "image/x-icon"
    assert ico.content[:4] == b"\x00\x00\x01\x00"
    svg = client.get("/static/favicon.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert '<link rel="icon" href="/static/favicon.svg"' in client.get("/es/").text
