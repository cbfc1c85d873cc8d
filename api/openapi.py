"""The OpenAPI 3.1 document for /api: the partner contract, kept true by tests/test_openapi.py.

Schemas are JSON Schema 2020-12 (what OpenAPI 3.1 uses), so tests validate real responses
against them with `jsonschema`, and schemathesis generates requests from them.
"""

from __future__ import annotations

from typing import Any

from api.errors import PROBLEM_TYPES
from api.locales import LOCALES

TAGS = [loc.tag for loc in LOCALES]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


TEXT = {
    "type": "object",
    "description": "A piece of text: plain `text`, sanitized inline `html`, and the BCP 47 `lang` it is really in "
                   "(`en` where a translation is missing).",
    "required": ["text", "html", "lang"],
    "properties": {"text": {"type": "string"}, "html": {"type": "string"}, "lang": {"type": "string"}},
    "additionalProperties": False,
}

STAT_FIELDS = ("total", "translated", "fuzzy", "untranslated", "invalid", "obsolete", "percent")
STATS: dict[str, Any] = {
    "type": "object",
    "required": list(STAT_FIELDS),
    "properties": {k: {"type": "integer", "minimum": 0} for k in STAT_FIELDS},
}

TRANSLATION = {
    "type": "object",
    "required": ["source_lang", "review", "segments_in_english", "percent"],
    "properties": {
        "source_lang": {"type": "string"},
        "review": {"enum": ["source", "draft", "reviewed", "outdated"],
                   "description": "draft: not yet reviewed by a qualified translator; outdated: reviewed, but the "
                                  "English has changed since."},
        "segments_in_english": {"type": "integer", "minimum": 0},
        **STATS["properties"],
    },
}

BLOCK = {
    "oneOf": [
        {"type": "object", "required": ["type", "level", "text"],
         "properties": {"type": {"const": "heading"}, "level": {"type": "integer", "minimum": 2, "maximum": 6},
                        "text": _ref("Text")}},
        {"type": "object", "required": ["type", "text"],
         "properties": {"type": {"const": "paragraph"}, "text": _ref("Text")}},
        {"type": "object", "required": ["type", "ordered", "items"],
         "properties": {"type": {"const": "list"}, "ordered": {"type": "boolean"},
                        "items": {"type": "array", "items": _ref("Text")}}},
        {"type": "object", "required": ["type", "caption", "columns", "rows"],
         "properties": {"type": {"const": "table"}, "caption": _ref("Text"),
                        "columns": {"type": "array", "items": _ref("Text")},
                        "rows": {"type": "array", "items": {"type": "array", "items": _ref("Text")}}}},
        {"type": "object", "required": ["type", "paragraphs"],
         "properties": {"type": {"const": "quote"}, "paragraphs": {"type": "array", "items": _ref("Text")}}},
        {"type": "object", "required": ["type", "level", "items"],
         "properties": {"type": {"const": "faq"}, "level": {"type": "integer"},
                        "items": {"type": "array", "items": {
                            "type": "object", "required": ["question", "answer"],
                            "properties": {"question": _ref("Text"),
                                           "answer": {"type": "array", "items": _ref("Text")}}}}}},
    ]
}

URLS = {
    "type": "object",
    "required": ["json", "html", "embed"],
    "properties": {k: {"type": "string", "format": "uri"} for k in ("json", "html", "embed")},
}

CRISIS_TEXT = {"type": "object", "required": ["text", "lang"],
               "properties": {"text": {"type": "string"}, "lang": {"type": "string"}}}
CRISIS = {
    "type": "object",
    "description": "Help-now resources. Partners must show them with the article.",
    "required": ["heading", "resources"],
    "properties": {
        "heading": CRISIS_TEXT,
        "resources": {"type": "array", "items": {
            "type": "object", "required": ["id", "name", "description", "contacts"],
            "properties": {
                "id": {"type": "string"}, "name": CRISIS_TEXT, "description": CRISIS_TEXT,
                "contacts": {"type": "array", "items": {
                    "type": "object", "required": ["kind", "href", "label"],
                    "properties": {"kind": {"enum": ["phone", "sms", "url"]}, "href": {"type": "string"},
                                   "label": CRISIS_TEXT}}},
            }}},
    },
}

NOTICE = {
    "oneOf": [
        {"type": "null"},
        {"type": "object", "required": ["title", "lines", "original"],
         "properties": {"title": {"type": "string"}, "lines": {"type": "array", "items": {"type": "string"}},
                        "original": {"type": "string"}}},
    ],
    "description": "The translation notice partners must show with a translated article (null for English).",
}

DATE = {"type": "string", "format": "date"}

SUMMARY = {
    "type": "object",
    "required": ["slug", "lang", "dir", "title", "summary", "published", "updated", "content_hash", "translation",
                 "urls", "available_languages"],
    "properties": {
        "slug": {"type": "string"}, "lang": {"enum": TAGS}, "dir": {"enum": ["ltr", "rtl"]},
        "title": _ref("Text"), "summary": _ref("Text"), "published": DATE, "updated": DATE,
        "content_hash": {"type": "string", "pattern": "^sha256:[0-9a-f]{64}$",
                         "description": "Changes whenever the served article changes in any way; sync on it."},
        "translation": _ref("Translation"), "urls": _ref("Urls"),
        "available_languages": {"type": "array", "items": {"enum": TAGS}},
    },
}

ARTICLE = {
    "type": "object",
    "required": ["slug", "lang", "requested_lang", "dir", "title", "summary", "published", "updated", "reviewed",
                 "blocks", "html", "translation", "notice", "canonical_url", "urls", "alternates", "content_hash",
                 "license", "attribution", "crisis"],
    "properties": {
        "slug": {"type": "string"}, "lang": {"enum": TAGS},
        "requested_lang": {"type": ["string", "null"],
                           "description": (
                               "The language asked for, normalized (BCP 47 case): the lang parameter, else "
                               "the Accept-Language range that chose the language; null when nothing was asked.")},
        "dir": {"enum": ["ltr", "rtl"]},
        "title": _ref("Text"), "summary": _ref("Text"),
        "published": DATE, "updated": DATE, "reviewed": {"oneOf": [DATE, {"type": "null"}]},
        "blocks": {"type": "array", "items": _ref("Block")},
        "html": {"type": "string", "description": "The whole body as one sanitized HTML fragment."},
        "translation": _ref("Translation"), "notice": _ref("Notice"),
        "canonical_url": {"type": "string", "format": "uri"}, "urls": _ref("Urls"),
        "alternates": {"type": "array", "items": {
            "type": "object", "required": ["lang", "hreflang", "autonym", "dir", "percent", "json", "html", "embed"],
            "properties": {"lang": {"enum": TAGS}, "hreflang": {"enum": TAGS}, "autonym": {"type": "string"},
                           "dir": {"enum": ["ltr", "rtl"]}, "percent": {"type": "integer"},
                           "json": {"type": "string"}, "html": {"type": "string"}, "embed": {"type": "string"}}}},
        "content_hash": {"type": "string", "pattern": "^sha256:[0-9a-f]{64}$"},
        "license": {"type": "string"},
        "attribution": {"type": "object", "required": ["text", "lang", "url", "site"],
                        "properties": {"text": {"type": "string"}, "lang": {"type": "string"},
                                       "url": {"type": "string"}, "site": {"type": "string"}}},
        "crisis": _ref("Crisis"),
    },
}

LOCALE = {
    "type": "object",
    "required": ["tag", "gettext", "autonym", "english_name", "dir", "source", "home_url", "completeness", "review"],
    "properties": {
        "tag": {"enum": TAGS}, "gettext": {"type": "string"}, "autonym": {"type": "string"},
        "english_name": {"type": "string"}, "dir": {"enum": ["ltr", "rtl"]}, "source": {"type": "boolean"},
        "home_url": {"type": "string"},
        "completeness": {"type": "object", "required": ["content", "ui"],
                         "properties": {"content": _ref("Stats"), "ui": _ref("Stats")}},
        "review": {"type": "object", "additionalProperties": {"enum": ["source", "draft", "reviewed", "outdated"]}},
    },
}

PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "description": "Stable: " + ", ".join(
            f"urn:bothand:problem:{k}" for k in
            [*PROBLEM_TYPES.values(), "unknown-article", "unknown-language", "invalid-parameter",
             "unknown-parameter", "unsupported-format"])},
        "title": {"type": "string"}, "status": {"type": "integer"}, "detail": {"type": "string"},
        "instance": {"type": "string"},
        "available": {"type": "array", "items": {"type": "string"}},
        "parameter": {"type": "string"},
        "accepted": {"type": "array", "items": {"type": "string"}},
    },
}

OEMBED = {
    "type": "object",
    "required": ["version", "type", "title", "provider_name", "provider_url", "html", "width", "height"],
    "properties": {"version": {"const": "1.0"}, "type": {"const": "rich"}, "title": {"type": "string"},
                   "provider_name": {"type": "string"}, "provider_url": {"type": "string"},
                   "html": {"type": "string"}, "width": {"type": "integer"}, "height": {"type": "integer"},
                   "cache_age": {"type": "integer"}},
}

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


def document(slugs: list[str]) -> dict[str, Any]:
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
                    {"name": "maxwidth", "in": "query", "schema": {"type": "integer", "minimum": 50, "maximum": 10000}},
                    {"name": "maxheight", "in": "query",
                     "schema": {"type": "integer", "minimum": 50, "maximum": 10000}},
                    {"name": "format", "in": "query", "schema": {"enum": ["json"]}},
                    IF_NONE_MATCH,
                ],
                "responses": {"200": _ok("OEmbed", "Embed HTML for the article", language=False),
                              "304": NOT_MODIFIED,
                              "400": _problem("A parameter is missing or invalid"),
                              "404": _problem("The URL is not an article on this site"),
                              "501": _problem("format=xml: oEmbed's XML format is not offered")}}},
        },
        "components": {"schemas": {
            "Text": TEXT, "Stats": STATS, "Translation": TRANSLATION, "Block": BLOCK, "Urls": URLS,
            "Crisis": CRISIS, "Notice": NOTICE, "Summary": SUMMARY, "Article": ARTICLE, "Locale": LOCALE,
            "Problem": PROBLEM, "OEmbed": OEMBED,
            "LocaleList": {"type": "object", "required": ["locales"],
                           "properties": {"locales": {"type": "array", "items": _ref("Locale")}}},
            "ArticleList": {"type": "object", "required": ["lang", "page", "per_page", "total", "articles"],
                            "properties": {"lang": {"enum": TAGS}, "page": {"type": "integer"},
                                           "per_page": {"type": "integer"}, "total": {"type": "integer"},
                                           "articles": {"type": "array", "items": _ref("Summary")}}},
        }},
    }
