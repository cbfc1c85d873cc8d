"""The nginx snippets deploy/nginx-static.conf includes: the maps that depend on an export (languages,
origin, Link headers, cache lifetimes, media types; templates/nginx-http.conf.j2), the locations of the
route table (locations.py, templates/nginx-locations.conf.j2) and the response headers (from
api/web/http.py, so the app and the export send the same ones)."""

from __future__ import annotations

import re
from collections.abc import Collection

from babel.core import get_global
from jinja2 import Environment, PackageLoader, StrictUndefined

from api.core.locales import LocaleTable
from api.core.routes import API_PREFIX, BY_NAME, LANG_PREFIXES, ROUTES, SHAPES, Address, Route, leading
from api.core.settings import Settings
from api.core.snapshot import Index
from api.export.files import ALTERNATIVES, ERRORS, ExportError
from api.export.locations import (
    CHARSET_TYPES,
    MEDIA_TYPES,
    file_head,
    file_of,
    file_pattern,
    help_go,
    literal,
    locations,
    path_of,
    pattern,
)
from api.i18n.negotiation import Negotiator
from api.web.http import CORS_HEADERS, CSP, PREFLIGHT_HEADERS, security_headers
from api.web.views.helpnow import FORGET

# nginx syntax, not HTML: nothing to escape (every value is quoted by _q or a fixed pattern).
_TEMPLATES = Environment(loader=PackageLoader("api.export"), autoescape=False, trim_blocks=True,  # noqa: S701
                         keep_trailing_newline=True, undefined=StrictUndefined)


def _q(value: str) -> str:
    """An nginx string literal (single-quoted). No `$` allowed: nginx would read a variable."""
    if "$" in value or "\n" in value:
        raise ExportError(f"cannot write {value!r} into an nginx string")
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _alternation(tags: list[str]) -> str:
    return "|".join(re.escape(t) for t in sorted(tags, key=len, reverse=True))


def language_names(table: LocaleTable) -> dict[str, list[str]]:
    """Each served language (CLDR code) and the codes that alias it (`tl` for fil, `spa` for es)."""
    languages = {str(loc.babel.language) for loc in table}
    names: dict[str, set[str]] = {language: {language} for language in languages}
    for alias, target in get_global("language_aliases").items():
        head = str(target).split("_")[0]
        if head in names and alias.isalpha() and 2 <= len(alias) <= 3:
            names[head].add(alias)
    return {language: sorted(group) for language, group in sorted(names.items())}


def language_prefixes(table: LocaleTable) -> list[tuple[str, str]]:
    """(case-insensitive regex on one Accept-Language range, served tag), most specific first.

    Derived from the app's own negotiator and CLDR: aliases (`tl` -> fil), regions that imply a
    script (`zh-TW` -> zh-Hant), and every other region of a language (`es-MX`, `pt-PT`)."""
    negotiator = Negotiator(table)
    likely = get_global("likely_subtags")
    entries: list[tuple[str, str]] = []
    for language, names in language_names(table).items():
        default = negotiator.match_tag(language)
        if default is None:
            continue
        if sum(1 for loc in table if loc.babel.language == language) > 1:
            # Several scripts: a region or script subtag decides (CLDR likely subtags).
            for key in sorted(likely):
                head, _, sub = key.partition("_")
                if head != language or not sub or "_" in sub:
                    continue
                loc = negotiator.match_tag(f"{language}-{sub}")
                if loc is not None and loc.tag != default.tag:
                    entries.append((f"^{language}[-_]{sub}(?:[-_]|$)", loc.tag))
        entries.append((f"^(?:{'|'.join(names)})(?:[-_]|$)", default.tag))
    return entries


def nginx_http(index: Index, table: LocaleTable, settings: Settings, files: dict[str, str]) -> str:
    """The maps deploy/nginx-static.conf uses (http context): everything that depends on this export."""
    tags = _alternation(table.tags)
    origin = index.data.origin
    cache = f"public, max-age={settings.max_age}, stale-while-revalidate={settings.stale_while_revalidate}"
    compressed = sorted({files[r.key] for r in index.resources if len(r.variants) > 1})
    links = sorted({(rel, value) for r in index.resources for name, value in r.headers if name.lower() == "link"
                    for rel in [files[r.key]]})
    return _TEMPLATES.get_template("nginx-http.conf.j2").render(
        origin=origin, tags=tags, source=table.source.tag, errors=ERRORS, alternatives=ALTERNATIVES,
        ranges=_alternation([name for names in language_names(table).values() for name in names]),
        cookie_tags=[(re.escape(t).replace(chr(92) + "-", "[-_]"), t) for t in table.tags],
        prefixes=language_prefixes(table), secure="; Secure" if origin.startswith("https:") else "",
        cache=_q(cache), links=[(rel, _q(value)) for rel, value in links], compressed=compressed,
        preflight=_preflight_maps(), types=sorted(MEDIA_TYPES.items()), charset_types=" ".join(CHARSET_TYPES),
        urls=_url_patterns(origin, tags), file_re=_file_patterns(), help_go=help_go(),
        api_langs=[(file_pattern(r, f"bothand_cl{n}", tags), f"bothand_cl{n}") for n, r in enumerate(_negotiated(), 2)],
        first_page=dict(BY_NAME["api_articles"].file_defaults)["page"],
    )


def _url_patterns(origin: str, tags: str) -> dict[str, str]:
    """The maps' URL patterns, from the route table (api/core/routes.py)."""
    scheme, host = origin.split("://", 1)
    plain_or_encoded = {":": "(?::|%3A)", "/": "(?:/|%2F)"}
    origin_re = "".join(plain_or_encoded.get(c, re.escape(c)) for c in f"{scheme}://{host}")
    served = {"lang": tags}
    article_path = pattern(BY_NAME["article_page"], served | {"slug": "[A-Za-z0-9._~-]+"}, "bothand_o_",
                           slash=plain_or_encoded["/"])
    return {
        "root": literal(BY_NAME["root"].path),
        "api": literal(API_PREFIX),  # errors under it are problems (JSON), as the app's
        # What comes before the language in the URL of a page the export has (`/es/...`, `/embed/es/...`).
        "lang_prefix": "(?:{})".format("|".join(literal(prefix) for prefix in LANG_PREFIXES)),
        # oEmbed's url=: our own article pages only, plain or percent-encoded.
        "oembed_url": f"^{origin_re}{article_path}$",
        "oembed_file": file_of("oembed", lang="${bothand_o_lang}", slug="${bothand_o_slug}"),
        "chosen_language": f"^{pattern(BY_NAME['choose_language'], served, 'bothand_cc_')}$",
        "chosen_country": f"^{pattern(BY_NAME['choose_country'], {'country': SHAPES['country']}, 'bothand_cy_')}$",
        "forgot_country": f"^{literal(path_of('choose_country', country=FORGET))}$",
        "choose": "(?:{}|{})$".format(*(pattern(BY_NAME[name], prefix=None)
                                         for name in ("choose_language", "choose_country"))),
        "help": f"{pattern(BY_NAME['help'], prefix=None)}$",
        # A missing article: under the article resource's path, or oEmbed.
        "article_api": "(?:{}|{})".format(literal(leading([BY_NAME["api_article"].path])),
                                          literal(BY_NAME["oembed"].path)),
    }


def _negotiated() -> list[Route]:
    """The API resources in the language of ?lang=, or else of Accept-Language: the files of each language
    (in name order: their patterns are disjoint)."""
    return sorted((r for r in ROUTES if "lang" in r.query and "{lang}" in (r.file or "")), key=lambda r: r.name)


def _file_patterns() -> dict[str, str]:
    """The maps' patterns on $uri (the file answered, after try_files), from the routes' files."""
    public = [route for route in ROUTES if route.file and not route.internal]
    pages = {file_head(r) for r in public if r.kind != "api" and "{lang}" in (r.file or "")} - {""}
    embeds = leading(r.file or "" for r in public if r.kind == "embed")
    if not embeds:
        raise ExportError("the embeds' files share no folder: nginx could not tell them from the pages")
    return {
        # What comes before the language in the files of pages and embeds (`embed/`; nothing for pages).
        "page_lang": "|".join(sorted(pages, key=lambda head: (-len(head), head))),
        "negotiated": _any_folder([leading([r.file or ""]) for r in _negotiated()]),
        "embed": literal(embeds),
        "help_any": literal("/" + leading([BY_NAME["help_any"].file or ""])),
    }


def _any_folder(folders: Collection[str]) -> str:
    """A PCRE for the start of a path in any of these folders (`a/b/`, `a/c/` -> `a/(?:b|c)/`)."""
    parent = leading(folders)
    rests = sorted({folder[len(parent):-1] for folder in folders}, key=lambda rest: (len(rest), rest))
    if "" in rests:  # one of them holds the others
        return literal(parent)
    return literal(parent) + "(?:{})/".format("|".join(literal(rest) for rest in rests))


def nginx_locations(index: Index, addresses: dict[str, Address], files: dict[str, str]) -> str:
    """The locations deploy/nginx-static.conf includes (server context), one per route of the table."""
    return _TEMPLATES.get_template("nginx-locations.conf.j2").render(locations=locations(index, addresses, files))


def _preflight_maps() -> list[tuple[str, str]]:
    """(variable, value) of each CORS preflight header nginx answers OPTIONS with."""
    out = []
    for name, value in PREFLIGHT_HEADERS:
        header = name.decode()
        if header in ("allow", "content-length") or (name, value) in CORS_HEADERS:
            continue
        out.append(("$bothand_" + header.removeprefix("access-control-").replace("-", "_"), _q(value.decode())))
    return out


def nginx_server() -> str:
    """The response headers (server context): the app's own security, privacy and CORS headers."""
    lines = ["# Generated by `bothand export` from api/http.py: do not edit (re-export instead).",
             "# Included by deploy/nginx-static.conf in its server block. No location may add_header",
             "# (nginx would then drop these there): every per-response value comes from a map."]
    csp = CSP.format(ancestors="$bothand_frame_ancestors")
    for name, value in security_headers(framable=False):  # nginx picks frame-ancestors by file (its map)
        if name == "Content-Security-Policy":
            value = csp
        elif "$" in value or '"' in value:
            raise ExportError(f"cannot write header {name}: {value!r}")
        lines.append(f'add_header {_title(name)} "{value}" always;')
    for header in ("Content-Language", "Cache-Control", "Vary", "Set-Cookie", "Allow"):
        lines.append(f"add_header {header} $bothand_{header.lower().replace('-', '_')} always;")
    lines.append("add_header Vary $bothand_vary_encoding always;")
    lines.append("add_header Link $bothand_link;")
    for raw_name, raw_value in PREFLIGHT_HEADERS:
        header = raw_name.decode()
        if header.startswith("access-control-") and (raw_name, raw_value) not in CORS_HEADERS:
            var = "$bothand_" + header.removeprefix("access-control-").replace("-", "_")
            lines.append(f"add_header {_title(header)} {var} always;")
    return "\n".join(lines) + "\n"


def _title(header: str) -> str:
    return "-".join(part.capitalize() for part in header.split("-"))
