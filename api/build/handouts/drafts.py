"""Handouts as resources of the build (issue 25): for every article x locale, the handout and the
large-print handout with the help-now block of no country, of each country with lines in crisis.yaml
(`?country=CA`), and of "any other country" (`!handout-other/...`, which a view picks for `?country=MX`):
exactly the variants the embeds have (api/build/helpnow.py).

They are part of their article's unit (api/build/units.py): a unit kept whole keeps its handouts; a unit
rendered again renders them where it is rendered, in a forked worker of a cold build (api/build/workers.py:
every core, about 25 ms a handout; Typst holds the GIL, so only processes help) or in the build's process.
A handout is a pure function of its inputs, so the bytes are the same whichever process rendered it.

Reuse within a unit rendered again: each handout's inputs key (what it shows: the article's title, dates,
notice, blocks, attribution, licence and URL, the help-now block, the labels, the paper and the size; the
code, the Typst template and the fonts' package are in the key base, api/build/inputs.py) maps to its ETag,
size and page count in `handouts.msgpack` beside the snapshot. A handout whose key the previous build has is
that snapshot's stored body (api/build/store.py), neither rendered nor compressed again.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field

import msgspec
import pikepdf

from api.build import store
from api.build.helpnow import HelpNow
from api.build.page import HandoutMade as Made
from api.build.page import Page
from api.core import models as m
from api.core.locales import Locale
from api.core.resources import OTHER, handout_address
from api.core.snapshot import Draft, Stored, etag_of
from api.core.urls import URLs

from .labels import HandoutLabels, handout_labels
from .render import MEDIA_TYPE, Paper, default_paper, render_handout

MEMO = "handouts.msgpack"  # in the snapshot folder: inputs key -> Made


def _as_str(value: object) -> object:
    if isinstance(value, str):  # Markup: our renderer's sanitized HTML travels as the plain string it is
        return str(value)
    raise NotImplementedError(f"cannot encode {type(value).__name__}")


_PACK = msgspec.msgpack.Encoder(enc_hook=_as_str, order="deterministic")
_MADE = msgspec.msgpack.Decoder(dict[str, Made])


def render_pdf(article: m.Article, loc: Locale, crisis: m.Crisis, labels: HandoutLabels, paper: Paper,
               large_print: bool) -> tuple[bytes, int]:
    """A handout's bytes and its page count."""
    pdf = render_handout(article, loc, crisis, labels, paper, large_print)
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return pdf, len(doc.pages)


@dataclass
class UnitHandouts:
    """An article's handouts in one locale: the article with its `handouts`, the drafts, what they were
    made from (the memo's entries), and how many were rendered (the rest were stored before)."""

    article: m.Article
    drafts: list[Draft]
    made: dict[str, Made] = field(default_factory=dict)
    rendered: int = 0


class Handouts:
    """The handouts of one build."""

    def __init__(self, enabled: bool, help_now: HelpNow, urls: URLs, base: str, previous: store.Previous | None):
        self.enabled = enabled
        self.help_now = help_now
        self.urls = urls
        self.base = base
        self.previous = previous
        self.old = store.left_by(previous, MEMO, _MADE.decode)
        self.made: dict[str, Made] = {}
        self.rendered = self.reused = 0
        self.labels: dict[str, HandoutLabels] = {}

    def unit(self, page: Page, article: m.Article) -> UnitHandouts:
        """The article's 8 handouts in the page's locale (after HelpNow.locale_blocks), rendered here
        or stored before; the article gains its `handouts` (the two without a country)."""
        if not self.enabled:
            return UnitHandouts(article, [])
        loc = page.loc
        blocks = self.help_now.blocks[loc.tag]
        labels = self.labels.get(loc.tag) or self.labels.setdefault(loc.tag, handout_labels(page.cats.ui))
        paper = default_paper(loc)
        fixed = f"{self.base}\0{loc.tag}\0{_digest(labels)}\0{paper}\0"
        shown = _digest([article.title, article.published, article.updated, article.reviewed, article.notice,
                         article.blocks, article.attribution, article.license, article.canonical_url])
        out = UnitHandouts(article, [])
        listed: list[m.Handout] = []
        bodies: dict[str, bytes | Stored] = {}
        for country in ["", *self.help_now.countries, OTHER]:  # no country, each with lines, any other: as the embeds
            for large in (False, True):
                key = hashlib.sha256(f"{fixed}{shown}\0{_digest(blocks[country])}\0{large}".encode()).hexdigest()
                address = handout_address(loc, article.slug, country or None, large)
                old = self.old.get(key)
                stored = self.previous.stored(old.etag) if old is not None and self.previous is not None else None
                body: bytes | Stored
                if key in bodies:  # the same inputs as another variant (a block that is the same for two)
                    body, made = bodies[key], out.made[key]
                elif stored is not None and old is not None:
                    body, made = stored, old
                else:
                    pdf, pages = render_pdf(article, loc, blocks[country], labels, paper, large)
                    body, made = pdf, Made(etag_of(pdf), len(pdf), pages)
                    out.rendered += 1
                out.made[key], bodies[key] = made, body
                out.drafts.append(Draft(address, body, MEDIA_TYPE, loc.tag))
                if not country:
                    listed.append(m.Handout(url=self.urls.absolute(address.key), media_type=MEDIA_TYPE,  # type: ignore[arg-type]
                                            bytes=made.size, pages=made.pages, paper=paper, large_print=large))
        out.article = msgspec.structs.replace(article, handouts=listed)
        return out

    def keep(self, made: dict[str, Made], count: int, rendered: int) -> None:
        """A unit's `count` handouts (`rendered` of them rendered this build, in this process or a worker;
        the others stored before or kept whole with their unit): remembered for the next build."""
        self.made.update(made)
        self.rendered += rendered
        self.reused += count - rendered

    def files(self) -> dict[str, bytes]:
        """What the snapshot keeps for the next build."""
        return {MEMO: msgspec.msgpack.encode(self.made)} if self.enabled else {}


def _digest(value: object) -> str:
    return hashlib.sha256(_PACK.encode(value)).hexdigest()
