"""Reader-facing notices about a translation, shared by pages, embeds and the API.

Marked with ``N_`` so ``pybabel extract`` puts them in ui.pot; translated per request.
"""

from __future__ import annotations

from typing import Any

from babel.support import NullTranslations


def N_(message: str) -> str:  # noqa: N802  # gettext's conventional marker name
    return message


REVIEW = {
    "reviewed": N_("A qualified translator has reviewed this translation."),
    "outdated": N_(
        "The English original has changed since a qualified translator reviewed this translation. "
        "Some parts may be out of date."
    ),
    "draft": N_("This translation is a draft. A qualified translator has not reviewed it yet."),
}
TITLE = N_("About this translation")
IN_ENGLISH = (
    N_("%(num)s passage is not translated yet and is shown in English."),
    N_("%(num)s passages are not translated yet and are shown in English."),
)
ORIGINAL = N_("Read the original in English")


def translation_notice(translation: dict[str, Any], ui: NullTranslations, number: str) -> dict[str, Any] | None:
    """The notice a reader must see on a translated article; None for the English original."""
    state = translation["review"]
    if state == "source":
        return None
    lines = [ui.gettext(REVIEW.get(state, REVIEW["draft"]))]
    missing = translation["segments_in_english"]
    if missing:
        lines.append(ui.ngettext(*IN_ENGLISH, missing) % {"num": number})
    return {"title": ui.gettext(TITLE), "lines": lines, "original": ui.gettext(ORIGINAL)}
