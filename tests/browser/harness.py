"""The accessibility harness: a live server, Debian's Chromium via Playwright, axe-core, vnu.

The suite and its own self-test (test_harness.py) use exactly these functions, so a harness
that stopped seeing violations would fail its self-test.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from api.core.settings import ROOT
from tests.conftest import LOCALES

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",  # we run as root in CI containers
    "--disable-background-networking",  # the machine has no internet: keep Chromium from trying
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# No rule is switched off. (If one ever must be, list it here with the reason beside it.)
AXE_DISABLED: dict[str, str] = {}
SLUG = "medication-and-therapy"
TOPIC = "anxiety"  # a condition of conditions.yaml that the article names: its topic page
WIDTHS = (1280, 320)
SCHEMES = ("light", "dark")


@dataclass(frozen=True)
class PageSpec:
    name: str
    path: str
    status: int = 200


def pages_for(tag: str) -> list[PageSpec]:
    """Every kind of HTML page the site serves, in one locale."""
    return [
        PageSpec("home", f"/{tag}/"),
        PageSpec("article", f"/{tag}/articles/{SLUG}"),
        PageSpec("topic", f"/{tag}/topics/{TOPIC}"),
        PageSpec("accessibility", f"/{tag}/accessibility"),
        PageSpec("languages", f"/{tag}/languages"),
        PageSpec("developers", f"/{tag}/developers"),
        PageSpec("not-found", f"/{tag}/articles/no-such-article", 404),
        # A language we do not serve: the page speaks the reader's language (their Accept-Language).
        PageSpec("unknown-language", "/de/articles/no-such-article", 404),
        PageSpec("embed", f"/embed/{tag}/{SLUG}"),
        # Help now, by country: a country with lines (its lines first) and one without (Mexico).
        PageSpec("help-country", f"/{tag}/help/CA"),
        PageSpec("help-other-country", f"/{tag}/help/MX"),
    ]


ALL_TAGS = [loc.tag for loc in LOCALES]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, attempts: int = 200, headers: dict[str, str] | None = None) -> None:
    """Poll a server we just started until it answers; fail loudly if it never does."""
    for _ in range(attempts):
        try:
            httpx.get(url, timeout=1, headers=headers)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not come up")


@contextmanager
def live_server(env: dict[str, str] | None = None) -> Iterator[str]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    # The app takes its public origin from configuration, never from a request's Host header.
    build = tempfile.mkdtemp(prefix="bothand-build-")
    env = {"BOTHAND_BASE_URL": base, "BOTHAND_BUILD_DIR": build, "BOTHAND_BROTLI_QUALITY": "4", **(env or {})}
    proc = subprocess.Popen(  # noqa: S603  # our own server, fixed arguments
        [sys.executable, "-m", "uvicorn", "api.app:app", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "warning"],
        cwd=ROOT,
        env={**os.environ, **env},
    )
    try:
        wait_until_up(base + "/robots.txt")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(build, ignore_errors=True)


PORTAL_PAGE = ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Clinic portal</title></head>"
               "<body><main><h1>Patient resources</h1>{body}</main></body></html>")


@contextmanager
def partner_portal(folder: Path, body: str = "") -> Iterator[str]:
    """A clinic's page on another origin (`localhost`, not 127.0.0.1), served by a plain static file
    server from `folder`, with `body` inside its main; yields the page's URL."""
    (folder / "portal.html").write_text(PORTAL_PAGE.format(body=body), encoding="utf-8")
    port = _free_port()
    partner = subprocess.Popen(  # noqa: S603  # a static file server standing in for a clinic's site
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://localhost:{port}/portal.html"
        wait_until_up(url)
        yield url
    finally:
        partner.terminate()
        partner.wait(timeout=10)


def run_axe(page: Any) -> list[dict[str, Any]]:
    """axe-core violations on the page as it is now (the context must bypass CSP to inject axe)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result: dict[str, Any] = page.evaluate(
        """async ([tags, disabled]) => {
            const rules = Object.fromEntries(disabled.map((id) => [id, { enabled: false }]));
            return await axe.run(document, { runOnly: { type: "tag", values: tags }, rules,
                                             resultTypes: ["violations"] });
        }""",
        [AXE_TAGS, list(AXE_DISABLED)],
    )
    return list(result["violations"])


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        targets = [" ".join(map(str, n["target"])) for n in v["nodes"][:3]]
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} -> {targets}")
    return "\n".join(lines)


@dataclass(frozen=True)
class VnuMessage:
    file: str
    line: int
    kind: str  # "error", "info" (warnings are info with subType warning)
    sub_type: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.kind}{'/' + self.sub_type if self.sub_type else ''}: {self.message}"


def run_vnu(files: list[Path]) -> list[VnuMessage]:
    """The Nu HTML Checker over many files in one Java start."""
    run = subprocess.run(  # noqa: S603  # fixed arguments
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always", *map(str, files)],
        capture_output=True, text=True, check=True,
    )
    data = json.loads(run.stderr or run.stdout)
    return [
        VnuMessage(m.get("url", "").removeprefix("file:"), int(m.get("lastLine", 0)), m.get("type", ""),
                   m.get("subType", ""), m.get("message", ""))
        for m in data["messages"]
    ]


def axe_failures(browser: Any, base_url: str, tag: str, width: int, scheme: str) -> tuple[int, list[str]]:
    """(pages checked, failures) for every page of one locale at one width and colour scheme."""
    context = browser.new_context(
        viewport={"width": width, "height": 900}, color_scheme=scheme, locale=tag,
        bypass_csp=True,  # only so axe can be injected; the served CSP is tested in test_privacy
    )
    page = context.new_page()
    failures = []
    count = 0
    try:
        for spec in pages_for(tag):
            response = page.goto(base_url + spec.path)
            if response is None or response.status != spec.status:
                failures.append(f"{spec.path}: status {response.status if response else None}")
                continue
            violations = run_axe(page)
            count += 1
            if violations:
                failures.append(f"{spec.path} @{width}px {scheme}:\n{describe(violations)}")
    finally:
        context.close()
    return count, failures


# Warnings we have read and accept, each with the reason.
ACCEPTED_VNU_WARNINGS: dict[str, str] = {
    'This document appears to be written in Tagalog but the “html” start tag has “lang="fil"”':
        "Filipino (fil) is the standardized form of Tagalog; CLDR, browsers and our catalogs use `fil`, "
        "vnu's language guesser only knows `tl`.",
}


def vnu_failures(base_url: str, folder: Path, tags: list[str]) -> tuple[int, list[VnuMessage]]:
    """(pages checked, errors and unreviewed warnings) for every page of the given locales."""
    files: list[Path] = []
    for tag in tags:
        for spec in pages_for(tag):
            r = httpx.get(base_url + spec.path, headers={"Accept-Language": tag})
            path = folder / f"{tag}--{spec.name}.html"
            path.write_bytes(r.content)
            files.append(path)
    bad = [
        m for m in run_vnu(files)
        if m.kind == "error"
        or (m.sub_type in ("fatal", "warning") and not any(w in m.message for w in ACCEPTED_VNU_WARNINGS))
    ]
    return len(files), bad
