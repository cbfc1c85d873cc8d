"""`make bench`: one run on this machine, one table. Prints figures; asserts nothing.

1. **Serving** (real corpus): builds a snapshot (timed), starts ``uvicorn api.app:app`` on it, and
   a bare Starlette app (one Route per case returning ``Response(same bytes, same media type)``,
   the bytes read from the running app first) under the same uvicorn settings. For each case
   (article page, API article, 304, gzip) wrk loads the app, then the bare app, with the same
   settings, one after the other; the ratio app/bare is what to read, since this machine is
   shared and absolute numbers drift between runs.
2. **Static export** (if ``api.export`` and ``deploy/nginx-static.conf`` exist): the exported
   article page served by nginx with that config vs nginx serving one plain file of the same size.
3. **Corpora**: build time, start-up time (process start to first response, from a built
   snapshot) and RSS (VmRSS after requesting every resource once) for the real corpus and a
   synthetic one (scripts/synthetic_corpus.py: 500 articles × every locale). The synthetic
   project lives under build/bench-synthetic/ and its snapshot is reused while its fingerprint
   (sources, catalogs, templates, code, settings) still matches.

Usage: make bench   (or .venv/bin/python scripts/bench.py; BENCH_ARTICLES=50 for a quick run, 0 to skip it)
The bare app is this module's ``bare_app`` factory (uvicorn --factory), so keep imports here light.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import http.client
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "build" / "bench"
SYNTHETIC_DIR = ROOT / "build" / "bench-synthetic"
SLUG = "medication-and-therapy"
LANG = "es"
PAGE = f"/{LANG}/articles/{SLUG}"
ARTICLES = int(os.environ.get("BENCH_ARTICLES", "500"))
WRK = ["-t1", "-c64", "-d4s", "--latency"]
WARM_UP = ["-t1", "-c64", "-d1s"]
ROUNDS = 5  # wrk runs per side and case, alternating app and bare
UVICORN = ["--host", "127.0.0.1", "--no-access-log", "--log-level", "warning"]
TARGET_RATIO = 0.9
TARGET_START_S = 2.0
TARGET_RSS_MB = 300
SYNTHETIC_BASE = "http://127.0.0.1"  # no port: the cached synthetic build serves on any port


def say(*args: object) -> None:
    print("..", *args, file=sys.stderr, flush=True)


# wrk ----------------------------------------------------------------------------------------------

@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx/3xx responses plus socket errors
    requests: int


UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * UNIT_MS[match.group(2)]


def parse_wrk(out: str) -> Load:
    def find(pattern: str) -> re.Match[str]:
        match = re.search(pattern, out)
        if match is None:
            raise ValueError(f"wrk output without {pattern!r}:\n{out}")
        return match

    errors = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses:\s*(\d+)", out)) else 0
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += sum(int(n) for n in m.groups())
    return Load(rps=float(find(r"Requests/sec:\s*([\d.]+)").group(1)),
                p50_ms=_ms(find(r"\n\s*50%\s+(\S+)").group(1)), p99_ms=_ms(find(r"\n\s*99%\s+(\S+)").group(1)),
                errors=errors, requests=int(find(r"(\d+) requests in").group(1)))


def wrk(url: str, headers: dict[str, str], args: list[str] = WRK) -> Load:
    flags = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
    run = subprocess.run(["wrk", *args, *flags, url], check=True, capture_output=True, text=True)  # noqa: S603, S607
    return parse_wrk(run.stdout)


def compare(url: str, bare_url: str, headers: dict[str, str]) -> tuple[Load, Load, float]:
    """wrk on `url`, then on `bare_url`, ROUNDS times in turn (after a warm-up of each). Returns the
    round with the median req/s of each (errors: all rounds) and the median of the rounds' ratios:
    each ratio compares two runs made seconds apart, under the same background load."""
    flags = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
    for warm in (url, bare_url):
        subprocess.run(["wrk", *WARM_UP, *flags, warm], check=True, capture_output=True)  # noqa: S603, S607
    runs: tuple[list[Load], list[Load]] = ([], [])
    for _ in range(ROUNDS):
        runs[0].append(wrk(url, headers))
        runs[1].append(wrk(bare_url, headers))
    medians = []
    for loads in runs:
        median = sorted(loads, key=lambda load: load.rps)[len(loads) // 2]
        medians.append(Load(median.rps, median.p50_ms, median.p99_ms, sum(load.errors for load in loads),
                            sum(load.requests for load in loads)))
    ratios = sorted(a.rps / b.rps for a, b in zip(*runs, strict=True) if b.rps)
    return medians[0], medians[1], ratios[len(ratios) // 2] if ratios else 0.0


# servers ------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """One request, body exactly as sent (no decoding)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


@dataclass
class Server:
    """A uvicorn process; `started` is seconds from process start to the first answer of `probe`."""

    target: list[str]
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path = ROOT
    probe: str = "/robots.txt"
    port: int = field(default_factory=free_port)
    started: float = 0.0
    started_cpu: float = 0.0
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Server:
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(  # noqa: S603  # our own server, fixed arguments
            [sys.executable, "-m", "uvicorn", *self.target, *UVICORN, "--port", str(self.port)],
            cwd=self.cwd, env={**os.environ, **self.env})
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server {self.target} exited with {self.proc.returncode}")
            try:
                get(self.port, self.probe)
                break
            except OSError:
                time.sleep(0.005)
        self.started = time.perf_counter() - t0
        self.started_cpu = self.cpu_s()
        return self

    def cpu_s(self) -> float:
        """CPU seconds the server has used (user + system): start-up cost without the machine's noise."""
        assert self.proc is not None  # noqa: S101
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mb(self) -> float:
        assert self.proc is not None  # noqa: S101
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        return int(match.group(1)) / 1024 if match else float("nan")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@contextmanager
def running(server: Server) -> Iterator[Server]:
    try:
        yield server.start()
    finally:
        server.stop()


# the bare app -------------------------------------------------------------------------------------

def bare_app() -> Any:
    """uvicorn --factory target: one Route per case, ready bytes, nothing else (reads BENCH_BARE_DIR)."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    folder = Path(os.environ["BENCH_BARE_DIR"])
    routes = []
    for spec in json.loads((folder / "routes.json").read_text()):
        body = (folder / spec["file"]).read_bytes()

        def endpoint(body: bytes = body, spec: dict[str, Any] = spec) -> Callable[[Request], Any]:
            media_type, headers, etag = spec["media_type"], spec["headers"], spec.get("etag")
            if etag:
                async def revalidate(request: Request) -> Response:
                    if request.headers.get("if-none-match") == etag:
                        return Response(status_code=304, headers={"etag": etag})
                    return Response(body, media_type=media_type, headers={"etag": etag})
                return revalidate

            async def plain(request: Request) -> Response:
                return Response(body, media_type=media_type, headers=headers)
            return plain

        routes.append(Route(spec["path"], endpoint()))
    return Starlette(routes=routes)


# cases ------------------------------------------------------------------------------------------

@dataclass
class Case:
    name: str
    path: str  # on the app
    headers: dict[str, str]
    status: int
    app: Load | None = None
    bare: Load | None = None
    ratio: float = 0.0  # median of the rounds' app/bare ratios


def cases(port: int) -> list[Case]:
    page, api = f"/{LANG}/articles/{SLUG}", f"/api/v1/articles/{SLUG}?lang={LANG}"
    etag = get(port, page, {"Accept-Encoding": "identity"})[1]["etag"]
    return [
        Case(f"article page `{page}`", page, {}, 200),
        Case(f"API article `{api}`", api, {}, 200),
        Case("304 (article page, If-None-Match)", page, {"If-None-Match": etag}, 304),
        Case("gzip (article page, Accept-Encoding: gzip)", page, {"Accept-Encoding": "gzip"}, 200),
    ]


def write_bare(port: int, todo: list[Case], folder: Path) -> None:
    """The bare app's routes, with the bytes and media types the running app sends."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    routes = []
    for i, case in enumerate(todo):
        status, headers, body = get(port, case.path, case.headers or {"Accept-Encoding": "identity"})
        if status != case.status:
            raise RuntimeError(f"{case.path} with {case.headers} answered {status}, not {case.status}")
        if status == 304:
            status, headers, body = get(port, case.path, {"Accept-Encoding": "identity"})
        (folder / f"{i}.bin").write_bytes(body)
        extra = {"content-encoding": headers["content-encoding"]} if "content-encoding" in headers else {}
        routes.append({"path": f"/{i}", "file": f"{i}.bin", "media_type": headers["content-type"],
                       "headers": extra, **({"etag": headers["etag"]} if case.status == 304 else {})})
    (folder / "routes.json").write_text(json.dumps(routes))


def variants_identical(port: int, path: str) -> str:
    """Whether br and gzip are served when asked, and decode to the identity bytes."""
    import brotli

    _, _, identity = get(port, path, {"Accept-Encoding": "identity"})
    found = []
    for coding, decode in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        _, headers, body = get(port, path, {"Accept-Encoding": coding})
        served = headers.get("content-encoding") == coding
        found.append(f"{coding} {'served' if served else 'NOT served'}"
                     f"{', identical after decoding' if served and decode(body) == identity else ''}")
    return "; ".join(found)


# corpora ----------------------------------------------------------------------------------------

@dataclass
class Corpus:
    name: str
    articles: int
    targets: bool = False  # whether the start-up and RSS targets apply
    locales: int = 0
    resources: int = 0
    build_s: float = 0.0
    build_cpu_s: float = 0.0
    reused: bool = False
    start_s: float = 0.0
    start_cpu_s: float = 0.0
    rss_start_mb: float = 0.0
    rss_mb: float = 0.0
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0


def request_all(port: int, keys: list[str]) -> tuple[int, float]:
    """GET every key once (4 connections, a browser's Accept-Encoding); returns (errors, seconds)."""
    local = threading.local()

    def fetch(key: str) -> int:
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", key, headers={"Accept-Encoding": "gzip, deflate, br"})
        response = conn.getresponse()
        response.read()
        return 0 if response.status == 200 else 1

    t0 = time.perf_counter()
    with ThreadPoolExecutor(4) as pool:
        errors = sum(pool.map(fetch, keys, chunksize=64))
    return errors, time.perf_counter() - t0


def snapshot_keys(folder: Path) -> tuple[list[str], list[str]]:
    """Every URL the snapshot answers (error pages are not URLs), and its language tags."""
    from api.core.snapshot import read_index

    index = read_index(folder)
    if index is None:
        raise RuntimeError(f"no snapshot in {folder}")
    return [r.key for r in index.resources if not r.key.startswith("!")], list(index.data.tags)


def measure_corpus(corpus: Corpus, server: Server, folder: Path) -> None:
    keys, tags = snapshot_keys(folder)
    corpus.locales = len(tags)
    # and one dynamic list per language (computed from the in-memory summaries)
    keys += [f"/api/v1/articles?lang={tag}&updated_since=2000-01-01" for tag in tags]
    corpus.resources = len(keys)
    corpus.start_s = server.started
    corpus.start_cpu_s = server.started_cpu
    corpus.rss_start_mb = server.rss_mb()
    corpus.errors, corpus.seconds = request_all(server.port, keys)
    corpus.requests = len(keys)
    corpus.rss_mb = server.rss_mb()


def tree_digest(n: int) -> str:
    """What the synthetic sources are made from: the real article, the locales, N and the generator."""
    digest = hashlib.sha256(repr(n).encode())
    files = [ROOT / "content" / f"{SLUG}.md", ROOT / "scripts" / "synthetic_corpus.py",
             *sorted(p for p in (ROOT / "locales").rglob("*") if p.is_file())]
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def synthetic_tree(n: int) -> Path:
    """A project tree whose content/ and locales/ are the synthetic corpus; api/ is a fresh copy
    of ours and everything else (site/, crisis.yaml, ...) links to ours, so `uvicorn api.app:app`
    run there serves it."""
    tree = SYNTHETIC_DIR / "tree"
    stamp = SYNTHETIC_DIR / "corpus.sha256"
    digest = tree_digest(n)
    if not stamp.exists() or stamp.read_text() != digest:
        say(f"generating the synthetic corpus ({n} articles) in {tree}")
        sys.path.insert(0, str(ROOT / "scripts"))
        from synthetic_corpus import generate

        tree.mkdir(parents=True, exist_ok=True)
        generate(tree, n)
        stamp.write_text(digest)
    shutil.rmtree(tree / "api", ignore_errors=True)
    shutil.copytree(ROOT / "api", tree / "api", ignore=shutil.ignore_patterns("__pycache__"))
    for entry in ROOT.iterdir():
        if entry.name not in ("api", "content", "locales", "build") and not entry.name.startswith("."):
            link = tree / entry.name
            if not link.is_symlink():
                link.symlink_to(entry)
    return tree


BUILD_SCRIPT = """
import json, sys, time
from api.build.builder import build
from api.build.freshness import is_current
from api.core.settings import Settings
from api.core.snapshot import read_index
settings = Settings()
index = read_index(settings.build_dir)
reused = index is not None and is_current(settings, index, settings.build_dir)
t0, c0 = time.perf_counter(), time.process_time()
if not reused:
    build(settings)
print(json.dumps({"reused": reused, "seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0}))
"""


def build_in(tree: Path, env: dict[str, str]) -> tuple[bool, float, float]:
    """Build (or reuse) the snapshot of the project at `tree`, in a process whose api/ is tree's."""
    run = subprocess.run([sys.executable, "-c", BUILD_SCRIPT], cwd=tree, env={**os.environ, **env},  # noqa: S603
                         capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"the synthetic build failed:\n{run.stderr[-3000:]}")
    result = json.loads(run.stdout.strip().splitlines()[-1])
    return bool(result["reused"]), float(result["seconds"]), float(result["cpu"])


# nginx: static export ---------------------------------------------------------------------------

PLAIN_NGINX = """worker_processes 1;
pid nginx.pid;
error_log error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path tmp/body;
    proxy_temp_path tmp/proxy;
    fastcgi_temp_path tmp/fastcgi;
    uwsgi_temp_path tmp/uwsgi;
    scgi_temp_path tmp/scgi;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 15s;
    default_type text/html;
    server {
        listen 127.0.0.1:PORT;
        root ROOT;
    }
}
"""


@contextmanager
def nginx(conf: str, prefix: Path, probe: str) -> Iterator[int]:
    """nginx (one worker) with `conf` (PORT replaced) under `prefix`; yields its port."""
    port = free_port()
    shutil.rmtree(prefix, ignore_errors=True)
    (prefix / "tmp").mkdir(parents=True)
    user = "user root;\n" if os.geteuid() == 0 else ""  # as root, workers would drop to `nobody`
    (prefix / "nginx.conf").write_text(user + conf.replace("PORT", str(port)), "utf-8")
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    proc = subprocess.Popen([binary, "-p", str(prefix), "-c", "nginx.conf", "-g", "daemon off;"])  # noqa: S603
    try:
        for _ in range(1000):
            try:
                get(port, probe)
                break
            except OSError:
                time.sleep(0.01)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def nginx_row(page: str) -> tuple[Load | None, Load | None, float, str]:
    """The exported article page under deploy/nginx-static.conf vs nginx serving one plain file of the
    same bytes (same wrk settings, one nginx worker each). Exports the real corpus's snapshot."""
    if not (ROOT / "api" / "export" / "__init__.py").exists() or not (ROOT / "deploy" / "nginx-static.conf").exists():
        return None, None, 0.0, "n/a (no export yet)"
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        return None, None, 0.0, "n/a (no nginx: scripts/install-test-deps)"
    from api.core.settings import Settings
    from api.export import export
    from tests.static_server import configured  # the shipped config with folder, port and name replaced

    say("exporting the real corpus for nginx")
    site = export(Settings(), BENCH_DIR / "export").folder
    plain = BENCH_DIR / "plain"
    shutil.rmtree(plain, ignore_errors=True)
    plain.mkdir(parents=True)
    static_conf = configured(site, 0).replace("listen 127.0.0.1:0;", "listen 127.0.0.1:PORT;")
    static_conf = static_conf.removeprefix("user root;\n")
    with nginx(static_conf, BENCH_DIR / "nginx-static", page) as port:
        status, _, body = get(port, page, {"Accept-Encoding": "identity"})
        if status != 200:
            return None, None, 0.0, f"n/a (nginx answered {status} for {page})"
        (plain / "page.html").write_bytes(body)
        with nginx(PLAIN_NGINX.replace("ROOT", str(plain)), BENCH_DIR / "nginx-plain", "/page.html") as plain_port:
            say("wrk: nginx, exported article page vs one plain file")
            exported, bare, ratio = compare(f"http://127.0.0.1:{port}{page}",
                                            f"http://127.0.0.1:{plain_port}/page.html", {})
    return exported, bare, ratio, ""


# report -----------------------------------------------------------------------------------------

def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    from importlib.metadata import version

    load = Path("/proc/loadavg").read_text().split()[0]
    return (f"{dt.date.today().isoformat()}, {os.cpu_count()} × {cpu}, load average {load} at the end, "
            f"Python {platform.python_version()}, "
            f"uvicorn {version('uvicorn')} (1 worker, --no-access-log), starlette {version('starlette')}, "
            f"`wrk {' '.join(WRK)}`, {ROUNDS} rounds per side alternating after a 1 s warm-up; "
            "median round shown, ratio = median of the rounds' ratios")


def fmt_load(load: Load | None) -> list[str]:
    if load is None:
        return ["n/a"] * 4
    return [f"{load.rps:,.0f}", f"{load.p50_ms:.2f}", f"{load.p99_ms:.2f}", str(load.errors)]


def report(todo: list[Case], nginx: tuple[Load | None, Load | None, float, str], variants: str,
           corpora: list[Corpus]) -> str:
    lines = [f"Machine: {machine()}", "",
             "| case | app req/s | p50 ms | p99 ms | errors | bare req/s | p50 ms | p99 ms | errors | ratio |",
             "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for case in todo:
        ok = case.ratio >= TARGET_RATIO and case.app is not None and case.app.errors == 0
        lines.append(f"| {case.name} | " + " | ".join(fmt_load(case.app) + fmt_load(case.bare))
                     + f" | {case.ratio:.2f}x{'' if ok else ' (MISS)'} |")
    app, bare, nginx_ratio, note = nginx
    ok = nginx_ratio >= TARGET_RATIO and app is not None and app.errors == 0
    ratio = note or f"{nginx_ratio:.2f}x{'' if ok else ' (MISS)'}"
    lines.append(f"| nginx `deploy/nginx-static.conf`: exported `{PAGE}` vs one plain file of the same bytes | "
                 + " | ".join(fmt_load(app) + fmt_load(bare)) + f" | {ratio} |")
    lines += ["", f"Compressed variants of the article page: {variants}.", "",
              "| corpus | articles × locales | resources | build s (CPU s) | start-up s (CPU s) | RSS at start MB "
              "| RSS after every resource MB | errors |",
              "|---|--:|--:|--:|--:|--:|--:|--:|"]
    for c in corpora:
        build = f"{c.build_s:.1f} ({c.build_cpu_s:.1f})" + (" reused" if c.reused else "")
        late = c.targets and c.start_s > TARGET_START_S
        start = f"{c.start_s:.2f} ({c.start_cpu_s:.2f})" + (" (MISS)" if late else "")
        rss = f"{c.rss_mb:.0f}" + (" (MISS)" if c.targets and c.rss_mb > TARGET_RSS_MB else "")
        lines.append(f"| {c.name} | {c.articles} × {c.locales} | {c.resources:,} | {build} | {start} "
                     f"| {c.rss_start_mb:.0f} | {rss} | {c.errors} |")
    lines += ["", f"Targets: ratio ≥ {TARGET_RATIO}x with 0 errors; start-up ≤ {TARGET_START_S:.0f} s and "
              f"RSS ≤ {TARGET_RSS_MB} MB for the synthetic corpus. (MISS) marks a miss."]
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1:  # `--help`, or anything else: it takes no arguments
        print(__doc__)
        sys.exit(0 if sys.argv[1] in ("-h", "--help") else 2)
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: run scripts/install-test-deps (apt-get install wrk)")
    port = free_port()
    real_dir = BENCH_DIR / "real"
    env = {"BOTHAND_BASE_URL": f"http://127.0.0.1:{port}", "BOTHAND_BUILD_DIR": str(real_dir)}
    os.environ.update(env)  # Settings() here and in the server see the same configuration
    sys.path.insert(0, str(ROOT))  # this checkout's api/, as the servers (cwd ROOT) import it
    from api.build.builder import build
    from api.core.settings import Settings

    say("building the real corpus")
    t0, c0 = time.perf_counter(), time.process_time()
    build(Settings())
    real = Corpus("real (content/)", articles=len(list((ROOT / "content").glob("*.md"))),
                  build_s=time.perf_counter() - t0, build_cpu_s=time.process_time() - c0)
    page = PAGE
    with running(Server(["api.app:app"], env, port=port, probe=page)) as app:
        measure_corpus(real, app, real_dir)
        todo = cases(app.port)
        variants = variants_identical(app.port, page)
        write_bare(app.port, todo, BENCH_DIR / "bare")
        bare_env = {"BENCH_BARE_DIR": str(BENCH_DIR / "bare")}
        with running(Server(["--app-dir", str(ROOT / "scripts"), "--factory", "bench:bare_app"], bare_env,
                            probe="/0")) as bare:
            for i, case in enumerate(todo):  # app then bare, case by case: both see the same machine
                say(f"wrk: {case.name}")
                case.app, case.bare, case.ratio = compare(f"http://127.0.0.1:{app.port}{case.path}",
                                              f"http://127.0.0.1:{bare.port}/{i}", case.headers)
    try:
        nginx_load = nginx_row(page)
    except Exception as exc:  # noqa: BLE001  # the other rows still count: say why this one is missing
        nginx_load = None, None, 0.0, f"n/a ({type(exc).__name__}: {exc})"

    if ARTICLES == 0:  # BENCH_ARTICLES=0: serving rows only
        print(report(todo, nginx_load, variants, [real]))
        return
    synthetic = Corpus(f"synthetic ({ARTICLES} copies of the article)", articles=ARTICLES, targets=True)
    tree = synthetic_tree(ARTICLES)
    syn_dir = SYNTHETIC_DIR / "snapshot"
    syn_env = {"BOTHAND_BASE_URL": SYNTHETIC_BASE, "BOTHAND_BUILD_DIR": str(syn_dir)}
    say("building the synthetic corpus (reused if its fingerprint matches)")
    synthetic.reused, synthetic.build_s, synthetic.build_cpu_s = build_in(tree, syn_env)
    stamp = syn_dir / "build-seconds"  # what the reused build took when it was made
    if synthetic.reused and stamp.exists():
        synthetic.build_s, synthetic.build_cpu_s = map(float, stamp.read_text().split())
    elif not synthetic.reused:
        stamp.write_text(f"{synthetic.build_s:.1f} {synthetic.build_cpu_s:.1f}")
    probe = f"/{LANG}/articles/{SLUG}-001"
    with running(Server(["api.app:app"], syn_env, cwd=tree, probe=probe)) as app:
        say("requesting every resource of the synthetic corpus once")
        measure_corpus(synthetic, app, syn_dir)
    print(report(todo, nginx_load, variants, [real, synthetic]))


if __name__ == "__main__":
    main()
