"""deploy/nginx.conf in front of the app: a cache never mixes languages or readers."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator

import httpx
import pytest

from api.settings import ROOT
from tests.browser.harness import _free_port, live_server, wait_until_up

SLUG = "medication-and-therapy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    prefix = tmp_path_factory.mktemp("nginx")
    (prefix / "tmp").mkdir()
    port = _free_port()
    with live_server() as app_url:
        conf = (ROOT / "deploy" / "nginx.conf").read_text("utf-8")
        conf = conf.replace("server 127.0.0.1:8000;", f"server {app_url.removeprefix('http://')};")
        conf = conf.replace("listen 127.0.0.1:8080;", f"listen 127.0.0.1:{port};")
        conf = conf.replace("worker_processes auto;", "worker_processes 1;")
        if os.geteuid() == 0:
            # As root, nginx's workers would drop to `nobody`, who cannot enter pytest's private tmp folder.
            conf = "user root;\n" + conf
        (prefix / "nginx.conf").write_text(conf, "utf-8")
        proc = subprocess.Popen([NGINX, "-p", str(prefix), "-c", "nginx.conf", "-g", "daemon off;"])
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(url + "/robots.txt")
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def test_pages_are_cached(proxy: str) -> None:
    first = httpx.get(f"{proxy}/es/articles/{SLUG}")
    second = httpx.get(f"{proxy}/es/articles/{SLUG}")
    assert first.headers["x-cache-status"] == "MISS"
    assert second.headers["x-cache-status"] == "HIT"
    assert second.headers["etag"] == first.headers["etag"] and second.text == first.text


def test_language_variants_never_mix(proxy: str) -> None:
    url = f"{proxy}/api/v1/articles/{SLUG}"
    for header, lang in [("es", "es"), ("es", "es"), ("fr-CA", "fr"), ("ar", "ar"), ("es", "es"), ("fr", "fr")]:
        r = httpx.get(url, headers={"Accept-Language": header})
        assert r.json()["lang"] == lang and r.headers["content-language"] == lang, (header, r.headers)


def test_readers_redirect_and_cookie_are_never_shared(proxy: str) -> None:
    a = httpx.get(f"{proxy}/", headers={"Cookie": "lang=ko"})
    b = httpx.get(f"{proxy}/", headers={"Cookie": "lang=ht"})
    assert (a.headers["location"], b.headers["location"]) == ("/ko/", "/ht/")
    for _ in range(2):
        chosen = httpx.get(f"{proxy}/choose-language/vi?next=/vi/")
        assert chosen.headers["set-cookie"].startswith("lang=vi")
        assert chosen.headers["x-cache-status"] != "HIT"


def test_revalidation_through_the_proxy(proxy: str) -> None:
    etag = httpx.get(f"{proxy}/api/v1/locales").headers["etag"]
    r = httpx.get(f"{proxy}/api/v1/locales", headers={"If-None-Match": etag})
    assert r.status_code == 304
