"""Jinja2 environment and per-request translation of interface text.

Templates mark text with ``{{ _("...") }}`` and ``{% trans %}`` (Jinja2's i18n extension,
new-style gettext so placeholders are ``%(name)s``). The gettext callables are passed in
each render's context, never installed globally: concurrent requests in different
languages never share state. Translator text is escaped before any variable is put in.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from api.locales import Locale

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


def _format(text: str, variables: dict[str, Any], source: str) -> Markup:
    # escape() turns translator text into inert HTML; `%` on Markup escapes each variable too,
    # except values we built as Markup ourselves (e.g. a link made by a template).
    safe = escape(text)
    if not variables:
        return safe
    try:
        return safe % variables
    except (ValueError, TypeError, KeyError, IndexError):
        # A translation the load-time checks let through still fails with the real values:
        # that one segment is shown in English, the page still answers.
        log.warning("translation %r cannot be formatted; the English is shown", text[:60])
        return escape(source) % variables


def format_message(translated: str, source: str, variables: dict[str, Any]) -> str:
    """`translated % variables` for plain-text outputs (JSON, feeds), falling back to the English."""
    try:
        return translated % variables
    except (ValueError, TypeError, KeyError, IndexError):
        log.warning("translation %r cannot be formatted; the English is shown", translated[:60])
        return source % variables


def gettext_callables(translations: NullTranslations) -> dict[str, Callable[..., Markup]]:
    def gettext(message: str, **variables: Any) -> Markup:
        return _format(str(translations.gettext(message)), variables, message)

    def ngettext(__singular: str, __plural: str, __num: int, **variables: Any) -> Markup:
        variables.setdefault("num", __num)
        source = __singular if __num == 1 else __plural
        return _format(str(translations.ngettext(__singular, __plural, __num)), variables, source)

    def pgettext(context: str, message: str, **variables: Any) -> Markup:
        return _format(str(translations.pgettext(context, message)), variables, message)

    return {"gettext": gettext, "_": gettext, "ngettext": ngettext, "pgettext": pgettext}


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
