"""A static export served by nginx with deploy/nginx-static.conf, for the tests (and the benchmark).

    with static_site(tmp_path) as url:   # exports the site for http://127.0.0.1:<port>, starts nginx
        httpx.get(url + "/es/")
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from api.core.settings import ROOT, Settings
from api.export import ExportResult, export
from tests.browser.harness import _free_port, wait_until_up
from tests.corpus import Corpus

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CONF = ROOT / "deploy" / "nginx-static.conf"
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")


def configured(export_dir: Path, port: int, host: str = "127.0.0.1", brotli: bool = False) -> str:
    """The shipped config with our folder, port and name; each replaced line must still be there, so a
    change to the file cannot silently bypass a test."""
    conf = CONF.read_text("utf-8")
    for old, new, count in [
        ("include /srv/bothand/", f"include {export_dir}/", 3),
        ("root /srv/bothand;", f"root {export_dir};", 1),
        ("listen 127.0.0.1:8080;", f"listen 127.0.0.1:{port};", 1),
        ("server_name bothand.example;", f"server_name {host};", 1),
        ("worker_processes auto;", "worker_processes 1;", 1),
    ] + ([("# load_module modules/", f"load_module {BROTLI_MODULE.parent}/", 1),
          ("# brotli_static on;", "brotli_static on;", 1)] if brotli else []):
        assert conf.count(old) == count, f"deploy/nginx-static.conf no longer has {old!r} {count} time(s)"
        conf = conf.replace(old, new)
    if os.geteuid() == 0:
        # As root, nginx's workers would drop to `nobody`, who cannot enter pytest's private tmp folder.
        conf = "user root;\n" + conf
    return conf


@contextmanager
def running_nginx(export_dir: Path, port: int, prefix: Path | None = None, brotli: bool = False) -> Iterator[str]:
    """nginx serving `export_dir` on 127.0.0.1:`port`; yields its URL."""
    own = prefix is None
    prefix = Path(tempfile.mkdtemp(prefix="bothand-nginx-")) if prefix is None else prefix
    (prefix / "tmp").mkdir(parents=True, exist_ok=True)
    (prefix / "nginx.conf").write_text(configured(export_dir, port, brotli=brotli), "utf-8")
    test = subprocess.run([NGINX, "-t", "-q", "-p", str(prefix), "-c", "nginx.conf"],  # noqa: S603
                          capture_output=True, text=True, check=False)
    if test.returncode != 0:
        raise RuntimeError(f"nginx -t failed:\n{test.stderr}")
    proc = subprocess.Popen([NGINX, "-p", str(prefix), "-c", "nginx.conf", "-g", "daemon off;"])  # noqa: S603
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + "/robots.txt")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if own:
            shutil.rmtree(prefix, ignore_errors=True)


def export_for(folder: Path, port: int, brotli_quality: int = 4, **settings: object) -> ExportResult:
    """The real site exported for the origin http://127.0.0.1:`port` into `folder`/site."""
    return export(Settings(base_url=f"http://127.0.0.1:{port}", build_folder=folder / "build",
                           brotli_quality=brotli_quality, **settings),  # type: ignore[arg-type]
                  folder / "site")


@contextmanager
def static_site(folder: Path | None = None, brotli: bool = False, **settings: object) -> Iterator[str]:
    """Export the site (the real one, or the corpus `settings` name) and serve it with nginx; yields the
    base URL (also the export's origin)."""
    own = folder is None
    folder = Path(tempfile.mkdtemp(prefix="bothand-static-")) if folder is None else folder
    port = _free_port()
    try:
        result = export_for(folder, port, **settings)
        with running_nginx(result.folder, port, folder / "nginx", brotli=brotli) as url:
            yield url
    finally:
        if own:
            shutil.rmtree(folder, ignore_errors=True)


SERVER = """
import sys
from pathlib import Path

import uvicorn

from api.app import create_app
from api.core.settings import Settings

root, port, build, base = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
settings = Settings(content_dir=root / "content", locales_dir=root / "locales", base_url=base, build_folder=build,
                    brotli_quality=4)
uvicorn.run(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
"""


@contextmanager
def corpus_server(corpus: Corpus, base_url: str | None = None) -> Iterator[str]:
    """The app over a fixture corpus in its own uvicorn process (a real socket, as a partner or a proxy
    sees it), its public origin `base_url` (default: its own address); yields its address."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    build = tempfile.mkdtemp(prefix="bothand-build-")
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(corpus.root), str(port), build,  # noqa: S603
                             base_url or url], cwd=ROOT)
    try:
        wait_until_up(url + "/robots.txt", attempts=2400)  # a first build on a busy machine takes a while
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(build, ignore_errors=True)
