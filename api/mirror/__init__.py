"""``bothand mirror``: keep a verified local copy of every article in chosen languages.

A clinic runs this on its own machine against a server it does not control, so the mirror
trusts nothing the server says (STYLE.md, pattern 16). Built on the public HTTP contract only
(it works against the app and a static export), and on nothing of the server's code: this
package imports the standard library, httpx, nh3, filelock and :mod:`api.contenthash`.

* **Listing** (:mod:`.listing`) per language, following ``Link: rel="next"``; later runs ask
  only for ``updated_since=`` the newest ``updated`` date seen, with a full listing every
  ``FULL_LISTING_DAYS`` days, when ``updated_since`` is refused, and whenever a known article
  answers 404 (removal is decided only by a full listing).
* **Articles**: every known article is revalidated with ``If-None-Match`` on every run (a
  changed translation does not change the English ``updated`` date).
* **HTTP** (:mod:`.client`): every URL and redirect hop on the base URL's origin (https unless
  ``allow_http``), bodies capped on the wire and after gzip decoding, a wall-clock deadline per
  request and per run, retries with backoff honouring ``Retry-After``, JSON depth limited.
* **Verification** (:mod:`.verify`): slug and language as asked, ``content_hash`` (covering the
  text, the ``html`` body and the crisis block) recomputed, the crisis block's shape and links,
  every piece of HTML within the allowlist of what the server's renderer writes.
* **Files** (:mod:`.store`): per language a complete copy behind the ``DIR/<lang>`` symlink,
  switched in one atomic step; staging and the lock live outside DIR.
* **Report** (:mod:`.report`): one escaped line per removal, warning and error.

Exit statuses (``Result.exit_status``): 0 everything mirrored and verified; 1 partial failure
(some articles or languages failed; their previous copies are kept); 2 usage error or total
failure (nothing could be mirrored).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
from collections.abc import Sequence
from typing import Unpack

from api.mirror.client import Limits, RequestRecord
from api.mirror.errors import MirrorError, OutOfTime, Refused, ResponseError, Unreachable, UsageError
from api.mirror.report import report
from api.mirror.result import Result
from api.mirror.run import FULL_LISTING_DAYS, Options, amirror
from api.mirror.text import canonical_tag

__all__ = [
    "FULL_LISTING_DAYS", "Limits", "MirrorError", "Options", "OutOfTime", "Refused", "RequestRecord", "ResponseError",
    "Result", "Unreachable", "UsageError", "amirror", "canonical_tag", "mirror", "report",
]


def mirror(
    base_url: str, dir: str | os.PathLike[str], langs: Sequence[str] | None = None, **options: Unpack[Options]
) -> Result:
    """The synchronous form of :func:`amirror` (options: see :class:`Options`).

    Callable from code that already runs an event loop (a notebook, a sync framework driven by one):
    then the mirror runs on its own loop in a worker thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(amirror(base_url, dir, langs, **options))
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, amirror(base_url, dir, langs, **options)).result()
