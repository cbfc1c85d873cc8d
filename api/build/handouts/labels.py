"""The handout's own interface texts, in the reader's language or marked as English.

Each label is a gettext message looked up in the locale's ui catalog; one the catalog does not serve
stays English and says so (`en`), so the PDF tags that passage `en` as the pages mark it `lang="en"`.
The msgids are kept in a table (not literal `gettext("...")` calls) until they are extracted into
locales/ui.pot with the rest of issue 25's wiring.
"""

from __future__ import annotations

from gettext import NullTranslations

import msgspec

from api.i18n.templating import format_message


class Label(msgspec.Struct, frozen=True):
    text: str
    en: bool  # True: English (not served by this locale's catalog)


class HandoutLabels(msgspec.Struct, frozen=True, kw_only=True):
    """Message templates: `%(name)s` placeholders are filled by the renderer."""

    dates: Label  # %(published)s, %(updated)s
    reviewed: Label  # %(reviewed)s: the clinician's review of this text
    reviewed_original: Label  # %(reviewed)s: the clinician's review of the English original
    page: Label  # %(page)s, %(total)s
    source_heading: Label
    qr_alt: Label  # %(url)s


MESSAGES = {
    "dates": "Published %(published)s. Updated %(updated)s.",
    "reviewed": "Reviewed by a clinician on %(reviewed)s.",
    "reviewed_original": "The English original was reviewed by a clinician on %(reviewed)s.",
    "page": "Page %(page)s of %(total)s",
    "source_heading": "Where this handout comes from",
    "qr_alt": "QR code: the address of this article online, %(url)s",
}


def handout_labels(ui: NullTranslations | None = None) -> HandoutLabels:
    """The labels from a locale's ui catalog (`LocaleCatalogs.ui`); None: English."""
    served = getattr(ui, "_catalog", {}) if ui is not None else {}
    values = {}
    for key, msgid in MESSAGES.items():
        text = served.get(msgid) if isinstance(served, dict) else None
        values[key] = Label(text=str(text), en=False) if text else Label(text=msgid, en=ui is not None)
    return HandoutLabels(**values)


def fill(label: Label, english: str, values: dict[str, str]) -> str:
    """A label's template with its values; the English template if the translation cannot take them."""
    return format_message(label.text, english, values)
