"""/api/v1/infobutton: HL7 Infobutton knowledge requests (see api.web.infobutton)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from api.core import models as m
from api.core.resources import error_key, handout_key
from api.web import infobutton
from api.web.views.common import check_params, from_snapshot, site

ATOM_MEDIA = "text/xml; charset=utf-8"  # what knowledgeResponseType=text/xml asks for; the body is Atom
JSON_MEDIA = "application/json"


async def infobutton_view(request: Request) -> Response:
    check_params(request, infobutton.PARAMS)
    s = site(request)
    asked = infobutton.parse(request.query_params.multi_items(), s.negotiator, request.headers.get("accept-language"))
    loc = asked.loc
    matches = infobutton.ranked(asked.criteria, s.summaries[loc.tag])
    headers = {"Content-Language": loc.tag}
    if asked.vary:
        headers["Vary"] = "Accept-Language"
    if asked.response_type == "text/html":
        if not matches:  # nothing on that code: the reader's own "not found" page, in their language
            response = from_snapshot(request, s.by_key[error_key(loc.tag, 404, "not-found")])
        else:
            topic = infobutton.best_topic(asked.criteria, matches) if len(matches) > 1 else None
            response = RedirectResponse(topic.url if topic else matches[0].urls.html, status_code=303)
        response.headers.update(headers)
        if asked.vary:
            response.headers["Cache-Control"] = "private, no-cache"
        return response
    newest = max((x.updated for x in s.summaries[loc.tag]), default=infobutton.EPOCH)

    def handout(summary: m.Summary) -> str | None:
        key = handout_key(loc, summary.slug, None, False)
        return s.urls.absolute(key) if key in s.by_key else None

    feed = infobutton.feed_model(asked, matches, s.urls, newest, handout)
    if asked.response_type == "application/json":
        return Response(m.encode(feed), media_type=JSON_MEDIA, headers=headers)
    return Response(infobutton.atom(feed, matches), media_type=ATOM_MEDIA, headers=headers)

