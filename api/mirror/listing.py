"""Which articles a language has: the listing, page by page, and the server's languages.

``/api/v1/articles?lang=&per_page=100`` (with ``updated_since=`` when only changes are wanted),
following RFC 8288 ``Link: rel="next"``. Pages are revalidated with their ETags. A listed URL or
a next link off the site's origin is refused (never requested), and a listing is cut off at
``Limits.pages`` pages and ``Limits.articles`` articles: a server cannot keep a run paging forever.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote, urlencode, urljoin

from api.mirror.client import Client, Reply
from api.mirror.errors import Refused, ResponseError, UsageError
from api.mirror.manifest import ListingPage
from api.mirror.text import canonical_tag, is_slug, printable

PER_PAGE = 100


def article_url(base: str, slug: str, lang: str) -> str:
    return f"{base}/api/v1/articles/{quote(slug)}?{urlencode({'lang': lang})}"


@dataclass
class Listing:
    full: bool  # every article, not only those updated since
    items: dict[str, str] = field(default_factory=dict)  # slug -> article JSON URL, on the site's origin
    refused: dict[str, str] = field(default_factory=dict)  # slug -> why its listed URL is not requested
    pages: dict[str, ListingPage] = field(default_factory=dict)  # listing URL -> page, for the manifest


async def server_languages(client: Client, base: str) -> list[str]:
    url = base + "/api/v1/locales"
    reply = await client.get(url, cap=client.limits.listing_bytes, what="locales URL")
    tags: list[str] = []
    if reply.status == 200:
        body = reply.json(client.limits.json_depth)
        locales = body.get("locales") if isinstance(body, dict) else None
        if isinstance(locales, list):
            tags = [str(loc["tag"]) for loc in locales if isinstance(loc, dict) and "tag" in loc]
    if not tags:
        raise UsageError(f"{printable(url)} did not list any language")
    return [canonical_tag(t) for t in tags]


async def list_articles(
    client: Client, base: str, lang: str, since: str | None, remembered: dict[str, ListingPage]
) -> Listing:
    """Every article listed (since `since`, if the server accepts it), page after page."""
    limits = client.limits
    params: dict[str, str | int] = {"lang": lang, "per_page": PER_PAGE, **({"updated_since": since} if since else {})}
    url: str | None = f"{base}/api/v1/articles?{urlencode(params)}"
    listing = Listing(full=since is None)
    while url and url not in listing.pages:
        if len(listing.pages) >= limits.pages:
            raise ResponseError(f"the listing goes on past {limits.pages} pages: stopped there")
        old = remembered.get(url)
        reply = await client.get(url, cap=limits.listing_bytes, etag=old.etag if old else None, what="listing page")
        if reply.status == 304 and old:
            page = old
        elif reply.status == 400 and since:
            return await list_articles(client, base, lang, None, remembered)  # e.g. a static export
        elif reply.status != 200:
            raise ResponseError(f"listing {printable(url)} answered {reply.status}: {reply.detail()}")
        else:
            page = _page(reply, client, base, lang)
        listing.pages[url] = page
        for slug, listed in page.items.items():
            try:
                listing.items[slug] = client.pin(listed, f"the listed URL of {slug}")
            except Refused as exc:
                listing.refused[slug] = str(exc)
        if len(listing.items) + len(listing.refused) > limits.articles:
            raise ResponseError(f"the listing has more than {limits.articles} articles: stopped there")
        url = page.next
    return listing


def _page(reply: Reply, client: Client, base: str, lang: str) -> ListingPage:
    body = reply.json(client.limits.json_depth)
    articles = body.get("articles") if isinstance(body, dict) else None
    if not isinstance(body, dict) or not isinstance(articles, list) or not all(isinstance(a, dict) for a in articles):
        raise ResponseError(f"listing {printable(reply.url)} is not an article list")
    served = body.get("lang", lang)
    if served != lang:
        raise ResponseError(f"asked for {lang}, the listing is in {printable(served, 40)}")
    items: dict[str, str] = {}
    for article in articles:
        slug = article.get("slug")
        if not isinstance(slug, str) or not is_slug(slug):
            raise ResponseError(f"listing {printable(reply.url)} has an unusable slug '{printable(slug, 130)}'")
        urls = article.get("urls")
        listed = urls.get("json") if isinstance(urls, dict) else None
        items[slug] = urljoin(reply.url, str(listed or article_url(base, slug, lang)))
    link = reply.link("next")
    next_url = client.pin(urljoin(reply.url, link), 'the listing\'s Link: rel="next"') if link else None
    return ListingPage(etag=reply.etag, items=items, next=next_url)
