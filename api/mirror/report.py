"""What a person (or cron's mail) reads: removals, warnings and errors, one line each, escaped."""

from __future__ import annotations

import sys
from typing import TextIO

from api.mirror.result import Result
from api.mirror.text import printable


def report(result: Result, verbose: bool = False, out: TextIO | None = None, err: TextIO | None = None) -> None:
    """Removals and errors always; warnings (e.g. plain http) and the summary when `verbose` (the CLI:
    on a terminal or with -v, so a cron job the operator set up knowingly stays quiet). Every line goes
    through printable(): server text (a detail, a title, a URL) can never move the cursor or fake a line."""
    out, err = out or sys.stdout, err or sys.stderr
    for key in result.removed:
        print(f"removed {printable(key)} (gone upstream)", file=out)
    for message in result.warnings if verbose else []:
        print(f"warning: {printable(message, 1000)}", file=err)
    for message in result.errors:
        print(f"error: {printable(message, 1000)}", file=err)
    if verbose:
        print(result.summary(), file=out)


class Progress:
    """One line rewritten in place on a terminal; nothing when there is none."""

    def __init__(self, stream: TextIO | None):
        self.stream = stream

    def show(self, line: str) -> None:
        if self.stream is not None:
            self.stream.write("\r\x1b[2K" + printable(line))  # our own escape: clear the line
            self.stream.flush()
