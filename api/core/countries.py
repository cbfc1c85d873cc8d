"""Country codes (ISO 3166-1 alpha-2, from CLDR): what a reader's `country` choice may be.

Shared by the build (help-now pages per country) and the server (``?country=``, the country cookie).
"""

from __future__ import annotations

from functools import cache

from babel import Locale as BabelLocale
from babel.core import get_global

# CLDR codes that are not countries: European Union, Eurozone, United Nations, Outlying Oceania,
# Sark (not in ISO 3166-1), pseudo-locales, unknown region.
NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "CQ", "XA", "XB", "ZZ"})


@cache
def country_codes() -> frozenset[str]:
    """Every ISO 3166-1 alpha-2 country CLDR names (deprecated and non-country codes left out)."""
    aliases = get_global("territory_aliases")
    codes = (str(code) for code in BabelLocale.parse("en").territories)
    return frozenset(code for code in codes
                     if len(code) == 2 and code.isalpha() and code not in aliases and code not in NOT_COUNTRIES)


def parse_country(raw: str) -> str | None:
    """`ca` or `CA` -> `CA`; None when it is not a country code we know."""
    code = raw.strip().upper()
    return code if code in country_codes() else None
