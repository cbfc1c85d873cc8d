"""The typed output models: every JSON resource the API serves, and what templates read.

One source of truth: the JSON bytes are encoded from these Structs, the OpenAPI component
schemas are generated from them (:func:`schemas`), and the templates render the very same
objects. A Struct with ``forbid_unknown_fields`` is a closed contract: its schema says
``additionalProperties: false``, so a field added here without its type cannot pass the
schema tests, and a field sent without being declared here cannot be encoded at all.

msgspec rather than pydantic: the build encodes thousands of resources, msgspec Structs are
several times faster to create and encode, generate JSON Schema 2020-12 (what OpenAPI 3.1
uses) with discriminated unions for tagged Structs, and add no runtime dependencies.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import msgspec
from markupsafe import Markup

Tag = Annotated[str, msgspec.Meta(description="BCP 47 language tag, e.g. `es`, `zh-Hant`, `pt-BR`.",
                                  examples=["es"])]
Direction = Literal["ltr", "rtl"]
ReviewState = Literal["source", "draft", "reviewed", "outdated"]


LocalizedDate = Annotated[dt.date, msgspec.Meta(
    description="When the article last changed in this language: the English date, or the day its translation "
                "last changed (locales/updated.json), never before the English date. updated_since filters on it.")]


class Model(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Base of every closed model."""


class Text(Model, frozen=True):
    """One translatable text: plain text, sanitized inline HTML, and the language it is really in
    (`en` for a passage that is not translated yet)."""

    text: str
    html: Annotated[str, msgspec.Meta(description="Sanitized inline HTML: only strong, em and safe links.")]
    lang: Tag


class PlainText(Model, frozen=True):
    """A plain-text string and the language it is really in."""

    text: str
    lang: Tag


# Blocks: a discriminated union on `type` -------------------------------------------------------

class BlockBase(Model, frozen=True):
    @property
    def type(self) -> str:
        """The block's tag, as templates read it (`block.type == "list"`)."""
        return str(self.__struct_config__.tag)


class HeadingBlock(BlockBase, tag="heading", tag_field="type", frozen=True):
    """A section heading (levels 2-6; the title is level 1)."""

    level: Annotated[int, msgspec.Meta(ge=1, le=6)]
    text: Text


class ParagraphBlock(BlockBase, tag="paragraph", tag_field="type", frozen=True):
    """A paragraph."""

    text: Text


class ListBlock(BlockBase, tag="list", tag_field="type", frozen=True):
    """A bulleted or numbered list."""

    ordered: bool
    items: list[Text]


class TableBlock(BlockBase, tag="table", tag_field="type", frozen=True):
    """A table with a caption, column headers and rows of cells."""

    caption: Text
    columns: list[Text]
    rows: list[list[Text]]


class QuoteBlock(BlockBase, tag="quote", tag_field="type", frozen=True):
    """A block quotation of one or more paragraphs."""

    paragraphs: list[Text]


class FaqItem(Model, frozen=True):
    """One question and its answer paragraphs."""

    question: Text
    answer: list[Text]


class FaqBlock(BlockBase, tag="faq", tag_field="type", frozen=True):
    """Questions and answers; each question is a heading at `level`."""

    level: Annotated[int, msgspec.Meta(ge=2, le=6)]
    items: list[FaqItem]


Block = HeadingBlock | ParagraphBlock | ListBlock | TableBlock | QuoteBlock | FaqBlock


# Article parts -----------------------------------------------------------------------------------

class Translation(Model, frozen=True):
    """How much of the article is translated, and its review state."""

    source_lang: Tag
    review: ReviewState
    segments_in_english: int
    total: int
    translated: int
    fuzzy: int
    untranslated: int
    invalid: int
    obsolete: int
    percent: Annotated[int, msgspec.Meta(ge=0, le=100)]


class Notice(Model, frozen=True):
    """The translation notice a partner must show with a translated article."""

    title: str
    lines: list[str]
    original: str


class Urls(Model, frozen=True):
    """Where the article lives in one language."""

    json: str
    html: str
    embed: str


class Alternate(Model, frozen=True):
    """The same article in another language."""

    lang: Tag
    hreflang: Tag
    autonym: str
    dir: Direction
    percent: int
    json: str
    html: str
    embed: str


class Contact(Model, frozen=True):
    """One way to reach a help-now resource."""

    kind: Literal["phone", "sms", "url"]
    href: str
    label: Annotated[PlainText, msgspec.Meta(
        description="The link text, naming the country it serves, e.g. \"Call 988 (United States)\": use it whole "
                    "as the text (and accessible name) of the link or button.")]


CountryCode = Annotated[str, msgspec.Meta(pattern="^([A-Z]{2}|\\*)$", examples=["CA"],
                                          description="ISO 3166-1 alpha-2 country code, or `*` for every country.")]


class CrisisResource(Model, frozen=True):
    """A help-now resource."""

    id: str
    name: Annotated[PlainText, msgspec.Meta(
        description="The service's name; for a service of one country it names the country, "
                    "e.g. \"9-8-8: Suicide Crisis Helpline (Canada)\".")]
    description: PlainText
    countries: Annotated[list[CountryCode], msgspec.Meta(
        description="The countries it serves (`[\"*\"]`: every country).")]
    area: Annotated[PlainText, msgspec.Meta(
        description="The countries it serves, as text (\"Canada\", \"worldwide\").")]
    languages: Annotated[list[str], msgspec.Meta(
        description="BCP 47 tags of the languages it answers in (`[\"*\"]`: not tied to a language).")]
    languages_note: Annotated[PlainText | None, msgspec.Meta(
        description="The languages it answers in, as text (\"Languages: English and French\"); null for `*`.")]
    source: Annotated[str | None, msgspec.Meta(
        description="The official page its numbers, languages and hours come from.")]
    verified: Annotated[dt.date | None, msgspec.Meta(description="When those facts were last checked at `source`.")]
    contacts: list[Contact]


class Crisis(Model, frozen=True):
    """Help-now resources: always show them with an article."""

    heading: PlainText
    country: Annotated[str | None, msgspec.Meta(
        description="The country the resources were chosen for (the `country` parameter), or null: then the "
                    "resources for every country come first, then the lines that serve the reader's language.")]
    resources: list[CrisisResource]


class Attribution(Model, frozen=True):
    """The attribution line a partner must show."""

    text: str
    lang: Tag
    url: str
    site: str


CodeSystemKey = Annotated[Literal["icd10cm", "snomed", "icd10"], msgspec.Meta(
    description="`icd10cm`: ICD-10-CM (OID 2.16.840.1.113883.6.90); `snomed`: SNOMED CT concept id "
                "(2.16.840.1.113883.6.96); `icd10`: ICD-10, WHO (2.16.840.1.113883.6.3).")]


class Coding(Model, frozen=True):
    """One code of a condition, in one code system."""

    system: CodeSystemKey
    oid: Annotated[str, msgspec.Meta(description="The code system's OID, as HL7 Infobutton requests send it.")]
    code: Annotated[str, msgspec.Meta(description="The code in its canonical spelling (ICD with a dot: `F43.1`).",
                                      examples=["F41"])]


class Condition(Model, frozen=True):
    """A condition (topic) the article is about: its name in this language, its codes, its topic page."""

    id: Annotated[str, msgspec.Meta(pattern="^[a-z0-9]+(-[a-z0-9]+)*$", examples=["anxiety"])]
    name: PlainText
    codes: list[Coding]
    url: Annotated[str, msgspec.Meta(description="The topic page in this language: every article on it.")]


class Summary(Model, frozen=True):
    """An article in one language, without its body: what lists and feeds carry."""

    slug: str
    lang: Tag
    dir: Direction
    title: Text
    summary: Text
    published: dt.date
    updated: LocalizedDate
    content_hash: Annotated[str, msgspec.Meta(
        description="sha256 over the article's content fields; changes whenever anything shown changes.",
        pattern="^sha256:[0-9a-f]{64}$")]
    translation: Translation
    urls: Urls
    available_languages: list[Tag]
    conditions: list[Condition]


class Handout(Model, frozen=True):
    """A printable handout of the article: a tagged PDF/UA-1 file with the help-now block for no country
    chosen (add `?country=CA` to its URL for that country's), in the paper its language mostly prints on."""

    url: str
    media_type: Literal["application/pdf"]
    bytes: Annotated[int, msgspec.Meta(ge=1, description="The file's size: what its Content-Length says.")]
    pages: Annotated[int, msgspec.Meta(ge=1)]
    paper: Literal["a4", "letter"]
    large_print: Annotated[bool, msgspec.Meta(description="Body text at 16 pt or more (NHS Accessible "
                                                           "Information Standard).")]


class Article(Model, frozen=True):
    """One article in one language."""

    slug: str
    lang: Annotated[str, msgspec.Meta(description="The language served (BCP 47).")]
    requested_lang: Annotated[str | None, msgspec.Meta(
        description="The language asked for, normalized (BCP 47 case): the lang parameter, else the "
                    "Accept-Language range that chose the language; null when nothing was asked.")]
    dir: Direction
    title: Text
    summary: Text
    published: dt.date
    updated: LocalizedDate
    reviewed: dt.date | None
    blocks: list[Block]
    html: Annotated[str, msgspec.Meta(description="The whole body as one sanitized HTML fragment.")]
    translation: Translation
    notice: Notice | None
    canonical_url: str
    urls: Urls
    alternates: list[Alternate]
    content_hash: Annotated[str, msgspec.Meta(pattern="^sha256:[0-9a-f]{64}$")]
    license: str
    attribution: Attribution
    crisis: Crisis
    conditions: list[Condition]
    # Last: the build renders each handout from the article without them, then adds them.
    handouts: Annotated[list[Handout], msgspec.Meta(
        description="Printable PDF handouts (normal and large print); empty when the site builds none.")] = []


class ArticleList(Model, frozen=True):
    """One page of article summaries (RFC 8288 Link headers point to the others)."""

    lang: Tag
    page: int
    per_page: int
    total: int
    articles: list[Summary]


class Stats(Model, frozen=True):
    """Message counts of a catalog."""

    total: int
    translated: int
    fuzzy: int
    untranslated: int
    invalid: int
    obsolete: int
    percent: int


class Completeness(Model, frozen=True):
    content: Stats
    ui: Stats


class LocaleInfo(Model, frozen=True):
    """A served language."""

    tag: Tag
    gettext: Annotated[str, msgspec.Meta(description="The catalog folder name (gettext/Weblate), e.g. `pt_BR`.")]
    autonym: str
    english_name: str
    dir: Direction
    source: bool
    home_url: str
    completeness: Completeness
    review: dict[str, ReviewState]


class LocaleList(Model, frozen=True):
    """Every served language."""

    locales: list[LocaleInfo]


class Problem(Model, omit_defaults=True, frozen=True):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    available: list[Tag] | None = None
    parameter: str | None = None
    accepted: list[str] | None = None


class OEmbed(Model, frozen=True):
    """oEmbed 1.0 `rich` response."""

    version: Literal["1.0"]
    type: Literal["rich"]
    title: str
    provider_name: str
    provider_url: str
    html: str
    width: int
    height: int
    cache_age: int


# HL7 Infobutton knowledge response as JSON: MedlinePlus Connect's shape ----------------------------

class FeedValue(Model, frozen=True):
    value: str = msgspec.field(name="_value")


class FeedText(Model, frozen=True):
    value: str = msgspec.field(name="_value")
    type: Literal["text"]


class FeedAuthor(Model, frozen=True):
    name: FeedValue
    uri: FeedValue


class FeedCategory(Model, frozen=True):
    """One parameter of the request, echoed (scheme = parameter name, term = value)."""

    scheme: str
    term: str


class FeedLink(Model, frozen=True):
    """The article's page, and its printable handout (PDF) when the site builds them."""

    href: str
    rel: Literal["alternate"]
    type: Literal["text/html", "application/pdf"]
    hreflang: Tag
    title: str


class FeedEntry(Model, frozen=True):
    """One matched article: title, localized page link, summary, language, last update."""

    lang: Tag
    title: FeedText
    link: list[FeedLink]
    id: FeedValue
    updated: FeedValue
    summary: FeedText


class Feed(Model, frozen=True):
    base: str
    lang: Annotated[str, msgspec.Meta(description="The language served (BCP 47).")]
    title: FeedText
    subtitle: FeedText
    updated: FeedValue
    id: FeedValue
    author: FeedAuthor
    category: list[FeedCategory]
    entry: list[FeedEntry]


class InfobuttonFeed(Model, frozen=True):
    """The Atom knowledge response as JSON, shaped like MedlinePlus Connect's (`feed.entry[].title._value`,
    `.link[].href`, `.summary._value`), so a client written for it only changes its base URL."""

    feed: Feed


RESPONSES: tuple[type[Model], ...] = (LocaleList, ArticleList, Article, Problem, OEmbed, InfobuttonFeed)


def _enc_hook(value: Any) -> Any:
    if isinstance(value, Markup):  # sanitized HTML built by our renderer: a str to JSON
        return str(value)
    raise NotImplementedError(f"cannot encode {type(value).__name__}")


_ENCODER = msgspec.json.Encoder(enc_hook=_enc_hook, order="deterministic")


def encode(value: Any) -> bytes:
    """The JSON bytes of a model (deterministic: same model, same bytes)."""
    return _ENCODER.encode(value)


def to_builtins(value: Any) -> Any:
    """Plain JSON values (dicts, lists, ISO dates) of a model."""
    return msgspec.to_builtins(value, enc_hook=_enc_hook, order="deterministic")


def schemas(ref_template: str = "#/components/schemas/{name}") -> dict[str, Any]:
    """JSON Schema 2020-12 components for every response model, generated from the Structs."""
    _, components = msgspec.json.schema_components(RESPONSES, ref_template=ref_template)
    return components
