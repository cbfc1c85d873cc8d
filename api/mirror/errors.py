"""What can go wrong in a mirror run, each kind reported as one line (never a traceback).

The kind decides how far a failure reaches: one article (:class:`ResponseError` while fetching
it), one language (:class:`ResponseError` while listing it), or the whole run
(:class:`Unreachable`, :class:`OutOfTime`, :class:`UsageError`). Whatever fails, the copies
already in place stay as they were.
"""

from __future__ import annotations


class MirrorError(Exception):
    """A failure the mirror reports in one line. Messages are already safe to print (see text.py)."""


class UsageError(MirrorError):
    """Bad arguments or setup (a plain http URL, an unusable folder, a run already going): nothing was fetched."""


class ResponseError(MirrorError):
    """One answer cannot be used: too large, badly encoded, not JSON, off the site, a redirect loop."""


class Refused(ResponseError):
    """A URL (listed, linked or redirected to) that is not on the site's origin: never requested."""


class Unreachable(MirrorError):
    """The server stopped answering (after the retries): the run stops."""


class OutOfTime(MirrorError):
    """The run's deadline passed: the run stops, what was not finished keeps its previous copy."""
