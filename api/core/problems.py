"""Problems (RFC 9457): one exception type with a status, raised by views and described by the OpenAPI
document. The web package turns it into problem+json or a localized page (api/web/errors.py)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

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
