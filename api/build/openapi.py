"""The OpenAPI 3.1 document for /api: the partner contract, kept true by tests/test_openapi.py.

Schemas are JSON Schema 2020-12 (what OpenAPI 3.1 uses), so tests validate real responses
against them with `jsonschema`, and schemathesis generates requests from them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from api.core import models
from api.core.countries import country_codes
from api.core.problems import PROBLEM_TYPES, Problem, unknown_article, unknown_language
from api.core.routes import BY_NAME, path
from api.sources.content import SLUG_PATTERN

PROBLEM_KINDS = [*PROBLEM_TYPES.values(), "unknown-article", "unknown-language", "invalid-parameter",
                 "unknown-parameter", "unsupported-format"]

ROUTE = {name: route.path for name, route in BY_NAME.items()}  # OpenAPI writes paths as Starlette does


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def components(tags: list[str]) -> dict[str, Any]:
    """The component schemas, generated from the models (api.core.models); only what JSON Schema cannot
    know from a type is added here: which language tags are served, which problem types exist."""
    schemas = models.schemas()
    schemas["ProblemType"] = {
        "title": "ProblemType", "type": "string",
        "description": "Stable problem type URI (RFC 9457 `type`): what went wrong, for code to branch on.",
        "enum": [f"urn:bothand:problem:{kind}" for kind in dict.fromkeys(PROBLEM_KINDS)],
        # Names for generated enums (openapi-python-client, openapi-generator): UNKNOWN_LANGUAGE, not URN...
        "x-enum-varnames": [kind.upper().replace("-", "_") for kind in dict.fromkeys(PROBLEM_KINDS)]}
    schemas["Problem"]["properties"]["type"] = _ref("ProblemType")
    schemas["ServedLanguage"] = {"title": "ServedLanguage", "type": "string", "enum": tags,
                                 "description": "A language this site serves (BCP 47 tag)."}
    for name in ("Article", "ArticleList", "Summary"):
        schemas[name]["properties"]["lang"] = {**_ref("ServedLanguage"), "description": "The language served."}
    # Enums the models spell inline in several places: one named type each, so a generated client has
    # one `Direction` (not `ArticleDir`, `SummaryDir`, ...).
    _share(schemas, "Direction", {"enum": ["ltr", "rtl"]}, "Writing direction of the language.")
    _share(schemas, "ReviewState", {"enum": ["source", "draft", "reviewed", "outdated"]},
           "source: the English original; draft: not reviewed by a qualified translator; reviewed: reviewed "
           "for this English text; outdated: reviewed, but the English changed since.")
    if "Completeness" in schemas:
        schemas["Completeness"].setdefault("description", "How complete a language's catalogs are: the articles "
                                                          "(content) and the interface (ui).")
    return schemas


def _share(schemas: dict[str, Any], name: str, inline: dict[str, Any], description: str) -> None:
    """Replace every inline occurrence of `inline` with a reference to a new component `name`."""
    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            bare = {k: v for k, v in node.items() if k != "description"}
            if list(bare) == ["enum"] and sorted(bare["enum"]) == sorted(inline["enum"]):
                return _ref(name) if "description" not in node else {**_ref(name), "description": node["description"]}
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    for key, schema in list(schemas.items()):
        schemas[key] = walk(schema)
    schemas[name] = {"title": name, "type": "string", **inline, "description": description}


CACHE_HEADERS = {
    "ETag": {"description": "Strong validator; send it back in If-None-Match.", "schema": {"type": "string"}},
    "Cache-Control": {"description": "How long a cache may reuse the response (public, max-age, "
                                     "stale-while-revalidate).", "schema": {"type": "string"}},
}
CONTENT_LANGUAGE = {"description": "The language served (BCP 47), as in the body's `lang`.",
                    "schema": {"type": "string"}}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/problem+json": {"schema": _ref("Problem")}}}


def _ok(schema: str, description: str, language: bool = True) -> dict[str, Any]:
    headers = dict(CACHE_HEADERS)
    if language:
        headers["Content-Language"] = CONTENT_LANGUAGE
    return {"description": description, "headers": headers,
            "content": {"application/json": {"schema": _ref(schema)}}}


NOT_MODIFIED = {"description": "Not modified: your cached copy (by ETag) is current.", "headers": CACHE_HEADERS}
LANG = {"name": "lang", "in": "query", "required": False, "schema": {"type": "string"},
        "description": "Any BCP 47 tag, matched like Accept-Language (es-MX -> es, zh-TW -> zh-Hant, tl -> fil). "
                       "Wins over Accept-Language. No served match: 404 with the available languages.",
        "examples": {"spanish": {"value": "es"}, "traditional-chinese": {"value": "zh-Hant"}}}
ACCEPT_LANGUAGE = {"name": "Accept-Language", "in": "header", "required": False, "schema": {"type": "string"},
                   "description": "The reader's languages (RFC 9110, q-values). Used when there is no lang "
                                  "parameter; the response then says `Vary: Accept-Language`. No match: English."}


def _country() -> dict[str, Any]:
    """Built on use: the enum is Babel's CLDR territory list, which importing this module should not load."""
    return {"name": "country", "in": "query", "required": False,
            "schema": {"type": "string", "enum": sorted(country_codes())},
            "description": "The reader's country (ISO 3166-1 alpha-2; lower case is accepted too): the help-now "
                           "block lists that country's lines first, or only the lines for every country if the "
                           "site has none for it. Without it: the lines for every country, then those that "
                           "answer in the article's language."}


IF_NONE_MATCH = {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"},
                 "description": "The ETag of your cached copy: 304 with no body when it is still current."}


CONDITION = {
    "name": "condition", "in": "query", "required": False,
    "schema": {"type": "string", "maxLength": 50,
               "pattern": r"^(icd10cm|icd10):[A-Za-z][0-9][0-9A-Za-z](\.?[0-9A-Za-z]{1,4})?$"
                          r"|^snomed:[1-9][0-9]{5,17}$"},
    "description": "Only articles about this condition: `icd10cm:CODE` (ICD-10-CM; the code or any ancestor is "
                   "coded: F41.1 finds articles coded F41), `snomed:CONCEPT_ID` (SNOMED CT, exact), "
                   "`icd10:CODE` (WHO ICD-10). Malformed (including a SNOMED CT id whose Verhoeff check digit "
                   "is wrong): 400.",
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
         "schema": {"type": "string", "maxLength": 32,
                    "pattern": r"^([A-Za-z][0-9][0-9A-Za-z](\.?[0-9A-Za-z]{1,4})?|[1-9][0-9]{5,17})$"},
         "description": _IB + "The code, e.g. F41.1 or 197480006. It must fit its code system (ICD: letter, digit, "
                        "letter or digit, then up to 4 after a dot; SNOMED CT: a concept id with a valid Verhoeff "
                        "check digit), or the answer is 400.",
         "examples": {"icd10cm": {"value": "F41.1"}, "snomed": {"value": "197480006"}}},
        {"name": "mainSearchCriteria.v.cs", "in": "query", "required": True,
         "schema": {"enum": ["2.16.840.1.113883.6.90", "2.16.840.1.113883.6.96", "2.16.840.1.113883.6.3"]},
         "description": _IB + "The code system OID: ICD-10-CM (…6.90), SNOMED CT (…6.96), ICD-10 WHO (…6.3)."},
        {"name": "mainSearchCriteria.v.dn", "in": "query", "schema": {"type": "string"},
         "description": _IB + "The code's display name; echoed, not matched."},
        {"name": "informationRecipient.languageCode.c", "in": "query",
         "schema": {"type": "string", "maxLength": 35, "pattern": "^[A-Za-z]{1,8}([-_][A-Za-z0-9]{1,8})*$"},
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


def document(slugs: list[str], tags: list[str], origin: str,
             examples: Mapping[str, tuple[str, Any]] | None = None, contact_email: str | None = None) -> dict[str, Any]:
    """The document. `examples`: component name -> (the request, the JSON the site answers to it), taken
    by the build from real responses; each 200 whose schema is that component shows it."""
    slug_param = {"name": "slug", "in": "path", "required": True,
                  "schema": {"type": "string", "pattern": SLUG_PATTERN, "maxLength": 120},
                  "examples": {s: {"value": s} for s in slugs}}
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "Bothand content API",
            "version": "1.0.0",
            "summary": "Mental-health articles in many languages, as typed blocks plus safe HTML.",
            "description": "No key, no tracking, open CORS. Every GET has a strong ETag; send If-None-Match to get "
                           "304. Partners must show the attribution, the translation notice and the crisis block.",
            "license": {"name": "Content: all rights reserved; see each article's license field"},
        },
        "paths": {
            ROUTE["locales"]: {"get": {
                "operationId": "listLocales", "summary": "Served languages, with direction and completeness",
                "parameters": [IF_NONE_MATCH],
                "responses": {"200": _ok("LocaleList", "The served locales", language=False),
                              "304": NOT_MODIFIED,
                              "400": _problem("An unknown query parameter was sent")}}},
            ROUTE["api_articles"]: {"get": {
                "operationId": "listArticles", "summary": "Article summaries, paged, for sync",
                "parameters": [
                    LANG, ACCEPT_LANGUAGE, IF_NONE_MATCH,
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000000}},
                    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
                    {"name": "updated_since", "in": "query", "schema": {"type": "string", "format": "date"},
                     "description": "Only articles whose `updated` in this language is on or after this date (a "
                                    "changed translation moves its language's date). ISO 8601 date."},
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
            ROUTE["api_article"]: {"get": {
                "operationId": "getArticle", "summary": "One article in one language",
                "parameters": [slug_param, LANG, _country(), ACCEPT_LANGUAGE, IF_NONE_MATCH],
                "responses": {"200": _ok("Article", "The article"), "304": NOT_MODIFIED,
                              "400": _problem("An unknown query parameter was sent, or country is not a "
                                              "country code"),
                              "404": _problem("No such article, or the language is not served")}}},
            ROUTE["infobutton"]: {"get": INFOBUTTON},
            ROUTE["oembed"]: {"get": {
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
                    {**_country(), "description": "The reader's country (ISO 3166-1 alpha-2): the embed shows "
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
    return finish(doc, origin, tags, examples or {}, contact_email)


# What the document says about each operation and parameter, for people and for generated clients
# (and so Redocly's `recommended` and Spectral's `spectral:oas` rules pass): tags, descriptions,
# contact, license URL, an explicit empty `security` (no key, ever), and examples from real responses.
TAGS = [  # alphabetical, as Spectral asks
    {"name": "Articles", "description": "Articles as typed blocks plus safe HTML, in every language; "
                                        "paged lists to sync from."},
    {"name": "Clinical decision support", "description": "HL7 Infobutton: patient education by diagnosis code."},
    {"name": "Embeds", "description": "oEmbed: the iframe code a portal can paste for any article page."},
    {"name": "Languages", "description": "Which languages are served, and how complete each one is."},
]
OPERATIONS: dict[str, tuple[str, str]] = {  # operationId -> (tag, description)
    "listLocales": ("Languages", "Every served language: its BCP 47 tag, gettext folder, autonym, direction, "
                                 "how much of the articles and the interface is translated, and the review state "
                                 "of each article's translation. A client needs no other list of languages."),
    "listArticles": ("Articles", "One page of article summaries in one language (lang, else Accept-Language, else "
                                 "English). Page with page and per_page, following the Link header (first, prev, "
                                 "next, last). To sync, ask for updated_since: it compares each article's date in "
                                 "that language, which moves when its translation changes."),
    "getArticle": ("Articles", "One article in one language: typed blocks (every text with the language it is "
                               "really in), one sanitized HTML body, the translation state and the notice to show, "
                               "the same article in every language, attribution, license, and the crisis block "
                               "partners must always show. `requested_lang` is what was asked (normalized); "
                               "`lang` and Content-Language are what was served."),
    "oembed": ("Embeds", "oEmbed 1.0 (type rich) for an article page URL on this site: an iframe of the embed "
                         "page (its own lang and dir, no cookies) and an optional script that sizes it. maxwidth "
                         "and maxheight are upper bounds the iframe respects."),
    "infobutton": ("Clinical decision support", "HL7 Infobutton knowledge request."),
}
PARAMETERS = {  # (in, name) -> description, for parameters described nowhere else
    ("path", "slug"): "The article's slug: `slug` in a summary, the last segment of its page URL.",
    ("query", "page"): "The page of the list, from 1 (default 1). Beyond the last page: an empty list.",
    ("query", "per_page"): "Summaries per page, 1 to 100 (default 20).",
    ("query", "format"): "The oEmbed format: json (the default). xml is not offered (501).",
}


def finish(doc: dict[str, Any], origin: str, tags: list[str],
           examples: Mapping[str, tuple[str, Any]], contact_email: str | None = None) -> dict[str, Any]:
    info = doc["info"]
    developers = origin + path("page", lang="en", page="developers")  # the English page: the document is English
    info["contact"] = {"name": "Bothand for developers and clinics", "url": developers,
                       **({"email": contact_email} if contact_email else {})}
    info["license"] = {"name": "Content: all rights reserved; partners may show articles unchanged, on the terms "
                               "linked here (each article's `license` field says the same)",
                       "url": f"{developers}#terms"}
    doc["security"] = []  # no API key, no login: every operation is public
    doc["tags"] = TAGS
    # The problems the site answers to these very requests (tests replay every example's request).
    slug = next(iter(doc["paths"][ROUTE["api_article"]]["get"]["parameters"][0]["examples"]), "example")
    problems: dict[str, list[tuple[str, Problem]]] = {
        "getArticle": [(path("api_article", slug="no-such-article"), unknown_article("no-such-article")),
                       (path("api_article", slug=slug, lang="qaa"), unknown_language("qaa", tags))],
        "listArticles": [(path("api_articles", lang="qaa"), unknown_language("qaa", tags))],
    }
    for item in doc["paths"].values():
        op = item["get"]
        tag, description = OPERATIONS.get(op["operationId"], ("Articles", ""))
        op.setdefault("tags", [tag])
        if description:
            op.setdefault("description", description)
        for param in op.get("parameters", []):
            param.setdefault("description", PARAMETERS.get((param["in"], param["name"]), ""))
        for status, response in op["responses"].items():
            for media, content in response.get("content", {}).items():
                name = content["schema"].get("$ref", "").rsplit("/", 1)[-1]
                if media == "application/json" and name in examples:
                    request, value = examples[name]
                    content["examples"] = {name: {"summary": f"GET {request}", "value": value}}
                elif media == "application/problem+json" and status == "404" and op["operationId"] in problems:
                    content["examples"] = {
                        problem.kind: {"summary": f"GET {request}", "value": problem.as_json(request.split("?")[0])}
                        for request, problem in problems[op["operationId"]]}
    return doc
