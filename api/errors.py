"""One error shape: :class:`Problem` carries a status; one handler answers every error.

API paths get ``application/problem+json`` (RFC 9457) with a stable ``type`` URI; reader
pages get a localized HTML page. Nothing the client sends may produce a 500.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

log = logging.getLogger(__name__)

PROBLEM_TYPES = {
    400: "bad-request",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    500: "server-error",
}


def problem_type(slug: str) -> str:
    return f"urn:bothand:problem:{slug}"


class Problem(Exception):
    def __init__(self, status: int, detail: str = "", kind: str | None = None, **extra: Any):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.kind = kind or PROBLEM_TYPES.get(status, "error")
        self.extra = extra
        self.headers: dict[str, str] = {}

    @property
    def title(self) -> str:
        return HTTPStatus(self.status).phrase

    def as_json(self, instance: str) -> dict[str, Any]:
        return {
            "type": problem_type(self.kind),
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "instance": instance,
            **self.extra,
        }


def unknown_language(tag: str, available: list[str]) -> Problem:
    return Problem(404, f"Language {tag[:40]!r} is not served.", kind="unknown-language", available=available)


def unknown_article(slug: str) -> Problem:
    return Problem(404, f"No article is called {slug[:80]!r}.", kind="unknown-article")


class Redirect(Exception):
    """Raised where a URL is not the canonical spelling (e.g. `/pt-br/`): answered with 301."""

    def __init__(self, location: str):
        super().__init__(location)
        self.location = location


class ProblemResponse(JSONResponse):
    media_type = "application/problem+json"


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def as_problem(exc: Exception) -> Problem:
    if isinstance(exc, Problem):
        return exc
    if isinstance(exc, HTTPException):
        problem = Problem(exc.status_code, exc.detail if exc.detail != HTTPStatus(exc.status_code).phrase else "")
        problem.headers = dict(exc.headers or {})
        if exc.status_code == 405:
            problem.headers["Allow"] = "GET, HEAD, OPTIONS"  # OPTIONS is answered by api.http
            problem.detail = "This URL only answers GET, HEAD and OPTIONS."
        return problem
    log.exception("unhandled error", exc_info=exc)
    return Problem(500, "Something went wrong on our side. Please try again later.")


def problem_response(request: Request, problem: Problem) -> Response:
    response = ProblemResponse(problem.as_json(request.url.path), status_code=problem.status)
    response.headers.update(problem.headers)
    return response
