"""Help-now by country in the build: the blocks per (locale, country), the help pages and the embeds.

Pages are prebuilt bytes, so the build renders a help-now block for every country that has
lines in crisis.yaml, once per locale, plus one block for "a country with no line here":

* ``/{lang}/help/{CC}`` (a country with lines, or with an emergency number in crisis.yaml): public,
  cacheable help pages, its lines first, its emergency number named;
* ``!help/{lang}/other``: the same page for any other country (the emergency line and
  findahelpline.com), answered at ``/{lang}/help/MX`` by :mod:`api.views.helpnow`;
* ``!help/{lang}``: the help page without a country, answered at ``/{lang}/help``;
* ``/embed/{lang}/{slug}?country=CC`` (and ``&resize=0``), and ``!embed-other/...`` for other
  countries: the partner embeds with the country's block;
* :attr:`HelpNow.blocks` (every block as a model) goes into the snapshot's data, so the JSON API
  answers ``?country=`` by re-encoding the built article with that block.

Every other page shows the block without a country, the same bytes for every reader; its
form sends the reader to ``/{lang}/help?country=CC`` (and, only if they tick "remember", through
``/choose-country/CC``, which sets the ``country`` cookie).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from markupsafe import Markup, escape

from api.build.page import Page, Renderer, body_of
from api.core import models as m
from api.core import snapshot
from api.core.locales import Locale
from api.core.resources import HTML, OTHER, SITE_NAME, embed_address, help_address
from api.core.urls import URLs
from api.sources.crisis import countries_with_lines, country_options, crisis_block
from api.sources.crisis_file import load_emergency_numbers

# Where an embed's help-now block goes in the page rendered around it (HelpNow.embed): a comment no text can
# make (every translated or source text is escaped, so "<!--" never comes from one).
_MARK = "<!--bothand:help-now-->"


class HelpNow:
    """The help-now parts of one build."""

    def __init__(self, builder: Renderer):
        self.builder = builder
        self.countries = countries_with_lines(builder.crisis)
        # Countries whose emergency number crisis.yaml gives: each gets its own help page (naming the
        # number), but no embeds of its own (those fall back to the "other country" embed).
        self.numbers = load_emergency_numbers(builder.settings.crisis_file)
        self.number_only = sorted(code for code in self.numbers if code not in self.countries)
        self.blocks: dict[str, dict[str, m.Crisis]] = {}
        self._html: dict[tuple[str, str, bool | None], Markup] = {}  # HelpNow.html, per process
        self._shells: dict[bool, tuple[tuple[str, str], bytes, bytes]] = {}  # HelpNow.embed: the last article's

    def template_globals(self) -> dict[str, Callable[..., Any]]:
        """What every template may call: the country chooser's options in a locale."""
        cache: dict[str, list[dict[str, str]]] = {}

        def options(loc: Locale) -> list[dict[str, str]]:
            if loc.tag not in cache:
                cache[loc.tag] = country_options(self.builder.catalogs[loc.tag].ui, loc)
            return cache[loc.tag]

        tags: dict[str, list[str]] = {}
        joined: dict[tuple[str, str | None], Markup] = {}  # a unit's page and 8 embeds each show one menu

        def option_tags(loc: Locale, selected: str | None) -> Markup:
            """The menu's <option>s (a country's name in the locale, or in English marked as such),
            escaped and joined once per locale and chosen country (every page's help-now block has them)."""
            if (loc.tag, selected) in joined:
                return joined[loc.tag, selected]
            if loc.tag not in tags:
                tags[loc.tag] = [f'<option value="{escape(o["code"])}"'
                                 + (f' lang="{escape(o["lang"])}"' if o["lang"] != loc.tag else "")
                                 + f">{escape(o['name'])}</option>" for o in options(loc)]
            found = tags[loc.tag]
            if selected is not None:
                found = [tag.replace(">", " selected>", 1) if code == selected else tag
                         for tag, code in zip(found, (o["code"] for o in options(loc)), strict=True)]
            made = joined[loc.tag, selected] = Markup("\n".join(found))  # noqa: S704  # escaped above
            return made

        return {"country_options": options, "country_option_tags": option_tags,
                "countries_with_lines": lambda: self.countries}

    def locale_blocks(self, page: Page) -> dict[str, m.Crisis]:
        b = self.builder
        blocks = {"": page.crisis}
        for country in [*self.countries, *self.number_only, OTHER]:
            blocks[country] = crisis_block(b.crisis_heading, b.crisis, page.cats.ui, page.loc, country,
                                           self.numbers.get(country))
        self.blocks[page.loc.tag] = blocks
        return blocks

    def html(self, page: Page, country: str, resize: bool | None) -> Markup:
        """The help-now block of `country` ("": none chosen) as an article page (`resize` None) or an embed
        shows it: rendered once per locale, country and kind of page, not once for each of a locale's 500
        articles and 4,000 embeds (it does not depend on the article: the embed's form has no action)."""
        key = (page.loc.tag, country, resize)
        found = self._html.get(key)
        if found is None:
            context: dict[str, Any] = {"crisis": page.crisis if country == "" else self.blocks[page.loc.tag][country]}
            if resize is not None:  # what makes _crisis.html draw an embed's form
                context["resize"] = resize
            # Our own template's output, every text in it escaped by autoescaping: markup, as if rendered in place.
            found = self._html[key] = Markup(self.builder.fresh("_help_now.html", page, None, context)  # noqa: S704
                                             .decode("utf-8"))
        return found

    def drafts(self, page: Page) -> Iterator[snapshot.Draft]:
        """The help pages of one locale (after :meth:`locale_blocks`)."""
        b = self.builder
        loc = page.loc
        for country, block in self.blocks[loc.tag].items():
            chosen = None if country == "" else country
            path = None if chosen == OTHER else URLs.help(loc, chosen)[len(f"/{loc.tag}/"):]
            yield snapshot.Draft(help_address(loc, chosen), b.render("help.html", page, path, {
                "crisis": block, "country": chosen,
                "country_label": self.country_label(page, chosen),
            }), HTML, loc.tag)

    def embeds(self, page: Page, article: m.Article) -> Iterator[snapshot.Draft]:
        """An article's embeds with each country's block (part of its unit: api/build/units.py)."""
        loc = page.loc
        for country in self.blocks[loc.tag]:
            if country == "" or country in self.number_only:
                continue
            for resize in (True, False):
                yield snapshot.Draft(embed_address(loc, article.slug, country, resize),
                                     self.embed(page, article, country, resize), HTML, loc.tag, framable=True)

    def embed(self, page: Page, article: m.Article, country: str, resize: bool) -> bytes:
        """An embed of `article` with the help-now block of `country` ("": none chosen). The page around the
        block is the same for every country: it is rendered once per article and `resize`, with a marker
        where the block goes, and each country's block (:meth:`html`) is put in its place."""
        loc, b = page.loc, self.builder
        shell = self._shells.get(resize)
        if shell is None or shell[0] != (loc.tag, article.slug):
            canonical = b.urls.absolute(b.urls.article_page(loc, article.slug))
            whole = b.fresh("embed.html", page, None, {
                "article": article, "body": body_of(article), "notice": article.notice, "canonical": canonical,
                "site_link": Markup('<a href="{}"><bdi>{}</bdi></a>').format(canonical, SITE_NAME), "resize": resize,
                "help_now_html": Markup(_MARK)})  # noqa: S704  # a constant comment
            before, found, after = whole.partition(_MARK.encode())
            if not found or _MARK.encode() in after:  # pragma: no cover - embed.html shows the block once
                raise ValueError("embed.html must show help_now_html exactly once")
            shell = self._shells[resize] = ((loc.tag, article.slug), before, after)
        return shell[1] + self.html(page, country, resize).encode() + shell[2]

    def country_label(self, page: Page, country: str | None) -> m.PlainText | None:
        if country is None or country == OTHER:
            return None
        for resource in self.blocks[page.loc.tag][country].resources:
            if country in resource.countries:
                return resource.area
        return None  # pragma: no cover - a country with lines or a number has a resource naming it
