"""Topic pages: every condition an article names has a page in every language, linked from the article
and the home page."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from starlette.testclient import TestClient

from tests.conftest import BASE, SLUG
from tests.conftest import SITE_LOCALES as LOCALES

TOPICS = ["depression", "anxiety", "adhd", "ptsd", "bipolar", "stress"]


class Links(HTMLParser):
    """Every <a>: href, its attributes, and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, dict[str, str | None], str]] = []
        self._open: tuple[str, dict[str, str | None]] | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._open, self._text = (dict(attrs).get("href") or "", dict(attrs)), ""

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open is not None:
            self.links.append((*self._open, self._text.strip()))
            self._open = None


def links(html: str) -> list[tuple[str, dict[str, str | None], str]]:
    parser = Links()
    parser.feed(html)
    return parser.links


@pytest.mark.parametrize("tag", [loc.tag for loc in LOCALES])
def test_topic_pages_exist_in_every_locale_and_list_the_article(client: TestClient, tag: str) -> None:
    article = client.get(f"/api/v1/articles/{SLUG}?lang={tag}").json()
    names = {c["id"]: c["name"] for c in article["conditions"]}
    for topic in TOPICS:
        r = client.get(f"/{tag}/topics/{topic}")
        assert r.status_code == 200, (tag, topic)
        assert r.headers["content-language"] == tag
        loc = next(x for x in LOCALES if x.tag == tag)
        assert f'<html lang="{tag}" dir="{loc.dir}">' in r.text
        h1 = re.search(r"<h1([^>]*)>(.*?)</h1>", r.text, re.S)
        assert h1 is not None and h1.group(2) == names[topic]["text"]
        # A name not translated yet is English, and says so to screen readers and browsers.
        assert ('lang="en"' in h1.group(1)) == (names[topic]["lang"] != tag)
        assert names[topic]["lang"] == ("en" if (tag, topic) == ("fr", "anxiety") else tag)  # the fixture's gap
        hrefs = [href for href, _, _ in links(r.text)]
        assert f"/{tag}/articles/{SLUG}" in hrefs
        assert f'<link rel="canonical" href="{BASE}/{tag}/topics/{topic}">' in r.text
        assert f'hreflang="ar" href="{BASE}/ar/topics/{topic}"' in r.text  # the same topic in other languages


@pytest.mark.parametrize("tag", ["en", "es", "fr", "ar", "zh-Hant"])
def test_the_article_page_links_its_topics(client: TestClient, tag: str) -> None:
    html = client.get(f"/{tag}/articles/{SLUG}").text
    footer = html[html.index('<footer class="article-topics">'):]
    footer = footer[:footer.index("</footer>")]
    assert re.search(r"<h2 id=\"article-topics\">[^<]+</h2>", footer)
    found = [(href, attrs.get("lang"), text) for href, attrs, text in links(footer)]
    assert [href for href, _, _ in found] == [f"/{tag}/topics/{t}" for t in TOPICS]
    names = {c["id"]: c["name"] for c in client.get(f"/api/v1/articles/{SLUG}?lang={tag}").json()["conditions"]}
    for (_, lang, text), topic in zip(found, TOPICS, strict=True):
        assert text == names[topic]["text"]
        assert lang == (None if names[topic]["lang"] == tag else "en")


@pytest.mark.parametrize("tag", ["en", "ru", "fa"])
def test_the_home_page_offers_the_topics(client: TestClient, tag: str) -> None:
    html = client.get(f"/{tag}/").text
    section = html[html.index('<h2 id="topics">'):]
    section = section[:section.index("</ul>")]
    assert [href for href, _, _ in links(section)] == [f"/{tag}/topics/{t}" for t in TOPICS]


def test_topic_pages_are_in_the_sitemap(client: TestClient) -> None:
    sitemap = client.get("/sitemap.xml").text
    for loc in LOCALES:
        assert f"<loc>{BASE}/{loc.tag}/topics/anxiety</loc>" in sitemap


def test_an_unknown_topic_is_the_readers_404_page(client: TestClient) -> None:
    r = client.get("/es/topics/no-such-topic")
    assert r.status_code == 404 and '<html lang="es"' in r.text
