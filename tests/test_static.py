"""The stylesheet keeps the promises made about it: RTL-safe, system fonts, nothing fetched elsewhere."""

from __future__ import annotations

import re

from api.core.settings import ROOT

CSS = (ROOT / "site" / "static" / "site.css").read_text(encoding="utf-8")
DECLARATIONS = re.sub(r"/\*.*?\*/", "", CSS, flags=re.DOTALL)


def test_only_logical_properties() -> None:
    physical = re.findall(
        r"(?<![-\w])(margin|padding|border)-(left|right|top|bottom)\b|(?<![-\w])(left|right|top|bottom)\s*:"
        r"|text-align\s*:\s*(left|right)|float\s*:\s*(left|right)|(?<![-\w])(width|height)\s*:",
        DECLARATIONS,
    )
    assert physical == []


def test_no_web_fonts_or_remote_resources() -> None:
    assert "@font-face" not in DECLARATIONS
    assert "@import" not in DECLARATIONS
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", DECLARATIONS)


def test_font_stacks_per_script() -> None:
    for lang in ("ar", "fa", "hi", "zh-Hans", "zh-Hant", "ko"):
        assert re.search(rf":lang\({re.escape(lang)}\)", DECLARATIONS), lang
