"""Machine-readable indexes: an Atom feed per language, the sitemap, robots.txt."""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree as ET

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from api.locales import LOCALES
from api.views.common import absolute, library, page_path
from api.views.pages import path_locale

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"
ET.register_namespace("", ATOM)


def _xml(root: ET.Element, media_type: str) -> Response:
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return Response(body, media_type=media_type)


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


async def atom(request: Request) -> Response:
    loc = path_locale(request)
    lib = library(request)
    ui = lib.catalogs[loc.tag].ui
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": loc.tag})
    ET.SubElement(feed, f"{{{ATOM}}}id").text = absolute(request, page_path(loc))
    ET.SubElement(feed, f"{{{ATOM}}}title").text = str(ui.gettext("Bothand"))
    ET.SubElement(feed, f"{{{ATOM}}}subtitle").text = str(ui.gettext("Mental-health education in your language"))
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": absolute(request, f"/{loc.tag}/feed.xml")})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "hreflang": loc.tag,
                                             "href": absolute(request, page_path(loc))})
    newest = max((a.updated for a in lib.articles.values()), default=dt.date(2026, 1, 1))
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _stamp(newest)
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "Bothand"
    for slug, article in lib.articles.items():
        data = lib.article(slug, loc)
        url = absolute(request, page_path(loc, f"articles/{slug}"))
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = url
        ET.SubElement(entry, f"{{{ATOM}}}title", {"xml:lang": data["title"].lang}).text = data["title"].text
        ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": url})
        for other in LOCALES:
            if other != loc:
                ET.SubElement(entry, f"{{{ATOM}}}link", {
                    "rel": "alternate", "type": "text/html", "hreflang": other.tag,
                    "href": absolute(request, page_path(other, f"articles/{slug}")),
                })
        ET.SubElement(entry, f"{{{ATOM}}}published").text = _stamp(article.published)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _stamp(article.updated)
        ET.SubElement(entry, f"{{{ATOM}}}summary", {"xml:lang": data["summary"].lang}).text = data["summary"].text
    return _xml(feed, "application/atom+xml")


def reader_pages(request: Request) -> list[str]:
    """Every page inside a language, as the path after /{lang}/."""
    return ["", *(f"articles/{slug}" for slug in library(request).articles), "languages", "accessibility",
            "developers"]


async def sitemap(request: Request) -> Response:
    ET.register_namespace("", SITEMAP)
    ET.register_namespace("xhtml", XHTML)
    urlset = ET.Element(f"{{{SITEMAP}}}urlset")
    for page in reader_pages(request):
        for loc in LOCALES:
            url = ET.SubElement(urlset, f"{{{SITEMAP}}}url")
            ET.SubElement(url, f"{{{SITEMAP}}}loc").text = absolute(request, page_path(loc, page))
            for other in LOCALES:
                ET.SubElement(url, f"{{{XHTML}}}link", {
                    "rel": "alternate", "hreflang": other.tag, "href": absolute(request, page_path(other, page)),
                })
            ET.SubElement(url, f"{{{XHTML}}}link", {
                "rel": "alternate", "hreflang": "x-default", "href": absolute(request, page_path(LOCALES[0], page)),
            })
    ET.register_namespace("", ATOM)
    return _xml(urlset, "application/xml")


async def robots(request: Request) -> Response:
    return PlainTextResponse(
        "User-agent: *\nAllow: /\nDisallow: /choose-language/\n\n"
        f"Sitemap: {absolute(request, '/sitemap.xml')}\n"
    )
