"""The real corpus (content/, locales/): the one test file that builds it (issue 22, hermetic tests).

Every other unit, API, export and nginx test runs on fixture corpora (tests/corpus.py). Here: the
owner's article parses into the structure it was written with and the English page is the owner's text
word for word; the real site builds and serves the article in a few languages (left to right, right to
left, Han) through the HTML pages and the API; and `bothand check` passes on the committed files.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from api.app import create_app
from api.core.locales import load_table
from api.core.settings import ROOT, Settings
from api.sources.catalogs import Catalogs
from api.sources.conditions import load_conditions
from api.sources.content import Faq, Heading, ListBlock, Quote, Table, load_articles, parse_article
from api.tools.checks import check_catalog
from api.tools.cli import main as bothand
from tests.conftest import BASE, FAST_BROTLI, REAL_SLUG, assert_sound
from tests.htmltext import find, reading_text, words

OWNER_TEXT = Path(__file__).parent / "data" / "medication-and-therapy.owner.txt"
ARTICLE = ROOT / "content" / f"{REAL_SLUG}.md"
TABLE = load_table(ROOT / "locales")
SAMPLE = ("en", "es", "ar", "zh-Hant")  # left to right, right to left, Han


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(base_url=BASE, build_folder=tmp_path_factory.mktemp("real-build"), brotli_quality=FAST_BROTLI)
    with TestClient(create_app(settings), raise_server_exceptions=True) as client:
        yield client


def owner_words() -> list[str]:
    """The owner's article as received, minus the page chrome (Previous/Next) and list/FAQ markers."""
    text = OWNER_TEXT.read_text(encoding="utf-8")
    text = text[: text.index("\nPrevious\n")]
    text = text.replace("•", " ")
    text = re.sub(r"^Q: ", "", text, flags=re.MULTILINE)
    return words(text)


def test_english_page_is_the_owners_text_word_for_word(real: TestClient) -> None:
    html = real.get(f"/en/articles/{REAL_SLUG}").text
    title = find(html, "h1")[0]
    body = find(html, "div", id="article-body")[0]
    page = words(reading_text(html, title)) + words(reading_text(html, body))
    assert page == owner_words()


def test_structure_is_restored() -> None:
    article = parse_article(ARTICLE)
    kinds = [b.kind for b in article.blocks]
    assert article.title.source == "How Medication and Therapy Work Together in Mental Health Healing"
    assert [b.text.source for b in article.blocks if isinstance(b, Heading)] == [
        "How Medications Support Mental Health",
        "How Therapy Helps",
        "How They Work Together",
        "What If I Want to Use Natural Remedies or Take Less Medication?",
        "Frequently Asked Questions",
        "How to Know What You Need",
    ]
    assert kinds.count("list") == 6
    table = next(b for b in article.blocks if isinstance(b, Table))
    assert [c.source for c in table.columns] == ["Medication", "Therapy"]
    assert len(table.rows) == 4 and all(len(r) == 2 for r in table.rows)
    assert table.caption is not None and table.caption.source == "Together, they form a holistic support system."
    quote = next(b for b in article.blocks if isinstance(b, Quote))
    assert quote.paragraphs[0].source.startswith("Medication can calm the storm.")
    faq = next(b for b in article.blocks if isinstance(b, Faq))
    assert len(faq.items) == 3
    assert faq.items[1].question.source == "What if I don’t want to take meds forever?"
    assert faq.items[1].answer[0].source.startswith("That’s okay.")
    natural = [b for b in article.blocks if isinstance(b, ListBlock)][3]
    assert len(natural.items) == 6


def test_front_matter() -> None:
    article = parse_article(ARTICLE)
    assert article.slug == REAL_SLUG
    assert article.published.isoformat() == "2026-11-27"
    assert article.summary.source.endswith(".")
    assert len(article.source_hash) == 64


def test_the_owners_article_is_coded_as_the_issue_asks() -> None:
    conditions = load_conditions(ROOT / "conditions.yaml")
    article = parse_article(ARTICLE)
    assert [r.id for r in article.conditions] == ["depression", "anxiety", "adhd", "ptsd", "bipolar", "stress"]
    codes = {cid: {(c.system.key, c.code) for c in conditions[cid].codes} for cid in conditions}
    assert {("icd10cm", "F32"), ("icd10cm", "F33"), ("snomed", "35489007")} <= codes["depression"]
    assert {("icd10cm", "F41"), ("snomed", "197480006")} <= codes["anxiety"]
    assert {("icd10cm", "F90"), ("snomed", "406506008")} <= codes["adhd"]
    assert {("icd10cm", "F43.1"), ("snomed", "47505003")} <= codes["ptsd"]
    assert {("icd10cm", "F31"), ("snomed", "13746004")} <= codes["bipolar"]
    assert {("icd10cm", "F43"), ("snomed", "17226007")} <= codes["stress"]


@pytest.mark.parametrize("tag", SAMPLE)
def test_the_real_article_is_served(real: TestClient, tag: str) -> None:
    loc = TABLE[tag]
    page = real.get(f"/{tag}/articles/{REAL_SLUG}")
    assert page.status_code == 200 and page.headers["content-language"] == tag
    assert f'<html lang="{tag}" dir="{loc.dir}">' in page.text
    body = real.get(f"/api/v1/articles/{REAL_SLUG}?lang={tag}").json()
    assert (body["lang"], body["dir"], body["slug"]) == (tag, loc.dir, REAL_SLUG)
    assert {b["type"] for b in body["blocks"]} == {"heading", "paragraph", "list", "table", "quote", "faq"}
    assert body["crisis"]["resources"] and body["title"]["text"] in page.text
    if tag != "en":  # translated: most of the text is in the language itself
        texts = [b["text"] for b in body["blocks"] if b["type"] in ("heading", "paragraph")]
        assert sum(t["lang"] == tag for t in texts) > len(texts) / 2, tag


def test_every_real_locale_is_listed(real: TestClient) -> None:
    listed = [loc["tag"] for loc in real.get("/api/v1/locales").json()["locales"]]
    assert listed == TABLE.tags


def test_committed_catalogs_are_sound() -> None:
    """Every committed catalog reads without a problem, and counts every segment of every article once
    (how complete a language is belongs to `bothand status`: a translator's new locale starts empty)."""
    articles = load_articles(ROOT / "content")
    catalogs = Catalogs(ROOT / "locales", articles, TABLE.all)
    assert_sound(catalogs, TABLE.all, articles)
    assert catalogs["es"].article_stats[REAL_SLUG].percent == 100  # the languages shipped today are complete
    assert catalogs.problems == []


def test_committed_catalogs_are_clean() -> None:
    for loc in TABLE:
        if loc.is_source:
            continue
        for domain in ("content", "ui"):
            path = ROOT / "locales" / loc.folder / "LC_MESSAGES" / f"{domain}.po"
            assert [str(p) for p in check_catalog(path, loc, domain)] == []


def test_bothand_check_passes(capsys: pytest.CaptureFixture[str]) -> None:
    # --skip-stale: whether the .pot files match the code is `make check`'s question, not the corpus's
    assert bothand(["check", "--skip-stale"]) == 0, capsys.readouterr()
