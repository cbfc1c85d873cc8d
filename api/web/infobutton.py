"""HL7 Infobutton (Context-Aware Knowledge Retrieval) for clinics: patient education by diagnosis code.

An EHR or patient portal sends a URL-based knowledge request (HL7 Version 3 Implementation Guide:
URL-Based Implementations of the Context-Aware Knowledge Retrieval (Infobutton) Domain), the way it
calls MedlinePlus Connect::

    /api/v1/infobutton?mainSearchCriteria.v.cs=2.16.840.1.113883.6.90&mainSearchCriteria.v.c=F41.1
        &informationRecipient.languageCode.c=vi&knowledgeResponseType=application/json

and gets up to three articles, best first, in the patient's language: an Atom feed (the
service-oriented IG's knowledge response; ``text/xml``, the default), the same feed as JSON shaped
like MedlinePlus Connect's (``application/json``), or a 303 to the page to read (``text/html``).

Several codes may be asked at once by repeating ``mainSearchCriteria.v.c`` (and ``.v.cs`` once
for all, or once per code, in the same order). This module parses and answers; it reads no request
object, so it is tested without a server.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from api.core import models as m
from api.core.locales import Locale
from api.core.problems import Problem
from api.core.urls import URLs
from api.i18n.negotiation import Negotiator, normalize_tag
from api.sources.conditions import BY_OID, SYSTEMS, Code, Criterion, Score, match_score, normalize, problem

CODE = "mainSearchCriteria.v.c"
SYSTEM = "mainSearchCriteria.v.cs"
DISPLAY = "mainSearchCriteria.v.dn"
LANGUAGE = "informationRecipient.languageCode.c"
RECIPIENT = "informationRecipient"
RESPONSE_TYPE = "knowledgeResponseType"
# Context that Infobutton managers send with every request (HL7 URL-based IG): accepted, not used.
# Articles are written for patients and families; a provider (PROV) gets the same ones.
CONTEXT_PARAMS = ("performer", "taskContext.c.c", "patientPerson.administrativeGenderCode.c", "age.v.v",
                  "age.v.u", "representedOrganization.id.root", "mainSearchCriteria.v.ot")
PARAMS = (CODE, SYSTEM, DISPLAY, LANGUAGE, RECIPIENT, RESPONSE_TYPE, *CONTEXT_PARAMS)
RESPONSE_TYPES = ("text/xml", "application/json", "text/html")
RECIPIENTS = ("PAT", "PROV")
MAX_CRITERIA = 10
MAX_RESULTS = 3  # MedlinePlus Connect answers with up to three topics; so do we
# MedlinePlus Connect's code for Spanish: a client written for it may send it unchanged.
LANGUAGE_ALIASES = {"sp": "es"}
ATOM = "http://www.w3.org/2005/Atom"
SITE_NAME = "Bothand"
EPOCH = dt.date(2026, 1, 1)  # the feed's `updated` when the site has no article at all


@dataclass(frozen=True)
class Request:
    criteria: tuple[Criterion, ...]
    loc: Locale
    vary: bool  # the language came from Accept-Language
    requested_lang: str | None  # what the client asked for, normalized
    recipient: str
    response_type: str
    echo: tuple[tuple[str, str], ...]  # the request's parameters, as the feed's categories


def _one(params: Sequence[tuple[str, str]], name: str) -> str | None:
    values = [v for k, v in params if k == name]
    if len(values) > 1:
        raise Problem(400, f"{name} may be sent once.", kind="invalid-parameter", parameter=name)
    return values[0] if values else None


def parse_criteria(params: Sequence[tuple[str, str]]) -> tuple[Criterion, ...]:
    codes = [v for k, v in params if k == CODE]
    systems = [v for k, v in params if k == SYSTEM]
    displays = [v for k, v in params if k == DISPLAY]
    if not codes:
        raise Problem(400, f"{CODE} is required: the code to find education for, e.g. F41.1.",
                      kind="invalid-parameter", parameter=CODE)
    if len(codes) > MAX_CRITERIA:
        raise Problem(400, f"At most {MAX_CRITERIA} codes may be asked at once.", kind="invalid-parameter",
                      parameter=CODE)
    if not systems:
        raise Problem(400, f"{SYSTEM} is required: the code system's OID, e.g. 2.16.840.1.113883.6.90 for "
                      "ICD-10-CM.", kind="invalid-parameter", parameter=SYSTEM)
    if len(systems) not in (1, len(codes)):
        raise Problem(400, f"Send {SYSTEM} once for every code, or once for all of them.",
                      kind="invalid-parameter", parameter=SYSTEM)
    if displays and len(displays) != len(codes):
        raise Problem(400, f"Send {DISPLAY} once for every code, or not at all.", kind="invalid-parameter",
                      parameter=DISPLAY)
    criteria = []
    for i, raw in enumerate(codes):
        oid = (systems[i] if len(systems) > 1 else systems[0]).strip().removeprefix("urn:oid:")
        system = BY_OID.get(oid)
        if system is None:
            accepted = ", ".join(f"{s.oid} ({s.name})" for s in SYSTEMS.values())
            raise Problem(400, f"Code system {oid[:60]!r} is not supported. Supported: {accepted}.",
                          kind="invalid-parameter", parameter=SYSTEM)
        code = normalize(system, raw)
        if code is None:
            raise Problem(400, problem(system, raw[:40]) + ".", kind="invalid-parameter", parameter=CODE)
        criteria.append(Criterion(Code(system, code), displays[i] if displays else None))
    return tuple(criteria)


def parse(params: Sequence[tuple[str, str]], negotiator: Negotiator, accept_language: str | None) -> Request:
    """A knowledge request from its query parameters (unknown names are refused before this)."""
    criteria = parse_criteria(params)
    sent_type = _one(params, RESPONSE_TYPE)
    response_type = "text/xml" if sent_type is None else sent_type  # sent but empty: refused below
    if response_type not in RESPONSE_TYPES:
        raise Problem(400, f"{RESPONSE_TYPE} must be one of {', '.join(RESPONSE_TYPES)}.",
                      kind="invalid-parameter", parameter=RESPONSE_TYPE, accepted=list(RESPONSE_TYPES))
    sent_recipient = _one(params, RECIPIENT)
    recipient = "PAT" if sent_recipient is None else sent_recipient  # sent but empty: refused below
    if recipient not in RECIPIENTS:
        raise Problem(400, f"{RECIPIENT} must be PAT (patient) or PROV (provider).", kind="invalid-parameter",
                      parameter=RECIPIENT, accepted=list(RECIPIENTS))
    lang = _one(params, LANGUAGE)
    table = negotiator.table
    if lang is not None:
        wanted = LANGUAGE_ALIASES.get(lang.strip().lower(), lang.strip())
        requested = normalize_tag(wanted)
        if requested is None:
            raise Problem(400, f"{LANGUAGE} must be a language code (BCP 47 or ISO 639), e.g. es or vi.",
                          kind="invalid-parameter", parameter=LANGUAGE)
        # A language we do not serve gets English, as MedlinePlus Connect does; the feed says so.
        loc, vary = negotiator.match_tag(wanted) or table.source, False
    elif accept_language:
        matched, requested = negotiator.best_match(accept_language)
        loc, vary = matched or table.source, True
    else:
        loc, vary, requested = table.source, True, None
    echo: list[tuple[str, str]] = []
    for c in criteria:
        echo += [(CODE, c.code.code), (SYSTEM, c.code.system.oid), (DISPLAY, c.display or "")]
    echo += [(RECIPIENT, recipient), (LANGUAGE, loc.tag)]
    return Request(criteria, loc, vary, requested, recipient, response_type, tuple(echo))


def codes_of(conditions: Sequence[m.Condition]) -> list[Code]:
    return [Code(SYSTEMS[c.system], c.code) for condition in conditions for c in condition.codes]


def ranked(criteria: Sequence[Criterion], summaries: Sequence[m.Summary]) -> list[m.Summary]:
    """The articles that answer the criteria, best first, at most MAX_RESULTS: more criteria answered,
    then the closest code (F41.1 asked: an article coded F41.1 before one coded F41), then the first
    criterion (the main one), then the newest."""
    scored: list[tuple[Score, m.Summary]] = []
    for summary in summaries:
        score = match_score(criteria, codes_of(summary.conditions))
        if score is not None:
            scored.append((score, summary))
    scored.sort(key=lambda pair: pair[1].slug)  # ties: by slug (stable through the next sort)
    scored.sort(key=lambda pair: (pair[0], pair[1].updated), reverse=True)
    return [summary for _, summary in scored[:MAX_RESULTS]]


def best_topic(criteria: Sequence[Criterion], matches: Sequence[m.Summary]) -> m.Condition | None:
    """The condition (of the matched articles) that answers the criteria best: where to send a browser
    when several articles match."""
    best: tuple[Score, m.Condition] | None = None
    for summary in matches:
        for condition in summary.conditions:
            score = match_score(criteria, codes_of([condition]))
            if score is not None and (best is None or score > best[0]):
                best = (score, condition)
    return best[1] if best else None


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def subtitle(request: Request) -> str:
    asked = ", ".join(f"{c.code.system.name} {c.code.code}" for c in request.criteria)
    return f"{SITE_NAME} results for {asked}"


def feed_model(request: Request, matches: Sequence[m.Summary], urls: URLs, newest: dt.date,
               handout: Callable[[m.Summary], str | None] = lambda s: None) -> m.InfobuttonFeed:
    """The knowledge response as JSON, in MedlinePlus Connect's shape. `handout`: the URL of an article's
    printable PDF (None: the site has none), an alternate link a portal can print or attach."""

    def links(s: m.Summary) -> list[m.FeedLink]:
        pdf = handout(s)
        return [m.FeedLink(href=s.urls.html, rel="alternate", type="text/html", hreflang=request.loc.tag,
                           title=s.title.text),
                *([m.FeedLink(href=pdf, rel="alternate", type="application/pdf", hreflang=request.loc.tag,
                              title=s.title.text)] if pdf else [])]

    entries = [
        m.FeedEntry(
            lang=request.loc.tag,
            title=m.FeedText(value=s.title.text, type="text"),
            link=links(s),
            id=m.FeedValue(value=s.urls.html),
            updated=m.FeedValue(value=_stamp(s.updated)),
            summary=m.FeedText(value=s.summary.text, type="text"),
        )
        for s in matches
    ]
    updated = max((s.updated for s in matches), default=newest)
    return m.InfobuttonFeed(feed=m.Feed(
        base=urls.origin + "/", lang=request.loc.tag,
        title=m.FeedText(value=SITE_NAME, type="text"),
        subtitle=m.FeedText(value=subtitle(request), type="text"),
        updated=m.FeedValue(value=_stamp(updated)),
        id=m.FeedValue(value=urls.absolute(urls.infobutton(list(request.echo)))),
        author=m.FeedAuthor(name=m.FeedValue(value=SITE_NAME), uri=m.FeedValue(value=urls.origin + "/")),
        category=[m.FeedCategory(scheme=k, term=v) for k, v in request.echo],
        entry=entries,
    ))


def atom(feed: m.InfobuttonFeed, matches: Sequence[m.Summary]) -> bytes:
    """The same feed as Atom 1.0 (RFC 4287), as the Infobutton service-oriented IG responds."""
    f = feed.feed
    root = ET.Element("feed", {"xmlns": ATOM, "xml:lang": f.lang, "xml:base": f.base})
    ET.SubElement(root, "title", {"type": "text"}).text = f.title.value
    ET.SubElement(root, "subtitle", {"type": "text"}).text = f.subtitle.value
    ET.SubElement(root, "updated").text = f.updated.value
    ET.SubElement(root, "id").text = f.id.value
    author = ET.SubElement(root, "author")
    ET.SubElement(author, "name").text = f.author.name.value
    ET.SubElement(author, "uri").text = f.author.uri.value
    for category in f.category:
        ET.SubElement(root, "category", {"scheme": category.scheme, "term": category.term})
    for entry, summary in zip(f.entry, matches, strict=True):
        node = ET.SubElement(root, "entry", {"xml:lang": entry.lang})
        ET.SubElement(node, "title", {"type": "text", "xml:lang": summary.title.lang}).text = entry.title.value
        for link in entry.link:
            ET.SubElement(node, "link", {"href": link.href, "rel": link.rel, "type": link.type,
                                         "hreflang": link.hreflang, "title": link.title})
        ET.SubElement(node, "id").text = entry.id.value
        ET.SubElement(node, "updated").text = entry.updated.value
        ET.SubElement(node, "summary", {"type": "text", "xml:lang": summary.summary.lang}).text = entry.summary.value
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))
