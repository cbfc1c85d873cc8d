"""A real HTTP server on 127.0.0.1 that a test can make hostile, for `bothand mirror`'s regression tests.

:class:`HostileServer` runs ``http.server`` in a thread (a thread per connection, so one can
drip forever while others answer) and asks a ``route`` function what to answer to each request;
it records every request it gets (``seen``) and how many body bytes it managed to send.
:class:`Site` is an honest Bothand API over a fixture corpus's real answers (taken once from the
app), with every absolute URL moved to the server's own address; a test wraps its ``answer``
to turn one route hostile.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from api.core.contenthash import content_hash

MB = 1 << 20


@dataclass
class Answer:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | Iterable[bytes] = b""  # an iterable is streamed: no Content-Length, closed at the end
    pause: float = 0.0  # seconds before each chunk of an iterable body


@dataclass(frozen=True)
class Request:
    path: str  # with the query
    headers: dict[str, str]

    @property
    def route(self) -> str:
        return urlsplit(self.path).path

    @property
    def query(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}


def json_answer(data: object, status: int = 200, etag: bool = True, **headers: str) -> Answer:
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    if etag:
        headers["ETag"] = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
    return Answer(status, {"Content-Type": "application/json", **headers}, body)


def chunks(total: int, size: int = MB, byte: bytes = b" ") -> Iterator[bytes]:
    """`total` bytes in chunks of `size` (made lazily: a 400 MB body costs the server 1 MB)."""
    block = byte * size
    for start in range(0, total, size):
        yield block[: min(size, total - start)]


def forever(chunk: bytes = b" ") -> Iterator[bytes]:
    return itertools.repeat(chunk)


class _Quiet(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client hanging up mid-answer is what these tests are about, not news


class HostileServer:
    def __init__(self, route: Callable[[Request], Answer]):
        self.route = route
        self.seen: list[Request] = []
        self.sent = 0  # body bytes written to clients
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802  # http.server's naming
                request = Request(self.path, {k.lower(): v for k, v in self.headers.items()})
                with server._lock:
                    server.seen.append(request)
                server._answer(self, server.route(request))

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = _Quiet(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def _answer(self, handler: BaseHTTPRequestHandler, answer: Answer) -> None:
        try:
            handler.send_response(answer.status)
            for name, value in answer.headers.items():
                handler.send_header(name, value)
            if isinstance(answer.body, bytes):
                handler.send_header("Content-Length", str(len(answer.body)))
                handler.end_headers()
                handler.wfile.write(answer.body)
                self._count(len(answer.body))
                return
            handler.send_header("Connection", "close")
            handler.close_connection = True
            handler.end_headers()
            for chunk in answer.body:
                if answer.pause:
                    time.sleep(answer.pause)
                handler.wfile.write(chunk)
                handler.wfile.flush()
                self._count(len(chunk))
        except (BrokenPipeError, ConnectionResetError):
            handler.close_connection = True  # the client hung up: what a capped mirror does

    def _count(self, n: int) -> None:
        with self._lock:
            self.sent += n

    def paths(self) -> list[str]:
        with self._lock:
            return [r.path for r in self.seen]

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class Site:
    """An honest Bothand API: the fixture corpus's locales, listings and articles, served by a HostileServer."""

    def __init__(self, captured: dict[str, Any], origin: str = "http://testserver"):
        self.captured = captured
        self.origin = origin
        self.base = origin
        self.articles: dict[str, dict[str, Any]] = {}

    def bind(self, base: str) -> None:
        """Serve from `base`: every absolute URL names it, and every hash is recomputed (as the server would)."""
        self.base = base
        text = json.dumps(self.captured["articles"]).replace(self.origin, base)
        self.articles = json.loads(text)
        for data in self.articles.values():
            data["content_hash"] = content_hash(data)

    @property
    def langs(self) -> list[str]:
        return sorted({key.split("/")[0] for key in self.articles})

    def slugs(self, lang: str) -> list[str]:
        return sorted(key.split("/")[1] for key in self.articles if key.startswith(f"{lang}/"))

    def edit(self, key: str, change: Callable[[dict[str, Any]], object], rehash: bool = True) -> None:
        """Change an article (a hostile server recomputes the hash; a proxy in the way would not)."""
        data = copy.deepcopy(self.articles[key])
        change(data)
        if rehash:
            data["content_hash"] = content_hash(data)
        self.articles[key] = data

    def listing(self, lang: str) -> dict[str, Any]:
        return {"lang": lang, "page": 1, "per_page": 100, "total": len(self.slugs(lang)), "articles": [
            {"slug": slug, "lang": lang, "content_hash": self.articles[f"{lang}/{slug}"]["content_hash"],
             "urls": {"json": f"{self.base}/api/v1/articles/{slug}?lang={lang}"}}
            for slug in self.slugs(lang)
        ]}

    def answer(self, request: Request) -> Answer:
        route, query = request.route, request.query
        key = f"{query.get('lang')}/{route.rsplit('/', 1)[1]}"
        if route in self.captured.get("handouts", {}):  # an article's printable PDFs, as the app serves them
            body = self.captured["handouts"][route]
            return Answer(200, {"Content-Type": "application/pdf",
                                "ETag": f'"{hashlib.sha256(body).hexdigest()[:16]}"'}, body)
        if route == "/api/v1/locales":
            return json_answer({"locales": [{"tag": lang} for lang in self.langs]})
        if route == "/api/v1/articles" and query.get("lang") in self.langs:
            found = json_answer(self.listing(query["lang"]))
        elif route.startswith("/api/v1/articles/") and key in self.articles:
            found = json_answer(self.articles[key])
        else:
            return json_answer({"title": "Not Found", "status": 404, "detail": "no such thing"}, 404, etag=False)
        if request.headers.get("if-none-match") == found.headers["ETag"]:
            return Answer(304, {"ETag": found.headers["ETag"]})
        return found


def capture(settings: Any) -> dict[str, Any]:
    """Every article of a fixture corpus as the app serves it (JSON values), by language and slug."""
    from starlette.testclient import TestClient

    from api.app import create_app

    client = TestClient(create_app(settings))
    langs = [loc["tag"] for loc in client.get("/api/v1/locales").json()["locales"]]
    articles = {}
    for lang in langs:
        for item in client.get(f"/api/v1/articles?lang={lang}&per_page=100").json()["articles"]:
            articles[f"{lang}/{item['slug']}"] = client.get(f"/api/v1/articles/{item['slug']}?lang={lang}").json()
    handouts = {urlsplit(h["url"]).path: client.get(h["url"]).content
                for data in articles.values() for h in data.get("handouts", [])}
    return {"articles": articles, "handouts": handouts}


class Stage:
    """The site on one server, another host beside it that must never be asked anything, and what is hostile."""

    def __init__(self, captured: dict[str, Any]):
        self.site = Site(captured)
        self.hostile: Callable[[Request], Answer | None] | None = None
        self.server = HostileServer(self._route)
        self.other = HostileServer(lambda r: Answer(200, {"Content-Type": "text/plain"}, b"role: admin\nkey: secret"))

    def _route(self, request: Request) -> Answer:
        answer = self.hostile(request) if self.hostile else None
        return answer if answer is not None else self.site.answer(request)

    def __enter__(self) -> Stage:
        self.server.__enter__()
        self.other.__enter__()
        self.site.bind(self.server.url)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.__exit__()
        self.other.__exit__()


def capture_corpus(root: Any) -> dict[str, Any]:
    """The base fixture corpus (tests/corpus.py), built in `root`, as the app serves it."""
    import logging

    from tests.corpus import make_corpus

    logging.getLogger("api.web.app").setLevel(logging.ERROR)
    return capture(make_corpus(root).settings())
