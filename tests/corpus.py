"""Fixture corpora: small sites the contract tests run on, independent of the real articles.

A corpus is a folder with ``content/`` (the fixture articles in tests/fixtures/corpus),
``locales/`` (LINGUAS, content.pot, the real ui.pot, and pseudo-translated catalogs: every
message becomes ``[tag] <English>``, so markup, placeholders and help-now numbers survive and
a test can tell translated text from English), and the real crisis.yaml and templates.

Two variants: ``base`` (two articles; es, fa (RTL, Persian digits), ht, zh-Hant) and ``grown``
(a third article and a fifth locale, de). The contract tests run on both: the owner adding an
article or a language must not change any test expectation. ``qaa`` (reserved for local use
in ISO 639) is the language no corpus ever serves.
"""

from __future__ import annotations

import shutil
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from api.core.settings import ROOT, Settings
from api.sources.content import load_articles

FIXTURES = Path(__file__).parent / "fixtures" / "corpus"
BASE_TAGS = ("es", "fa", "ht", "zh-Hant")
GROWN_TAGS = (*BASE_TAGS, "de")
UNKNOWN = "qaa"  # never served: ISO 639 reserves qaa–qtz for local use
SLUG = "first-steps"  # the fixture article with every kind of block
BASE_URL = "http://testserver"  # Starlette's TestClient sends `Host: testserver`
FAST_BROTLI = 4  # tests build many snapshots: a fast brotli level (the bytes still round-trip)


@dataclass(frozen=True)
class Corpus:
    name: str
    root: Path
    tags: tuple[str, ...]  # served, English first

    @property
    def slugs(self) -> list[str]:
        return list(load_articles(self.root / "content"))

    def settings(self, **overrides: object) -> Settings:
        values: dict[str, object] = {
            "content_dir": self.root / "content", "locales_dir": self.root / "locales", "base_url": BASE_URL,
            "build_folder": self.root / "build", "brotli_quality": FAST_BROTLI,
        }
        values.update(overrides)
        return Settings(**values)  # type: ignore[arg-type]


def pseudo(tag: str, text: str) -> str:
    return f"[{tag}] {text}" if text else text


def make_corpus(dest: Path, grown: bool = False, tags: tuple[str, ...] | None = None,
                untranslated: Mapping[str, Collection[str]] | None = None) -> Corpus:
    """Write a fixture corpus into `dest` (a fresh folder) and return it; `tags` overrides the served
    languages (besides English); `untranslated` maps a tag to msgids its catalogs leave untranslated."""
    content = dest / "content"
    shutil.copytree(FIXTURES / "content", content)
    if grown:
        for path in (FIXTURES / "more").glob("*.md"):
            shutil.copy(path, content / path.name)
    tags = tags if tags is not None else GROWN_TAGS if grown else BASE_TAGS
    locales = dest / "locales"
    locales.mkdir(parents=True)
    (locales / "LINGUAS").write_text("".join(t.replace("-", "_") + "\n" for t in tags), "utf-8")
    articles = load_articles(content)
    template = Catalog(project="Bothand fixture", fuzzy=False)
    for article in articles.values():
        for segment in article.segments():
            template.add(segment.source, context=article.slug, auto_comments=[segment.role])
    with (locales / "content.pot").open("wb") as fp:
        write_po(fp, template)
    shutil.copy(ROOT / "locales" / "ui.pot", locales / "ui.pot")
    with (locales / "ui.pot").open("rb") as fp:
        ui_template = read_po(fp)
    for tag in tags:
        folder = locales / tag.replace("-", "_") / "LC_MESSAGES"
        folder.mkdir(parents=True)
        for domain, source in (("content", template), ("ui", ui_template)):
            catalog = Catalog(locale=tag.replace("-", "_"), fuzzy=False)
            catalog.header_comment = f"# Pseudo-translation for tests ({tag}): every message is '[{tag}] <English>'."
            for msg in source:
                if not msg.id:
                    continue
                if isinstance(msg.id, (list, tuple)):
                    forms = [pseudo(tag, msg.id[0])] + [pseudo(tag, msg.id[1])] * (catalog.num_plurals - 1)
                    catalog.add(msg.id, string=forms, context=msg.context)
                elif msg.id in (untranslated or {}).get(tag, ()):
                    catalog.add(msg.id, string="", context=msg.context)
                else:
                    catalog.add(msg.id, string=pseudo(tag, msg.id), context=msg.context)
            with (folder / f"{domain}.po").open("wb") as fp:
                write_po(fp, catalog)
    return Corpus(name="grown" if grown else "base", root=dest, tags=("en", *tags))
