"""Shared fixtures, all on fixture corpora (tests/corpus.py) built into temporary folders.

`app`/`client`: the session's site (the fixture articles in SITE_TAGS); `corpus_client`: the contract
tests' corpora (base and grown); `project_copy`/`make_client`: a small corpus of the test's own that it may
edit. The real content/ and locales/ are built by tests/test_real_corpus.py only (and by the browser and
screen-reader suites, which check what real readers get); LOCALES and REAL_SLUG are for those.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from api.app import create_app
from api.core.locales import Locale, load_table, make_locale
from api.core.settings import ROOT
from api.sources.catalogs import Catalogs
from api.sources.content import Article
from tests.corpus import BASE_URL as BASE
from tests.corpus import FAST_BROTLI, SLUG, Corpus, make_corpus

__all__ = ["BASE", "FAST_BROTLI", "SLUG"]

REAL_SLUG = "medication-and-therapy"  # the real corpus's article (tests/test_real_corpus.py, the browser suite)
LOCALES = load_table(ROOT / "locales").all  # the real corpus's locales: the browser and screen-reader suites only
# The session site's languages: left to right and right to left (ar, fa: Persian digits), Cyrillic, Han.
SITE_TAGS = ("es", "fr", "pt-BR", "ru", "ar", "fa", "vi", "fil", "ht", "zh-Hans", "zh-Hant")
SITE_LOCALES = tuple(make_locale(tag) for tag in ("en", *SITE_TAGS))
# What the site leaves untranslated, so tests see English fallbacks: in French a topic name, a paragraph
# and a help-now label; in Spanish the help-now country names (CLDR's names are used instead).
SITE_UNTRANSLATED = {"fr": ("Anxiety", "Rest gives the mind time to recover.", "Call 9-8-8"),
                     "es": ("Canada", "United States", "Mexico")}
BY_TAG = {loc.tag: loc for loc in SITE_LOCALES}


SITE_CONDITIONS = "[depression, anxiety, adhd, ptsd, bipolar, stress]"  # what the site's SLUG is about


def make_site(dest: Path) -> Corpus:
    """The session site: the base fixture articles in SITE_TAGS, with SITE_UNTRANSLATED's gaps, and SLUG
    naming every condition of conditions.yaml (so every topic page has an article)."""
    corpus = make_corpus(dest, tags=SITE_TAGS, untranslated=SITE_UNTRANSLATED)
    add_conditions(dest / "content" / f"{SLUG}.md")
    return corpus


def add_conditions(article: Path) -> None:
    """Name SITE_CONDITIONS in a fixture article's front matter, on its line 6 (before `summary:`)."""
    text = article.read_text("utf-8")
    article.write_text(text.replace("\nsummary: ", f"\nconditions: {SITE_CONDITIONS}\nsummary: ", 1), "utf-8")


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return make_site(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="session")
def app(site: Corpus) -> Starlette:
    return create_app(site.settings())


@pytest.fixture(scope="session")
def client(app: Starlette) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=True) as c:
        yield c


# The languages of a corpus a test may edit: the ones those tests read (right-to-left ones among them).
EDITED_CORPUS_LOCALES = ("es", "fr", "ar", "fa", "vi")


@pytest.fixture(scope="session")
def _pristine_corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return make_corpus(tmp_path_factory.mktemp("pristine"), tags=EDITED_CORPUS_LOCALES)


@pytest.fixture
def project_copy(tmp_path: Path, _pristine_corpus: Corpus) -> Path:
    """A throwaway fixture corpus (content/, locales/ in English and EDITED_CORPUS_LOCALES) a test may break."""
    for folder in ("content", "locales"):
        shutil.copytree(_pristine_corpus.root / folder, tmp_path / folder)
    return tmp_path


def copy_real_project(dest: Path) -> Path:
    """A copy of the real content/ and locales/ in `dest`: for the test modules not yet moved to fixture
    corpora, which override `project_copy` with it (each says why)."""
    shutil.copytree(ROOT / "content", dest / "content")
    shutil.copytree(ROOT / "locales", dest / "locales")
    return dest


@pytest.fixture
def make_client(project_copy: Path) -> Callable[[], TestClient]:
    """Apps over the test's own fixture corpus (rebuilt on each call, into the copy's build/; no handouts)."""
    corpus = Corpus(name="edited", root=project_copy, tags=("en", *EDITED_CORPUS_LOCALES))
    (project_copy / "locales" / "LINGUAS").write_text("\n".join(EDITED_CORPUS_LOCALES) + "\n", "utf-8")

    def make() -> TestClient:
        logging.getLogger("api.sources.catalogs").setLevel(logging.ERROR)
        # Without the printable handouts: these tests edit catalogs and read pages and the API, and each call
        # rebuilds the corpus (8 PDFs per article × locale would be most of it; tests/test_handout*.py cover them).
        return TestClient(create_app(corpus.settings(handouts=False)))

    return make


def po_path(root: Path, folder: str, domain: str) -> Path:
    return root / "locales" / folder / "LC_MESSAGES" / f"{domain}.po"


def replace_msgstr(path: Path, msgid_start: str, new_msgstr: str | None) -> None:
    """Set the msgstr of the message whose msgid starts with msgid_start (None: empty it)."""
    from babel.messages.pofile import read_po, write_po

    with path.open("rb") as fp:
        catalog = read_po(fp)
    for msg in catalog:
        if isinstance(msg.id, str) and msg.id.startswith(msgid_start):
            msg.string = new_msgstr or ""
            break
    else:
        raise AssertionError(f"no msgid starting with {msgid_start!r} in {path}")
    with path.open("wb") as fp:
        write_po(fp, catalog)


# Fixture corpora (tests/corpus.py): contract tests run on both, so an added article or locale
# changes no expectation.
@pytest.fixture(scope="session", params=["base", "grown"])
def corpus(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return make_corpus(tmp_path_factory.mktemp(f"corpus-{request.param}"), grown=request.param == "grown")


@pytest.fixture(scope="session")
def corpus_app(corpus: Corpus) -> Starlette:
    logging.getLogger("api.web.app").setLevel(logging.ERROR)
    return create_app(corpus.settings())


@pytest.fixture(scope="session")
def corpus_client(corpus_app: Starlette) -> Iterator[TestClient]:
    with TestClient(corpus_app, raise_server_exceptions=True) as c:
        yield c


def assert_sound(catalogs: Catalogs, locales: Iterable[Locale], articles: Mapping[str, Article]) -> None:
    """Each locale's catalogs count every segment of every article once, and serve nothing invalid."""
    for loc in locales:
        for slug, article in articles.items():
            stats = catalogs[loc.tag].article_stats[slug]
            assert stats.total == len({s.source for s in article.segments()}), (loc.tag, slug, stats)
            assert stats.translated + stats.fuzzy + stats.untranslated + stats.invalid == stats.total
            assert stats.invalid == 0, (loc.tag, slug, stats)
        assert catalogs[loc.tag].ui_stats.invalid == 0, (loc.tag, catalogs[loc.tag].ui_stats)
