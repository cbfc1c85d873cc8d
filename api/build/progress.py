"""Progress of a build on a terminal: resources done of the expected total, rate, what it is on.

Only when stderr is a terminal (a log file or CI gets the one summary line the build logs). The
total is the previous snapshot's resource count, a close guess for a rebuild; a first build shows
a count without a bar.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from api.core.snapshot import Draft, Kept


def shown(drafts: Iterator[Draft | Kept], total: int | None) -> Iterator[Draft | Kept]:
    """The drafts, unchanged, with a progress bar on a terminal."""
    if not sys.stderr.isatty():
        yield from drafts
        return
    columns = (TextColumn("building"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[rate]} resources/s"), TimeElapsedColumn(), TextColumn("{task.fields[key]}"))
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("build", total=total, rate="…", key="")
        for draft in drafts:
            speed = progress.tasks[0].speed
            advance, key = (len(draft.resources), "") if isinstance(draft, Kept) else (1, draft.key[:60])
            progress.update(task, advance=advance, key=key, rate=f"{speed:,.0f}" if speed else "…")
            yield draft
