"""The OpenAPI 3.1 document for /api: the partner contract, kept true by tests/test_openapi.py.

Schemas are JSON Schema 2020-12 (what OpenAPI 3.1 uses), so tests validate real responses
against them with `jsonschema`, and schemathesis generates requests from them.
"""

from __future__ import annotations

from typing import Any

from api import models
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
IF_NONE_MATCH = {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"}}


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
                "parameters": [slug_param, LANG, ACCEPT_LANGUAGE, IF_NONE_MATCH],
                "responses": {"200": _ok("Article", "The article"), "304": NOT_MODIFIED,
                              "400": _problem("An unknown query parameter was sent"),
                              "404": _problem("No such article, or the language is not served")}}},
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
