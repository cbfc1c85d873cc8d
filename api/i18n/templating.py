"""Jinja2 environment and per-request translation of interface text.

Templates mark text with ``{{ _("...") }}`` and ``{% trans %}`` (Jinja2's i18n extension,
new-style gettext so placeholders are ``%(name)s``). The gettext callables are passed in
each render's context, never installed globally: concurrent requests in different
languages never share state. Translator text is escaped before any variable is put in.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Container
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from api.core.locales import Locale

log = logging.getLogger(__name__)


def make_environment(templates_dir: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates_dir),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.newstyle_gettext = True  # type: ignore[attr-defined]  # set by the i18n extension
    return env


def _format(text: str, variables: dict[str, Any], source: str) -> tuple[Markup, bool]:
    """(the message with its variables, whether it fell back to the English)."""
    # escape() turns translator text into inert HTML; `%` on Markup escapes each variable too,
    # except values we built as Markup ourselves (e.g. a link made by a template).
    safe = escape(text)
    if not variables:
        return safe, False
    try:
        return safe % variables, False
    except (ValueError, TypeError, KeyError, IndexError):
        # A translation the load-time checks let through still fails with the real values:
        # that one segment is shown in English, the page still answers.
        log.warning("translation %r cannot be formatted; the English is shown", text[:60])
        return escape(source) % variables, True


def format_message(translated: str, source: str, variables: dict[str, Any]) -> str:
    """`translated % variables` for plain-text outputs (JSON, feeds), falling back to the English."""
    try:
        return translated % variables
    except (ValueError, TypeError, KeyError, IndexError):
        log.warning("translation %r cannot be formatted; the English is shown", translated[:60])
        return source % variables


# Interface text shown in English on a page in another language is marked while the page renders
# and wrapped in `<span lang="en" dir="ltr">` afterwards (`mark_english`), so a screen reader reads it
# with English rules. The marks are C0 controls, which no served translation contains (api.sources.catalogs
# refuses them) and which Markup never escapes.
ENGLISH_OPEN = "\x02"
ENGLISH_CLOSE = "\x03"
# Where a span cannot go: inside a tag (an attribute value) and inside elements that hold text only.
_NO_SPAN = re.compile(r"<(title|option|script|style|textarea)\b[^>]*>.*?</\1\s*>|<[^>]*>", re.S | re.I)


def gettext_callables(translations: NullTranslations, english: bool) -> dict[str, Callable[..., Markup]]:
    """`_`, `gettext`, `ngettext` and `pgettext` for templates. For a page in another language
    (`english=False`), a message the catalog does not serve comes out marked as English."""
    served: Container[object] = getattr(translations, "_catalog", {})  # gettext's table of served messages

    def tr(text: str, variables: dict[str, Any], source: str, key: object) -> Markup:
        formatted, fell_back = _format(text, variables, source)
        if english or (key in served and not fell_back):
            return formatted
        return Markup("\x02%s\x03") % formatted  # ENGLISH_OPEN, ENGLISH_CLOSE

    def gettext(message: str, **variables: Any) -> Markup:
        return tr(str(translations.gettext(message)), variables, message, message)

    def ngettext(__singular: str, __plural: str, __num: int, **variables: Any) -> Markup:
        variables.setdefault("num", __num)
        source = __singular if __num == 1 else __plural
        return tr(str(translations.ngettext(__singular, __plural, __num)), variables, source, (__singular, 0))

    def pgettext(context: str, message: str, **variables: Any) -> Markup:
        return tr(str(translations.pgettext(context, message)), variables, message, f"{context}\x04{message}")

    return {"gettext": gettext, "_": gettext, "ngettext": ngettext, "pgettext": pgettext}


def mark_english(html: str) -> str:
    """Turn the marks `gettext_callables` left into `<span lang="en" dir="ltr">` where a span may go,
    and drop them where it may not (attribute values, titles, options, scripts)."""
    if ENGLISH_OPEN not in html:
        return html
    html = _NO_SPAN.sub(lambda m: m.group().replace(ENGLISH_OPEN, "").replace(ENGLISH_CLOSE, ""), html)
    return html.replace(ENGLISH_OPEN, '<span lang="en" dir="ltr">').replace(ENGLISH_CLOSE, "</span>")


# Digits of CLDR numbering systems. Babel formats numbers and dates with the locale's symbols and
# patterns but always in Latin digits; a locale whose CLDR default is another system (Persian:
# arabext) gets its own digits here.
NATIVE_DIGITS = {"arabext": "۰۱۲۳۴۵۶۷۸۹", "arab": "٠١٢٣٤٥٦٧٨٩", "deva": "०१२३४५६७८९"}


def native_digits(text: str, locale: Locale) -> str:
    digits = NATIVE_DIGITS.get(str(getattr(locale.babel, "default_numbering_system", "latn")))
    return text.translate(str.maketrans("0123456789", digits)) if digits else text


# CLDR has no month names for Haitian Creole yet (Babel's "long" gives "2026 M11 27"):
# an ISO date is unambiguous there.
DATE_FORMAT_OVERRIDES = {"ht": "short"}


def locale_filters(locale: Locale) -> dict[str, Callable[..., str]]:
    def date(value: dt.date, format: str = "long") -> str:
        format = DATE_FORMAT_OVERRIDES.get(locale.tag, format)
        return native_digits(str(format_date(value, format=format, locale=locale.babel)), locale)

    def number(value: float) -> str:
        return native_digits(str(format_decimal(value, locale=locale.babel)), locale)

    def percent(value: float) -> str:
        return native_digits(str(format_percent(value / 100, locale=locale.babel)), locale)

    return {"format_date": date, "format_number": number, "format_percent": percent}
