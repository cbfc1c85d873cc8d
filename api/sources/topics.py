"""Topics: the conditions of conditions.yaml as the build uses them.

Each locale gets every condition as a typed model (its name through ui.pot, msgctxt
``condition``, marked ``lang="en"`` where the catalog lacks it; its codes; its topic page), every
article and summary carries the conditions it names, and each condition that has an article gets a
reader page ``/{lang}/topics/{id}`` listing them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from babel.support import NullTranslations

from api.core import models as m
from api.core.locales import SOURCE_TAG, Locale
from api.core.urls import URLs
from api.sources.conditions import CONTEXT, Condition, check_article_conditions
from api.sources.content import Article, ContentError


def check_references(sources: Mapping[str, Article], conditions: Mapping[str, Condition]) -> None:
    """Refuse an article that names a condition conditions.yaml does not define (file:line)."""
    for article in sources.values():
        problems = check_article_conditions(((r.id, r.line) for r in article.conditions), dict(conditions),
                                            article.path)
        if problems:
            raise ContentError(problems[0])


def condition_name(condition: Condition, ui: NullTranslations, loc: Locale) -> m.PlainText:
    text = str(ui.pgettext(CONTEXT, condition.name))
    return m.PlainText(text=text, lang=loc.tag if (loc.is_source or text != condition.name) else SOURCE_TAG)


def condition_models(conditions: Mapping[str, Condition], ui: NullTranslations, loc: Locale,
                     urls: URLs) -> dict[str, m.Condition]:
    """Every condition in one locale, by id, in the order of conditions.yaml."""
    return {
        c.id: m.Condition(
            id=c.id, name=condition_name(c, ui, loc),
            codes=[m.Coding(system=code.system.key, oid=code.system.oid, code=code.code)  # type: ignore[arg-type]
                   for code in c.codes],
            url=urls.absolute(urls.topic(loc, c.id)),
        )
        for c in conditions.values()
    }


def article_conditions(source: Article, models: Mapping[str, m.Condition]) -> list[m.Condition]:
    return [models[ref.id] for ref in source.conditions]


@dataclass(frozen=True)
class Topic:
    """A condition with the articles on it, in one locale."""

    condition: m.Condition
    articles: list[m.Summary]

    @property
    def id(self) -> str:
        return self.condition.id


def topics(models: Mapping[str, m.Condition], summaries: Iterable[m.Summary]) -> list[Topic]:
    """The conditions that have at least one article, in conditions.yaml order, with their articles
    (newest first)."""
    ordered = sorted(summaries, key=lambda s: (s.updated, s.slug), reverse=True)
    found = [Topic(c, [s for s in ordered if any(x.id == c.id for x in s.conditions)]) for c in models.values()]
    return [t for t in found if t.articles]


def used_topic_ids(sources: Mapping[str, Article], conditions: Mapping[str, Condition]) -> list[str]:
    """The ids of the conditions some article names, in conditions.yaml order: they have a topic page."""
    used = {ref.id for article in sources.values() for ref in article.conditions}
    return [cid for cid in conditions if cid in used]
