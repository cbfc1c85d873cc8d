"""Which language a reader gets: URL and saved choice first, then Accept-Language, then English."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.core.locales import LocaleTable
from api.i18n.negotiation import MAX_HEADER, Negotiator, parse_accept_language

# A fixed table (the fourteen languages the site launched with), not the checkout's LINGUAS: a translator
# adding or removing a language changes no expectation here.
SERVED = ("es", "fr", "pt-BR", "ru", "ar", "fa", "hi", "zh-Hans", "zh-Hant", "ko", "vi", "fil", "ht")
TABLE = LocaleTable(SERVED)
NEGOTIATOR = Negotiator(TABLE)
from_accept_language = NEGOTIATOR.from_accept_language
negotiate = NEGOTIATOR.negotiate

CASES = [
    ("zh-TW,zh;q=0.9", "zh-Hant"),
    ("zh-HK", "zh-Hant"),
    ("zh-MO", "zh-Hant"),
    ("zh-CN", "zh-Hans"),
    ("zh-SG", "zh-Hans"),
    ("zh", "zh-Hans"),
    ("zh-Hant", "zh-Hant"),
    ("zh-hant-tw", "zh-Hant"),
    ("zh-Hans-HK", "zh-Hans"),
    ("fr-CA", "fr"),
    ("fr-CH, fr;q=0.9, en;q=0.8", "fr"),
    ("pt-PT", "pt-BR"),
    ("pt", "pt-BR"),
    ("pt-br", "pt-BR"),
    ("es-MX", "es"),
    ("es-419", "es"),
    ("qaa", None),  # qaa: reserved for local use, never served
    ("qaa-DE,qaa;q=0.9", None),
    ("qaa, en;q=0.5", "en"),
    ("qaa, es;q=0.5, en;q=0.4", "es"),
    ("tl", "fil"),
    ("fil-PH", "fil"),
    ("ar-EG", "ar"),
    ("ar-SA,ar;q=0.9,en-US;q=0.8", "ar"),
    ("fa-IR", "fa"),
    ("hi-IN", "hi"),
    ("ko-KR", "ko"),
    ("vi-VN", "vi"),
    ("ht-HT", "ht"),
    ("ru-RU,ru;q=0.9", "ru"),
    ("en-US,en;q=0.9", "en"),
    ("en-GB", "en"),
    ("EN-us", "en"),
    ("es;q=0.2, fr;q=0.8", "fr"),
    ("es;q=0, fr;q=0.1", "fr"),
    ("es;q=0", None),
    ("*", "en"),
    ("en;q=0, *", "es"),
    ("qaa, *;q=0.1", "en"),
    ("*;q=0", None),
    ("", None),
    ("garbage", None),
    ("x-klingon", None),
    ("es;q=abc, fr", "fr"),
    ("es;q=2, fr", "fr"),
    (";;;,,,", None),
    ("vi,en-US;q=0.9,en;q=0.8", "vi"),
    ("ko;q=0.5, ko-KR;q=0.9, en;q=0.1", "ko"),
    ("pt;q=0, pt-PT, es;q=0.5", "es"),
    ("zh;q=0, zh-TW, ja, en;q=0.1", "en"),
    ("es-MX;q=0, es", "es"),
    ("zh_TW", "zh-Hant"),
]


@pytest.mark.parametrize(("header", "expected"), CASES)
def test_accept_language(header: str, expected: str | None) -> None:
    loc = from_accept_language(header)
    assert (loc.tag if loc else None) == expected


def test_q_values_order_and_ties_keep_header_order() -> None:
    assert [t for t, _ in parse_accept_language("a;q=0.5, b, c;q=0.5, d;q=0")] == ["b", "a", "c"]


def test_explicit_choice_beats_header() -> None:
    assert negotiate("es", None, "fr")[0].tag == "es"
    assert negotiate(None, "ar", "fr")[0].tag == "ar"
    assert negotiate("es", "ar", "fr")[0].tag == "es"
    loc, consulted = negotiate(None, None, "fr-CA")
    assert (loc.tag, consulted) == ("fr", True)
    assert negotiate(None, None, None)[0].tag == "en"
    assert negotiate(None, "nonsense", "vi")[0].tag == "vi"


def test_huge_header_is_capped() -> None:
    header = ",".join(["xx"] * 10_000) + ",es"
    assert from_accept_language(header) is None  # the `es` lies beyond the cap
    assert len(header) > MAX_HEADER


@settings(deadline=None)  # property, not speed: no timing on shared machines
@given(st.text(max_size=2000))
def test_no_header_ever_raises(header: str) -> None:
    loc = from_accept_language(header)
    assert loc is None or loc.tag


SERVED_OR_NOT = st.sampled_from([*TABLE.tags, "de", "qaa", "EN", "Pt-br", "zh-hant", "*"])
ANY_TAG = st.one_of(SERVED_OR_NOT, st.from_regex(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8}){0,3}", fullmatch=True))


@settings(deadline=None)  # property, not speed: no timing on shared machines
@given(st.lists(st.tuples(ANY_TAG, st.floats(min_value=0, max_value=1)), max_size=10))
def test_well_formed_headers_pick_the_preferred_served_language(ranges: list[tuple[str, float]]) -> None:
    header = ", ".join(f"{tag};q={q:.3f}" for tag, q in ranges)
    loc = from_accept_language(header)
    wanted = [(tag, float(f"{q:.3f}")) for tag, q in ranges]
    accepted = [tag for tag, q in wanted if q > 0]
    if loc is not None:  # a served language, asked for (by its language, or by `*`) with a q above zero
        assert TABLE.by_tag(loc.tag) is loc
        primaries = {tag.split("-")[0].lower() for tag in accepted}
        assert primaries & {loc.tag.split("-")[0].lower(), "tl" if loc.tag == "fil" else "", "*"}, (header, loc)
    if not accepted:
        assert loc is None, header
    refused = {tag.lower() for tag, q in wanted if q == 0}  # `xx;q=0` anywhere refuses xx
    top = max((q for _, q in wanted), default=0.0)
    first = next((tag for tag, q in wanted if q == top), None)
    if top > 0 and first is not None and first.lower() not in refused and TABLE.by_tag(first) is not None:
        # the most wanted range, a served tag, is served as is
        assert loc is not None and loc.tag == TABLE[first].tag, header


@pytest.mark.parametrize("header", ["C", "C;q=1.000", "x-klingon", "i-default"])
def test_a_range_with_no_language_subtag_matches_nothing(header: str) -> None:
    """`C` is a POSIX locale name, not a language (Babel would read it as en_US_POSIX); Hypothesis
    found it serving English, which the reader did not ask for."""
    assert from_accept_language(header) is None
