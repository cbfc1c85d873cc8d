"""What the build and the server both name: snapshot keys, media types, page sizes, list links, oEmbed.

Kept apart from api.build.builder so that the server imports none of the build's machinery (Jinja, Markdown,
catalog parsing) when it starts from a built snapshot.
"""

from __future__ import annotations

from markupsafe import escape

from api.core import models as m
from api.core.locales import Locale
from api.core.routes import Address, at
from api.core.urls import URLs

SITE_NAME = "Bothand"
API_PER_PAGE = 20
EMBED_HEIGHT = 800
EMBED_WIDTH = 600
JSON = "application/json"
HTML = "text/html; charset=utf-8"
# Reader error pages, prebuilt in every language: (status, kind) -> the key's last part.
ERRORS = [(404, "not-found"), (404, "unknown-language"), (400, "bad-request"), (405, "method-not-allowed"),
          (500, "server-error")]


def error_key(tag: str, status: int, kind: str) -> str:
    """Keys that start with `!` are never a URL: the server picks them for its error answers."""
    return f"!error/{tag}/{status}/{kind}"


def list_key(urls: URLs, tag: str, page: int | None = None, per_page: int = API_PER_PAGE,
             updated_since: str | None = None, condition: str | None = None) -> str:
    """The canonical URL of an article-list page: what Link headers point to."""
    params: dict[str, str | int] = {"lang": tag}
    if updated_since:
        params["updated_since"] = updated_since
    if condition:
        params["condition"] = condition
    if page is not None:
        params.update(page=page, per_page=per_page)
    return urls.api_articles(params)


def list_links(urls: URLs, tag: str, page: int, per_page: int, total: int, updated_since: str | None,
               condition: str | None = None) -> str:
    last = max(1, -(-total // per_page))
    rels = {"first": 1, "last": last, **({"prev": page - 1} if 1 < page <= last + 1 else {}),
            **({"next": page + 1} if page < last else {})}
    return ", ".join(f'<{urls.absolute(list_key(urls, tag, p, per_page, updated_since, condition))}>; rel="{rel}"'
                     for rel, p in rels.items())


def embed_code(urls: URLs, loc: Locale, slug: str, title: str, height: int = EMBED_HEIGHT,
               width: str = "100%", country: str | None = None) -> str:
    """The copy-paste HTML a partner puts in a page (shown on the developer page, returned by oEmbed);
    with a country, the embed shows that country's help-now block."""
    src = urls.absolute(urls.embed_for(loc, slug, country))
    return (
        f'<iframe src="{escape(src)}" title="{escape(title)}" lang="{loc.tag}" width="{escape(width)}" '
        f'height="{height}" style="border:0" loading="lazy" referrerpolicy="no-referrer"></iframe>\n'
        f'<script src="{escape(urls.absolute(urls.static("embed-parent.js")))}" async></script>'
    )


def oembed(urls: URLs, loc: Locale, summary: m.Summary, max_age: int, maxwidth: int | None = None,
           maxheight: int | None = None, country: str | None = None) -> m.OEmbed:
    """oEmbed `rich`. A consumer's maxwidth/maxheight are upper bounds (oEmbed 2.2.1): the iframe's width and
    height attributes never exceed them. Without maxwidth the iframe fills its column (`width="100%"`)."""
    width = EMBED_WIDTH if maxwidth is None else min(maxwidth, EMBED_WIDTH)
    height = EMBED_HEIGHT if maxheight is None else min(maxheight, EMBED_HEIGHT)
    html = embed_code(urls, loc, summary.slug, summary.title.text, height, "100%" if maxwidth is None else str(width),
                      country)
    return m.OEmbed(
        version="1.0", type="rich", title=summary.title.text, provider_name=SITE_NAME,
        provider_url=urls.origin + "/", html=html, width=width, height=height, cache_age=max_age,
    )


# Help-now by country (api/build/helpnow.py builds these; api/web/views/helpnow.py answers them) ------
OTHER = "*"  # the blocks' key for "a country with no line here"; "" is "no country chosen"


def help_address(loc: Locale, country: str | None = None) -> Address:
    """Where a help page lies in the snapshot: `!` keys are never a URL (a view picks them)."""
    if country is None:
        return at("help_any", lang=loc.tag)
    if country == OTHER:
        return at("help_other", lang=loc.tag)
    return at("help_country", lang=loc.tag, country=country)


def help_key(loc: Locale, country: str | None = None) -> str:
    return help_address(loc, country).key


def embed_address(loc: Locale, slug: str, country: str | None, resize: bool) -> Address:
    """Where an embed with a country's block lies (the URL itself for a country with lines)."""
    if country == OTHER:
        return at("embed_other", lang=loc.tag, slug=slug, resize=None if resize else "0")
    return at("embed", lang=loc.tag, slug=slug, country=country, resize=None if resize else "0")


def embed_key(loc: Locale, slug: str, country: str | None, resize: bool) -> str:
    return embed_address(loc, slug, country, resize).key


# Printable handouts (api/build/handouts/drafts.py builds them; api/web/views/helpnow.py answers ?country=) ------
def handout_address(loc: Locale, slug: str, country: str | None, large_print: bool) -> Address:
    """Where a handout lies: its URL (with `?country=CC` for a country with lines), or for any other
    country the `!handout-other/...` resource a view picks, as for the embeds."""
    if country == OTHER:
        return at("handout_large_other" if large_print else "handout_other", lang=loc.tag, slug=slug)
    return at("handout_large" if large_print else "handout", lang=loc.tag, slug=slug, country=country or None)


def handout_key(loc: Locale, slug: str, country: str | None, large_print: bool) -> str:
    return handout_address(loc, slug, country, large_print).key
