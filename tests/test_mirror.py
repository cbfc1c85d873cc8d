"""`bothand mirror` against real servers over a copy of the corpus (two articles), and in-process
against the app made to behave like a static host, a broken proxy or a busy server."""

from __future__ import annotations

import html
import io
import json
import logging
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from api.app import create_app
from api.core.contenthash import content_hash
from api.core.locales import make_locale
from api.core.settings import ROOT, Settings
from api.mirror import Result, canonical_tag
from api.mirror import mirror as mirror_
from api.tools.cli import main
from tests.browser.harness import _free_port, wait_until_up
from tests.conftest import EDITED_CORPUS_LOCALES, FAST_BROTLI, SLUG, po_path, replace_msgstr

OTHER = "second-article"
LANGS = ["en", "es", "fr"]
ALL_KEYS = sorted(f"{lang}/{slug}" for lang in LANGS for slug in (SLUG, OTHER))
LOCALES = tuple(make_locale(tag) for tag in ("en", *EDITED_CORPUS_LOCALES))  # project_copy's: a fixture corpus
FIRST_PARAGRAPH = "Small things can help:"
SERVER = """
import sys
from pathlib import Path

import uvicorn

from api.app import create_app
from api.core.settings import Settings

root, port = Path(sys.argv[1]), int(sys.argv[2])
settings = Settings(content_dir=root / "content", locales_dir=root / "locales", base_url=f"http://127.0.0.1:{port}",
                    build_folder=root / f"build-{port}", brotli_quality=4)
uvicorn.run(create_app(settings), host="127.0.0.1", port=port, log_level="error")
"""


@pytest.fixture
def corpus(project_copy: Path) -> Path:
    """The fixture article plus a second one (the first under another slug, not translated), and nothing
    else: the articles the owner adds later do not change what these tests count."""
    source = (project_copy / "content" / f"{SLUG}.md").read_text("utf-8")
    for other in (project_copy / "content").glob("*.md"):
        other.unlink()
    (project_copy / "content" / f"{SLUG}.md").write_text(source, "utf-8")
    (project_copy / "content" / f"{OTHER}.md").write_text(source.replace(f"slug: {SLUG}", f"slug: {OTHER}"), "utf-8")
    return project_copy


class Server:
    """uvicorn over a corpus folder, on one port across restarts (article bodies carry the base URL)."""

    def __init__(self, root: Path):
        self.root = root
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", SERVER, str(self.root), str(self.port)], cwd=ROOT)
        wait_until_up(self.url + "/robots.txt", attempts=2400)  # a first build on a busy machine takes a while

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None

    def restart(self) -> None:
        """The app reads content and catalogs at start: a deploy is a restart."""
        self.stop()
        self.start()


@pytest.fixture
def server(corpus: Path) -> Iterator[Server]:
    s = Server(corpus)
    s.start()
    try:
        yield s
    finally:
        s.stop()


class StopServerAfter(httpx.AsyncBaseTransport):
    """A real network transport that stops the server just before the n-th request goes out."""

    def __init__(self, server: Server, n: int):
        self.inner = httpx.AsyncHTTPTransport()
        self.server = server
        self.n = n
        self.count = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.count += 1
        if self.count == self.n:
            self.server.stop()
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def mirror(base_url: str, dir: Path, langs: list[str] | None, **options: Any) -> Result:
    """The tests' servers speak plain http (test_mirror_hostile checks that https is otherwise required)."""
    return mirror_(base_url, dir, langs, allow_http=True, **options)


def files(folder: Path) -> dict[str, bytes]:
    """What a portal serving `folder` shows: every file, through the language symlinks, hidden ones left out."""
    out = {}
    for path in sorted(folder.glob("*")):
        if path.is_dir():
            out.update({f"{path.name}/{p.name}": p.read_bytes() for p in sorted(path.iterdir()) if p.is_file()})
        elif path.is_file():
            out[path.name] = path.read_bytes()
    return out


def article_requests(result: Result) -> list[tuple[str, bool, int]]:
    return [(r.url, r.conditional, r.status) for r in result.requests if "/api/v1/articles/" in r.url]


def same_html(a: str, b: str) -> bool:
    """The same markup, written alike or not (the sanitizer writes `&nbsp;` for a no-break space)."""
    return html.unescape(a).replace("<br />", "<br>") == html.unescape(b).replace("<br />", "<br>")


def stored(out: Path, key: str) -> dict[str, object]:
    data: dict[str, object] = json.loads((out / f"{key}.json").read_bytes())
    return data


def test_mirror_follows_the_site(server: Server, corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "mirror"

    first = mirror(server.url, out, LANGS, backoff=0.05)
    assert (first.exit_status, first.errors) == (0, [])
    assert sorted(first.fetched) == ALL_KEYS
    for key in ALL_KEYS:
        served = httpx.get(f"{server.url}/api/v1/articles/{key.split('/')[1]}?lang={key.split('/')[0]}")
        assert (out / f"{key}.json").read_bytes() == served.content  # the JSON as served, byte for byte
        assert same_html((out / f"{key}.html").read_text("utf-8"), served.json()["html"])
    manifest = json.loads((out / "es" / "manifest.json").read_bytes())
    entry = manifest["articles"][SLUG]
    assert entry["content_hash"] == stored(out, f"es/{SLUG}")["content_hash"]
    assert entry["etag"].startswith('"') and entry["review"] == "draft"
    assert entry["source_url"] == f"{server.url}/es/articles/{SLUG}"
    assert entry["license"] and entry["attribution"]["lang"] == "es" and entry["notice"]["lines"]
    assert sorted(manifest["articles"]) == [SLUG, OTHER]
    before = files(out)

    second = mirror(server.url, out, LANGS, backoff=0.05)
    assert (second.exit_status, second.fetched, sorted(second.not_modified)) == (0, [], ALL_KEYS)
    requests = article_requests(second)
    assert len(requests) == 6 and all(conditional and status == 304 for _, conditional, status in requests)
    # Its only other requests are the updated_since listings, one per language.
    listings = [r.url for r in second.requests if "/api/v1/articles?" in r.url]
    assert len(listings) == 3 and all("updated_since=" in url for url in listings)
    assert {k: v for k, v in files(out).items() if not k.endswith("manifest.json")} == {
        k: v for k, v in before.items() if not k.endswith("manifest.json")
    }

    # A translator changes one Spanish sentence; the English `updated` date does not move.
    replace_msgstr(po_path(corpus, "es", "content"), FIRST_PARAGRAPH, "Cuando la salud mental se pone difícil:")
    server.restart()
    third = mirror(server.url, out, LANGS, backoff=0.05)
    assert (third.exit_status, third.fetched) == (0, [f"es/{SLUG}"])
    assert sorted(third.not_modified) == [k for k in ALL_KEYS if k != f"es/{SLUG}"]
    assert "Cuando la salud mental se pone difícil:" in (out / "es" / f"{SLUG}.html").read_text("utf-8")
    assert json.loads((out / "es" / "manifest.json").read_bytes())["articles"][SLUG]["content_hash"] == (
        stored(out, f"es/{SLUG}")["content_hash"]
    )

    # The owner withdraws the second article: it leaves the mirror, and the run says so.
    (corpus / "content" / f"{OTHER}.md").unlink()
    server.restart()
    fourth = mirror(server.url, out, LANGS, backoff=0.05)
    assert (fourth.exit_status, sorted(fourth.removed)) == (0, [f"{lang}/{OTHER}" for lang in LANGS])
    for lang in LANGS:
        assert not (out / lang / f"{OTHER}.json").exists() and not (out / lang / f"{OTHER}.html").exists()
        assert list(json.loads((out / lang / "manifest.json").read_bytes())["articles"]) == [SLUG]


def test_an_interrupted_run_leaves_the_previous_mirror_and_the_next_run_resumes(
    server: Server, corpus: Path, tmp_path: Path
) -> None:
    out = tmp_path / "mirror"
    assert mirror(server.url, out, LANGS, backoff=0.05).exit_status == 0
    before = files(out)
    replace_msgstr(po_path(corpus, "es", "content"), FIRST_PARAGRAPH, "Cuando la salud mental se pone difícil:")
    server.restart()

    # One request at a time: en listing, en x2, es listing, es/SLUG (changed: fetched), es/OTHER (304), es/SLUG's
    # handout, then the server stops before its large-print handout: es/SLUG is incomplete, so not staged.
    interrupted = mirror(server.url, out, LANGS, backoff=0.01, concurrency=1, transport=StopServerAfter(server, 8))
    assert interrupted.aborted and interrupted.exit_status != 0
    assert [r.url.split("/")[-1] for r in interrupted.requests][4:7] == [
        f"{SLUG}?lang=es", f"{OTHER}?lang=es", f"{SLUG}.pdf"]
    assert interrupted.fetched == []
    after = files(out)
    changed = {k for k in before.keys() | after.keys() if not k.startswith(".") and after.get(k) != before.get(k)}
    assert changed == {"en/manifest.json"}  # English finished (all 304) before the stop; nothing else moved
    assert (out / "es" / f"{SLUG}.json").read_bytes() == before[f"es/{SLUG}.json"]

    server.start()
    resumed = mirror(server.url, out, LANGS, backoff=0.05)
    assert (resumed.exit_status, resumed.errors, resumed.fetched) == (0, [], [f"es/{SLUG}"])
    assert "Cuando la salud mental se pone difícil:" in (out / "es" / f"{SLUG}.html").read_text("utf-8")
    state = out.parent / ".mirror.mirror-state"
    assert state.is_dir() and not (state / "staging" / "es").exists()
    assert sorted(p.name for p in out.iterdir()) == [".versions", *LANGS]  # nothing half-done is served


def test_command_line_exit_statuses(server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "mirror"
    assert main(["mirror", "--allow-http", server.url, str(out), "--all-languages"]) == 0
    assert sorted(p.parent.name for p in out.glob("*/manifest.json")) == sorted(loc.tag for loc in LOCALES)
    assert capsys.readouterr() == ("", "")  # quiet when not on a terminal (cron mails any output)

    # qaa: reserved for local use, never served
    assert main(["mirror", "--allow-http", server.url, str(out), "--lang", "es", "--lang", "qaa"]) == 1
    assert "qaa: listing" in capsys.readouterr().err

    assert main(["mirror", "--allow-http", server.url, str(out)]) == 2  # neither --lang nor --all-languages
    server.stop()
    assert main(["mirror", "--allow-http", server.url, str(out), "--lang", "es", "--retries", "1"]) == 2
    assert "stopped answering" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        main(["mirror", server.url])
    assert usage.value.code == 2


# -- in-process: the app behind something that behaves differently -------------------------------------------------

BASE = "http://bothand.test"


def make_app(corpus: Path) -> Starlette:
    logging.getLogger("api.sources.catalogs").setLevel(logging.ERROR)
    return create_app(Settings(content_dir=corpus / "content", locales_dir=corpus / "locales", base_url=BASE,
                               build_folder=corpus / "build-in-process", brotli_quality=FAST_BROTLI))


class Upstream(httpx.AsyncBaseTransport):
    """The app in-process; `change` may answer a request itself or rewrite the app's answer."""

    def __init__(self, app: Starlette, change: Callable[[httpx.Request, httpx.Response | None],
                                                          httpx.Response | None]):
        self.inner = httpx.ASGITransport(app=app)
        self.change = change
        self.seen: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        early = self.change(request, None)
        if early is not None:
            return early
        request.headers["Accept-Encoding"] = "identity"  # the bytes as they are, to change them
        answer = await self.inner.handle_async_request(request)
        response = httpx.Response(answer.status_code, headers=answer.headers, content=await answer.aread())
        return self.change(request, response) or response


def rewritten(response: httpx.Response, edit: Callable[[dict[str, Any]], None]) -> httpx.Response:
    data = json.loads(response.content)
    edit(data)
    dropped = ("content-length", "etag", "content-encoding")
    headers = {k: v for k, v in response.headers.items() if k.lower() not in dropped}
    return httpx.Response(200, headers=headers, content=json.dumps(data).encode("utf-8"))


def test_served_content_hash_is_the_shared_definition(corpus: Path) -> None:
    client = TestClient(make_app(corpus), base_url=BASE)
    for loc in LOCALES:
        for slug in (SLUG, OTHER):
            data = client.get(f"/api/v1/articles/{slug}?lang={loc.tag}").json()
            assert data["content_hash"] == content_hash(data), (loc.tag, slug)
        listed = client.get(f"/api/v1/articles?lang={loc.tag}").json()["articles"]
        hashes = {a["slug"]: a["content_hash"] for a in listed}
        assert hashes == {
            slug: client.get(f"/api/v1/articles/{slug}?lang={loc.tag}").json()["content_hash"] for slug in (SLUG, OTHER)
        }


def test_a_static_host_that_refuses_updated_since(corpus: Path, tmp_path: Path) -> None:
    def static(request: httpx.Request, response: httpx.Response | None) -> httpx.Response | None:
        if response is None and "updated_since" in request.url.params:
            return httpx.Response(400, json={"type": "about:blank", "title": "Bad Request", "status": 400})
        return None

    app = make_app(corpus)
    assert mirror(BASE, tmp_path, ["es", "fr"], transport=Upstream(app, static)).exit_status == 0
    again = mirror(BASE, tmp_path, ["es", "fr"], transport=Upstream(app, static))
    assert (again.exit_status, again.fetched, len(again.not_modified)) == (0, [], 4)
    assert again.statuses[400] == 2  # asked once per language, then fell back to the full listing
    full = [r for r in again.requests if "/api/v1/articles?" in r.url and "updated_since" not in r.url]
    assert [(r.conditional, r.status) for r in full] == [(True, 304), (True, 304)]

    (tmp_path / "es" / f"{SLUG}.html").unlink()  # someone tidied up by hand: fetched again, not trusted to a 304
    progress = io.StringIO()
    third = mirror(BASE, tmp_path, ["es"], transport=Upstream(app, static), progress=progress)
    assert (third.exit_status, third.fetched) == (0, [f"es/{SLUG}"])
    assert (tmp_path / "es" / f"{SLUG}.html").exists() and "es: 2/2 articles" in progress.getvalue()


def test_language_tags_are_bcp47(tmp_path: Path) -> None:
    assert [canonical_tag(t) for t in ("pt-br", "ZH-hant", "es-419", "fil")] == ["pt-BR", "zh-Hant", "es-419", "fil"]
    result = mirror(BASE, tmp_path, ["../etc"])
    assert (result.exit_status, result.requests) == (2, [])
    assert "not a BCP 47 language tag" in result.errors[0]
    assert mirror("bothand.example", tmp_path, ["es"]).exit_status == 2  # not a URL


def test_only_verified_articles_are_stored(corpus: Path, tmp_path: Path) -> None:
    app = make_app(corpus)
    assert mirror(BASE, tmp_path, ["es"], transport=Upstream(app, lambda q, r: None)).exit_status == 0
    before = files(tmp_path / "es")
    for slug in (SLUG, OTHER):  # a new English sentence: both articles change
        path = corpus / "content" / f"{slug}.md"
        assert "Small things can help" in path.read_text("utf-8")
        path.write_text(path.read_text("utf-8").replace("Small things can help", "Small things may help"), "utf-8")
    app = make_app(corpus)

    def broken(request: httpx.Request, response: httpx.Response | None) -> httpx.Response | None:
        if response is None or response.status_code != 200 or "/api/v1/articles/" not in request.url.path:
            return None
        if request.url.path.endswith(SLUG):  # altered on the way, hash left as it was
            return rewritten(response, lambda d: d["title"].update(text="Something else"))
        # The help-now block dropped by a server that recomputes the hash: the shape check catches it.
        return rewritten(response, lambda d: (d.pop("crisis"), d.update(content_hash=content_hash(d))))

    result = mirror(BASE, tmp_path, ["es"], transport=Upstream(app, broken))
    assert result.exit_status == 1 and result.fetched == []
    assert sorted(result.errors) == [
        f"es/{SLUG}: not stored: content_hash does not match the content (damaged or altered in transit)",
        f"es/{OTHER}: not stored: the crisis block is missing or empty",
    ]
    for name in (f"{SLUG}.json", f"{SLUG}.html", f"{OTHER}.json", f"{OTHER}.html"):
        assert (tmp_path / "es" / name).read_bytes() == before[name]  # the previous, verified copies stay


def test_a_busy_server_is_retried_when_it_says(corpus: Path, tmp_path: Path) -> None:
    busy = {"left": 1}

    def throttled(request: httpx.Request, response: httpx.Response | None) -> httpx.Response | None:
        if response is None and request.url.path.endswith(SLUG) and busy["left"]:
            busy["left"] -= 1
            return httpx.Response(429, headers={"Retry-After": "1"})
        return None

    upstream = Upstream(make_app(corpus), throttled)
    start = time.monotonic()
    result = mirror(BASE, tmp_path, ["es"], transport=upstream, backoff=0.01)
    assert time.monotonic() - start >= 1.0  # waited as Retry-After asked, not the 0.01 s backoff
    assert (result.exit_status, sorted(result.fetched), result.statuses[429]) == (0, [f"es/{SLUG}", f"es/{OTHER}"], 1)
    assert all(r.headers["user-agent"].startswith("bothand-mirror/") for r in upstream.seen)
