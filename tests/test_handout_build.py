"""Handouts as resources of the build (issue 25): served, linked, listed, revalidated, per country.

On the base fixture corpus (two articles; en, es, fa, ht, zh-Hant). What the PDFs hold (tags, fonts,
text, PDF/UA checkers) is tests/test_handouts.py; here: what a reader, a partner and a clinic meet.
"""

from __future__ import annotations

import io
import re
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree as ET

import pikepdf
import pytest
from starlette.testclient import TestClient

from api.app import create_app
from api.build.handouts import default_paper
from api.core.locales import make_locale
from tests.conftest import add_conditions
from tests.corpus import Corpus, make_corpus

PDF = "application/pdf"
PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    made = make_corpus(tmp_path_factory.mktemp("handout-build"))
    add_conditions(made.root / "content" / "first-steps.md")  # anxiety among them: the Infobutton finds it
    return made


@pytest.fixture(scope="module")
def client(corpus: Corpus) -> Iterator[TestClient]:
    with TestClient(create_app(corpus.settings())) as c:
        yield c


def pages_of(body: bytes) -> int:
    with pikepdf.open(io.BytesIO(body)) as doc:
        return len(doc.pages)


def text_of(body: bytes, tmp_path: Path) -> str:
    path = tmp_path / "h.pdf"
    path.write_bytes(body)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[dict[str, str | None], str]] = []
        self._open: dict[str, str | None] | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._open, self._text = dict(attrs), ""

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open is not None:
            self.links.append((self._open, " ".join(self._text.split())))
            self._open = None


def test_every_article_in_every_language_has_both_handouts_and_the_api_tells_the_truth(
        client: TestClient, corpus: Corpus) -> None:
    for tag in corpus.tags:
        for slug in corpus.slugs:
            article = client.get(f"/api/v1/articles/{slug}?lang={tag}").json()
            listed = article["handouts"]
            assert [h["large_print"] for h in listed] == [False, True], (tag, slug)
            suffixes = [".pdf", ".large-print.pdf"]
            for handout, suffix in zip(listed, suffixes, strict=True):
                assert handout["url"] == f"http://testserver/{tag}/articles/{slug}{suffix}"
                served = client.get(handout["url"])
                assert served.status_code == 200 and served.headers["content-type"] == PDF
                assert served.headers["content-language"] == tag
                assert served.content.startswith(b"%PDF-")
                assert handout["media_type"] == PDF
                assert handout["bytes"] == len(served.content) == int(served.headers["content-length"])
                assert handout["pages"] == pages_of(served.content)
                assert handout["paper"] == default_paper(make_locale(tag))
            normal, large = (client.get(h["url"]).content for h in listed)
            assert normal != large and pages_of(large) > pages_of(normal)  # 16 pt takes more pages


def test_the_article_page_links_both_with_size_and_pages_in_words(client: TestClient) -> None:
    for tag in ("en", "fa"):
        api = client.get(f"/api/v1/articles/first-steps?lang={tag}").json()["handouts"]
        parser = Links()
        parser.feed(client.get(f"/{tag}/articles/first-steps").text)
        pdfs = [(attrs, text) for attrs, text in parser.links if attrs.get("type") == PDF]
        assert [attrs["href"] for attrs, _ in pdfs] == [h["url"] for h in api]
        for (attrs, text), handout in zip(pdfs, api, strict=True):
            assert attrs["hreflang"] == tag
            assert "PDF" in text and ("Large-print" in text) == handout["large_print"]
            digits = str(handout["pages"])
            if tag == "fa":  # the page's own digits, as its dates
                digits = digits.translate(str.maketrans("0123456789", PERSIAN_DIGITS))
            assert re.search(rf"(?<![0-9{PERSIAN_DIGITS}]){digits} pages?", text), text
            assert "kB" in text, text


def test_handouts_revalidate_with_their_etag(client: TestClient) -> None:
    first = client.get("/es/articles/first-steps.pdf")
    etag = first.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    again = client.get("/es/articles/first-steps.pdf", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert client.get("/es/articles/first-steps.pdf", headers={"If-None-Match": '"stale"'}).status_code == 200
    other = client.get("/es/articles/first-steps.pdf?country=MX")  # a view's answer: the same semantics
    assert client.get("/es/articles/first-steps.pdf?country=MX",
                      headers={"If-None-Match": other.headers["etag"]}).status_code == 304


def test_a_country_prints_its_own_help_now_lines(client: TestClient, tmp_path: Path) -> None:
    base = "/es/articles/first-steps"
    plain, canada, mexico = (client.get(f"{base}.pdf{q}") for q in ("", "?country=CA", "?country=MX"))
    assert {r.status_code for r in (plain, canada, mexico)} == {200}
    assert len({plain.content, canada.content, mexico.content}) == 3
    assert "9-8-8" in text_of(canada.content, tmp_path)  # Canada's line, whatever the language
    assert "9-8-8" not in text_of(mexico.content, tmp_path)  # no line here: the emergency line and the directory
    assert client.get(f"{base}.pdf?country=ca").content == canada.content  # any case, as the embeds
    assert client.get(f"{base}.pdf?country=FR").content == mexico.content  # any other country: the same file
    assert client.get(f"{base}.large-print.pdf?country=CA").content != canada.content
    assert client.get(f"{base}.pdf?utm_source=x").content == plain.content  # another query is ignored
    bad = client.get(f"{base}.pdf?country=Canada")
    assert bad.status_code == 400 and bad.headers["content-type"].startswith("text/html")
    assert bad.headers["content-language"] == "es"  # the reader's error page, in the URL's language
    assert client.get("/es/articles/no-such-article.pdf").status_code == 404


def test_feeds_and_infobutton_offer_the_pdf(client: TestClient) -> None:
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.fromstring(client.get("/fa/feed.xml").content)
    for entry in feed.findall("a:entry", ns):
        pdfs = [link.attrib for link in entry.findall("a:link", ns) if link.get("type") == PDF]
        assert [p["rel"] for p in pdfs] == ["alternate", "related"]  # Atom: one alternate per type and language
        for p in pdfs:
            assert p["hreflang"] == "fa" and client.get(p["href"]).headers["content-length"] == p["length"]


def test_the_infobutton_answer_links_the_pdf(client: TestClient) -> None:
    asked = ("/api/v1/infobutton?mainSearchCriteria.v.cs=2.16.840.1.113883.6.90&mainSearchCriteria.v.c=F41.1"
             "&informationRecipient.languageCode.c=es")
    (entry,) = client.get(asked + "&knowledgeResponseType=application/json").json()["feed"]["entry"]
    pdf = [link for link in entry["link"] if link["type"] == PDF]
    assert [link["href"] for link in pdf] == ["http://testserver/es/articles/first-steps.pdf"]
    assert pdf[0]["rel"] == "alternate" and pdf[0]["hreflang"] == "es"
    atom = ET.fromstring(client.get(asked + "&knowledgeResponseType=text/xml").content)
    hrefs = [link.get("href") for link in atom.iter("{http://www.w3.org/2005/Atom}link") if link.get("type") == PDF]
    assert hrefs == [pdf[0]["href"]]


def test_without_handouts_nothing_links_or_serves_one(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus", tags=("es",))
    with TestClient(create_app(corpus.settings(handouts=False))) as c:
        assert c.get("/api/v1/articles/first-steps?lang=es").json()["handouts"] == []
        assert 'type="application/pdf"' not in c.get("/es/articles/first-steps").text
        assert c.get("/es/articles/first-steps.pdf").status_code == 404
        assert c.get("/es/articles/first-steps.pdf?country=CA").status_code == 404
