"""Reader-facing notices about a translation, shared by pages, embeds and the API.

The strings are literal arguments of ``gettext``/``ngettext`` calls so that ``pybabel
extract`` finds them (with their plural forms) for ui.pot.
"""

from __future__ import annotations

from babel.support import NullTranslations

from api.core.models import Notice, Translation
from api.i18n.templating import format_message


def translation_notice(translation: Translation, ui: NullTranslations, number: str) -> Notice | None:
    """The notice a reader must see on a translated article; None for the English original."""
    state = translation.review
    if state == "source":
        return None
    if state == "reviewed":
        lines = [ui.gettext("A qualified translator has reviewed this translation.")]
    elif state == "outdated":
        lines = [ui.gettext(
            "The English original has changed since a qualified translator reviewed this translation. "
            "Some parts may be out of date."
        )]
    else:
        lines = [ui.gettext("This translation is a draft. A qualified translator has not reviewed it yet.")]
    missing = translation.segments_in_english
    if missing:
        # Translators: %(num)s is a number in your language's digits; a passage is a paragraph, list item or cell.
        def passages(tr: NullTranslations) -> str:
            return str(tr.ngettext(
                "%(num)s passage is not translated yet and is shown in English.",
                "%(num)s passages are not translated yet and are shown in English.",
                missing,
            ))

        lines.append(format_message(passages(ui), passages(NullTranslations()), {"num": number}))
    return Notice(
        title=str(ui.gettext("About this translation")),
        lines=[str(line) for line in lines],
        original=str(ui.gettext("Read the original in English")),
    )
