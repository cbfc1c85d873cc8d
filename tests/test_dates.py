"""Localized dates (api/ledger.py): a translation that changes moves its own `updated`, everywhere a
partner or crawler reads dates, and nothing else moves."""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from starlette.testclient import TestClient

from api.app import create_app
from api.build.dates import stamp_site
from api.core.settings import ROOT
from api.sources import ledger
from api.tools.cli import main
from tests.conftest import po_path, replace_msgstr
from tests.corpus import Corpus, make_corpus

ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SLUG = "first-steps"
OTHER = "sleep-and-mood"
STAMPED = dt.date(2027, 1, 4)  # the day every translation was first stamped
EDITED = dt.date(2027, 3, 9)  # the day the Spanish translator changed one sentence


def client_for(corpus: Corpus, name: str) -> TestClient:
    logging.getLogger("api.web.app").setLevel(logging.ERROR)
    return TestClient(create_app(corpus.settings(build_folder=corpus.root / name)))


def seen(client: TestClient, tags: tuple[str, ...]) -> dict[str, object]:
    """Everything that carries a date, in every language: API articles and lists, feeds, sitemap."""
    out: dict[str, object] = {}
    for tag in tags:
        for slug in (SLUG, OTHER):
            article = client.get(f"/api/v1/articles/{slug}?lang={tag}").json()
            out[f"{tag}/{slug}"] = (article["updated"], article["content_hash"])
        feed = ET.fromstring(client.get(f"/{tag}/feed.xml").content)
        out[f"{tag}/feed"] = (feed.findtext(f"{ATOM}updated"),
                              {e.findtext(f"{ATOM}id"): e.findtext(f"{ATOM}updated")
                               for e in feed.iter(f"{ATOM}entry")})
    sitemap = ET.fromstring(client.get("/sitemap.xml").content)
    for url in sitemap.iter(f"{SM}url"):
        out[f"sitemap {url.findtext(f'{SM}loc')}"] = url.findtext(f"{SM}lastmod")
    return out


def edit_spanish(corpus: Corpus) -> None:
    """What a Spanish translator does: rewrite one sentence of first-steps."""
    replace_msgstr(po_path(corpus.root, "es", "content"), "Small things can help", "[es] Lo pequeño ayuda:")


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    corpus = make_corpus(tmp_path)
    changes = stamp_site(corpus.settings(), STAMPED)
    assert len(changes) == 2 * (len(corpus.tags) - 1)  # every article in every translation: new
    return corpus


def test_one_spanish_edit_moves_only_the_spanish_date(corpus: Corpus) -> None:
    before = seen(client_for(corpus, "build-before"), corpus.tags)
    assert before[f"es/{SLUG}"][0] == STAMPED.isoformat()  # type: ignore[index]
    assert before[f"en/{SLUG}"][0] == "2026-02-01"  # English: the front matter's date

    edit_spanish(corpus)
    assert stamp_site(corpus.settings(), EDITED, write=False) == [f"es/{SLUG}: changed, {EDITED}"]
    assert stamp_site(corpus.settings(), EDITED) == [f"es/{SLUG}: changed, {EDITED}"]
    client = client_for(corpus, "build-after")
    after = seen(client, corpus.tags)

    moved = {key for key in before if before[key] != after[key]}
    # The languages page of every language shows each translation's completeness: its date is the
    # newest translation's, so it moves too (and nothing else outside Spanish).
    languages = {f"sitemap http://testserver/{tag}/languages" for tag in corpus.tags}
    assert moved == {f"es/{SLUG}", "es/feed", f"sitemap http://testserver/es/articles/{SLUG}",
                     "sitemap http://testserver/es/"} | languages
    assert after[f"es/{SLUG}"][0] == EDITED.isoformat()  # type: ignore[index]
    feed_updated, entries = after["es/feed"]  # type: ignore[misc]
    assert feed_updated == entries[f"http://testserver/es/articles/{SLUG}"] == f"{EDITED}T00:00:00Z"
    assert after[f"sitemap http://testserver/es/articles/{SLUG}"] == EDITED.isoformat()
    # A partner syncing by date finds exactly the changed translation.
    found = client.get(f"/api/v1/articles?lang=es&updated_since={EDITED}").json()["articles"]
    assert [a["slug"] for a in found] == [SLUG]
    for tag in corpus.tags:
        if tag != "es":
            assert client.get(f"/api/v1/articles?lang={tag}&updated_since={EDITED}").json()["articles"] == []
    # The page says it too.
    assert f'datetime="{EDITED}"' in client.get(f"/es/articles/{SLUG}").text


def test_an_unstamped_edit_changes_the_text_but_not_the_date_and_check_says_so(corpus: Corpus,
                                                                              caplog: pytest.LogCaptureFixture) -> None:
    edit_spanish(corpus)
    with caplog.at_level(logging.WARNING, logger="api.build.builder"):
        article = client_for(corpus, "build").get(f"/api/v1/articles/{SLUG}?lang=es").json()
    assert article["updated"] == STAMPED.isoformat()  # a build never invents a date: same sources, same bytes
    assert f"es/{SLUG}" in caplog.text and "bothand stamp" in caplog.text
    # The file is untouched by the build and by a check.
    stamped = ledger.path(corpus.root / "locales").read_bytes()
    assert stamp_site(corpus.settings(), EDITED, write=False)
    assert ledger.path(corpus.root / "locales").read_bytes() == stamped


def test_a_translation_is_never_older_than_its_english(corpus: Corpus) -> None:
    source = corpus.root / "content" / f"{SLUG}.md"
    source.write_text(source.read_text("utf-8").replace("updated: 2026-02-01", "updated: 2027-05-01"), "utf-8")
    client = client_for(corpus, "build")
    for tag in corpus.tags:
        assert client.get(f"/api/v1/articles/{SLUG}?lang={tag}").json()["updated"] == "2027-05-01"
        assert client.get(f"/api/v1/articles/{OTHER}?lang={tag}").json()["updated"] != "2027-05-01"


def test_the_ledger_is_stable_readable_json(corpus: Corpus) -> None:
    file = ledger.path(corpus.root / "locales")
    data = json.loads(file.read_text("utf-8"))
    assert set(data) == {SLUG, OTHER}
    assert set(data[SLUG]) == set(corpus.tags) - {"en"}
    assert data[SLUG]["es"]["updated"] == STAMPED.isoformat() and data[SLUG]["es"]["text"].startswith("sha256:")
    assert stamp_site(corpus.settings(), EDITED) == []  # nothing changed: nothing moves
    assert file.read_bytes() == ledger.encode(ledger.read(corpus.root / "locales"))


def test_gone_articles_and_languages_leave_the_ledger(corpus: Corpus) -> None:
    (corpus.root / "content" / f"{OTHER}.md").unlink()
    changes = stamp_site(corpus.settings(), EDITED)
    assert sorted(changes) == sorted(f"{tag}/{OTHER}: gone" for tag in corpus.tags if tag != "en")
    assert set(ledger.read(corpus.root / "locales")) == {SLUG}


def test_a_broken_ledger_names_the_file(corpus: Corpus) -> None:
    ledger.path(corpus.root / "locales").write_text('{"first-steps": {"es": {"updated": "soon"}}}', "utf-8")
    with pytest.raises(ValueError, match="updated.json"):
        ledger.read(corpus.root / "locales")


def test_cli_stamp_and_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = make_corpus(tmp_path)  # `--root`: a fixture project, never the checkout's locales/
    for name in ("crisis.yaml", "conditions.yaml"):  # the project's other sources (as a checkout has them)
        shutil.copy(ROOT / name, corpus.root / name)
    ledger.path(corpus.root / "locales").unlink(missing_ok=True)
    root = ["--root", str(corpus.root)]
    assert main(["stamp", "--check", *root]) == 1  # nothing stamped yet
    capsys.readouterr()
    assert main(["stamp", *root, "--today", "2027-01-04"]) == 0
    assert f"locales/updated.json: es/{SLUG}: new, 2027-01-04" in capsys.readouterr().out
    assert main(["stamp", "--check", *root]) == 0
    edit_spanish(corpus)
    before = ledger.path(corpus.root / "locales").read_bytes()
    assert main(["stamp", "--check", *root]) == 1
    out = capsys.readouterr()
    assert f"es/{SLUG}: changed" in out.out and "make stamp" in out.err
    assert ledger.path(corpus.root / "locales").read_bytes() == before  # --check writes nothing
    assert main(["stamp", *root, "--today", "2027-03-09"]) == 0
    assert f"es/{SLUG}: changed, 2027-03-09" in capsys.readouterr().out
    assert ledger.read(corpus.root / "locales")[SLUG]["es"].updated == dt.date(2027, 3, 9)
