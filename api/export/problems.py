"""What the API says where a static host cannot answer like the app: RFC 9457 problem files."""

from __future__ import annotations

from pathlib import Path

from api.core import models as m
from api.core.locales import LocaleTable
from api.core.problems import problem_type
from api.core.resources import API_PER_PAGE
from api.export.files import ERRORS, put


def problems_for(table: LocaleTable) -> dict[str, m.Problem]:
    tags = ", ".join(table.tags)
    static = "This is a static copy of Bothand."

    def problem(status: int, kind: str, title: str, detail: str, **extra: object) -> m.Problem:
        return m.Problem(type=problem_type(kind), title=title, status=status, detail=detail,
                         **extra)  # type: ignore[arg-type]

    return {
        "not-found": problem(404, "not-found", "Not Found", "Nothing is published at this URL."),
        "unknown-article": problem(404, "unknown-article", "Not Found",
                                   "No article is published at this URL in this language."),
        "unknown-language": problem(
            404, "unknown-language", "Not Found",
            f"{static} It serves the exact language tags {tags} (e.g. ?lang=pt-BR, not ?lang=pt-PT); "
            "the site's app also matches other tags.", available=table.tags),
        "needs-app": problem(
            400, "needs-app", "Bad Request",
            f"{static} The API answers ?lang=TAG, the default paging (page=N&per_page={API_PER_PAGE}) and "
            "oEmbed (url, format=json) for this site's own article pages; other parameters (per_page, "
            "updated_since, ...) need the site's app.",
            accepted=["lang", "page", f"per_page={API_PER_PAGE}", "url", "format=json"]),
        "bad-request": problem(400, "bad-request", "Bad Request",
                               "No URL of this site has a control character or a backslash in its path."),
        "unsupported-format": problem(501, "unsupported-format", "Not Implemented", "Only format=json is supported."),
        "method-not-allowed": problem(405, "method-not-allowed", "Method Not Allowed",
                                      "This URL only answers GET, HEAD and OPTIONS."),
        "server-error": problem(500, "server-error", "Internal Server Error",
                                "Something went wrong on our side. Please try again later."),
    }


def write_problems(root: Path, table: LocaleTable) -> list[str]:
    written = []
    for name, problem in problems_for(table).items():
        rel = f"{ERRORS}/problems/{name}.json"
        put(root / rel, m.encode(problem))
        written.append(rel)
    return written
