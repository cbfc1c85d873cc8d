"""The partner contract, through the third-party tools a clinic will actually use on it.

The OpenAPI document must pass Redocly's `recommended` rules and Spectral's OpenAPI rules with no
error and no warning, give openapi-typescript types without an error, and give
openapi-python-client a client with no warning that lists the languages, pages the list and
fetches every article in every language into typed objects. The npm tools come from
package.json (installed by `make test`: scripts/install-test-deps runs `npm ci`), the Python
generator from the `test` extra.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from starlette.testclient import TestClient

from api.app import create_app
from api.core.settings import ROOT
from tests.conftest import SLUG as SITE_SLUG
from tests.corpus import SLUG as FIXTURE_SLUG
from tests.corpus import UNKNOWN, Corpus, make_corpus

NPX = ["npx", "--no-install"]
TOOL_ENV = {**os.environ, "REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true",
            "NO_UPDATE_NOTIFIER": "1", "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """The grown fixture corpus: three articles (every kind of block), five translations."""
    return make_corpus(tmp_path_factory.mktemp("clients"), grown=True)


@pytest.fixture(scope="module")
def http(corpus: Corpus) -> Iterator[TestClient]:
    logging.getLogger("api.web.app").setLevel(logging.ERROR)
    with TestClient(create_app(corpus.settings())) as client:
        yield client


@pytest.fixture(scope="module")
def document(http: TestClient, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("openapi") / "openapi.json"
    path.write_bytes(http.get("/api/v1/openapi.json").content)
    return path


def run(args: list[str], timeout: int = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, cwd=ROOT, env=TOOL_ENV, timeout=timeout, check=False)


# Linters ------------------------------------------------------------------------------------------

def test_redocly_recommended_finds_nothing(document: Path) -> None:
    result = run([*NPX, "redocly", "lint", "--config", str(ROOT / "redocly.yaml"), "--format", "json", str(document)])
    report = json.loads(result.stdout)
    assert report["totals"] == {"errors": 0, "warnings": 0, "ignored": 0}, report["problems"]
    assert result.returncode == 0


def test_spectral_oas_finds_nothing(document: Path, tmp_path: Path) -> None:
    out = tmp_path / "spectral.json"
    result = run([*NPX, "spectral", "lint", "--ruleset", str(ROOT / ".spectral.yaml"), "--format", "json",
                  "--output", str(out), "--fail-severity", "hint", str(document)])
    assert json.loads(out.read_text("utf-8")) == [], result.stdout + result.stderr
    assert result.returncode == 0


def test_the_linters_do_see_problems(tmp_path: Path) -> None:
    """The two linters, as run above, fail a document missing what ours has (so a clean run means something)."""
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps({"openapi": "3.1.0", "info": {"title": "x", "version": "1"},
                                "paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}}}}}))
    redocly = json.loads(run([*NPX, "redocly", "lint", "--config", str(ROOT / "redocly.yaml"), "--format", "json",
                              str(bare)]).stdout)
    assert {"security-defined", "operation-4xx-response"} <= {p["ruleId"] for p in redocly["problems"]}
    out = tmp_path / "spectral.json"
    run([*NPX, "spectral", "lint", "--ruleset", str(ROOT / ".spectral.yaml"), "--format", "json", "--output", str(out),
         str(bare)])
    codes = {p["code"] for p in json.loads(out.read_text("utf-8"))}
    assert {"info-contact", "operation-description", "operation-tags", "license-url"} <= codes


# Generators ---------------------------------------------------------------------------------------

def test_openapi_typescript_generates_types(document: Path, tmp_path: Path) -> None:
    out = tmp_path / "bothand.d.ts"
    result = run([*NPX, "openapi-typescript", str(document), "--output", str(out)])
    assert result.returncode == 0 and "error" not in result.stderr.lower(), result.stderr
    types = out.read_text("utf-8")
    for name in ("FaqBlock", "FaqItem", "HeadingBlock", "Text", "Crisis", "Problem", "ProblemType", "Direction"):
        assert f"{name}: {{" in types or f"{name}: " in types, name
    assert '"urn:bothand:problem:unknown-language"' in types
    assert '"listArticles"' in types or "listArticles: {" in types


@pytest.fixture(scope="module")
def generated(document: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """openapi-python-client's client for our document, imported."""
    folder = tmp_path_factory.mktemp("generated")
    generator = Path(sys.executable).with_name("openapi-python-client")
    result = run([str(generator), "generate", "--path", str(document), "--output-path",
                  str(folder / "bothand_client"), "--meta", "none"])
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "warning" not in output.lower() and "error" not in output.lower(), output
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module("bothand_client")
    finally:
        sys.path.remove(str(folder))
        for name in [n for n in sys.modules if n == "bothand_client" or n.startswith("bothand_client.")]:
            del sys.modules[name]


def test_generated_python_client_reads_everything(generated: ModuleType, http: TestClient, corpus: Corpus) -> None:
    models = importlib.import_module("bothand_client.models")
    api = {name: importlib.import_module(f"bothand_client.api.{tag}.{name}")
           for tag, name in (("languages", "list_locales"), ("articles", "list_articles"),
                             ("articles", "get_article"), ("embeds", "oembed"))}
    client = generated.Client(base_url="http://testserver")
    client.set_httpx_client(http)  # the generated client takes any httpx client: here, the app in-process

    locales = api["list_locales"].sync(client=client)
    assert isinstance(locales, models.LocaleList)
    assert [loc.tag for loc in locales.locales] == list(corpus.tags)
    fetched = 0
    block_types: set[type] = set()
    for loc in locales.locales:
        assert isinstance(loc.dir_, models.Direction)
        page, slugs = 1, []
        while True:  # page through the list, one summary a page
            listed = api["list_articles"].sync(client=client, lang=loc.tag, page=page, per_page=1)
            assert isinstance(listed, models.ArticleList) and listed.total == len(corpus.slugs)
            if not listed.articles:
                break
            slugs += [s.slug for s in listed.articles]
            page += 1
        assert sorted(slugs) == sorted(corpus.slugs)
        for slug in slugs:
            article = api["get_article"].sync(slug, client=client, lang=loc.tag)
            assert isinstance(article, models.Article), article
            assert article.lang == models.ServedLanguage(loc.tag) and article.slug == slug
            assert article.crisis.resources and article.html.startswith("<")
            block_types |= {type(block) for block in article.blocks}
            fetched += 1
    assert fetched == len(corpus.tags) * len(corpus.slugs)
    assert block_types == {models.HeadingBlock, models.ParagraphBlock, models.ListBlock, models.TableBlock,
                           models.QuoteBlock, models.FaqBlock}
    article = api["get_article"].sync(FIXTURE_SLUG, client=client, lang="zh-Hant")
    faq = next(b for b in article.blocks if isinstance(b, models.FaqBlock))
    assert isinstance(faq.items[0], models.FaqItem) and isinstance(faq.items[0].question, models.Text)
    # Errors come back typed too.
    problem = api["get_article"].sync("no-such-article", client=client)
    assert isinstance(problem, models.Problem) and problem.type_ == models.ProblemType.UNKNOWN_ARTICLE
    embed = api["oembed"].sync(client=client, url_query=f"http://testserver/es/articles/{slugs[0]}", maxwidth=400)
    assert isinstance(embed, models.OEmbed) and embed.width == 400


# The document itself --------------------------------------------------------------------------------

def test_every_operation_is_described_for_client_generators(http: TestClient) -> None:
    doc = http.get("/api/v1/openapi.json").json()
    assert doc["security"] == []  # no key: said explicitly
    assert doc["info"]["contact"]["url"] and doc["info"]["license"]["url"]
    tag_names = [t["name"] for t in doc["tags"]]
    for path, item in doc["paths"].items():
        op = item["get"]
        assert op["description"] and op["summary"] and set(op["tags"]) <= set(tag_names), path
        assert any(code.startswith("4") for code in op["responses"]), path
        for param in op.get("parameters", []):
            assert param.get("description"), (path, param["name"])
    schemas = doc["components"]["schemas"]
    for name in ("HeadingBlock", "ParagraphBlock", "ListBlock", "TableBlock", "QuoteBlock", "FaqBlock", "FaqItem",
                 "Text", "Crisis", "Problem", "ProblemType", "Direction", "ReviewState", "ServedLanguage"):
        assert schemas[name]["title"] == name and schemas[name].get("description"), name
    assert schemas["Problem"]["properties"]["type"] == {"$ref": "#/components/schemas/ProblemType"}
    assert "urn:bothand:problem:unknown-language" in schemas["ProblemType"]["enum"]


def test_examples_are_real_responses(http: TestClient) -> None:
    """Every example in the document is what the site answers to the request its summary names."""
    doc = http.get("/api/v1/openapi.json").json()
    replayed = 0
    for item in doc["paths"].values():
        for status, response in item["get"]["responses"].items():
            for content in response.get("content", {}).values():
                for example in content.get("examples", {}).values():
                    method, url = example["summary"].split(" ", 1)
                    answer = http.request(method, url)
                    assert (answer.status_code, answer.json()) == (int(status), example["value"]), url
                    replayed += 1
    assert replayed >= 7  # locales, list, article, oEmbed, and three problems


# ?lang= takes any BCP 47 tag, like Accept-Language -------------------------------------------------

@pytest.mark.parametrize(("asked", "served", "requested"), [
    ("es-MX", "es", "es-MX"), ("es-mx", "es", "es-MX"), ("es-419", "es", "es-419"), ("en-US", "en", "en-US"),
    ("pt", "pt-BR", "pt"), ("zh", "zh-Hans", "zh"), ("zh-CN", "zh-Hans", "zh-CN"), ("zh-TW", "zh-Hant", "zh-TW"),
    ("tl", "fil", "tl"), ("fil-PH", "fil", "fil-PH"), ("ht-HT", "ht", "ht-HT"), ("fa-IR", "fa", "fa-IR"),
])
def test_lang_parameter_takes_any_bcp47_tag(client: TestClient, asked: str, served: str, requested: str) -> None:
    r = client.get(f"/api/v1/articles/{SITE_SLUG}?lang={asked}")
    assert r.status_code == 200
    data: dict[str, Any] = r.json()
    assert (data["lang"], r.headers["content-language"], data["requested_lang"]) == (served, served, requested)
    assert "accept-language" not in r.headers.get("vary", "").lower()  # the URL decided, not a header
    listed = client.get(f"/api/v1/articles?lang={asked}")
    assert listed.json()["lang"] == listed.headers["content-language"] == served


@pytest.mark.parametrize("asked", [UNKNOWN, f"{UNKNOWN}-DE", "x", "12"])
def test_an_unservable_lang_is_a_problem_listing_what_is_served(client: TestClient, asked: str) -> None:
    for url in (f"/api/v1/articles/{SITE_SLUG}?lang={asked}", f"/api/v1/articles?lang={asked}"):
        r = client.get(url)
        assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
        problem = r.json()
        assert problem["type"] == "urn:bothand:problem:unknown-language"
        assert {"en", "es", "fil", "zh-Hant"} <= set(problem["available"])
