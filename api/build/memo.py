"""The build's memory of the previous build: which page keys gave which bodies, and the article
bodies it rendered (api/build/inputs.py makes the keys; api/build/store.py keeps the bytes).

A page whose key the previous build has is not rendered: the previous snapshot's body is reused
(neither rendered nor compressed again). An article body (the HTML of its translated blocks) the
previous build rendered in that locale is not rendered again either.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from babel.support import NullTranslations

from api.build import inputs, store
from api.core.locales import Locale
from api.core.snapshot import Stored, etag_of


class Memo:
    def __init__(self, keys: inputs.Keys, previous: store.Previous | None):
        self.keys = keys
        self.previous = previous
        self.old_pages: dict[str, str] = previous.memo() if previous else {}  # page key -> body ETag
        self.pages: dict[str, str] = {}
        self.old_bodies: dict[str, str] = previous.fragments() if previous else {}  # blocks key -> HTML
        self.bodies: dict[str, str] = {}
        self.ui: dict[str, str] = {}  # locale tag -> digest of its interface messages
        self.rendered = self.reused = 0
        self.watched: dict[str, str] | None = None  # the entries one locale's pages make (api/build/plans.py)

    def page(self, loc: Locale, ui: NullTranslations, template: str, path: str | None, context: dict[str, Any],
             render: Callable[[], bytes]) -> bytes | Stored:
        """The page's body: the previous snapshot's, if it was made from the same inputs, else `render()`."""
        made_of = self.keys.key(loc, self.ui_digest(loc, ui), template, path, context)
        etag = self.old_pages.get(made_of)
        stored = self.previous.stored(etag) if etag is not None and self.previous is not None else None
        if stored is not None:
            self.pages[made_of] = stored.etag
            self.reused += 1
        else:
            body = render()
            self.pages[made_of] = etag_of(body)
            self.rendered += 1
        if self.watched is not None:
            self.watched[made_of] = self.pages[made_of]
        return stored if stored is not None else body

    def watch(self) -> dict[str, str]:
        """From now on, the entries pages make also go into the dict returned (until :meth:`unwatch`):
        a locale kept whole by the next build carries them over."""
        self.watched = {}
        return self.watched

    def unwatch(self) -> None:
        self.watched = None

    def ui_digest(self, loc: Locale, ui: NullTranslations) -> str:
        return self.ui.get(loc.tag) or self.ui.setdefault(loc.tag, inputs.ui_digest(ui))

    def body(self, loc: Locale, blocks: list[Any], render: Callable[[Locale, list[Any]], str]) -> tuple[str, str]:
        """An article body's key and HTML: the previous build's for the same blocks in this locale, else
        `render()`."""
        made_of = self.keys.blocks_key(loc, blocks)
        html = self.old_bodies.get(made_of)
        if html is None:
            html = render(loc, blocks)
        self.bodies[made_of] = html
        return made_of, html

    def kept_body(self, made_of: str) -> str:
        """The HTML of a body a kept unit (api/build/units.py) has, carried into this build's memo."""
        html = self.bodies[made_of] = self.old_bodies[made_of]
        return html

    def files(self) -> dict[str, bytes]:
        """What the snapshot keeps for the next build."""
        return {store.MEMO: store.encode_memo(self.pages), store.FRAGMENTS: store.encode_memo(self.bodies)}
