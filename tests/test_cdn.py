"""deploy/nginx.conf in front of the app: a cache never mixes languages or readers, only our own
host name is served, and slow or greedy clients cannot hold the server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from api.core.settings import ROOT
from tests.browser.harness import _free_port, wait_until_up
from tests.corpus import SLUG as FIXTURE_SLUG
from tests.corpus import make_corpus
from tests.static_server import corpus_server

SLUG = FIXTURE_SLUG
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
HOST = "bothand.test"  # the public name the tests give the proxy (the shipped file says bothand.example)
TIMEOUT = 2  # seconds: client_header_timeout and client_body_timeout in the tests (shipped: 10s)
LIMIT = 3  # requests in flight per address in the tests (shipped: 20)


@dataclass(frozen=True)
class Proxy:
    port: int

    @property
    def url(self) -> str:
        """Where nginx listens."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def origin(self) -> str:
        """What readers type: the public origin, also the app's BOTHAND_BASE_URL."""
        return f"http://{HOST}:{self.port}"

    def get(self, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
        return httpx.get(self.url + path, headers={"Host": f"{HOST}:{self.port}", **(headers or {})})


def configured(upstream: str, port: int) -> str:
    """The shipped config with our ports, public name, and short timeouts and limits; each line must
    still be where we expect it, so a change to the file cannot silently bypass a test."""
    conf = (ROOT / "deploy" / "nginx.conf").read_text("utf-8")
    for old, new, count in [
        ("server 127.0.0.1:8000;", f"server {upstream};", 1),
        ("listen 127.0.0.1:8080", f"listen 127.0.0.1:{port}", 2),
        ("server_name bothand.example;", f"server_name {HOST};", 1),
        ("worker_processes auto;", "worker_processes 1;", 1),
        ("client_header_timeout 10s;", f"client_header_timeout {TIMEOUT}s;", 1),
        ("client_body_timeout 10s;", f"client_body_timeout {TIMEOUT}s;", 1),
        ("limit_conn bothand_per_address 20;", f"limit_conn bothand_per_address {LIMIT};", 1),
    ]:
        assert conf.count(old) == count, f"deploy/nginx.conf no longer has {old!r} {count} time(s)"
        conf = conf.replace(old, new)
    if os.geteuid() == 0:
        # As root, nginx's workers would drop to `nobody`, who cannot enter pytest's private tmp folder.
        conf = "user root;\n" + conf
    return conf


@contextmanager
def running_nginx(upstream: str, prefix: Path, port: int) -> Iterator[Proxy]:
    (prefix / "tmp").mkdir()
    proxy = Proxy(port)
    (prefix / "nginx.conf").write_text(configured(upstream, proxy.port), "utf-8")
    proc = subprocess.Popen([NGINX, "-p", str(prefix), "-c", "nginx.conf", "-g", "daemon off;"])  # noqa: S603
    try:
        wait_until_up(proxy.url + "/robots.txt", headers={"Host": HOST})
        yield proxy
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    port = _free_port()
    corpus = make_corpus(tmp_path_factory.mktemp("cdn-corpus"), tags=("es", "fr", "ar", "fa", "vi", "ht", "ko"))
    with corpus_server(corpus, base_url=f"http://{HOST}:{port}") as app_url:
        prefix = tmp_path_factory.mktemp("nginx")
        with running_nginx(app_url.removeprefix("http://"), prefix, port) as started:
            yield started


def exchange(port: int, request: bytes, timeout: float = 5) -> bytes:
    """Send raw bytes, read until the server closes; b"" if it closed without answering."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except ConnectionResetError:
            pass
    return b"".join(chunks)


def refused(reply: bytes) -> bool:
    """Closed without an answer, or answered with a 4xx status."""
    return reply == b"" or reply.split(b" ", 2)[1].startswith(b"4")


def test_pages_are_cached(proxy: Proxy) -> None:
    first = proxy.get(f"/es/articles/{SLUG}")
    second = proxy.get(f"/es/articles/{SLUG}")
    assert first.headers["x-cache-status"] == "MISS"
    assert second.headers["x-cache-status"] == "HIT"
    assert second.headers["etag"] == first.headers["etag"] and second.text == first.text
    assert first.headers["server"] == "nginx"  # server_tokens off: no version


def test_language_variants_never_mix(proxy: Proxy) -> None:
    url = f"/api/v1/articles/{SLUG}"
    for header, lang in [("es", "es"), ("es", "es"), ("fr-CA", "fr"), ("ar", "ar"), ("es", "es"), ("fr", "fr")]:
        r = proxy.get(url, headers={"Accept-Language": header})
        assert r.json()["lang"] == lang and r.headers["content-language"] == lang, (header, r.headers)


def test_readers_redirect_and_cookie_are_never_shared(proxy: Proxy) -> None:
    a = proxy.get("/", headers={"Cookie": "lang=ko"})
    b = proxy.get("/", headers={"Cookie": "lang=ht"})
    assert (a.headers["location"], b.headers["location"]) == ("/ko/", "/ht/")
    for _ in range(2):
        chosen = proxy.get("/choose-language/vi?next=/vi/")
        assert chosen.headers["set-cookie"].startswith("lang=vi")
        assert chosen.headers["x-cache-status"] != "HIT"


def test_revalidation_through_the_proxy(proxy: Proxy) -> None:
    etag = proxy.get("/api/v1/locales").headers["etag"]
    r = proxy.get("/api/v1/locales", headers={"If-None-Match": etag})
    assert r.status_code == 304


def test_other_hosts_are_refused_and_never_reach_the_cache(proxy: Proxy) -> None:
    path = "/en/developers"
    for request in [
        f"GET {path} HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
        f"GET http://evil.example{path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n",
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{proxy.port}\r\nConnection: close\r\n\r\n",
    ]:
        assert refused(exchange(proxy.port, request.encode())), request
    # Our name with forwarded-host headers: the app never hears them, so they cannot reach the cache.
    poisoned = proxy.get(path, headers={"X-Forwarded-Host": "evil.example", "Forwarded": "host=evil.example"})
    following = proxy.get(path)
    assert following.headers["x-cache-status"] == "HIT"  # the entry the request above could have poisoned
    for page in (poisoned, following):
        assert page.status_code == 200
        assert "evil.example" not in page.text
        assert f"{proxy.origin}/static/embed-parent.js" in page.text  # the embed snippet names our origin


def test_a_request_without_host_never_learns_the_upstream_address(proxy: Proxy) -> None:
    path = "/fr/developers"  # requested by no other test: this request is the first for it
    reply = exchange(proxy.port, f"GET {path} HTTP/1.0\r\n\r\n".encode())
    assert b"127.0.0.1" not in reply
    assert refused(reply) or proxy.origin.encode() in reply
    following = proxy.get(path)
    assert following.status_code == 200
    assert "127.0.0.1" not in following.text and f"{proxy.origin}/static/embed-parent.js" in following.text


@pytest.mark.parametrize("reader", [{"Accept-Language": "ar"}, {"Cookie": "lang=fa"}], ids=["header", "cookie"])
def test_error_pages_in_a_readers_language_are_never_shared(proxy: Proxy, reader: dict[str, str]) -> None:
    # A language we do not serve: the 404 page speaks the reader's own language.
    path = f"/qaa/articles/no-such-article-{next(iter(reader))}"  # qaa: never served
    theirs = proxy.get(path, headers=reader)
    lang = "ar" if "ar" in reader.values() else "fa"
    assert theirs.status_code == 404 and f'<html lang="{lang}"' in theirs.text
    for _ in range(2):
        mine = proxy.get(path, headers={"Accept-Language": "en"})
        assert mine.status_code == 404 and mine.headers["x-cache-status"] != "HIT"
        assert '<html lang="en"' in mine.text and f'<html lang="{lang}"' not in mine.text


def test_unknown_query_parameters_never_become_a_gateway_error(proxy: Proxy) -> None:
    r = proxy.get("/api/v1/articles?per_page=1&x=" + "a" * 1000)
    assert r.status_code != 502, r.text
    assert r.headers["content-type"].startswith(("application/json", "application/problem+json"))
    assert "a" * 1000 not in r.headers.get("link", "")  # links carry only the parameters we know


def test_a_slow_header_or_body_is_cut_off(proxy: Proxy) -> None:
    """Slowloris: a header trickled a line at a time, or a body that stops coming, is cut off after the
    timeout. (A body trickled byte by byte resets client_body_timeout, as nginx defines it; the per-address
    limit below is what bounds those.)"""
    starts = {
        "header": f"GET /en/ HTTP/1.1\r\nHost: {HOST}\r\n",
        "body": f"POST /en/ HTTP/1.1\r\nHost: {HOST}\r\nContent-Length: 1000\r\n\r\n",
    }
    socks = {name: socket.create_connection(("127.0.0.1", proxy.port)) for name in starts}
    closed: dict[str, float] = {}
    began = time.monotonic()
    try:
        for name, sock in socks.items():
            sock.sendall(starts[name].encode())
            sock.settimeout(0.25)
        while len(closed) < len(socks) and time.monotonic() - began < TIMEOUT + 4:
            for name, sock in socks.items():
                if name in closed:
                    continue
                try:
                    reply = sock.recv(65536)
                    # Closed (b""), or nginx's last word before closing (408).
                    assert reply == b"" or reply.startswith(b"HTTP/1.1 408"), reply
                    closed[name] = time.monotonic() - began
                except TimeoutError:
                    if name == "header":
                        try:
                            sock.sendall(b"X-Slow: 1\r\n")  # one more drip
                        except (BrokenPipeError, ConnectionResetError):
                            closed[name] = time.monotonic() - began
                except ConnectionResetError:
                    closed[name] = time.monotonic() - began
    finally:
        for sock in socks.values():
            sock.close()
    assert set(closed) == set(starts), f"still open after {TIMEOUT + 4}s: {set(starts) - set(closed)}"


def test_one_address_cannot_hold_more_than_its_share(proxy: Proxy) -> None:
    # Requests whose body never comes stay in flight (until client_body_timeout).
    held = [socket.create_connection(("127.0.0.1", proxy.port)) for _ in range(LIMIT)]
    try:
        for sock in held:
            sock.sendall(f"POST /en/ HTTP/1.1\r\nHost: {HOST}\r\nContent-Length: 10\r\n\r\n".encode())
        excess = [proxy.get("/en/").status_code for _ in range(5)]
        assert 429 in excess, excess
    finally:
        for sock in held:
            sock.close()
    # Once they are gone, the same address is served again.
    deadline = time.monotonic() + 5
    while (status := proxy.get("/en/").status_code) == 429 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert status == 200


# The config's caching rules, against a stand-in app that answers with whatever headers we need.
LONG_LINK = ", ".join(  # as long as the Link the article list once built for `?x=<1000 chars>`
    f'<http://{HOST}:8080/api/v1/articles?x={"a" * 1000}&page={p}&per_page=1>; rel="{rel}"'
    for rel, p in [("first", 1), ("prev", 1), ("next", 3), ("last", 9)]
)
STAND_IN: dict[str, tuple[int, dict[str, str]]] = {
    "/public": (200, {"Cache-Control": "public, max-age=300"}),
    "/private": (200, {"Cache-Control": "private, max-age=300"}),
    "/public-error": (404, {"Cache-Control": "public, max-age=300"}),
    "/long-link": (200, {"Cache-Control": "public, max-age=300", "Link": LONG_LINK}),
}


class StandIn(BaseHTTPRequestHandler):
    served = 0

    def do_GET(self) -> None:  # noqa: N802  # http.server's name
        status, headers = STAND_IN.get(self.path, (200, {}))
        StandIn.served += 1
        body = f"response {StandIn.served} for Host {self.headers['Host']}".encode()
        self.send_response(status)
        for name, value in {**headers, "Content-Type": "text/plain", "Content-Length": str(len(body))}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def stand_in_proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        prefix = tmp_path_factory.mktemp("nginx")
        with running_nginx(f"127.0.0.1:{server.server_port}", prefix, _free_port()) as started:
            yield started
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(("path", "stored"), [("/public", True), ("/private", False), ("/public-error", False)])
def test_the_cache_stores_only_public_successes(stand_in_proxy: Proxy, path: str, stored: bool) -> None:
    first = stand_in_proxy.get(path)
    second = stand_in_proxy.get(path)
    assert (second.headers["x-cache-status"] == "HIT") is stored
    assert (second.text == first.text) is stored
    assert first.text.endswith(f"for Host {HOST}")  # the app always hears our one name


def test_nginx_itself_refuses_other_hosts(stand_in_proxy: Proxy) -> None:
    # The stand-in answers any Host, so only nginx can be doing the refusing.
    port = stand_in_proxy.port
    assert refused(exchange(port, b"GET /public HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"))
    assert refused(exchange(port, b"GET /public HTTP/1.0\r\n\r\n"))
    assert stand_in_proxy.get("/public").status_code == 200


def test_long_link_headers_pass_through(stand_in_proxy: Proxy) -> None:
    r = stand_in_proxy.get("/long-link")
    assert r.status_code == 200 and r.headers["link"] == LONG_LINK
