"""The handout's own interface texts, in the reader's language or marked as English.

Each label is a gettext message looked up in the locale's ui catalog; one the catalog does not serve
stays English and says so (`en`), so the PDF tags that passage `en` as the pages mark it `lang="en"`.
The msgids are marked with `N_` so `bothand extract` puts them in locales/ui.pot (the dates and review
lines are the article page's own messages: one translation serves both).
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


def N_(message: str) -> str:  # noqa: N802  # gettext's name for "extract this, translate it later"
    return message


MESSAGES = {
    "dates": N_("Published %(published)s. Updated %(updated)s."),
    "reviewed": N_("Reviewed by a clinician on %(reviewed)s."),
    "reviewed_original": N_("The English original was reviewed by a clinician on %(reviewed)s."),
    # Translators: the footer of every page of a printed handout (PDF); %(page)s and %(total)s are
    # numbers, e.g. "Page 2 of 4".
    "page": N_("Page %(page)s of %(total)s"),
    # Translators: heading near the end of a printed handout (PDF), over the attribution, licence and
    # the article's web address.
    "source_heading": N_("Where this handout comes from"),
    # Translators: alternative text of the QR code printed on a handout (PDF); %(url)s is the article's web address.
    "qr_alt": N_("QR code: the address of this article online, %(url)s"),
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
