"""Build figures (issues 23 and 25): cold build without handouts (BOTHAND_HANDOUTS=0) and with them (the
printable PDFs, issue 25), rebuild with no edit, one translated segment, one English
paragraph (in every locale), start-up after a one-segment edit (the first answer, which does not
wait for the rebuild, under make serve and in production alike; and the time until the edit is
served, when the background build has swapped the new snapshot in), and peak RSS of
each, for the real corpus and N synthetic copies of the article in every locale
(scripts/synthetic_corpus.py).

Usage: scripts/bench_build.py [N ...] [--handouts]   (default: 500; 0 skips the synthetic corpus)

The real corpus is measured with handouts (and its cold build without them too); a synthetic corpus
without them unless --handouts (8 PDFs per article × locale, about 25 ms each: 56,000 at 500 × 14).

Each step runs in its own process (so its peak RSS is its own) on a copy of the sources under
build/bench-build/, so the checkout is never edited. Figures are wall-clock seconds on this machine,
as it is loaded now: compare rows of one run, not runs of different days.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "bench-build"
LANG = "es"  # the locale whose segment is edited

STEP = """
import logging, sys, time
from pathlib import Path
from api.core.settings import Settings
logging.basicConfig(level=logging.INFO, format="   %(message)s", stream=sys.stderr)
tree, what = Path(sys.argv[1]), sys.argv[2]
settings = Settings(content_dir=tree / "content", locales_dir=tree / "locales", build_folder=tree / "snapshot",
                    base_url="http://127.0.0.1:8000")
if what == "start":  # a production start-up (no watching): until the edit is served
    import os, time
    from starlette.testclient import TestClient
    from api.app import LazyApp
    app = LazyApp(watch=False, settings=settings)
    with TestClient(app, base_url=settings.base_url) as client:
        assert client.get("/en/").status_code == 200
        first, deadline = app.app, time.monotonic() + 900
        while app.app is first and time.monotonic() < deadline:
            time.sleep(0.05)
    os._exit(0 if app.app is not first else 1)
elif what == "serve":  # make serve: the first answer, while the edit is rebuilt in the background
    import os
    from starlette.testclient import TestClient
    from api.app import LazyApp
    with TestClient(LazyApp(watch=True, settings=settings), base_url=settings.base_url) as client:
        assert client.get("/en/").status_code == 200
    os._exit(0)  # not waiting for the background rebuild
else:
    import gc
    from api.build.builder import build
    build(settings, clean=what == "clean")
    gc.freeze()  # and exit as the `bothand` command does (api/tools/cli.py, run)
"""


@dataclass
class Row:
    name: str
    figures: dict[str, tuple[float, float] | None] = field(default_factory=dict)  # step -> (s, peak RSS MB)


def run(tree: Path, what: str, **env: str) -> tuple[float, float]:
    """One step in a child process: (wall seconds, peak RSS in MB of the step or of a worker it forked)."""
    # The previous step's gigabytes written back to disk first, so they do not slow this step's writes
    # (a cold 500 × 14 build measured 62 s right after a 3 GB build, 52–55 s after a sync).
    os.sync()
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", STEP, str(tree), what], cwd=ROOT,  # noqa: S603
                             env={**os.environ, "PYTHONPATH": str(ROOT), "BOTHAND_HANDOUTS": "1", **env})
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{what} failed in {tree}")
    return seconds, usage.ru_maxrss / 1024


def edit_segment(tree: Path) -> None:
    """Change one translated segment (the first msgstr of an article) in one locale's content.po."""
    po = tree / "locales" / LANG / "LC_MESSAGES" / "content.po"
    text = po.read_text("utf-8")
    at = text.index('msgstr "', text.index("msgctxt ")) + len('msgstr "')
    po.write_text(text[:at] + "(editado) " + text[at:], "utf-8")


def edit_paragraph(tree: Path) -> None:
    """Change one English paragraph of one article (every locale then shows it in English)."""
    md = sorted((tree / "content").glob("*.md"))[0]
    parts = md.read_text("utf-8").split("\n\n")
    index = next(i for i, p in enumerate(parts) if i > 1 and p and p[0].isalpha())
    parts[index] += " (edited)"
    md.write_text("\n\n".join(parts), "utf-8")


def measure(name: str, tree: Path, handouts: bool = True) -> Row:
    """Every step; with `handouts`, every step after the first builds them (else none does)."""
    row = Row(name)
    env = {} if handouts else {"BOTHAND_HANDOUTS": "0"}
    say(f"{name}: cold build without handouts")
    row.figures["cold build, no handouts"] = run(tree, "clean", BOTHAND_HANDOUTS="0")
    say(f"{name}: cold build" + (" with handouts" if handouts else " (again)"))
    row.figures["cold build, handouts"] = run(tree, "clean") if handouts else None
    if not handouts:
        run(tree, "clean", **env)
    say(f"{name}: rebuild, nothing edited")
    row.figures["no edit"] = run(tree, "build", **env)
    edit_segment(tree)
    say(f"{name}: one translated segment")
    row.figures["one segment"] = run(tree, "build", **env)
    edit_paragraph(tree)
    say(f"{name}: one English paragraph")
    row.figures["one paragraph"] = run(tree, "build", **env)
    edit_segment(tree)
    say(f"{name}: make serve's first answer after a one-segment edit")
    row.figures["start-up: first answer after one segment"] = run(tree, "serve", **env)
    say(f"{name}: start-up after a one-segment edit, until the edit is served")
    row.figures["start-up: the edit served after one segment"] = run(tree, "start", **env)
    return row


def say(text: str) -> None:
    print("..", text, file=sys.stderr, flush=True)


def real_tree() -> Path:
    tree = WORK / "real"
    shutil.rmtree(tree, ignore_errors=True)
    shutil.copytree(ROOT / "content", tree / "content")
    shutil.copytree(ROOT / "locales", tree / "locales")
    return tree


def synthetic_tree(n: int) -> Path:
    sys.path.insert(0, str(ROOT / "scripts"))
    from synthetic_corpus import generate

    tree = WORK / f"synthetic-{n}"
    shutil.rmtree(tree, ignore_errors=True)
    generate(tree, n)
    return tree


def report(rows: list[Row]) -> str:
    steps = list(rows[0].figures)
    lines = ["| corpus | " + " | ".join(f"{s} s (peak RSS MB)" for s in steps) + " |",
             "|---|" + "--:|" * len(steps)]
    for row in rows:
        lines.append(f"| {row.name} | " + " | ".join("—" if fig is None else f"{fig[0]:.1f} ({fig[1]:.0f})"
                                                   for fig in row.figures.values()) + " |")
    load = Path("/proc/loadavg").read_text().split()[0]
    lines.append(f"\n{os.cpu_count()} cores, load average {load} at the end; each step a fresh process.")
    return "\n".join(lines)


def main() -> None:
    if any(a in ("-h", "--help") for a in sys.argv[1:]):
        print(__doc__)
        return
    handouts = "--handouts" in sys.argv[1:]  # at every size (8 PDFs per article x locale: 56,000 at 500 x 14)
    sizes = [int(a) for a in sys.argv[1:] if a != "--handouts"] or [500]
    rows = [measure("real (content/)", real_tree())]
    for n in sizes:
        if n > 0:
            say(f"generating {n} synthetic articles")
            label = f"synthetic, {n} articles × every locale" + ("" if handouts else ", handouts off")
            rows.append(measure(label, synthetic_tree(n), handouts))
    print(report(rows))


if __name__ == "__main__":
    main()
