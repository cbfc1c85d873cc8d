"""The build: sources -> translated blocks -> typed models -> rendered bytes -> snapshot.

``bothand build`` (and :func:`api.build.startup.load_or_build` at start-up when the sources changed) does all
the expensive work once: it parses the Markdown, reads and validates every catalog, builds
the typed models, renders every page × locale with Jinja, encodes every API resource, and
compresses each body. The server then only answers with ready bytes (api.web.serve).
"""

from __future__ import annotations

import dataclasses
import gc
import logging
import time
from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from typing import Any

import msgspec
from jinja2 import Environment

from api.build import inputs, store
from api.build.articles import ArticleModels
from api.build.feeds import PageDates, atom, sitemap
from api.build.freshness import SOURCES, digests, fingerprint, remember, sources, stat_stamp, what_changed
from api.build.handouts.drafts import Handouts
from api.build.helpnow import HelpNow
from api.build.memo import Memo
from api.build.openapi import document
from api.build.page import Made, Page, body_of
from api.build.plans import Plans
from api.build.progress import shown
from api.build.sitewide import locale_list, remember_names
from api.build.static import static_drafts
from api.build.structured import article_meta
from api.build.units import Record, Units
from api.build.workers import Workers
from api.core import models as m
from api.core import snapshot
from api.core.locales import Locale, LocaleTable, load_table
from api.core.resources import API_PER_PAGE, ERRORS, JSON, SITE_NAME, embed_code, list_key, list_links, oembed
from api.core.routes import at, path
from api.core.settings import Settings, build_workers
from api.core.snapshot import Draft, Kept, Stored
from api.core.urls import URLs
from api.i18n.templating import gettext_callables, locale_filters, make_environment
from api.sources import ledger
from api.sources.cache import ParseCache
from api.sources.catalogs import Catalogs
from api.sources.conditions import load_conditions
from api.sources.content import Article, load_articles
from api.sources.crisis import contact_labels, crisis_block
from api.sources.crisis_file import load_crisis
from api.sources.prefetch import Prefetch
from api.sources.topics import Topic, check_references, condition_models, topics, used_topic_ids

log = logging.getLogger(__name__)

HOME_PER_PAGE = 20
HTML = "text/html; charset=utf-8"
ATOM_TYPE = "application/atom+xml"
XML = "application/xml"


class Builder:
    data: snapshot.SiteData  # set when drafts() has produced every resource

    def __init__(self, settings: Settings, previous: store.Previous | None = None, cache: ParseCache | None = None,
                 files: dict[str, str] | None = None):
        self.settings = settings
        self.table: LocaleTable = load_table(settings.locales_dir)
        remember_names(self.table, cache)
        self.urls = URLs(settings.base_url)
        listing = files if files is not None else digests(settings)
        catalog_digests = {settings.locales_dir / name.removeprefix("locales/"): digest
                           for name, digest in listing.items() if name.startswith("locales/")}
        prefetch = Prefetch(settings.locales_dir, self.table.all, cache, catalog_digests)  # parsed meanwhile
        try:
            self.sources: dict[str, Article] = load_articles(settings.content_dir, cache)
            self.conditions = load_conditions(settings.conditions_file)
            check_references(self.sources, self.conditions)
            self.crisis_heading, self.crisis = load_crisis(settings.crisis_file)
        except BaseException:
            prefetch.close()
            raise
        self.catalogs = Catalogs(settings.locales_dir, self.sources, self.table.all,
                                 protected=contact_labels(self.crisis), cache=cache, digests=catalog_digests,
                                 prefetched=prefetch)
        self.env: Environment = make_environment(settings.templates_dir)
        self.help_now = HelpNow(self)  # help-now by country: blocks, help pages, country embeds
        self.env.globals.update(self.help_now.template_globals())
        self.ledger = ledger.read(settings.locales_dir)  # localized dates (api/ledger.py)
        self.keys = inputs.Keys(inputs.key_base(settings, self.table, listing))
        self.memo = Memo(self.keys, previous)  # what the previous build made, by inputs (api/build/memo.py)
        self.units = Units(self.keys.base, previous, self.sources, self.catalogs, self.table, self.ledger)
        self.handouts = Handouts(settings.handouts, self.help_now, self.urls, self.keys.base, previous)  # PDFs
        self.handout_lists: dict[tuple[str, str], list[m.Handout]] = {}  # (tag, slug) -> the API's `handouts`
        self.models = ArticleModels(self.urls, self.table, self.catalogs, self.ledger,
                                    lambda loc, blocks: self.memo.body(loc, blocks, self._body))
        self.dates = self.models.dates  # (tag, slug) -> localized `updated`
        self.unstamped = self.models.unstamped  # translations whose text changed since the ledger was stamped
        self._unit_pages: dict[str, Page] = {}  # in a worker: each locale's page, made once
        self.plans = Plans(self, previous)  # each locale kept whole, or its units kept or rendered

    def locale_models(self, loc: Locale) -> Page:
        """A locale's models (its units' drafts aside): each article's, or its record when its unit is kept."""
        page = self.plans.plan(loc, whole=False)
        for slug, key in page.todo.items():
            self._made(page, self.models.made(page, self.sources[slug], key))
        page.close(list(self.sources))
        return page

    def _made(self, page: Page, made: Made) -> None:
        """What the build keeps of a unit rendered here or in a worker (api/build/workers.py)."""
        slug = made.summary.slug
        page.made[slug] = made
        page.listed[slug] = (made.summary, made.fragment, made.article.html, made.article.handouts)
        self.memo.bodies[made.fragment] = made.article.html
        self.models.record(page.loc, slug, made.updated, made.unstamped)
        self.handouts.keep(made.handouts, made.handouts_count, made.handouts_rendered)
        self.handout_lists[page.loc.tag, slug] = made.article.handouts

    def unit_drafts(self, tag: str, todo: list[tuple[str, str]]) -> list[tuple[Made, list[Draft]]]:
        """Units of one locale rendered: each one's models and resources (in a worker, or here)."""
        page = self._unit_pages.get(tag)
        if page is None:
            page = self._unit_pages[tag] = self._page(self.table[tag])
            self.help_now.locale_blocks(page)
        out = []
        for slug, key in todo:
            made = self.models.made(page, self.sources[slug], key)
            printed = self.handouts.unit(page, made.article)  # the article gains its `handouts`
            made = dataclasses.replace(made, article=printed.article, handouts=printed.made,
                                       handouts_count=len(printed.drafts), handouts_rendered=printed.rendered)
            out.append((made, list(chain(self._article(page, made.article, made.summary),
                                         self.help_now.embeds(page, made.article), printed.drafts))))
        return out

    def _page(self, loc: Locale) -> Page:
        cats = self.catalogs[loc.tag]
        return Page(loc=loc, cats=cats, crisis=crisis_block(self.crisis_heading, self.crisis, cats.ui, loc),
                    conditions=condition_models(self.conditions, cats.ui, loc, self.urls))

    def _body(self, loc: Locale, blocks: list[m.Block]) -> str:
        return self.env.get_template("_fragment.html").render(loc=loc, article_blocks=blocks).strip()

    def text_hashes(self) -> ledger.Hashes:
        """The text hash of every article in every translation: what `bothand stamp` records."""
        return self.models.text_hashes(self.sources)

    # Rendering -----------------------------------------------------------------------------------
    def render(self, template: str, page: Page, path: str | None, context: dict[str, Any]) -> bytes | Stored:
        """A reader page. `path` is the page inside a language (e.g. `articles/x`), so the switcher
        and hreflang alternates point at the same page in every language (None: no twin). A page made
        from the same inputs as one of the previous build is that build's stored body."""
        return self.memo.page(page.loc, page.cats.ui, template, path, context,
                              lambda: self._render(template, page, path, context))

    def fresh(self, template: str, page: Page, path: str | None, context: dict[str, Any]) -> bytes:
        """A page of a unit being rendered (api/build/units.py): its unit's key stands for its inputs."""
        return self._render(template, page, path, context)

    def _render(self, template: str, page: Page, path: str | None, context: dict[str, Any]) -> bytes:
        u = self.urls
        loc = page.loc
        alternates = [{"loc": other, "href": u.page(other, path), "url": u.absolute(u.page(other, path))}
                      for other in self.table] if path is not None else []
        ctx: dict[str, Any] = {
            "loc": loc, "locales": self.table.all, "source": self.table.source, "page": path, "urls": u,
            "canonical": u.absolute(u.page(loc, path)) if path is not None else None,
            "alternates": alternates, "json_href": None,
            "current_path": u.page(loc, path) if path is not None else None,
            **gettext_callables(page.cats.ui, english=loc.tag == self.table.source.tag), **locale_filters(loc),
            **context,
        }
        return self.env.get_template(template).render(ctx).encode("utf-8")

    def drafts(self, workers: Workers | None = None) -> Iterator[snapshot.Draft | Kept]:
        """Every resource of the site: each locale's articles, its pages and API lists, then what is site-wide.
        Units to render are rendered by `workers` (default: here)."""
        data_summaries: dict[str, bytes | list[m.Summary]] = {}
        pages = self.plans.all()
        rendered = (workers or Workers(self, 1)).units([(page.loc.tag, list(page.todo.items())) for page in pages])
        for page in pages:
            if page.whole is not None:
                yield page.whole
            else:
                yield from self.plans.watch(page, self._locale(page, rendered))
            data_summaries[page.loc.tag] = page.stored if page.stored is not None else page.summaries
        yield from self._site_wide()
        self.data = snapshot.SiteData(origin=self.urls.origin, tags=self.table.tags, slugs=list(self.sources),
                                      summaries=snapshot.Summaries(data_summaries),
                                      problems=[str(p) for p in self.catalogs.problems],
                                      crisis={tag: self.help_now.blocks[tag] for tag in self.table.tags})

    def _locale(self, page: Page, rendered: Iterator[tuple[Made, list[Draft]]]) -> Iterator[snapshot.Draft | Kept]:
        """A locale not kept whole: its units, kept or rendered (by `rendered`, in order), then its own pages."""
        self.keys.forget()  # one locale's models at a time in memory
        self.help_now.locale_blocks(page)  # the help pages and the data's blocks by country
        for slug in self.sources:
            kept = page.kept.get(slug)
            if kept is not None:
                yield kept
                continue
            made, drafts = next(rendered)
            self._made(page, made)
            yield from drafts
            self.units.remember(made.key, Record([d.key for d in drafts],
                                                 made.updated, made.unstamped, made.fragment,
                                                 made.article.handouts, made.handouts))
        page.close(list(self.sources))
        page.topics = topics(page.conditions, page.summaries)
        yield from self._home_pages(page)
        yield from self._locale_pages(page)
        yield from self.help_now.drafts(page)
        yield from self._api_lists(page)

    def _home_pages(self, page: Page) -> Iterator[snapshot.Draft]:
        lang = page.loc.tag
        newest = sorted(page.summaries, key=lambda s: (s.updated, s.slug), reverse=True)
        pages = max(1, -(-len(newest) // HOME_PER_PAGE))
        # Its topics without their articles (it shows their names): else every page of it is keyed on every summary.
        listed = [Topic(t.condition, []) for t in page.topics]
        for number in range(1, pages + 1):
            path = "" if number == 1 else f"page/{number}"
            chunk = newest[(number - 1) * HOME_PER_PAGE: number * HOME_PER_PAGE]
            address = at("home", lang=lang) if number == 1 else at("home_page", lang=lang, number=number)
            yield Draft(address, self.render("home.html", page, path, {
                "articles": chunk, "crisis": page.crisis, "page_number": number, "page_count": pages,
                "topics": listed,
            }), HTML, lang)

    def _article(self, page: Page, article: m.Article, summary: m.Summary) -> Iterator[snapshot.Draft]:
        """An article's page, its embeds, its API answer and its oEmbed answer."""
        u, loc, lang = self.urls, page.loc, page.loc.tag
        yield Draft(at("article_page", lang=lang, slug=article.slug), self.fresh(
            "article.html", page, f"articles/{article.slug}", {
                "meta": article_meta(article, loc, self.table, u, SITE_NAME,
                                     u.absolute(u.named(loc, "developers")) + "#terms"),
                "article": article, "body": body_of(article), "notice": article.notice,
                "help_now_html": self.help_now.html(page, "", None), "json_href": u.api_article(article.slug, loc),
            }), HTML, lang)
        for resize in (True, False):
            yield Draft(at("embed", lang=lang, slug=article.slug, resize=None if resize else "0"),
                        self.help_now.embed(page, article, "", resize), HTML, lang, framable=True)
        canonical = u.absolute(u.article_page(loc, article.slug))
        yield Draft(at("api_article", slug=article.slug, lang=lang), m.encode(article), JSON, lang,
                    headers=[("Link", f'<{article.canonical_url}>; rel="canonical"')])
        yield Draft(at("oembed", url=canonical, format="json", lang=lang, slug=article.slug),
                    m.encode(oembed(u, loc, summary, self.settings.max_age)), JSON)

    def _locale_pages(self, page: Page) -> Iterator[snapshot.Draft]:
        """Topic pages, the pages every language has, the feed and the error pages."""
        u, lang = self.urls, page.loc.tag
        for topic in page.topics:
            yield Draft(at("topic", lang=lang, topic=topic.id), self.render(
                "topic.html", page, f"topics/{topic.id}", {
                    "topic": topic.condition, "articles": topic.articles, "crisis": page.crisis,
                }), HTML, lang)
        yield Draft(at("page", lang=lang, page="accessibility"), self.render(
            "accessibility.html", page, "accessibility", {"contact_email": self.settings.contact_email}), HTML, lang)
        rows = [{"loc": other, "cats": c} for other, c in zip(self.table, self.plans.counted(), strict=True)]
        yield Draft(at("page", lang=lang, page="languages"), self.render(
            "languages.html", page, "languages", {"rows": rows, "slugs": list(self.sources)}), HTML, lang)
        example = next(iter(self.sources), "example")
        title = page.summaries[0].title.text if page.summaries else ""
        yield Draft(at("page", lang=lang, page="developers"), self.render("developers.html", page, "developers", {
            "example_slug": example, "base": u.origin, "embed_code": embed_code(u, page.loc, example, title),
        }), HTML, lang)
        yield Draft(at("feed", lang=lang), self.memo.page(page.loc, page.cats.ui, "feed.xml", None, {
            "summaries": page.summaries, "bodies": page.fragments, "handouts": page.handouts},
            lambda: atom(self.urls, self.table, page)),
            ATOM_TYPE, lang)
        for status, kind in ERRORS:
            problem = {"status": status, "kind": kind}
            yield Draft(at("error_page", lang=lang, status=status, kind=kind),
                        self.render("error.html", page, None, {"problem": problem}), HTML, lang, status=status)

    def _api_lists(self, page: Page) -> Iterator[snapshot.Draft]:
        """The article list: the plain URL, and every page at the default size (what Link headers name)."""
        lang, total = page.loc.tag, len(page.summaries)
        for number in range(1, max(1, -(-total // API_PER_PAGE)) + 1):
            body = m.encode(m.ArticleList(
                lang=lang, page=number, per_page=API_PER_PAGE, total=total,
                articles=page.summaries[(number - 1) * API_PER_PAGE: number * API_PER_PAGE]))
            link = [("Link", list_links(self.urls, lang, number, API_PER_PAGE, total, None))]
            yield Draft(at("api_articles", lang=lang, page=number, per_page=API_PER_PAGE), body, JSON, lang,
                        headers=link)
            if number == 1:
                yield Draft(at("api_articles", lang=lang), body, JSON, lang, headers=link)

    def _site_wide(self) -> Iterator[snapshot.Draft]:
        u, source, listed = self.urls, self.table.source, locale_list(self.table, self.catalogs, self.urls)
        ui, listing = self.catalogs[source.tag].ui, {"counts": self.plans.counted()}  # their memo keys
        yield Draft(at("locales"), self.memo.page(source, ui, "locales", None, listing, lambda: m.encode(listed())),
                    JSON)
        first = next((page.units[0] for page in self.plans.all() if page.loc.is_source and page.units), "")
        handouts = self.handout_lists.get((source.tag, next(iter(self.sources), "")))  # the examples' inputs: its unit
        yield Draft(at("openapi"), self.memo.page(
            source, ui, "openapi", None, {**listing, "slugs": list(self.sources), "unit": first, "handouts": handouts},
            lambda: m.encode(document(list(self.sources), self.table.tags, u.origin, self.api_examples(listed()),
                                      self.settings.contact_email))), JSON)
        paths, dates = self.reader_paths(), PageDates(self.dates, self.sources)
        # the sitemap's key: its paths and dates (it shows no interface text)
        yield Draft(at("site_file", name="sitemap", ext="xml"), self.memo.page(
            source, ui, "sitemap.xml", None,
            {"paths": paths, "dates": sorted(self.dates.items())},
            lambda: sitemap(self.urls, self.table, paths, dates)), XML)
        yield Draft(at("site_file", name="robots", ext="txt"), (
            "User-agent: *\nAllow: /\nDisallow: /choose-language/\nDisallow: /choose-country/\n\n"
            f"Sitemap: {u.absolute('/sitemap.xml')}\n").encode(), "text/plain; charset=utf-8")
        yield from static_drafts(self.settings.static_dir)

    def api_examples(self, locale_list: m.LocaleList) -> dict[str, tuple[str, Any]]:
        """Real responses for the OpenAPI examples (request, JSON): the locales, and the source language's
        first article, a one-item list page and its oEmbed. tests/test_clients.py replays each request."""
        u = self.urls
        loc = self.table.source
        out: dict[str, tuple[str, Any]] = {"LocaleList": (path("locales"), m.to_builtins(locale_list))}
        if self.sources:
            page = self._page(loc)
            first = next(iter(self.sources.values()))
            made = self.models.made(page, first, "")
            handouts = self.handout_lists.get((loc.tag, first.slug), [])  # what the build served
            article, summary = msgspec.structs.replace(made.article, handouts=handouts), made.summary
            listed = m.ArticleList(lang=loc.tag, page=1, per_page=1, total=len(self.sources), articles=[summary])
            out["Article"] = (u.api_article(article.slug, loc), m.to_builtins(article))
            out["ArticleList"] = (list_key(u, loc.tag, 1, 1), m.to_builtins(listed))
            out["OEmbed"] = (u.oembed(u.absolute(u.article_page(loc, summary.slug))),
                             m.to_builtins(oembed(u, loc, summary, self.settings.max_age)))
        return out

    def reader_paths(self) -> list[str]:
        """Every page inside a language, as the path after /{lang}/."""
        return ["", *(f"articles/{slug}" for slug in self.sources),
                *(f"topics/{cid}" for cid in used_topic_ids(self.sources, self.conditions)),
                "languages", "accessibility", "developers"]


def build(settings: Settings, folder: Path | None = None, clean: bool = False) -> Path:
    """Build the snapshot into `folder` (default: the settings' build folder); returns it.

    Incremental unless `clean`: pages whose inputs did not change since the snapshot in `folder` was
    built are reused, not rendered, and bodies it already holds are not compressed again
    (api/build/store.py). The result is the same resources as a clean build's."""
    folder = folder or settings.build_dir
    started = time.perf_counter()
    stamp = stat_stamp(settings)  # before reading anything: a file changed during the build makes it stale
    previous = None if clean else store.Previous.open(folder, settings.brotli_quality)
    # What the build reads first (the previous index) lives as long as the build: the collector need not
    # traverse it again and again (its full passes were 0.4 s of a rebuild that changed nothing).
    gc.freeze()
    try:
        files = digests(settings)
        changed = what_changed(folder, settings, files) if previous else ["a clean build"]
        cache = ParseCache.beside(folder, fresh=clean)  # parsed catalogs, kept for the next build
        builder = Builder(settings, previous, cache, files)
        gc.freeze()  # and the articles, the catalogs and the records, likewise
        for problem in builder.catalogs.problems:
            log.warning("translation not served: %s", problem)
        fingerprinted = fingerprint(settings, files)
        todo = sum(len(page.todo) for page in builder.plans.all())
        # Forked before the writer starts its threads (api/build/workers.py); they hash and compress what they render.
        workers = Workers(builder, build_workers(), todo,
                          lambda drafts: store.prepare(drafts, settings.brotli_quality, previous), settings.handouts)
        try:
            store.write(folder, shown(builder.drafts(workers), len(previous.index.resources) if previous else None),
                        lambda: builder.data, fingerprinted, settings.brotli_quality,
                        previous=previous, extra=lambda: {**builder.memo.files(), **builder.units.files(),
                                                          **builder.plans.files(),
                                                          **builder.handouts.files(),
                                                          SOURCES: sources(settings, files)})
        finally:
            workers.close()
    finally:
        gc.unfreeze()
    remember(folder, stamp, fingerprinted)
    cache.prune()
    log.info("built %s (%s): %d articles × locales rendered, %d kept; %d other pages rendered, %d reused; "
             "%d of %d locales kept whole; %d handouts rendered, %d reused; in %.1f s", folder,
             "; ".join(changed) or "nothing changed", len(builder.units.new) - builder.units.kept,
             builder.units.kept, builder.memo.rendered, builder.memo.reused + builder.plans.pages,
             builder.plans.kept, len(builder.table.all), builder.handouts.rendered, builder.handouts.reused,
             time.perf_counter() - started)
    if builder.unstamped:
        log.warning("%d translation(s) changed since %s was stamped (their dates did not move): run "
                    "`bothand stamp`: %s", len(builder.unstamped), ledger.path(settings.locales_dir),
                    ", ".join(builder.unstamped[:10]))
    return folder
