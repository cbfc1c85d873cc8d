"""One error shape: :class:`Problem` carries a status; one handler answers every error.

API paths get ``application/problem+json`` (RFC 9457) with a stable ``type`` URI; reader
pages get a localized HTML page. Nothing the client sends may produce a 500.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from api.core.problems import Problem
from api.core.routes import API_PREFIX

log = logging.getLogger(__name__)


class Redirect(Exception):
    """Raised where a URL is not the canonical spelling (e.g. `/pt-br/`): answered with 301."""

    def __init__(self, location: str):
        super().__init__(location)
        self.location = location


class ProblemResponse(JSONResponse):
    media_type = "application/problem+json"


def is_api(request: Request) -> bool:
    """Under the API's namespace (routes of kind "api"), whether or not a route matches."""
    return request.url.path.startswith(API_PREFIX)


def as_problem(exc: Exception) -> Problem:
    if isinstance(exc, Problem):
        return exc
    if isinstance(exc, HTTPException):
        problem = Problem(exc.status_code, exc.detail if exc.detail != HTTPStatus(exc.status_code).phrase else "")
        problem.headers = dict(exc.headers or {})
        if exc.status_code == 405:
            problem.headers["Allow"] = "GET, HEAD, OPTIONS"  # OPTIONS is answered by api.web.http
            problem.detail = "This URL only answers GET, HEAD and OPTIONS."
        return problem
    log.exception("unhandled error", exc_info=exc)
    return Problem(500, "Something went wrong on our side. Please try again later.")


def problem_response(request: Request, problem: Problem) -> Response:
    response = ProblemResponse(problem.as_json(request.url.path), status_code=problem.status)
    response.headers.update(problem.headers)
    return response
