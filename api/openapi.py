"""The OpenAPI 3.1 document for /api: the partner contract, kept true by tests/test_openapi.py.

Schemas are JSON Schema 2020-12 (what OpenAPI 3.1 uses), so tests validate real responses
against them with `jsonschema`, and schemathesis generates requests from them.
"""

from __future__ import annotations

from typing import Any

from api import models
from api.crisis import country_codes
from api.errors import PROBLEM_TYPES

PROBLEM_KINDS = [*PROBLEM_TYPES.values(), "unknown-article", "unknown-language", "invalid-parameter",
                 "unknown-parameter", "unsupported-format"]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def components(tags: list[str]) -> dict[str, Any]:
    """The component schemas, generated from the models (api.models); only what JSON Schema cannot
    know from a type is added here: which language tags are served, which problem types exist."""
    schemas = models.schemas()
    schemas["Problem"]["properties"]["type"] = {
        "type": "string", "description": "Stable problem type URI.",
        "enum": [f"urn:bothand:problem:{kind}" for kind in dict.fromkeys(PROBLEM_KINDS)]}
    for name in ("Article", "ArticleList", "Summary"):
        schemas[name]["properties"]["lang"] = {"enum": tags, "description": "The language served (BCP 47)."}
    return schemas


CACHE_HEADERS = {
    "ETag": {"description": "Strong validator; send it back in If-None-Match.", "schema": {"type": "string"}},
    "Cache-Control": {"schema": {"type": "string"}},
}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/problem+json": {"schema": _ref("Problem")}}}


def _ok(schema: str, description: str, language: bool = True) -> dict[str, Any]:
    headers = dict(CACHE_HEADERS)
    if language:
        headers["Content-Language"] = {"schema": {"type": "string"}}
    return {"description": description, "headers": headers,
            "content": {"application/json": {"schema": _ref(schema)}}}


NOT_MODIFIED = {"description": "Not modified: your cached copy (by ETag) is current.", "headers": CACHE_HEADERS}
LANG = {"name": "lang", "in": "query", "required": False, "schema": {"type": "string"},
        "description": "Any BCP 47 tag, matched like Accept-Language (es-MX -> es, zh-TW -> zh-Hant, tl -> fil). "
                       "Wins over Accept-Language. No served match: 404 with the available languages.",
        "examples": {"spanish": {"value": "es"}, "traditional-chinese": {"value": "zh-Hant"}}}
ACCEPT_LANGUAGE = {"name": "Accept-Language", "in": "header", "required": False, "schema": {"type": "string"}}
COUNTRY = {"name": "country", "in": "query", "required": False,
           "schema": {"type": "string", "enum": sorted(country_codes())},
           "description": "The reader's country (ISO 3166-1 alpha-2; lower case is accepted too): the help-now "
                          "block lists that country's lines first, or only the lines for every country if the "
                          "site has none for it. Without it: the lines for every country, then those that "
                          "answer in the article's language."}
IF_NONE_MATCH = {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"}}


CONDITION = {
    "name": "condition", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 50},
    "description": "Only articles about this condition: `icd10cm:CODE` (ICD-10-CM; the code or any ancestor is "
                   "coded: F41.1 finds articles coded F41), `snomed:CONCEPT_ID` (SNOMED CT, exact), "
                   "`icd10:CODE` (WHO ICD-10). Malformed: 400.",
    "examples": {"icd10cm": {"value": "icd10cm:F41.1"}, "snomed": {"value": "snomed:197480006"}},
}
_IB = "HL7 Infobutton URL-based parameter. "
INFOBUTTON = {
    "operationId": "infobutton",
    "summary": "Patient education by diagnosis code (HL7 Infobutton, like MedlinePlus Connect), in every language",
    "description": "An HL7 Context-Aware Knowledge Retrieval (Infobutton) URL-based knowledge request. Answers "
                   "with up to 3 articles coded with the asked code or an ancestor (ICD), or the exact concept "
                   "(SNOMED CT), best first: an Atom feed (default), the same feed as JSON in MedlinePlus "
                   "Connect's shape, or a 303 to the page to read. No match: an empty feed (200). Repeat "
                   "mainSearchCriteria.v.c to ask for several codes (mainSearchCriteria.v.cs once for all, or "
                   "once per code, in order). Other parameters: 400.",
    "parameters": [
        {"name": "mainSearchCriteria.v.c", "in": "query", "required": True,
         "schema": {"type": "string", "maxLength": 32}, "description": _IB + "The code, e.g. F41.1 or 197480006.",
         "examples": {"icd10cm": {"value": "F41.1"}, "snomed": {"value": "197480006"}}},
        {"name": "mainSearchCriteria.v.cs", "in": "query", "required": True,
         "schema": {"enum": ["2.16.840.1.113883.6.90", "2.16.840.1.113883.6.96", "2.16.840.1.113883.6.3"]},
         "description": _IB + "The code system OID: ICD-10-CM (…6.90), SNOMED CT (…6.96), ICD-10 WHO (…6.3)."},
        {"name": "mainSearchCriteria.v.dn", "in": "query", "schema": {"type": "string"},
         "description": _IB + "The code's display name; echoed, not matched."},
        {"name": "informationRecipient.languageCode.c", "in": "query", "schema": {"type": "string"},
         "description": _IB + "The reader's language: any BCP 47 or ISO 639 code (vi, es-MX, spa, zh-TW; `sp`, "
                        "MedlinePlus Connect's code for Spanish). A language not served gets English; "
                        "Content-Language and the feed's lang say which was served. Absent: Accept-Language."},
        {"name": "informationRecipient", "in": "query", "schema": {"enum": ["PAT", "PROV"]},
         "description": _IB + "Who will read it: PAT (patient, default) or PROV (provider)."},
        {"name": "knowledgeResponseType", "in": "query",
         "schema": {"enum": ["text/xml", "application/json", "text/html"], "default": "text/xml"},
         "description": _IB + "text/xml: Atom 1.0; application/json: the feed as JSON; text/html: 303 to the "
                        "article (one match) or its topic page (several), or the reader's not-found page."},
        *({"name": name, "in": "query", "schema": {"type": "string"},
           "description": _IB + "Context an Infobutton manager sends; accepted and not used."}
          for name in ("performer", "taskContext.c.c", "patientPerson.administrativeGenderCode.c", "age.v.v",
                       "age.v.u", "representedOrganization.id.root", "mainSearchCriteria.v.ot")),
        ACCEPT_LANGUAGE,
    ],
    "responses": {
        "200": {"description": "The knowledge response (entries: title, localized page link, summary, language, "
                               "updated)",
                "headers": {**CACHE_HEADERS, "Content-Language": {"schema": {"type": "string"}}},
                "content": {"text/xml": {"schema": {"type": "string"}},
                            "application/json": {"schema": _ref("InfobuttonFeed")}}},
        "303": {"description": "knowledgeResponseType=text/html: the page to read",
                "headers": {"Location": {"schema": {"type": "string"}}}},
        "400": _problem("A missing, malformed or unsupported parameter (named in `parameter`), or an unknown one"),
        "404": {"description": "knowledgeResponseType=text/html and no article on that code: the reader's "
                               "not-found page", "content": {"text/html": {"schema": {"type": "string"}}}},
    },
}


def document(slugs: list[str], tags: list[str], origin: str) -> dict[str, Any]:
    slug_param = {"name": "slug", "in": "path", "required": True,
                  "schema": {"type": "string"}, "examples": {s: {"value": s} for s in slugs}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Bothand content API",
            "version": "1.0.0",
            "summary": "Mental-health articles in many languages, as typed blocks plus safe HTML.",
            "description": "No key, no tracking, open CORS. Every GET has a strong ETag; send If-None-Match to get "
                           "304. Partners must show the attribution, the translation notice and the crisis block.",
            "license": {"name": "Content: all rights reserved; see each article's license field",
                        "identifier": "LicenseRef-Bothand-Content"},
        },
        "paths": {
            "/api/v1/locales": {"get": {
                "operationId": "listLocales", "summary": "Served languages, with direction and completeness",
                "parameters": [IF_NONE_MATCH],
                "responses": {"200": _ok("LocaleList", "The served locales", language=False),
                              "304": NOT_MODIFIED,
                              "400": _problem("An unknown query parameter was sent")}}},
            "/api/v1/articles": {"get": {
                "operationId": "listArticles", "summary": "Article summaries, paged, for sync",
                "parameters": [
                    LANG, ACCEPT_LANGUAGE, IF_NONE_MATCH,
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000000}},
                    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
                    {"name": "updated_since", "in": "query", "schema": {"type": "string", "format": "date"},
                     "description": "Only articles updated on or after this date."},
                    CONDITION,
                ],
                "responses": {
                    "200": {**_ok("ArticleList", "One page of summaries; Link has first/prev/next/last"),
                            "headers": {**CACHE_HEADERS, "Content-Language": {"schema": {"type": "string"}},
                                        "Link": {"schema": {"type": "string"}}}},
                    "304": NOT_MODIFIED,
                    "400": _problem("A paging or filter parameter is invalid, or unknown"),
                    "404": _problem("The lang parameter names a language that is not served"),
                }}},
            "/api/v1/articles/{slug}": {"get": {
                "operationId": "getArticle", "summary": "One article in one language",
                "parameters": [slug_param, LANG, COUNTRY, ACCEPT_LANGUAGE, IF_NONE_MATCH],
                "responses": {"200": _ok("Article", "The article"), "304": NOT_MODIFIED,
                              "400": _problem("An unknown query parameter was sent, or country is not a "
                                              "country code"),
                              "404": _problem("No such article, or the language is not served")}}},
            "/api/v1/infobutton": {"get": INFOBUTTON},
            "/api/oembed": {"get": {
                "operationId": "oembed", "summary": "oEmbed 1.0 for article URLs (type rich)",
                "parameters": [
                    {"name": "url", "in": "query", "required": True, "schema": {"type": "string", "minLength": 1},
                     "description": "An article page URL on this site, e.g. https://…/es/articles/…"},
                    {"name": "maxwidth", "in": "query", "schema": {"type": "integer", "minimum": 0},
                     "description": "The most pixels wide the embed may be (an upper bound: the returned `width` and "
                                    "the iframe's width attribute never exceed it). Values below 50 count as 50; "
                                    "without it the iframe fills its column (`width=\"100%\"`)."},
                    {"name": "maxheight", "in": "query", "schema": {"type": "integer", "minimum": 0},
                     "description": "The most pixels tall the iframe may be (an upper bound, like maxwidth; below 50 "
                                    "counts as 50). The optional resize script may still grow it to fit its content."},
                    {"name": "format", "in": "query", "schema": {"enum": ["json"]}},
                    {**COUNTRY, "description": "The reader's country (ISO 3166-1 alpha-2): the embed shows "
                                               "that country's help-now block (its URL gets ?country=)."},
                    IF_NONE_MATCH,
                ],
                "responses": {"200": _ok("OEmbed", "Embed HTML for the article", language=False),
                              "304": NOT_MODIFIED,
                              "400": _problem("A parameter is missing or invalid"),
                              "404": _problem("The URL is not an article on this site"),
                              "501": _problem("format=xml: oEmbed's XML format is not offered")}}},
        },
        "servers": [{"url": origin, "description": "This site"}],
        "components": {"schemas": components(tags)},
    }
