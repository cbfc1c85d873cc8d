"""What a run did, and the exit status it means."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from api.mirror.client import RequestRecord


@dataclass
class Result:
    """What a run did. Article keys are ``"<lang>/<slug>"``; every message is printable (escaped server text)."""

    fetched: list[str] = field(default_factory=list)  # new or changed copies stored
    not_modified: list[str] = field(default_factory=list)  # answered 304: the copy is current
    removed: list[str] = field(default_factory=list)  # gone upstream, deleted here
    errors: list[str] = field(default_factory=list)  # one line per failure
    warnings: list[str] = field(default_factory=list)  # worth reading, not failures (e.g. plain http)
    languages: list[str] = field(default_factory=list)  # languages switched over to this run's copy
    requests: list[RequestRecord] = field(default_factory=list)  # every HTTP response, redirects and retries included
    transport_errors: int = 0  # connection failures and timeouts (each retried)
    aborted: bool = False  # the run stopped early: the server stopped answering, or the deadline passed
    usage_error: bool = False

    @property
    def statuses(self) -> Counter[int]:
        return Counter(r.status for r in self.requests)

    @property
    def exit_status(self) -> int:
        """0 everything mirrored and verified; 1 partial failure; 2 usage error or total failure."""
        if self.usage_error or ((self.aborted or self.errors) and not self.languages):
            return 2
        return 1 if self.errors or self.aborted else 0

    def summary(self) -> str:
        return (f"{len(self.fetched)} fetched, {len(self.not_modified)} not modified, {len(self.removed)} removed, "
                f"{len(self.errors)} error(s), {len(self.requests)} request(s)")
