"""Jinja2 environment and per-request translation of interface text.

Templates mark text with ``{{ _("...") }}`` and ``{% trans %}`` (Jinja2's i18n extension,
new-style gettext so placeholders are ``%(name)s``). The gettext callables are passed in
each render's context, never installed globally: concurrent requests in different
languages never share state. Translator text is escaped before any variable is put in.

On a page in another language, a message shown in English comes out of ``_()`` inside
``<span lang="en" dir="ltr">``; where a span cannot go (attribute values, ``<title>``, ``<option>``)
a template writes ``{{ _("...") | plain }}``. The rendered template is the page: nothing edits it after.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Container
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations
from babel.units import format_unit
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
    env.filters["plain"] = plain
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


# Interface text shown in English on a page in another language comes out of `_()` already wrapped in
# `<span lang="en" dir="ltr">`, so a screen reader reads it with English rules. Where a span cannot go
# (an attribute value, <title>, <option>), templates write `_("...") | plain`: the same message without
# the span. Nothing rewrites a page after it is rendered.
ENGLISH_SPAN = Markup('<span lang="en" dir="ltr">{}</span>')


class English(Markup):
    """A message shown in English on a page in another language: the span (what `{{ }}` writes in
    text), with the message alone in `plain`. Only `english_text()` makes one; a value derived from it
    (concatenated, formatted) is an English without `plain`, which `|plain` refuses."""

    plain: Markup


def english_text(message: Markup) -> English:
    marked = English(ENGLISH_SPAN.format(message))
    marked.plain = message
    return marked


def plain(value: Any) -> Any:
    """The `plain` filter: interface text where a span cannot go (attribute values, <title>, <option>)."""
    if not isinstance(value, English):
        return value
    message = getattr(value, "plain", None)
    if message is None:
        raise TypeError("|plain must follow _() itself, not a value made from it")
    return message


def gettext_callables(translations: NullTranslations, english: bool) -> dict[str, Callable[..., Markup]]:
    """`_`, `gettext`, `ngettext` and `pgettext` for templates. For a page in another language
    (`english=False`), a message the catalog does not serve (or cannot format) comes out as `English`."""
    served: Container[object] = getattr(translations, "_catalog", {})  # gettext's table of served messages

    def tr(text: str, variables: dict[str, Any], source: str, key: object) -> Markup:
        formatted, fell_back = _format(text, variables, source)
        if english or (key in served and not fell_back):
            return formatted
        return english_text(formatted)

    def gettext(message: str, **variables: Any) -> Markup:
        return tr(str(translations.gettext(message)), variables, message, message)

    def ngettext(__singular: str, __plural: str, __num: int, **variables: Any) -> Markup:
        variables.setdefault("num", __num)
        source = __singular if __num == 1 else __plural
        return tr(str(translations.ngettext(__singular, __plural, __num)), variables, source, (__singular, 0))

    def pgettext(context: str, message: str, **variables: Any) -> Markup:
        return tr(str(translations.pgettext(context, message)), variables, message, f"{context}\x04{message}")

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

    def kilobytes(size: int) -> str:
        """A file's size for a reader (`112 kB`), in the locale's words and digits (CLDR units)."""
        value = max(1, round(size / 1000))
        return native_digits(str(format_unit(value, "digital-kilobyte", length="short", locale=locale.babel)), locale)

    return {"format_date": date, "format_number": number, "format_percent": percent, "format_kilobytes": kilobytes}
