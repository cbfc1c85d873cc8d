"""What GNOME Orca says, page by page, as a reader moves through them (issue 14).

One Orca session reads the article and home pages in English, Spanish and Arabic the way a
reader would: Say All (KP_Add, desktop layout), then browse mode `h` and `m` from the top until
Orca says there are no more, then the article's table cell by cell with Orca's table navigation.

What Orca says is kept per page in tests/screenreader/transcripts/ and compared, like the
accessibility outlines: a change to what a reader hears shows in the diff and must be reviewed.
Regenerate with `make transcripts` (UPDATE_TRANSCRIPTS=1) and read the diff.

Orca 43 detects the language of each passage from the page's `lang` attributes but speaks
everything with one voice; the transcripts keep the language it detected beside each utterance.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.browser.harness import SLUG, live_server
from tests.htmltext import _Tree, find
from tests.screenreader.harness import Session, Utterance, missing_tools, screen_reader

pytestmark = pytest.mark.screenreader

TRANSCRIPTS = Path(__file__).parent / "transcripts"
TAGS = ("en", "es", "ar")
PAGES = {"article": f"articles/{SLUG}", "home": ""}
END_OF_HEADINGS = "No more headings."
END_OF_LANDMARKS = "No landmark found."
MAX_PRESSES = 40  # far more headings or landmarks than any page has: a loop that never ends is a failure
# Orca's own words: role names, states and messages, spoken in Orca's language (English here).
ORCA_WORDS = re.compile(
    r"^(link|visited link|heading level \d|column header|row header|caption|comment|panel|clickable|"
    r"leaving .*|List with \d+ items?|table with \d+ rows? \d+ columns?|block quote|note|"
    r"navigation|main content|complementary content|information|banner|article|region|"
    r"Page has .*|No more .*|No landmark found\.|Not in a table\.|[•◦▪·]?)\.?$"
)


Answer = tuple[str, list[Utterance]]  # a key pressed, and what Orca said in answer


@dataclass
class Reading:
    """Everything Orca said on one page, phase by phase; each phase a list of answers to key presses."""

    tag: str
    page: str
    html: str
    summary: list[Utterance] = field(default_factory=list)
    say_all: list[Utterance] = field(default_factory=list)
    headings: list[Answer] = field(default_factory=list)
    landmarks: list[Answer] = field(default_factory=list)
    table: list[Answer] = field(default_factory=list)
    seconds: float = 0.0

    def transcript(self) -> str:
        def lines(utterances: list[Utterance]) -> list[str]:
            return [f"{u.lang or '-':8}{u.text.strip()}" for u in utterances if u.text.strip()]

        out = [f"# What Orca 43 says on /{self.tag}/{PAGES[self.page]} (detected language, then the utterance;",
               "# '-' where Orca detected none: its own words, and names it takes from labels)", "",
               "## On load", *lines(self.summary), "", "## Say All (KP_Add)", *lines(self.say_all)]
        for title, answers in (("## Headings (h from the top)", self.headings),
                               ("## Landmarks (m from the top)", self.landmarks),
                               ("## Table (t, then Alt+Shift+arrows)", self.table)):
            if answers:
                out += ["", title]
                for key, answer in answers:
                    out.append(f"> {key}")
                    out += lines(answer)
        return "\n".join(out) + "\n"


def _press_until(session: Session, key: str, end: str) -> list[Answer]:
    answers: list[Answer] = []
    for _ in range(MAX_PRESSES):
        said = session.press(key)
        answers.append((key, said))
        if any(u.text.strip() == end for u in said):
            return answers
    raise AssertionError(f"pressing {key} {MAX_PRESSES} times never got to {end!r}")


# The table walk: along the header row, then down each column, so every cell is reached by a
# move that Orca answers with the cell and, where the column changes, its header.
TABLE_WALK = ["alt+shift+Right", "alt+shift+Down", "alt+shift+Left", "alt+shift+Down", "alt+shift+Right",
              "alt+shift+Down", "alt+shift+Left", "alt+shift+Down", "alt+shift+Right"]


def last_words(html: str) -> str:
    """The page's last passage of text: where Say All ends."""
    tree = _Tree()
    tree.feed(html)
    texts = [data for data, stack in tree.events if data.strip() and any(el.tag == "body" for el in stack)]
    return texts[-1]


def read_page(session: Session, base: str, tag: str, page: str) -> Reading:
    url = f"{base}/{tag}/{PAGES[page]}"
    started = time.monotonic()
    reading = Reading(tag, page, httpx.get(url).text)
    loaded = session.open(url)
    reading.summary = [u for u in loaded if u.text.startswith("Page has ")]
    reading.say_all = session.say_all(last_words(reading.html))
    session.press("ctrl+Home")
    reading.headings = _press_until(session, "h", END_OF_HEADINGS)
    session.press("ctrl+Home")
    reading.landmarks = _press_until(session, "m", END_OF_LANDMARKS)
    if find(reading.html, "table"):
        session.press("ctrl+Home")
        reading.table = [(key, session.press(key)) for key in ["t", *TABLE_WALK]]
    reading.seconds = time.monotonic() - started
    return reading


@pytest.fixture(scope="module")
def readings() -> Iterator[dict[tuple[str, str], Reading]]:
    missing = missing_tools()
    if missing:
        pytest.fail(f"the screen-reader test needs {', '.join(missing)}: run scripts/install-test-deps")
    keep = Path(os.environ["ORCA_KEEP_LOGS"]) if os.environ.get("ORCA_KEEP_LOGS") else None
    out: dict[tuple[str, str], Reading] = {}
    with live_server() as base, screen_reader(keep=keep) as session:
        for tag in TAGS:
            for page in PAGES:
                out[(tag, page)] = read_page(session, base, tag, page)
    yield out


CASES = [(tag, page) for tag in TAGS for page in PAGES]


@pytest.mark.parametrize(("tag", "page"), CASES)
def test_transcript_matches_the_kept_one(readings: dict[tuple[str, str], Reading], tag: str, page: str) -> None:
    actual = readings[(tag, page)].transcript()
    path = TRANSCRIPTS / f"{tag}-{page}.txt"
    if os.environ.get("UPDATE_TRANSCRIPTS"):
        TRANSCRIPTS.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"no kept transcript for {tag} {page}: run `make transcripts`"
    assert actual == path.read_text(encoding="utf-8")
