"""Pictures of the reader pages, to look at next to the machine checks (`make screenshots`).

Starts the app on a free port (the test harness's live server, built into a temporary folder),
opens Debian's Chromium through Playwright (the browser suite's launch arguments; nothing is
downloaded) and writes, for each language, page, width and colour scheme, the first screen a
reader sees (`--full-page` for the whole page) as PNG:

    docs/screenshots/{lang}-{page}-{width}-{scheme}.png     e.g. ar-article-390-dark.png

Defaults: the article and the help page (no country chosen), at 390 px (a phone, 390 x 844) and
1280 px (a desk, 1280 x 800), light and dark, in en, ar, zh-Hans and vi. `--print` also prints
the article of each language to PDF (A4), as a clinic would hand it out.

    .venv/bin/python scripts/screenshots.py --lang en --lang ar --width 390 --out docs/screenshots/before
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402  # after the path: run as a plain script

from tests.browser.harness import CHROMIUM, LAUNCH_ARGS, SLUG, live_server  # noqa: E402

PAGES = {"article": f"articles/{SLUG}", "help": "help", "home": "", "languages": "languages"}
HEIGHTS = {390: 844, 1280: 800}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lang", action="append", help="BCP 47 tag (repeat); default en, ar, zh-Hans, vi")
    parser.add_argument("--page", action="append", choices=sorted(PAGES), help="default article and help")
    parser.add_argument("--width", action="append", type=int, help="CSS pixels (repeat); default 390 and 1280")
    parser.add_argument("--scheme", action="append", choices=["light", "dark"], help="default both")
    parser.add_argument("--full-page", action="store_true", help="the whole page, not only the first screen")
    parser.add_argument("--print", action="store_true", help="also print each language's article to PDF (A4)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    langs = args.lang or ["en", "ar", "zh-Hans", "vi"]
    pages = args.page or ["article", "help"]
    widths = args.width or [390, 1280]
    schemes = args.scheme or ["light", "dark"]
    args.out.mkdir(parents=True, exist_ok=True)
    written = []
    with live_server() as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        for width in widths:
            for scheme in schemes:
                context = browser.new_context(viewport={"width": width, "height": HEIGHTS.get(width, 900)},
                                              color_scheme=scheme)  # type: ignore[arg-type]
                page = context.new_page()
                for lang in langs:
                    for name in pages:
                        page.goto(f"{base}/{lang}/{PAGES[name]}")
                        path = args.out / f"{lang}-{name}-{width}-{scheme}.png"
                        page.screenshot(path=str(path), full_page=args.full_page)
                        written.append(path)
                context.close()
        if args.print:
            context = browser.new_context()
            page = context.new_page()
            for lang in langs:
                page.goto(f"{base}/{lang}/{PAGES['article']}")
                path = args.out / f"{lang}-article-print.pdf"
                page.pdf(path=str(path), format="A4", print_background=False)
                written.append(path)
            context.close()
        browser.close()
    for path in written:
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
