"""An article's printable handouts (PDF), copied beside its JSON: the files the API's `handouts` lists.

Each is fetched from the site itself only (the client refuses any other origin), capped like every other
download (Limits.handout_bytes, on the wire and after decoding), and stored only if it is a PDF of
exactly the size the article says (`bytes`). Any failure fails the article: its previous copy stays.
"""

from __future__ import annotations

from api.mirror.client import Client
from api.mirror.errors import Refused, ResponseError
from api.mirror.manifest import JsonObject
from api.mirror.text import printable

PDF = "application/pdf"
MAX_HANDOUTS = 8  # an article lists two (normal and large print); more is a server's mistake


def handout_file(slug: str, large_print: bool) -> str:
    """The file a handout is stored as, beside `<slug>.json`."""
    return f"{slug}.large-print.pdf" if large_print else f"{slug}.pdf"


def handout_files(slug: str) -> tuple[str, str]:
    """Every file name a handout of `slug` may have (what a switch-over carries over)."""
    return handout_file(slug, False), handout_file(slug, True)


async def fetch_handouts(client: Client, data: JsonObject, slug: str, cap: int) -> dict[str, bytes]:
    """File name -> bytes of each handout the article lists (none: an older server, or handouts off);
    ResponseError when one cannot be stored."""
    listed = data.get("handouts", [])
    if not isinstance(listed, list) or len(listed) > MAX_HANDOUTS:
        raise ResponseError("handouts: not a short list")
    out: dict[str, bytes] = {}
    for item in listed:
        url, size = (item.get("url"), item.get("bytes")) if isinstance(item, dict) else (None, None)
        if (not isinstance(item, dict) or not isinstance(url, str) or not isinstance(size, int)
                or isinstance(size, bool) or item.get("media_type") != PDF):
            raise ResponseError("handouts: an entry without url, bytes and media_type application/pdf")
        name = handout_file(slug, item.get("large_print") is True)
        if name in out:
            raise ResponseError(f"handouts: two {'large-print ' if name.endswith('large-print.pdf') else ''}handouts")
        if not 0 < size <= cap:
            raise ResponseError(f"handout {printable(url)}: {size} bytes is more than the cap ({cap})")
        try:
            reply = await client.get(url, cap=cap, what="the handout URL")
        except Refused:
            raise  # it names the handout URL already
        except ResponseError as exc:  # too large, badly encoded...: say which file
            raise ResponseError(f"handout {printable(url)}: {exc}") from None
        if reply.status != 200:
            raise ResponseError(f"handout {printable(url)} answered {reply.status}: {reply.detail()}")
        if not reply.body.startswith(b"%PDF-"):
            raise ResponseError(f"handout {printable(url)} is not a PDF")
        if len(reply.body) != size:
            raise ResponseError(f"handout {printable(url)} is {len(reply.body)} bytes, the article says {size}")
        out[name] = reply.body
    return out
