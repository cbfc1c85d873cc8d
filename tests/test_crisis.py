"""Help-now by country (issue 13): crisis.yaml's fields and checks, who sees which line first, the
country chooser and its cookie, ?country= on the API, embeds and oEmbed, and every contact link's
accessible name naming the country it serves, in every language."""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from pathlib import Path
from urllib.parse import quote

import pytest
from babel import Locale as BabelLocale
from babel.lists import format_list
from babel.messages.pofile import read_po
from starlette.testclient import TestClient

from api.core.settings import ROOT, Settings
from api.sources.crisis import country_codes, select
from api.sources.crisis_file import load_crisis, read_crisis
from api.tools.checks import check_all, crisis_warnings
from tests.conftest import SITE_LOCALES as LOCALES
from tests.conftest import SLUG
from tests.corpus import Corpus
from tests.htmltext import Element, find, parse

CRISIS = ROOT / "crisis.yaml"
TODAY = dt.date(2026, 12, 7)  # the day crisis.yaml was last checked (emergency numbers)
TAGS = [loc.tag for loc in LOCALES]


def write_crisis(tmp_path: Path, resources: str) -> Path:
    path = tmp_path / "crisis.yaml"
    path.write_text("heading: Need help now?\nresources:\n" + textwrap.indent(textwrap.dedent(resources), "  "),
                    encoding="utf-8")
    return path


EVERYWHERE = """\
- id: everywhere
  countries: "*"
  languages: "*"
  name: Emergency services
  description: Call your local emergency number.
"""
CANADA = """\
- id: ca-988
  countries: [CA]
  languages: [en, fr]
  source: https://988.ca/
  verified: 2026-09-01
  name: "9-8-8: Suicide Crisis Helpline"
  description: Call or text.
  contacts:
    - kind: phone
      value: "988"
      label: Call 9-8-8
"""
LINE = EVERYWHERE + CANADA
CANADA_LINE = 3 + EVERYWHERE.count("\n")  # heading, resources:, then the first resource


# crisis.yaml: the fields every resource carries ---------------------------------------------------------

def test_committed_file_names_countries_languages_source_and_date_for_every_line() -> None:
    _, resources, problems = read_crisis(CRISIS, TODAY)
    assert problems == []
    by_id = {r.id: r for r in resources}
    assert by_id["us-988"].countries == ("US",) and by_id["us-988"].languages == ("en", "es")
    assert by_id["ca-988"].countries == ("CA",) and by_id["ca-988"].languages == ("en", "fr")
    assert by_id["us-988"].source == "https://988lifeline.org/get-help/what-to-expect"
    assert by_id["ca-988"].source == "https://988.ca/get-help/what-to-expect"
    assert by_id["findahelpline"].countries == ("*",)
    for r in resources:
        if r.contacts:
            assert r.source and r.source.startswith("https://") and isinstance(r.verified, dt.date), r.id


FIELDS = [
    ("countries", "`countries` is required"),
    ("languages", "`languages` is required"),
    ("source", "`source` is required"),
    ("verified", "`verified` is required"),
]


@pytest.mark.parametrize(("field", "message"), FIELDS)
def test_a_line_without_each_field_is_refused_with_its_line(tmp_path: Path, field: str, message: str) -> None:
    canada = "".join(line for line in CANADA.splitlines(keepends=True) if not line.startswith(f"  {field}:"))
    path = write_crisis(tmp_path, EVERYWHERE + canada)
    _, _, problems = read_crisis(path, TODAY)
    assert [(p.line, "'ca-988'" in p.message, message in p.message) for p in problems] == [(CANADA_LINE, True, True)]
    with pytest.raises(ValueError, match=re.escape(message)):
        load_crisis(path)  # the build refuses it too


def test_bothand_check_fails_on_a_line_without_languages(tmp_path: Path) -> None:
    path = write_crisis(tmp_path, EVERYWHERE + CANADA.replace("  languages: [en, fr]\n", ""))
    problems = [str(p) for p in check_all(Settings(crisis_file=path), stale=False) if p.path.name == "crisis.yaml"]
    assert problems == [f"{path}:{CANADA_LINE}: resource 'ca-988': `languages` is required: the BCP 47 tags of "
                        "the languages it serves in (e.g. [en, fr]) or \"*\""]
    assert not [p for p in check_all(Settings(), stale=False) if p.path.name == "crisis.yaml"]


@pytest.mark.parametrize(("bad", "message"), [
    ("countries: [CA]", "countries: [Canada]"),
    ("countries: [CA]", "countries: [ca]"),
    ("languages: [en, fr]", "languages: [english]"),
    ("source: https://988.ca/", "source: http://988.ca/"),
    ("verified: 2026-09-01", "verified: 2027-01-01"),
])
def test_check_names_a_wrong_value(tmp_path: Path, bad: str, message: str) -> None:
    path = write_crisis(tmp_path, LINE.replace(bad, message))
    _, _, problems = read_crisis(path, TODAY)
    assert len(problems) == 1 and "'ca-988'" in problems[0].message, problems


def test_every_mistake_is_named_at_once_on_its_own_line(tmp_path: Path) -> None:
    """Faults deep in the file (a contact's kind, a misspelt field, a second resource's country) are all
    reported, each on the line that holds it, in the field's own words."""
    body = LINE.replace("kind: phone", "kind: fax").replace("verified:", "verifed:").replace(
        "countries: [CA]", "countries: [CA, Canada]")
    path = write_crisis(tmp_path, body)
    lines = path.read_text(encoding="utf-8").splitlines()
    problems = read_crisis(path, TODAY)[2]
    assert [(lines[p.line - 1].strip(), p.message) for p in problems] == [
        ("countries: [CA, Canada]", "resource 'ca-988': `countries` has 'Canada', which is not an ISO 3166-1 "
                                    "alpha-2 country code (upper case, e.g. US, CA, MX)"),
        ("verifed: 2026-09-01", "resource 'ca-988': `verifed` is not a field here (a typo?)"),
        ("- kind: fax", "resource 'ca-988': `kind` must be one of phone, sms, url, not 'fax'"),
    ]


def test_check_warns_when_a_line_was_verified_more_than_six_months_ago(tmp_path: Path) -> None:
    path = write_crisis(tmp_path, LINE)  # verified 2026-09-01
    settings = Settings(crisis_file=path)
    assert crisis_warnings(settings, dt.date(2027, 3, 1)) == []
    warnings = crisis_warnings(settings, dt.date(2027, 3, 2))
    assert len(warnings) == 1
    assert "'ca-988'" in warnings[0].message and "2026-09-01" in warnings[0].message
    assert "https://988.ca/" in warnings[0].message  # where to check it again
    assert crisis_warnings(Settings(), TODAY) == []  # the committed file is fresh


def test_a_file_without_a_resource_for_every_country_is_refused(tmp_path: Path) -> None:
    path = write_crisis(tmp_path, LINE[LINE.index("- id: ca-988"):])
    _, _, problems = read_crisis(path, TODAY)
    assert any("every country" in p.message for p in problems)


# Who sees what first ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "country", "expected"), [
    ("en", None, ["emergency", "findahelpline", "us-988", "ca-988"]),
    ("es", None, ["emergency", "findahelpline", "us-988"]),  # 988 answers in Spanish
    ("fr", None, ["emergency", "findahelpline", "ca-988"]),  # 9-8-8 answers in French
    ("ru", None, ["emergency", "findahelpline"]),
    ("es", "CA", ["ca-988", "emergency", "findahelpline"]),
    ("en", "US", ["us-988", "emergency", "findahelpline"]),
    ("es", "MX", ["emergency", "findahelpline"]),  # no line here for Mexico: no US line either
])
def test_order(lang: str, country: str | None, expected: list[str]) -> None:
    _, resources = load_crisis(CRISIS)
    assert [r.id for r in select(resources, lang, country)] == expected


# Readers ----------------------------------------------------------------------------------------------

def contacts(html: str) -> list[Element]:
    aside = find(html, id="help-now")[0]
    return [el for el in _walk(aside) if el.tag == "a" and "crisis-contact" in el.attrs.get("class", "")]


def items(html: str) -> list[Element]:
    aside = find(html, id="help-now")[0]
    return [el for el in _walk(aside) if el.tag == "li"]


def _walk(el: Element) -> list[Element]:
    out = []
    for child in el.children:
        out.append(child)
        out += _walk(child)
    return out


def text_of(el: Element) -> str:
    """An element's text as one line (Element.text already holds its descendants' text)."""
    return " ".join(el.text.split())


def test_a_reader_choosing_canada_sees_988_labelled_for_canada_first(client: TestClient) -> None:
    r = client.get("/es/help?country=CA", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/es/help/CA"
    assert "set-cookie" not in r.headers  # not remembered unless asked
    page = client.get("/es/help/CA")
    assert page.status_code == 200 and "public" in page.headers["cache-control"]
    first = contacts(page.text)[0]
    assert first.attrs["href"] == "tel:988"
    # the fixture's Spanish translates the label but not the country: CLDR names it (Canadá)
    assert text_of(first) == "[es] [es] Call 9-8-8 (Canadá)" and "lang" not in first.attrs
    assert "9-8-8" in text_of(items(page.text)[0]) and "Canad" in text_of(items(page.text)[0])
    assert not any("(Estados Unidos)" in text_of(a) or "(United States)" in text_of(a) for a in contacts(page.text))


@pytest.mark.parametrize("path", ["/es/help?country=MX", f"/es/articles/{SLUG}", "/ru/help"])
def test_mexico_or_no_country_sees_the_emergency_line_and_findahelpline_first(client: TestClient, path: str) -> None:
    html = client.get(path).text  # follows /es/help?country=MX -> /es/help/MX
    first, second = items(html)[:2]
    lang = path.split("/")[1]
    assert text_of(first).startswith(f"[{lang}] Emergency services [{lang}] If you or someone else")
    assert contacts(html)[0].attrs["href"] == "https://findahelpline.com/"
    assert "findahelpline.com" in text_of(second)
    if "MX" in path:
        assert not [a for a in contacts(html) if a.attrs["href"].startswith(("tel:", "sms:"))]


# Emergency numbers by country ---------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "number", "country"), [
    ("/en/help/US", "911", "United States"), ("/en/help/CA", "911", "Canada"),
    ("/en/help/GB", "999", "United Kingdom"), ("/en/help/DE", "112", "Germany"), ("/en/help/AU", "000", "Australia"),
    ("/es/help/US", "911", "Estados Unidos"),
])
def test_a_country_with_a_known_number_sees_it_instead_of_your_local_number(
    client: TestClient, path: str, number: str, country: str,
) -> None:
    page = client.get(path)
    assert page.status_code == 200 and "public" in page.headers["cache-control"]
    emergency = next(li for li in items(page.text) if "911" in text_of(li) or number in text_of(li))
    assert number in text_of(emergency) and "local emergency number" not in text_of(emergency)
    calls = [a for a in contacts(page.text) if a.attrs["href"] == f"tel:{number}"]
    assert calls and text_of(calls[0]).endswith(f"({country})") and number in text_of(calls[0])


def test_a_country_without_a_known_number_keeps_the_general_sentence(client: TestClient) -> None:
    html = client.get("/en/help/MX").text
    assert "call your local emergency number now" in text_of(items(html)[0])
    assert not [a for a in contacts(html) if a.attrs["href"].startswith("tel:")]


def test_the_api_and_embeds_for_a_country_with_a_number(client: TestClient) -> None:
    crisis = client.get(f"/api/v1/articles/{SLUG}?lang=en&country=GB").json()["crisis"]
    first = crisis["resources"][0]
    assert first["id"] == "emergency" and first["countries"] == ["GB"] and first["source"].startswith("https://")
    assert first["verified"] and [c["href"] for c in first["contacts"]] == ["tel:999"]
    assert first["contacts"][0]["label"]["text"] == "Call 999 (United Kingdom)"
    # no embed of its own: the "other country" embed, still 200
    assert client.get(f"/embed/en/{SLUG}?country=GB").status_code == 200


def test_emergency_numbers_are_checked_with_their_line(tmp_path: Path) -> None:
    path = write_crisis(tmp_path, LINE)
    path.write_text(path.read_text(encoding="utf-8") + textwrap.dedent("""\
        emergency_numbers:
          - numbers: ["999"]
            for: [GB]
            source: https://example.org/999
            verified: 2026-09-01
          - numbers: ["nine"]
            for: [XX]
            verified: 2026-09-01
        """), encoding="utf-8")
    _, _, problems = read_crisis(path, TODAY)
    fields = sorted(p.message.split(" ")[0] for p in problems)  # the bad entry's three faults, on its lines
    assert fields == ["`for`", "`numbers`", "`source`"] and all(p.line > CANADA_LINE + 10 for p in problems), problems
    warnings = crisis_warnings(Settings(crisis_file=path), dt.date(2027, 3, 2))
    assert any("emergency number 999" in w.message and "https://example.org/999" in w.message for w in warnings)


def test_an_emergency_number_is_for_named_countries_only(tmp_path: Path) -> None:
    path = write_crisis(tmp_path, LINE)
    path.write_text(path.read_text(encoding="utf-8") + textwrap.dedent("""\
        emergency_numbers:
          - numbers: ["999"]
            for: ["*"]
            source: https://example.org/999
            verified: 2026-09-01
        emergency_number: []
        """), encoding="utf-8")
    assert [p.message for p in read_crisis(path, TODAY)[2]] == [
        "`for` has '*', which is not an ISO 3166-1 alpha-2 country code (upper case, e.g. US, CA, MX)",
        "`emergency_number` is not a field here (a typo?)"]


def test_the_country_is_remembered_only_when_the_reader_asks(client: TestClient) -> None:
    client = TestClient(client.app)  # its own cookie jar
    r = client.get("/fr/help?country=CA&remember=1", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/choose-country/CA?next=%2Ffr%2Fhelp%2FCA"
    r = client.get(r.headers["location"], follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/fr/help/CA"
    assert r.headers["cache-control"] == "no-store"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("country=CA;") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    # /fr/help now opens the remembered country: private, it depends on the cookie
    r = client.get("/fr/help", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/fr/help/CA"
    assert r.headers["vary"] == "Cookie" and r.headers["cache-control"] == "private, no-cache"
    # the pages themselves are the same bytes for everyone: the cookie changes nothing there
    assert client.get(f"/fr/articles/{SLUG}").headers["etag"] == TestClient(client.app).get(
        f"/fr/articles/{SLUG}").headers["etag"]
    r = client.get("/choose-country/none?next=/fr/help", follow_redirects=False)
    assert 'country=""' in r.headers["set-cookie"] and "Max-Age=0" in r.headers["set-cookie"]
    client.cookies.clear()
    r = client.get("/fr/help", follow_redirects=False)
    assert r.status_code == 200 and r.headers["vary"] == "Cookie"


def test_no_open_redirect_and_unknown_countries(client: TestClient) -> None:
    client = TestClient(client.app)  # its own cookie jar
    r = client.get("/choose-country/CA?next=//evil.example/", follow_redirects=False)
    assert r.headers["location"].startswith("/") and "evil" not in r.headers["location"]
    assert client.get("/choose-country/XX", follow_redirects=False).status_code == 404
    assert client.get("/es/help?country=Canada").status_code == 400
    assert client.get("/es/help/ZZ").status_code == 404
    assert client.get("/es/help/ca", follow_redirects=False).headers["location"] == "/es/help/CA"


def test_the_country_form_is_a_plain_get_form(client: TestClient) -> None:
    html = client.get(f"/es/articles/{SLUG}").text
    form = find(html, "form", **{"class": "country-form"})[0]
    assert form.attrs["method"] == "get" and form.attrs["action"] == "/es/help"
    select_el = find(html, "select", name="country")[0]
    options = [o for o in _walk(select_el) if o.tag == "option"]
    assert options[0].attrs["value"] == ""  # not chosen
    codes = {o.attrs["value"] for o in options[1:]}
    assert codes == set(country_codes()) and {"CA", "MX", "US"} <= codes
    assert "Canadá" in {text_of(o) for o in options}  # names in the reader's language (CLDR)
    assert find(html, "input", type="checkbox", name="remember")
    assert find(html, "label", **{"for": "help-now-country"})
    scripts = [el for el in parse(html) if el.tag == "script"]
    assert all(el.attrs.get("type") == "application/ld+json" for el in scripts)  # data only: no JavaScript


def test_privacy_sentence_names_both_cookies(client: TestClient) -> None:
    html = client.get("/en/").text
    assert "Cookies only remember a language you choose, and a country if you ask the site to." in html
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "country" in readme[:readme.index("## Quick start")]


# Partners ----------------------------------------------------------------------------------------------

def test_api_country_ca(client: TestClient) -> None:
    crisis = client.get(f"/api/v1/articles/{SLUG}?lang=fr&country=CA").json()["crisis"]
    assert crisis["country"] == "CA"
    first = crisis["resources"][0]
    assert first["id"] == "ca-988" and first["countries"] == ["CA"] and first["languages"] == ["en", "fr"]
    assert first["source"].startswith("https://988.ca/") and first["verified"]
    assert [c["href"] for c in first["contacts"]] == ["tel:988", "sms:988"]
    # the fixture's French lacks "Call 9-8-8": that label falls back to English, and says so
    assert [c["label"] for c in first["contacts"]] == [{"text": "Call 9-8-8 (Canada)", "lang": "en"},
                                                       {"text": "[fr] [fr] Text 9-8-8 ([fr] Canada)", "lang": "fr"}]
    assert [r["id"] for r in crisis["resources"]] == ["ca-988", "emergency", "findahelpline"]
    # lower case works; the plain URL stays the prebuilt bytes with the default block
    assert client.get(f"/api/v1/articles/{SLUG}?lang=fr&country=ca").json()["crisis"] == crisis
    plain = client.get(f"/api/v1/articles/{SLUG}?lang=fr").json()["crisis"]
    assert plain["country"] is None and [r["id"] for r in plain["resources"]] == ["emergency", "findahelpline",
                                                                                  "ca-988"]


def test_api_country_mx_and_bad_values(client: TestClient) -> None:
    crisis = client.get(f"/api/v1/articles/{SLUG}?lang=es&country=MX").json()["crisis"]
    assert crisis["country"] == "MX"
    assert [r["id"] for r in crisis["resources"]] == ["emergency", "findahelpline"]
    for bad in ("Mexico", "XX", "M"):
        r = client.get(f"/api/v1/articles/{SLUG}?lang=es&country={bad}")
        assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json"
        assert r.json()["parameter"] == "country"


def test_embed_country(client: TestClient) -> None:
    r = client.get(f"/embed/es/{SLUG}?country=CA")
    assert r.status_code == 200 and "frame-ancestors *" in r.headers["content-security-policy"]
    assert text_of(contacts(r.text)[0]) == "[es] [es] Call 9-8-8 (Canadá)"  # as on the help page
    mx = client.get(f"/embed/es/{SLUG}?country=MX&resize=0")
    assert mx.status_code == 200 and "embed-resize.js" not in mx.text
    assert text_of(items(mx.text)[0]).startswith("[es] Emergency services")
    assert contacts(mx.text)[0].attrs["href"] == "https://findahelpline.com/"
    assert "set-cookie" not in mx.headers
    form = find(mx.text, "form", **{"class": "country-form"})[0]  # stays in the iframe, keeps resize=0
    # No action: a form without one goes to its own document's URL (the embed's), in the iframe.
    assert "action" not in form.attrs and form.attrs["target"] == "_self"
    assert find(mx.text, "input", type="hidden", name="resize", value="0")
    assert not find(mx.text, "input", type="checkbox")  # an embed never sets a cookie
    assert client.get(f"/embed/es/{SLUG}?country=nowhere").status_code == 400


def test_oembed_passes_the_country_into_the_embed(client: TestClient) -> None:
    url = quote(f"http://testserver/es/articles/{SLUG}", safe="")
    html = client.get(f"/api/oembed?url={url}&country=ca").json()["html"]
    assert f'src="http://testserver/embed/es/{SLUG}?country=CA"' in html
    assert client.get(f"/api/oembed?url={url}&country=Canada").status_code == 400


# Accessible names, every language ------------------------------------------------------------------------

def expected_area(countries: list[str], lang: str, locales: Path) -> str:
    """Whom a resource serves, in `lang`, computed here from CLDR and the catalogs (not the site's code)."""
    folder = next((loc.folder for loc in LOCALES if loc.tag == lang), "en")
    catalog = None
    if lang != "en":
        with (locales / folder / "LC_MESSAGES" / "ui.po").open("rb") as fp:
            catalog = read_po(fp)

    def translated(text: str) -> str | None:
        if catalog is None:
            return text
        msg = catalog.get(text, context="crisis")
        return str(msg.string) if msg is not None and msg.string and not msg.fuzzy else None

    if countries == ["*"]:
        return translated("worldwide") or "worldwide"
    babel = BabelLocale.parse(lang, sep="-")
    english = BabelLocale.parse("en")
    names = [translated(english.territories[c]) or babel.territories.get(c) for c in countries]
    return format_list([str(n) for n in names], locale=babel)


@pytest.mark.parametrize("tag", TAGS)
def test_every_contact_link_names_its_country_in_every_language(client: TestClient, site: Corpus, tag: str) -> None:
    locales = site.root / "locales"
    pages = [(f"/{tag}/articles/{SLUG}", f"/api/v1/articles/{SLUG}?lang={tag}"),
             (f"/{tag}/help/CA", f"/api/v1/articles/{SLUG}?lang={tag}&country=CA"),
             (f"/{tag}/help/US", f"/api/v1/articles/{SLUG}?lang={tag}&country=US"),
             (f"/{tag}/help/MX", f"/api/v1/articles/{SLUG}?lang={tag}&country=MX"),
             (f"/embed/{tag}/{SLUG}?country=CA", f"/api/v1/articles/{SLUG}?lang={tag}&country=CA")]
    checked = 0
    for page, api in pages:
        html = client.get(page).text
        resources = client.get(api).json()["crisis"]["resources"]
        lis = items(html)
        assert len(lis) == len(resources), page
        for li, resource in zip(lis, resources, strict=True):
            links = [el for el in _walk(li) if el.tag == "a"]
            assert [a.attrs["href"] for a in links] == [c["href"] for c in resource["contacts"]], page
            for link, contact in zip(links, resource["contacts"], strict=True):
                lang = link.attrs.get("lang", tag)
                name = text_of(link)  # no aria-label: the visible text is the whole accessible name
                assert "aria-label" not in link.attrs and "aria-labelledby" not in link.attrs
                assert name == contact["label"]["text"] and lang == contact["label"]["lang"], page
                where = expected_area(resource["countries"], lang, locales)
                assert where in name, (page, name, where)  # it says which country it serves
                assert re.search(r"\d|\.", name)  # and still the number or address to act on
                checked += 1
            if resource["countries"] != ["*"]:  # a country's service names its country too
                strong = text_of(next(el for el in _walk(li) if el.tag == "strong"))
                assert expected_area(resource["countries"], resource["name"]["lang"], locales) in strong, page
    assert checked >= 8


def test_the_visible_label_is_the_accessible_name_in_the_built_html(client: TestClient) -> None:
    """WCAG 2.5.3: every link in the help-now box (contacts and the help link) is named by its own text."""
    for el in parse(client.get("/en/help/US").text) + parse(client.get(f"/en/articles/{SLUG}").text):
        if el.tag == "a" and "crisis-contact" in el.attrs.get("class", ""):
            assert "aria-label" not in el.attrs and text_of(el)
