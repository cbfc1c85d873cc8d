"""Shared fixtures: the real app, and a factory for apps over edited copies of content/catalogs."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from api.app import create_app
from api.core.locales import load_table
from api.core.settings import ROOT, Settings
from tests.corpus import Corpus, make_corpus

SLUG = "medication-and-therapy"
BASE = "http://testserver"  # Starlette's TestClient sends `Host: testserver`
LOCALES = load_table(ROOT / "locales").all  # the real corpus's locales (its tests only)
BY_TAG = {loc.tag: loc for loc in LOCALES}
FAST_BROTLI = 4  # tests build many snapshots: a fast brotli level (the bytes still round-trip)


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Starlette:
    return create_app(Settings(base_url=BASE, build_folder=tmp_path_factory.mktemp("build"),
                               brotli_quality=FAST_BROTLI))


@pytest.fixture(scope="session")
def client(app: Starlette) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=True) as c:
        yield c


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A throwaway copy of content/ and locales/ that a test may break."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copytree(ROOT / "locales", tmp_path / "locales")
    return tmp_path


# The languages a test that edits one catalog builds: the ones those tests read (an RTL one among
# them), not all fourteen, so each rebuild stays small.
EDITED_CORPUS_LOCALES = ("es", "fr", "ar", "fa", "vi")


@pytest.fixture
def make_client(project_copy: Path) -> Callable[[], TestClient]:
    """Apps over the test's copy of the corpus, served in English and EDITED_CORPUS_LOCALES."""
    (project_copy / "locales" / "LINGUAS").write_text("\n".join(EDITED_CORPUS_LOCALES) + "\n", "utf-8")

    def make() -> TestClient:
        logging.getLogger("api.sources.catalogs").setLevel(logging.ERROR)
        settings = Settings(content_dir=project_copy / "content", locales_dir=project_copy / "locales", base_url=BASE,
                            build_folder=project_copy / "build", brotli_quality=FAST_BROTLI)
        return TestClient(create_app(settings))

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
