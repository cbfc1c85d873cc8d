"""HL7 Infobutton requests as a clinic's EHR sends them (the MedlinePlus Connect way), and ?condition=."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import feedparser
import pytest
from jsonschema import Draft202012Validator
from starlette.testclient import TestClient

from api.app import create_app
from api.core.settings import ROOT, Settings
from tests.conftest import BASE, FAST_BROTLI, SLUG, add_conditions
from tests.conftest import SITE_LOCALES as LOCALES

PROBLEM = "application/problem+json"
ICD10CM = "2.16.840.1.113883.6.90"
SNOMED = "2.16.840.1.113883.6.96"
ICD9CM = "2.16.840.1.113883.6.103"
ANXIETY = [(ICD10CM, "F41.1"), (SNOMED, "197480006")]


def infobutton(code: str, system: str, lang: str | None = None, response_type: str | None = None,
               **extra: str) -> str:
    """The request a MedlinePlus Connect client sends, pointed at us (same parameter names and order)."""
    params = {"mainSearchCriteria.v.cs": system, "mainSearchCriteria.v.c": code}
    if lang:
        params["informationRecipient.languageCode.c"] = lang
    if response_type:
        params["knowledgeResponseType"] = response_type
    return "/api/v1/infobutton?" + urlencode({**params, **extra})


def medlineplus_client(payload: dict[str, Any]) -> list[dict[str, str]]:
    """What MedlinePlus Connect JSON clients read, written the way public clients do: `feed.entry`
    (a list, or one object), each `title._value`, `summary._value` and `link[0].href` (e.g. the Python
    ingester that calls https://connect.medlineplus.gov/service with mainSearchCriteria.v.cs=
    2.16.840.1.113883.6.90 and knowledgeResponseType=application/json, and a JavaScript client reading
    `response.data.feed.entry[0].title._value`). It must run unchanged on their answers and on ours."""
    entries = ((payload.get("feed") or {}).get("entry")) or []
    if isinstance(entries, dict):
        entries = [entries]
    out = []
    for entry in entries:
        title = entry.get("title")
        summary = entry.get("summary")
        links = entry.get("link", [])
        if isinstance(links, dict):
            links = [links]
        hrefs = [str(link.get("href") or link.get("_href")) for link in links if isinstance(link, dict)]
        out.append({
            "title": str(title.get("_value", "")) if isinstance(title, dict) else str(title or ""),
            "summary": str(summary.get("_value", "")) if isinstance(summary, dict) else str(summary or ""),
            "link": hrefs[0] if hrefs else "",
        })
    return out


# A MedlinePlus Connect JSON answer, in the shape its service returned for an ICD-10-CM request
# (feed.title/subtitle {type, _value}; entry.title {_value, type}; link [{href, rel}]; id, updated {_value}).
MEDLINEPLUS_SHAPE = {"feed": {
    "base": "https://medlineplus.gov/", "lang": "en", "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "title": {"type": "text", "_value": "MedlinePlus Connect"}, "updated": {"_value": "2026-10-08T13:38:08Z"},
    "id": {"_value": ""}, "author": {"name": {"_value": "U.S. National Library of Medicine"},
                                     "uri": {"_value": "https://www.nlm.nih.gov"}},
    "subtitle": {"type": "text", "_value": "MedlinePlus Connect results for ICD-10-CM F41.1"},
    "category": [{"scheme": "mainSearchCriteria.v.c", "term": "F41.1"}],
    "entry": [{"title": {"_value": "Anxiety", "type": "text"},
               "link": [{"href": "https://medlineplus.gov/anxiety.html", "rel": "alternate"}],
               "id": {"_value": "tag: medlineplus.gov, 2026-08-10:/anxiety.html"},
               "summary": {"type": "html", "_value": "<p>Fear and worry.</p>"},
               "updated": {"_value": "2026-10-08T13:38:08Z"}}],
}}


def test_the_client_reads_a_medlineplus_shaped_answer() -> None:
    assert medlineplus_client(MEDLINEPLUS_SHAPE) == [
        {"title": "Anxiety", "summary": "<p>Fear and worry.</p>", "link": "https://medlineplus.gov/anxiety.html"}]


def _article(client: TestClient, lang: str) -> dict[str, Any]:
    data: dict[str, Any] = client.get(f"/api/v1/articles/{SLUG}?lang={lang}").json()
    return data


@pytest.mark.parametrize("lang", ["vi", "ar", "es"])
@pytest.mark.parametrize(("system", "code"), ANXIETY)
def test_atom_answer_has_the_localized_article(client: TestClient, lang: str, system: str, code: str) -> None:
    article = _article(client, lang)
    r = client.get(infobutton(code, system, lang))
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/xml")
    assert r.headers["content-language"] == lang
    feed = feedparser.parse(r.content)
    assert not feed.bozo, feed.get("bozo_exception")  # well-formed Atom
    assert feed.version == "atom10"
    assert feed.feed.language == lang
    assert len(feed.entries) == 1
    entry = feed.entries[0]
    assert entry.title == article["title"]["text"] != ""
    assert entry.title_detail.language == article["title"]["lang"] == lang
    assert entry.link == f"{BASE}/{lang}/articles/{SLUG}"
    assert entry.summary == article["summary"]["text"]
    assert entry.summary_detail.language == article["summary"]["lang"] == lang
    assert entry.links[0].hreflang == lang and entry.links[0].type == "text/html"
    assert entry.updated.startswith(article["updated"])
    assert {"mainSearchCriteria.v.c", "informationRecipient.languageCode.c"} <= {t.scheme for t in feed.feed.tags}


@pytest.mark.parametrize("lang", ["vi", "ar", "es"])
@pytest.mark.parametrize(("system", "code"), ANXIETY)
def test_json_answer_passes_a_medlineplus_client_unchanged(client: TestClient, lang: str, system: str,
                                                          code: str) -> None:
    article = _article(client, lang)
    r = client.get(infobutton(code, system, lang, "application/json"))
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert r.headers["content-language"] == lang
    payload = r.json()
    assert medlineplus_client(payload) == [{"title": article["title"]["text"], "summary": article["summary"]["text"],
                                            "link": f"{BASE}/{lang}/articles/{SLUG}"}]
    assert payload["feed"]["lang"] == payload["feed"]["entry"][0]["lang"] == lang
    # The same structure as MedlinePlus's: every key their answer has, ours has (xsi aside: an XML artefact).
    assert set(MEDLINEPLUS_SHAPE["feed"]) - {"xsi"} <= set(payload["feed"])
    assert set(MEDLINEPLUS_SHAPE["feed"]["entry"][0]) <= set(payload["feed"]["entry"][0])


def test_json_answer_matches_its_openapi_schema(client: TestClient) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    operation = doc["paths"]["/api/v1/infobutton"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {
        "mainSearchCriteria.v.c", "mainSearchCriteria.v.cs", "mainSearchCriteria.v.dn",
        "informationRecipient.languageCode.c", "informationRecipient", "knowledgeResponseType"}
    schema = {**doc["components"]["schemas"]["InfobuttonFeed"], "components": doc["components"]}
    for lang in ("en", "fa"):
        Draft202012Validator(schema).validate(client.get(infobutton("F41.1", ICD10CM, lang, "application/json")).json())


@pytest.mark.parametrize("lang", ["vi", "ar", "es"])
def test_text_html_redirects_to_the_localized_page(client: TestClient, lang: str) -> None:
    r = client.get(infobutton("F41.1", ICD10CM, lang, "text/html"), follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == f"{BASE}/{lang}/articles/{SLUG}"
    page = client.get(r.headers["location"])
    assert page.status_code == 200 and f'lang="{lang}"' in page.text


@pytest.mark.parametrize("code", ["F41.1", "f411", "F41", "F43.10", "F33.2", "F90.0", "F31.81"])
def test_icd10cm_codes_find_the_article_through_their_category(client: TestClient, code: str) -> None:
    entries = client.get(infobutton(code, ICD10CM, "es", "application/json")).json()["feed"]["entry"]
    assert [e["link"][0]["href"] for e in entries] == [f"{BASE}/es/articles/{SLUG}"]


@pytest.mark.parametrize(("code", "system"), [("J45.909", ICD10CM), ("F40.1", ICD10CM), ("195967001", SNOMED),
                                              ("21897009", SNOMED)])
def test_a_code_with_no_article_gets_an_empty_feed(client: TestClient, code: str, system: str) -> None:
    r = client.get(infobutton(code, system, "vi"))
    assert r.status_code == 200
    feed = feedparser.parse(r.content)
    assert not feed.bozo and feed.entries == [] and feed.feed.title == "Bothand"
    data = client.get(infobutton(code, system, "vi", "application/json")).json()
    assert data["feed"]["entry"] == [] and medlineplus_client(data) == []


def test_text_html_with_no_article_is_the_readers_not_found_page(client: TestClient) -> None:
    r = client.get(infobutton("J45.909", ICD10CM, "ar", "text/html"), follow_redirects=False)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html") and '<html lang="ar" dir="rtl"' in r.text


@pytest.mark.parametrize(("query", "parameter"), [
    ({"mainSearchCriteria.v.cs": ICD9CM, "mainSearchCriteria.v.c": "300.02"}, "mainSearchCriteria.v.cs"),
    ({"mainSearchCriteria.v.cs": "snomed", "mainSearchCriteria.v.c": "197480006"}, "mainSearchCriteria.v.cs"),
    ({"mainSearchCriteria.v.cs": ICD10CM, "mainSearchCriteria.v.c": "300.02"}, "mainSearchCriteria.v.c"),
    ({"mainSearchCriteria.v.cs": ICD10CM, "mainSearchCriteria.v.c": "F41.1.2"}, "mainSearchCriteria.v.c"),
    ({"mainSearchCriteria.v.cs": SNOMED, "mainSearchCriteria.v.c": "197480007"}, "mainSearchCriteria.v.c"),
    ({"mainSearchCriteria.v.cs": SNOMED, "mainSearchCriteria.v.c": "F41.1"}, "mainSearchCriteria.v.c"),
    ({"mainSearchCriteria.v.cs": ICD10CM}, "mainSearchCriteria.v.c"),
    ({"mainSearchCriteria.v.c": "F41.1"}, "mainSearchCriteria.v.cs"),
    ({"mainSearchCriteria.v.cs": ICD10CM, "mainSearchCriteria.v.c": "F41.1", "knowledgeResponseType": "text/plain"},
     "knowledgeResponseType"),
    ({"mainSearchCriteria.v.cs": ICD10CM, "mainSearchCriteria.v.c": "F41.1", "informationRecipient": "CAREGIVER"},
     "informationRecipient"),
    ({"mainSearchCriteria.v.cs": ICD10CM, "mainSearchCriteria.v.c": "F41.1",
      "informationRecipient.languageCode.c": "Vietnamese!"}, "informationRecipient.languageCode.c"),
    ({"mainSearchCriteria.v.cs": ICD10CM, "mainSearchCriteria.v.c": "F41.1", "mainSearchCriteria.c": "F41.1"},
     "mainSearchCriteria.c"),
    ({"mainSearchCriteria.v.cs": ICD10CM, "mainSearchCriteria.v.c": "F41.1", "lang": "es"}, "lang"),
])
def test_bad_requests_are_400_naming_the_parameter(client: TestClient, query: dict[str, str], parameter: str) -> None:
    r = client.get("/api/v1/infobutton?" + urlencode(query))
    assert r.status_code == 400
    assert r.headers["content-type"] == PROBLEM
    assert r.json()["parameter"] == parameter


def test_a_language_we_do_not_serve_gets_english_and_says_so(client: TestClient) -> None:
    r = client.get(infobutton("F41.1", ICD10CM, "qaa", "application/json"))  # qaa: never served
    assert r.status_code == 200 and r.headers["content-language"] == "en"
    assert r.json()["feed"]["lang"] == "en"
    assert {"scheme": "informationRecipient.languageCode.c", "term": "en"} in r.json()["feed"]["category"]


@pytest.mark.parametrize(("asked", "served"), [("spa", "es"), ("es-MX", "es"), ("zh-TW", "zh-Hant"), ("tl", "fil"),
                                               ("sp", "es"), ("VI", "vi"), ("fas", "fa")])
def test_any_bcp47_or_iso639_language_code_is_matched(client: TestClient, asked: str, served: str) -> None:
    r = client.get(infobutton("197480006", SNOMED, asked, "application/json"))
    assert r.headers["content-language"] == served
    assert r.json()["feed"]["entry"][0]["link"][0]["href"] == f"{BASE}/{served}/articles/{SLUG}"


def test_without_a_language_parameter_accept_language_decides(client: TestClient) -> None:
    r = client.get(infobutton("F41.1", ICD10CM, response_type="application/json"),
                   headers={"Accept-Language": "vi-VN,vi;q=0.9"})
    assert r.headers["content-language"] == "vi" and "Accept-Language" in r.headers["vary"]


def test_context_parameters_an_infobutton_manager_sends_are_accepted(client: TestClient) -> None:
    r = client.get(infobutton("F41.1", ICD10CM, "es", "application/json", informationRecipient="PROV",
                              **{"mainSearchCriteria.v.dn": "Generalized anxiety disorder", "performer": "PROV",
                                 "age.v.v": "34", "age.v.u": "a", "taskContext.c.c": "PROBLISTREV"}))
    assert r.status_code == 200
    categories = {(c["scheme"], c["term"]) for c in r.json()["feed"]["category"]}
    assert ("mainSearchCriteria.v.dn", "Generalized anxiety disorder") in categories
    assert ("informationRecipient", "PROV") in categories


def test_every_locale_answers(client: TestClient) -> None:
    for loc in LOCALES:
        entries = client.get(infobutton("F41.1", ICD10CM, loc.tag, "application/json")).json()["feed"]["entry"]
        assert [e["lang"] for e in entries] == [loc.tag]


def test_unknown_parameter_on_the_article_list_is_400(client: TestClient) -> None:
    r = client.get("/api/v1/articles?mainSearchCriteria.v.c=F32.9")
    assert r.status_code == 400 and r.headers["content-type"] == PROBLEM
    assert r.json()["parameter"] == "mainSearchCriteria.v.c" and "condition" in r.json()["accepted"]


@pytest.mark.parametrize(("condition", "found"), [
    ("icd10cm:F41.1", True), ("icd10cm:f411", True), ("ICD10CM:F43.10", True), ("snomed:197480006", True),
    ("icd10:F41", True), ("icd10cm:J45", False), ("snomed:21897009", False),
])
def test_condition_filters_the_article_list(client: TestClient, condition: str, found: bool) -> None:
    r = client.get("/api/v1/articles?" + urlencode({"lang": "vi", "condition": condition}))
    assert r.status_code == 200
    data = r.json()
    assert [a["slug"] for a in data["articles"]] == ([SLUG] if found else []) and data["total"] == int(found)
    assert "condition=" in r.headers["link"]


@pytest.mark.parametrize("condition", ["F41.1", "icd9:300.02", "snomed:197480007", "icd10cm:", "icd10cm:F4"])
def test_malformed_condition_filter_is_400(client: TestClient, condition: str) -> None:
    r = client.get("/api/v1/articles?" + urlencode({"condition": condition}))
    assert r.status_code == 400 and r.json()["parameter"] == "condition"


def test_articles_carry_their_conditions_with_codes_and_localized_names(client: TestClient) -> None:
    for loc in LOCALES:
        article = _article(client, loc.tag)
        summary = client.get(f"/api/v1/articles?lang={loc.tag}").json()["articles"][0]
        assert article["conditions"] == summary["conditions"]
        ids = [c["id"] for c in article["conditions"]]
        assert ids == ["depression", "anxiety", "adhd", "ptsd", "bipolar", "stress"]
        anxiety = article["conditions"][1]
        assert {"system": "snomed", "oid": SNOMED, "code": "197480006"} in anxiety["codes"]
        assert {"system": "icd10cm", "oid": ICD10CM, "code": "F41"} in anxiety["codes"]
        assert anxiety["url"] == f"{BASE}/{loc.tag}/topics/anxiety"
        assert anxiety["name"]["lang"] in (loc.tag, "en")  # English until the catalog has the name


# Ranking and the cap, over a corpus of several articles ---------------------------------------------

EXTRA_CONDITION = """  - id: gad
    name: Generalized anxiety disorder
    icd10cm: [F41.1]
    snomed: [21897009]
"""


@pytest.fixture
def many(project_copy: Path) -> TestClient:
    """Five articles: two coded `gad` (F41.1), three `anxiety` (F41), one of which is also `ptsd`."""
    conditions = project_copy / "conditions.yaml"
    conditions.write_text((ROOT / "conditions.yaml").read_text("utf-8") + EXTRA_CONDITION, "utf-8")
    add_conditions(project_copy / "content" / f"{SLUG}.md")  # a `conditions:` line for the copies to change
    source = (project_copy / "content" / f"{SLUG}.md").read_text("utf-8")
    (project_copy / "content" / f"{SLUG}.md").unlink()
    for slug, day, ids in [("a-anxiety", "2026-11-01", "anxiety"), ("b-anxiety-ptsd", "2026-11-02", "anxiety, ptsd"),
                           ("c-anxiety", "2026-11-03", "anxiety"), ("d-gad", "2026-10-01", "gad"),
                           ("e-gad", "2026-10-02", "gad")]:
        text = re.sub(r"slug: .*", f"slug: {slug}", source)
        text = re.sub(r"updated: .*", f"updated: {day}", text)
        text = re.sub(r"conditions: .*", f"conditions: [{ids}]", text)
        (project_copy / "content" / f"{slug}.md").write_text(text, "utf-8")
    shutil.rmtree(project_copy / "build", ignore_errors=True)
    settings = Settings(content_dir=project_copy / "content", locales_dir=project_copy / "locales", base_url=BASE,
                        build_folder=project_copy / "build", brotli_quality=FAST_BROTLI, conditions_file=conditions,
                        handouts=False)  # Infobutton answers links to pages: 240 PDFs would be most of this build
    return TestClient(create_app(settings))


def _slugs(client: TestClient, *criteria: tuple[str, str], response_type: str = "application/json") -> list[str]:
    query = [("mainSearchCriteria.v.cs", s) for s, _ in criteria] + [("mainSearchCriteria.v.c", c) for _, c in criteria]
    r = client.get("/api/v1/infobutton?" + urlencode([*query, ("knowledgeResponseType", response_type)]))
    assert r.status_code == 200, r.text
    return [e["link"][0]["href"].rsplit("/", 1)[1] for e in r.json()["feed"]["entry"]]


def test_results_are_ranked_exact_code_first_then_newest_and_capped_at_three(many: TestClient) -> None:
    # F41.1 asked: the two articles coded F41.1 itself first (newest first), then the newest F41 one.
    assert _slugs(many, (ICD10CM, "F41.1")) == ["e-gad", "d-gad", "c-anxiety"]
    # F41 asked: only articles coded F41 (not its descendants), newest first, three at most.
    assert _slugs(many, (ICD10CM, "F41")) == ["c-anxiety", "b-anxiety-ptsd", "a-anxiety"]


def test_several_criteria_rank_articles_answering_more_of_them_first(many: TestClient) -> None:
    assert _slugs(many, (ICD10CM, "F41.9"), (SNOMED, "47505003")) == ["b-anxiety-ptsd", "c-anxiety", "a-anxiety"]
    assert _slugs(many, (SNOMED, "21897009")) == ["e-gad", "d-gad"]


def test_text_html_with_several_matches_goes_to_the_best_topic_page(many: TestClient) -> None:
    r = many.get(infobutton("F41.1", ICD10CM, "fa", "text/html"), follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"{BASE}/fa/topics/gad"
    page = many.get(r.headers["location"])
    assert page.status_code == 200
    assert page.text.count('href="/fa/articles/') == 2  # d-gad and e-gad
