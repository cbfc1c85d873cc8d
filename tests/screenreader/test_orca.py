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
TAGS = ("en", "es", "ar", "zh-Hans")
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


def read_page(session: Session, base: str, tag: str, page: str) -> Reading:
    url = f"{base}/{tag}/{PAGES[page]}"
    started = time.monotonic()
    reading = Reading(tag, page, httpx.get(url).text)
    loaded = session.open(url)
    reading.summary = [u for u in loaded if u.text.startswith("Page has ")]
    reading.say_all = session.say_all()
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


def kept(transcript: str) -> str:
    """A transcript as kept: the handout links' page and size figures masked (they follow the PDF's
    bytes, hence the installed fonts' version), so it keeps what is said, not those figures."""
    return "\n".join(re.sub(r"\d", "#", line) if "PDF" in line else line for line in transcript.split("\n"))


@pytest.mark.parametrize(("tag", "page"), CASES)
def test_transcript_matches_the_kept_one(readings: dict[tuple[str, str], Reading], tag: str, page: str) -> None:
    actual = kept(readings[(tag, page)].transcript())
    path = TRANSCRIPTS / f"{tag}-{page}.txt"
    if os.environ.get("UPDATE_TRANSCRIPTS"):
        TRANSCRIPTS.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"no kept transcript for {tag} {page}: run `make transcripts`"
    assert actual == path.read_text(encoding="utf-8")


# -- what a reader would notice -------------------------------------------------------------------

ROLE_SUFFIX = re.compile(r"(\s+(link|visited link|heading level \d|column header|caption))?\.?$")


def norm(text: str) -> str:
    return " ".join(text.split())


def bare(text: str) -> str:
    """An utterance without Orca's trailing role word and full stop: the page's own words."""
    return ROLE_SUFFIX.sub("", norm(text)).strip()


def is_orca_word(text: str) -> bool:
    return bool(ORCA_WORDS.match(norm(text)))


def passages(html: str) -> list[tuple[str, str]]:
    """Each text of the page body with the language it is marked as (the nearest `lang`)."""
    tree = _Tree()
    tree.feed(html)
    out = []
    for data, stack in tree.events:
        if not data.strip() or not any(el.tag == "body" for el in stack):
            continue
        lang = next(el.attrs["lang"] for el in reversed(stack) if "lang" in el.attrs)
        out.append((norm(data), lang))
    return out


def element_text(html: str, tag: str) -> list[str]:
    return [norm(el.text) for el in find(html, tag)]


def answers_text(answers: list[Answer]) -> list[str]:
    return [norm(" ".join(u.text for u in said)) for _, said in answers]


def sequences(reading: Reading) -> list[list[Utterance]]:
    return [reading.say_all] + [said for _, said in reading.headings + reading.landmarks + reading.table]


@pytest.mark.parametrize(("tag", "page"), CASES)
def test_nothing_is_said_twice_in_a_row(readings: dict[tuple[str, str], Reading], tag: str, page: str) -> None:
    """Problems 1-3: a landmark's name and then the same words again as its first line."""
    for said in sequences(readings[(tag, page)]):
        words = [bare(u.text) for u in said if not is_orca_word(u.text)]
        for first, then in zip(words, words[1:], strict=False):
            # the same words again, or the start of them again (a first line cut short after the name)
            assert not first or (first != then and not (len(then) >= 8 and first.startswith(then))), \
                f"said twice in a row: {first!r} / {then!r}"


@pytest.mark.parametrize(("tag", "page"), CASES)
def test_a_bullet_is_never_spoken_apart_from_its_text(
    readings: dict[tuple[str, str], Reading], tag: str, page: str,
) -> None:
    """Problem 6. A bullet is spoken on its own only before a link, which Orca always speaks on its own."""
    for said in sequences(readings[(tag, page)]):
        texts = [norm(u.text) for u in said]
        for i, text in enumerate(texts):
            if text == "•":
                after = texts[i + 1:i + 3]
                assert after and (after[0].endswith(" link.") or after[1:] == ["link"]), \
                    f"a bullet spoken on its own before {after}"


@pytest.mark.parametrize(("tag", "page"), CASES)
def test_every_heading_is_spoken_with_its_level_in_order(
    readings: dict[tuple[str, str], Reading], tag: str, page: str,
) -> None:
    reading = readings[(tag, page)]
    expected = [(int(el.tag[1]), norm(el.text)) for el in find(reading.html)
                if re.fullmatch(r"h[1-6]", el.tag)]
    spoken = answers_text(reading.headings)
    assert spoken[-1] == END_OF_HEADINGS
    assert len(spoken) - 1 == len(expected), spoken
    levels = []
    for answer, (level, text) in zip(spoken, expected, strict=False):
        assert re.search(rf"{re.escape(text)}( link)? heading level {level}\b", answer), answer  # all of it
        levels.append(level)
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), f"a level skipped: {levels}"


# The page's landmarks: (tag, class) of each, where a class tells the page's own header and footer
# from an article's.
LANDMARKS = [("header", "site-header"), ("nav", None), ("main", None), ("aside", None), ("footer", "site-footer")]


@pytest.mark.parametrize(("tag", "page"), CASES)
def test_each_landmark_is_reached_once_and_says_something_whole(
    readings: dict[tuple[str, str], Reading], tag: str, page: str,
) -> None:
    reading = readings[(tag, page)]
    html = reading.html
    landmarks = [el for el in find(html) for tag, cls in LANDMARKS
                 if el.tag == tag and (cls is None or el.attrs.get("class") == cls)]
    spoken = answers_text(reading.landmarks)
    assert spoken[-1] == END_OF_LANDMARKS
    answers = spoken[:-1]
    assert len(answers) == len(landmarks), answers
    assert len(set(answers)) == len(answers), "a landmark reached twice"
    headings = set(element_text(html, "h1") + element_text(html, "h2") + element_text(html, "h3"))
    for answer in answers:
        assert answer.endswith((".", "。")), f"a landmark's first line cut short: {answer!r}"  # 。: CJK full stop
        level = re.search(r"^(.*) heading level \d\.$", answer)
        if level:
            assert level.group(1) in headings, f"part of a heading: {answer!r}"
    names = [el.attrs["aria-label"] for el in landmarks if "aria-label" in el.attrs]
    names += [norm(label.text) for el in landmarks if "aria-labelledby" in el.attrs
              for label in find(html, id=el.attrs["aria-labelledby"])]
    for name in names:
        assert any(answer.startswith(name) for answer in answers), f"landmark {name!r} not announced by name"


@pytest.mark.parametrize(("tag", "page"), CASES)
def test_help_now_is_reachable_by_landmark_and_by_heading(
    readings: dict[tuple[str, str], Reading], tag: str, page: str,
) -> None:
    reading = readings[(tag, page)]
    heading = norm(find(reading.html, "aside", id="help-now")[0].children[0].text)
    assert any(a.startswith(f"{heading} heading level 2") for a in answers_text(reading.landmarks))
    assert f"{heading} heading level 2." in answers_text(reading.headings)


@pytest.mark.parametrize("tag", ["es", "ar", "zh-Hans"])
def test_translation_notice_is_announced_with_its_title(
    readings: dict[tuple[str, str], Reading], tag: str,
) -> None:
    """Problem 5: Orca 43 called the notice a "comment" (Chromium's mapping for an ARIA note); its
    role description, a translated "note", is what it says now, then the notice's title, once."""
    reading = readings[(tag, "article")]
    notice = find(reading.html, "div", class_="notice")[0]
    word = notice.attrs["aria-roledescription"]
    title = norm(find(reading.html, "p", class_="notice-title")[0].text)
    texts = [norm(u.text) for u in reading.say_all]
    assert "comment" not in texts
    at = texts.index(title)
    assert texts[at - 1] == word != "note" and title not in texts[at + 1:at + 4]


@pytest.mark.parametrize("tag", TAGS)
def test_table_navigation_reads_each_cell_under_its_column_header(
    readings: dict[tuple[str, str], Reading], tag: str,
) -> None:
    reading = readings[(tag, "article")]
    table = find(reading.html, "table")[0]
    caption = norm(find(reading.html, "caption")[0].text)
    headers = element_text(reading.html, "th")
    rows = [[norm(td.text) for td in tr.children if td.tag == "td"] for tr in find(reading.html, "tr")]
    column_of = {cell: headers[i] for row in rows for i, cell in enumerate(row)}
    first = answers_text(reading.table[:1])[0]
    assert first.startswith(f"{caption} table with {len(rows)} rows {len(headers)} columns"), first
    assert table.attrs.get("tabindex") == "0"
    current, seen = None, set()
    for _, said in reading.table:
        for u in said:
            text = bare(u.text)
            if text in headers:
                current = text
            elif text in column_of:
                assert current == column_of[text], f"{text!r} read under {current!r}, not {column_of[text]!r}"
                seen.add(text)
    assert seen == set(column_of), f"cells never reached: {set(column_of) - seen}"


@pytest.mark.parametrize(("tag", "page"), CASES)
def test_each_passage_is_detected_in_its_own_language(
    readings: dict[tuple[str, str], Reading], tag: str, page: str,
) -> None:
    reading = readings[(tag, page)]
    marked = passages(reading.html)
    checked = 0
    for said in sequences(reading):
        for u in said:
            text = bare(u.text)
            if u.lang is None or is_orca_word(u.text) or len(text) < 4:
                continue
            langs = {lang for passage, lang in marked if text in passage}
            if langs:
                assert u.lang in langs, f"{text!r} detected as {u.lang}, marked {langs}"
                checked += 1
    assert checked >= 30
    detected = {(norm(u.text), u.lang) for u in reading.say_all}
    # The language menu is closed (a disclosure): its summary, the current language's name, is read in
    # that language. (The other names, each with its own lang, are checked in the browser suite.)
    current = find(reading.html, "summary")[0]
    assert (norm(current.text), find(reading.html, "html")[0].attrs["lang"]) in detected
    if tag != "en":
        assert ("Find A Helpline", "en") in detected
