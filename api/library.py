"""Everything the views read, loaded once: articles, catalogs, crisis resources, templates.

Views call these methods and stay thin. Translated articles are cached per (slug, locale):
sources and catalogs change only with a deploy, which restarts the process.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import yaml
from babel.numbers import format_decimal
from babel.support import NullTranslations
from jinja2 import Environment

from api.articles import to_json, translate_article
from api.catalogs import Catalogs
from api.content import Article, load_articles
from api.contenthash import content_hash
from api.locales import LOCALES, SOURCE, Locale
from api.notices import translation_notice
from api.settings import Settings
from api.templating import format_message, make_environment, native_digits
from api.urls import URLs


@dataclass(frozen=True)
class Contact:
    kind: str  # phone, sms, url
    value: str
    label: str

    @property
    def href(self) -> str:
        return {"phone": f"tel:{self.value}", "sms": f"sms:{self.value}"}.get(self.kind, self.value)


@dataclass(frozen=True)
class Resource:
    id: str
    name: str
    description: str
    contacts: tuple[Contact, ...]


def load_crisis(settings: Settings) -> tuple[str, tuple[Resource, ...]]:
    data = yaml.safe_load(settings.crisis_file.read_text(encoding="utf-8"))
    resources = tuple(
        Resource(
            id=str(r["id"]),
            name=str(r["name"]),
            description=str(r["description"]),
            contacts=tuple(Contact(str(c["kind"]), str(c["value"]), str(c["label"])) for c in r.get("contacts", [])),
        )
        for r in data["resources"]
    )
    for res in resources:
        for c in res.contacts:
            if c.kind not in ("phone", "sms", "url") or (c.kind == "url" and not c.value.startswith("https://")):
                raise ValueError(f"{settings.crisis_file}: resource {res.id!r} has a bad contact {c}")
    return str(data["heading"]), resources


def contact_labels(resources: tuple[Resource, ...]) -> set[str]:
    """The help-now link texts whose numbers and addresses a translation must keep exactly."""
    return {c.label for r in resources for c in r.contacts}


class Library:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.urls = URLs(settings.base_url)
        self.articles: dict[str, Article] = load_articles(settings.content_dir)
        self.crisis_heading, self.crisis = load_crisis(settings)
        self.catalogs = Catalogs(settings.locales_dir, self.articles, LOCALES, protected=contact_labels(self.crisis))
        self._crisis = {loc.tag: self._crisis_data(loc) for loc in LOCALES}
        self._translated: dict[tuple[str, str], dict[str, Any]] = {}
        self._hashes: dict[tuple[str, str], str] = {}
        self._bodies: dict[tuple[str, str], str] = {}

    @cached_property
    def env(self) -> Environment:
        return make_environment(self.settings.templates_dir)

    def article(self, slug: str, loc: Locale) -> dict[str, Any]:
        key = (slug, loc.tag)
        if key not in self._translated:
            cats = self.catalogs[loc.tag]
            data = translate_article(self.articles[slug], cats)
            missing = native_digits(format_decimal(data["translation"]["segments_in_english"], locale=loc.babel), loc)
            data["notice"] = translation_notice(data["translation"], cats.ui, missing)
            self._translated[key] = data
        return self._translated[key]

    def article_hash(self, slug: str, loc: Locale) -> str:
        """Changes whenever anything a partner shows changes: English text, translation or review."""
        key = (slug, loc.tag)
        if key not in self._hashes:
            self._hashes[key] = content_hash(to_json(self.article(slug, loc)))
        return self._hashes[key]

    def body_html(self, slug: str, loc: Locale) -> str:
        """The whole article body as one sanitized HTML fragment (the same markup the page uses)."""
        key = (slug, loc.tag)
        if key not in self._bodies:
            template = self.env.get_template("_fragment.html")
            self._bodies[key] = template.render(loc=loc, article=self.article(slug, loc)).strip()
        return self._bodies[key]

    def attribution(self, loc: Locale, url: str) -> dict[str, str]:
        ui = self.catalogs[loc.tag].ui
        # Translators: shown with an article on a partner's site; %(site)s is this site's name, "Bothand".

        def line(tr: NullTranslations) -> str:
            return str(tr.gettext("From %(site)s. Shown unchanged, with permission."))

        text = format_message(line(ui), line(NullTranslations()), {"site": "Bothand"})
        return {"text": text, "lang": loc.tag, "url": url, "site": "Bothand"}

    def crisis_data(self, loc: Locale) -> dict[str, Any]:
        """The help-now block in a locale (built once per locale at start-up)."""
        return self._crisis[loc.tag]

    def _crisis_data(self, loc: Locale) -> dict[str, Any]:
        """Each string says which language it is in: English where the catalog lacks it."""
        tr = self.catalogs[loc.tag].ui

        def t(text: str) -> dict[str, str]:
            out = str(tr.pgettext("crisis", text))
            return {"text": out, "lang": loc.tag if (out != text or loc.is_source) else SOURCE.tag}

        return {
            "heading": t(self.crisis_heading),
            "resources": [
                {
                    "id": r.id,
                    "name": t(r.name),
                    "description": t(r.description),
                    "contacts": [{"kind": c.kind, "href": c.href, "label": t(c.label)} for c in r.contacts],
                }
                for r in self.crisis
            ],
        }
