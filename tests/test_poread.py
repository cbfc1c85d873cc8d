"""A content.po read part by part (api/sources/poread.py) gives exactly what reading it whole gives,
and an edit re-reads only the part (the article) it touched: issue 23, a one-segment edit at 500
articles must not re-read megabytes of PO."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from api.core.locales import load_table
from api.sources.cache import ParseCache
from api.sources.poread import ContentFile, content_file, read_content
from tests.conftest import po_path
from tests.corpus import make_corpus

COPIES = 8  # articles in the grown file: more new parts than read_content reads one by one


def _same(a: ContentFile, b: ContentFile) -> None:
    assert (a.entries, a.obsolete, a.reviews, a.servable, [str(p) for p in a.problems]) == \
           (b.entries, b.obsolete, b.reviews, b.servable, [str(p) for p in b.problems])


@pytest.fixture
def catalog(tmp_path: Path) -> tuple[Path, object]:
    """The fixture corpus's Spanish content.po, grown to COPIES times its articles (each entry copied under
    new msgctxts), with the locale to read it in."""
    corpus = make_corpus(tmp_path / "corpus")
    path = po_path(corpus.root, "es", "content")
    header, *entries = path.read_text("utf-8").split("\n\n")
    copies = [re.sub(r'^(#~ )?msgctxt "([^"]+)"', rf'\1msgctxt "\2-{n}"', entry, flags=re.M)
              for n in range(COPIES) for entry in entries if entry.strip()]
    path.write_text("\n\n".join([header, *copies]) + "\n", "utf-8")
    loc = next(loc for loc in load_table(corpus.root / "locales").all if loc.tag == "es")
    return path, loc


def _parts_read(cache: ParseCache, path: Path, loc: object) -> tuple[ContentFile, int]:
    """read_content, and how many parts it parsed (cache entries it wrote)."""
    before = set(cache.folder.iterdir()) if cache.folder.exists() else set()
    got = read_content(path, loc, cache)  # type: ignore[arg-type]
    return got, len(set(cache.folder.iterdir()) - before) if cache.folder.exists() else 0


def test_parts_equal_the_whole_file_first_and_after_an_edit(catalog: tuple[Path, object], tmp_path: Path) -> None:
    path, loc = catalog
    cache = ParseCache(tmp_path / "cache")
    first, written = _parts_read(cache, path, loc)
    _same(first, content_file(path, loc))  # type: ignore[arg-type]
    assert written == len(first.parts) >= COPIES  # a first read cuts the whole file into its parts
    assert any(e[0] for e in first.entries.values())

    text = path.read_text("utf-8")
    at = text.index('msgstr "', text.index('msgctxt "')) + len('msgstr "')
    path.write_text(text[:at] + "(editado) " + text[at:], "utf-8")
    edited, written = _parts_read(cache, path, loc)
    _same(edited, content_file(path, loc))  # type: ignore[arg-type]
    assert written == 1  # only the edited article's part was read again
    assert any(s.startswith("(editado) ") for s, *_ in edited.entries.values())


@pytest.mark.parametrize("damage", ["syntax error", "duplicate msgid"])
def test_a_broken_part_is_read_whole_and_named_as_before(catalog: tuple[Path, object], tmp_path: Path,
                                                          damage: str) -> None:
    path, loc = catalog
    cache = ParseCache(tmp_path / "cache")
    read_content(path, loc, cache)  # type: ignore[arg-type]
    text = path.read_text("utf-8")
    header, first, *rest = text.split("\n\n")
    if damage == "syntax error":
        rest[-2] = rest[-2].replace('msgstr "', 'msgstr "unterminated\nmsgstr "', 1)
    else:
        rest[-2] = first  # the first entry again, in another part
    path.write_text("\n\n".join([header, first, *rest]), "utf-8")
    got = read_content(path, loc, cache)  # type: ignore[arg-type]
    whole = content_file(path, loc)  # type: ignore[arg-type]
    _same(got, whole)
    assert not got.servable and got.problems
