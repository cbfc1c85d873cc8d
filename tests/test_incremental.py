"""An incremental build gives exactly what a clean build of the same sources gives (issue 23, part 4).

For each kind of edit the owner, a translator or an operator makes, the fixture corpus is built,
edited, then built again in the same folder (incremental) and from nothing in another (clean):
every resource must have the same status, headers, bytes and ETags, and the incremental build
must have rendered only part of the site where the edit touches only part of it.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import msgspec
import pytest

from api.build.builder import build
from api.core import snapshot
from api.core.settings import ROOT, Settings
from tests.conftest import po_path, replace_msgstr
from tests.corpus import FIXTURES, Corpus, make_corpus

Edit = Callable[[Corpus, Path], None]


def _setup(tmp_path: Path) -> tuple[Corpus, Settings]:
    corpus = make_corpus(tmp_path / "corpus")
    _replace(corpus.root / "content" / "sleep-and-mood.md", "summary:", "conditions: [depression]\nsummary:")
    for name in ("crisis.yaml", "conditions.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "site" / "templates", tmp_path / "templates")
    return corpus, corpus.settings(build_folder=tmp_path / "incremental", crisis_file=tmp_path / "crisis.yaml",
                                   conditions_file=tmp_path / "conditions.yaml",
                                   templates_dir=tmp_path / "templates")


def _resources(folder: Path) -> dict[str, tuple[object, ...]]:
    """Every resource as a client meets it: status, headers, and each encoding's ETag and bytes."""
    index = snapshot.read_index(folder)
    assert index is not None
    bodies = snapshot.BodyCache(folder, index, 0)
    try:
        return {r.key: (r.status, r.media_type, r.language, tuple(r.headers), r.framable,
                        tuple((v.encoding, v.etag, bodies.get(v)) for v in r.variants))
                for r in index.resources}
    finally:
        bodies.close()


def _data(folder: Path) -> bytes:
    index = snapshot.read_index(folder)
    assert index is not None
    return msgspec.msgpack.encode(index.data.summaries["en"]) + repr(
        (index.data.tags, index.data.slugs, index.data.problems, index.data.crisis)).encode()


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


def translated_segment(corpus: Corpus, tmp: Path) -> None:
    replace_msgstr(po_path(corpus.root, "es", "content"), "Sleep and mood are closely", "[es] Edited segment.")


def english_paragraph(corpus: Corpus, tmp: Path) -> None:
    _replace(corpus.root / "content" / "sleep-and-mood.md", "Sleep and mood are closely linked.",
             "Sleep and mood are closely linked, in both directions.")


def new_article(corpus: Corpus, tmp: Path) -> None:
    for path in (FIXTURES / "more").glob("*.md"):
        shutil.copy(path, corpus.root / "content" / path.name)


def removed_article(corpus: Corpus, tmp: Path) -> None:
    (corpus.root / "content" / "sleep-and-mood.md").unlink()


def new_locale(corpus: Corpus, tmp: Path) -> None:
    locales = corpus.root / "locales"
    shutil.copytree(locales / "es", locales / "de")
    with (locales / "LINGUAS").open("a", encoding="utf-8") as fp:
        fp.write("de\n")


def template(corpus: Corpus, tmp: Path) -> None:
    _replace(tmp / "templates" / "base.html", "</footer>", "<p>An edited footer.</p></footer>")


def ui_message(corpus: Corpus, tmp: Path) -> None:
    replace_msgstr(po_path(corpus.root, "fa", "ui"), "Your country", "[fa] Edited label")


def crisis_yaml(corpus: Corpus, tmp: Path) -> None:
    _replace(tmp / "crisis.yaml", "label: Call 9-8-8", "label: Phone 9-8-8")


def conditions_yaml(corpus: Corpus, tmp: Path) -> None:
    _replace(tmp / "conditions.yaml", "name: Depression", "name: Depression (low mood)")


# The build's log line: articles x locales rendered and kept whole, other pages rendered and reused.
LOGGED = re.compile(r"(\d+) articles × locales rendered, (\d+) kept; (\d+) other pages rendered, (\d+) reused")
WHOLE = re.compile(r"(\d+) of (\d+) locales kept whole")  # and locales kept whole (api/build/plans.py)

# The edits that touch one locale only, and do not change its counts: every other locale is kept whole.
ONE_LOCALE = {"translated segment", "UI message"}
EDITS: dict[str, tuple[Edit, bool]] = {  # the edit, and whether it may touch only part of the site
    "translated segment": (translated_segment, True),
    "English paragraph": (english_paragraph, True),
    "new article": (new_article, False),
    "removed article": (removed_article, False),
    "new locale": (new_locale, False),
    "template": (template, False),
    "UI message": (ui_message, True),
    "crisis.yaml": (crisis_yaml, False),
    "conditions.yaml": (conditions_yaml, False),
}


def _edited(settings: Settings, edit: Callable[[], None], tmp_path: Path, caplog: pytest.LogCaptureFixture,
            ) -> tuple[tuple[int, int, int, int], tuple[int, int]]:
    """Build, edit, build again: the incremental build equals a clean one of the edited sources. Returns the
    second build's counts (articles x locales rendered and kept, other pages rendered and reused) and
    (locales kept whole, locales)."""
    build(settings)
    before = _resources(settings.build_dir)
    edit()
    caplog.set_level(logging.INFO, logger="api.build.builder")
    build(settings)
    incremental = _resources(settings.build_dir)
    log = [r.getMessage() for r in caplog.records if r.getMessage().startswith("built")][-1]
    clean_folder = tmp_path / "clean"
    build(settings, clean_folder, clean=True)

    assert incremental != before  # the edit shows
    clean = _resources(clean_folder)
    assert sorted(incremental) == sorted(clean)
    for key in clean:
        assert incremental[key] == clean[key], key
    assert _data(settings.build_dir) == _data(clean_folder)
    found, whole = LOGGED.search(log), WHOLE.search(log)
    assert found and whole, log
    units_rendered, kept, rendered, reused = map(int, found.groups())
    return (units_rendered, kept, rendered, reused), (int(whole[1]), int(whole[2]))


@pytest.mark.parametrize("kind", list(EDITS))
def test_an_incremental_build_equals_a_clean_one(kind: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    corpus, settings = _setup(tmp_path)
    edit, partial = EDITS[kind]
    (units_rendered, kept, rendered, reused), (whole, locales) = _edited(
        settings, lambda: edit(corpus, tmp_path), tmp_path, caplog)
    if partial:  # the edited articles x locales are rendered again, the others kept whole
        assert 0 < units_rendered <= kept and rendered < reused
    # An edit in one locale keeps every other locale whole; an edit of what every locale shows, none.
    assert whole == (locales - 1 if kind in ONE_LOCALE else 0), (whole, locales)


def test_a_ledger_change_renders_that_locale_only(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """`bothand stamp` dates a translation: its locale is built again (its date shows), the others are kept whole."""
    import datetime as dt

    from api.build.dates import stamp_site
    from api.sources import ledger

    corpus, settings = _setup(tmp_path)
    stamp_site(settings, dt.date(2026, 1, 5))

    def restamp() -> None:
        dates = ledger.read(settings.locales_dir)
        dates["sleep-and-mood"]["es"] = msgspec.structs.replace(dates["sleep-and-mood"]["es"],
                                                                updated=dt.date(2031, 2, 3))
        ledger.path(settings.locales_dir).write_bytes(ledger.encode(dates))

    (units_rendered, kept, _, _), (whole, locales) = _edited(settings, restamp, tmp_path, caplog)
    assert (units_rendered, whole) == (1, locales - 1), (units_rendered, whole, locales)


def test_translating_an_untranslated_segment_keeps_no_locale_whole(tmp_path: Path,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    """The percent an article is translated in `es` shows in every locale's language switcher on its pages
    (and the languages page counts every locale): no locale may be kept whole, and that article is rendered
    again in every locale."""
    corpus, settings = _setup(tmp_path)
    path = po_path(corpus.root, "es", "content")
    replace_msgstr(path, "Sleep and mood are closely", None)

    (units_rendered, kept, _, _), (whole, locales) = _edited(
        settings, lambda: replace_msgstr(path, "Sleep and mood are closely", "[es] Translated now."), tmp_path, caplog)
    assert (units_rendered, whole) == (locales, 0), (units_rendered, whole, locales)


def test_a_rebuild_with_no_edit_renders_nothing_and_changes_nothing(tmp_path: Path,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    corpus, settings = _setup(tmp_path)
    build(settings)
    before = _resources(settings.build_dir)
    caplog.set_level(logging.INFO, logger="api.build.builder")
    build(settings)
    assert _resources(settings.build_dir) == before
    logged = [LOGGED.search(r.getMessage()) for r in caplog.records if "(nothing changed)" in r.getMessage()]
    assert logged and logged[0] and logged[0].group(1) == logged[0].group(3) == "0", logged


def test_the_log_names_what_changed(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    corpus, settings = _setup(tmp_path)
    build(settings)
    translated_segment(corpus, tmp_path)
    caplog.set_level(logging.INFO, logger="api.build.builder")
    build(settings)
    assert any("(es content.po)" in r.getMessage() for r in caplog.records)
    caplog.clear()
    build(dataclasses.replace(settings, base_url="https://example.org"))
    assert any("(base URL)" in r.getMessage() for r in caplog.records)


def test_many_edits_do_not_grow_the_folder_without_bound(tmp_path: Path) -> None:
    corpus, settings = _setup(tmp_path)
    build(settings)
    for n in range(6):
        _replace(tmp_path / "templates" / "base.html", "</footer>", f"<p>{n}</p></footer>")
        build(settings)
    index = snapshot.read_index(settings.build_dir)
    assert index is not None
    live = sum(v.length for r in index.resources for v in r.variants)
    on_disk = sum((settings.build_dir / name).stat().st_size for name in index.packs)
    assert on_disk <= 2 * live + 1  # a fully rewritten site leaves no dead pack behind
    assert len(index.packs) <= 2


def test_a_broken_catalog_is_named_by_every_build_not_only_the_one_that_parsed_it(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    corpus, settings = _setup(tmp_path)
    path = po_path(corpus.root, "es", "content")
    path.write_text(path.read_text("utf-8") + '\nmsgid "unterminated\nmsgstr "x"\n', "utf-8")
    for _ in range(2):  # the second build reads the parsed catalog from the cache
        caplog.clear()
        caplog.set_level(logging.WARNING)
        build(settings)
        assert any(f"{path}:" in r.getMessage() and "not served" in r.getMessage() for r in caplog.records)
        index = snapshot.read_index(settings.build_dir)
        assert index is not None and any(str(path) in problem for problem in index.data.problems)


def test_aggregate_pages_carry_their_newest_members_date_in_the_sitemap(tmp_path: Path) -> None:
    from xml.etree import ElementTree as ET

    from starlette.testclient import TestClient

    from api.web.app import create_app

    corpus, settings = _setup(tmp_path)
    build(settings)
    index = snapshot.read_index(settings.build_dir)
    assert index is not None
    client = TestClient(create_app(settings, index))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.fromstring(client.get("/sitemap.xml").content)
    lastmod = {u.findtext("s:loc", namespaces=ns): u.findtext("s:lastmod", namespaces=ns)
               for u in root.findall("s:url", ns)}
    every = []
    for tag in corpus.tags:
        listed = client.get(f"/api/v1/articles?lang={tag}&per_page=100").json()["articles"]
        every += [a["updated"] for a in listed]
        about = [a["updated"] for a in listed if any(c["id"] == "depression" for c in a["conditions"])]
        assert lastmod[f"http://testserver/{tag}/topics/depression"] == max(about)
        assert lastmod[f"http://testserver/{tag}/"] == max(a["updated"] for a in listed)
        assert lastmod[f"http://testserver/{tag}/accessibility"] is None  # no content: no date claimed
    for tag in corpus.tags:
        assert lastmod[f"http://testserver/{tag}/languages"] == max(every)


def test_the_time_a_catalog_is_read_does_not_make_a_page_look_changed(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Babel dates a catalog read without a creation date with the time of reading; a rebuild a minute
    later must still reuse every page (it rendered them all again before)."""
    import datetime as dt

    import babel.messages.catalog

    from api.build import inputs
    from api.core.locales import load_table
    from api.sources.catalogs import Catalogs
    from api.sources.content import load_articles

    corpus, _ = _setup(tmp_path)
    table = load_table(corpus.root / "locales")
    articles = load_articles(corpus.root / "content")

    class Later(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> Later:
            return cls(2030, 1, 1, tzinfo=tz)

    first = Catalogs(corpus.root / "locales", articles, table.all)
    monkeypatch.setattr(babel.messages.catalog.datetime, "datetime", Later)
    second = Catalogs(corpus.root / "locales", articles, table.all)
    assert first["es"].ui._catalog[""] != second["es"].ui._catalog[""]  # the header differs...
    assert inputs.ui_digest(first["es"].ui) == inputs.ui_digest(second["es"].ui)  # ...pages do not


def _handouts_in(log: str) -> tuple[int, int]:
    """(rendered, reused) handouts, from the build's log line."""
    found = re.search(r"(\d+) handouts rendered, (\d+) reused", log)
    assert found, log
    return int(found[1]), int(found[2])


def test_a_one_segment_edit_renders_only_that_articles_handouts_in_that_language(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    corpus, settings = _setup(tmp_path)
    caplog.set_level(logging.INFO, logger="api.build.builder")
    build(settings)
    cold = _handouts_in(caplog.records[-1].getMessage())
    before = _resources(settings.build_dir)
    translated_segment(corpus, tmp_path)  # es, sleep-and-mood
    build(settings)
    rendered, reused = _handouts_in(caplog.records[-1].getMessage())
    after = _resources(settings.build_dir)
    changed = sorted(k for k in after if after[k] != before.get(k) and after[k][1] == "application/pdf")
    # es x sleep-and-mood: no country, Canada, the United States, any other country; normal and large print
    assert rendered == len(changed) == 8 and rendered + reused == sum(cold), (rendered, reused, cold)
    assert all("/es/articles/sleep-and-mood" in k for k in changed), changed


def test_a_catalog_edited_during_a_build_is_not_cached_under_the_bytes_the_build_hashed(tmp_path: Path) -> None:
    """The build keys a content.po's parse on the hash it listed the file with (api/build/freshness.py); when
    the file no longer has those bytes (edited since), what is parsed from it must not be cached under it."""
    import hashlib

    from api.core.locales import load_table
    from api.sources.cache import ParseCache
    from api.sources.catalogs import Catalogs
    from api.sources.content import load_articles

    corpus, _ = _setup(tmp_path)
    table = load_table(corpus.root / "locales")
    articles = load_articles(corpus.root / "content")
    path = po_path(corpus.root, "es", "content")
    listed = hashlib.sha256(b"the bytes it had when the build listed it").hexdigest()
    cache = ParseCache(tmp_path / "cache")
    catalogs = Catalogs(corpus.root / "locales", articles, table.all, cache=cache, digests={path: listed})
    key = cache.key("content-sha256", str(path), "es", listed)
    assert catalogs._content_key(cache, path, table["es"]) == key
    assert not cache.has(key) and not cache.has(cache.key("content-summary", key, catalogs._segments_digest))
    assert catalogs["es"].translate("sleep-and-mood", "Sleep and mood are closely linked.") is not None


@pytest.mark.parametrize("first", [True, False], ids=["handouts turned off", "handouts turned on"])
def test_turning_handouts_on_or_off_rebuilds_like_a_clean_build(first: bool, tmp_path: Path) -> None:
    """BOTHAND_HANDOUTS changes what every article page links and the API lists: a rebuild after it is a
    clean build's resources (no page keeps a link to a PDF that is gone, or misses one that is there)."""
    _, settings = _setup(tmp_path)
    build(dataclasses.replace(settings, handouts=first))
    then = dataclasses.replace(settings, handouts=not first)
    build(then)
    incremental = _resources(then.build_dir)
    build(then, tmp_path / "clean", clean=True)
    clean = _resources(tmp_path / "clean")
    assert sorted(incremental) == sorted(clean)
    for key in clean:
        assert incremental[key] == clean[key], key
    assert any(key.endswith(".pdf") for key in clean) == (not first)
