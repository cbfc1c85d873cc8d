"""nginx's locations for a static export, derived from the route table (api/core/routes.py).

deploy/nginx-static.conf includes ``_bothand/nginx-locations.conf`` in its server block: one location
per route of the table, in the table's order (nginx tries regular-expression locations in the order
they are written, as Starlette tries routes). A location's pattern is its route's path with each
parameter a named capture of that parameter's shape (``/{lang}/articles/{slug}`` ->
``^/(?<bothand_lang>[A-Za-z]{2,3}...)/articles/(?<bothand_slug>[^/]+)$``), and the files it tries are
its route's ``file`` with those captures. What nginx does at a route (redirect, try which files, which
queries a static copy can answer) is said below by route name: no URL is written in this module. The maps
of nginx-http.conf read a route's files the same way (:func:`file_pattern`, on ``$uri``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from api.core.resources import API_PER_PAGE
from api.core.routes import BY_NAME, PARAM, ROUTES, SHAPES, Address, Route, match
from api.core.snapshot import Index
from api.export.files import ERRORS, ExportError
from api.web.views.helpnow import FORGET

_SPECIAL = re.compile(r"([.^$*+?()\[\]{}|\\])")
# What nginx answers with for each file extension (http context), exactly as the app says it; text
# types also get `; charset=utf-8` (text/html always, the others through charset_types).
MEDIA_TYPES: dict[str, str] = {
    "html": "text/html", "css": "text/css", "js": "text/javascript", "txt": "text/plain",
    "json": "application/json", "xml": "application/xml", "svg": "image/svg+xml",
    "ico": "image/vnd.microsoft.icon", "pdf": "application/pdf",
}
CHARSET_TYPES = ("text/css", "text/javascript", "text/plain")  # and text/html, which nginx always marks
DEFAULT_TYPE = "application/octet-stream"
# `?next=` of the choose-language/choose-country links: only a plain path on this site (no open redirect).
SAFE_NEXT = r"^/[A-Za-z0-9][A-Za-z0-9._~%/-]*$"


def literal(text: str) -> str:
    """`text` as a regular expression that matches exactly it."""
    return _SPECIAL.sub(r"\\\1", text)


def pattern(route: Route, shapes: Mapping[str, str] | None = None, prefix: str | None = "bothand_",
            slash: str = "/") -> str:
    """The route's path as a PCRE (unanchored): each parameter a named capture `(?<bothand_lang>...)` of
    its shape (or a plain group without `prefix`); `slash` stands for each `/` (oEmbed's `url=` may
    encode them)."""
    def param(name: str) -> str:
        shape = (shapes or {}).get(name) or route.shape(name)
        return f"(?<{prefix}{name}>{shape})" if prefix else f"(?:{shape})"

    return _regex(route.path, param, slash)


def _regex(text: str, param: Callable[[str], str], slash: str = "/") -> str:
    """`text` (a route's path or file) as a PCRE: its literal parts escaped, each parameter `param(name)`."""
    out, pos = [], 0
    for found in PARAM.finditer(text):
        out.append(literal(text[pos:found.start()]).replace("/", slash))
        out.append(param(found.group(1)))
        pos = found.end()
    out.append(literal(text[pos:]).replace("/", slash))
    return "".join(out)


def _bare(shape: str) -> str:
    """A shape written uncaptured: grouped only where its alternatives would otherwise split the pattern."""
    return f"(?:{shape})" if "|" in shape else shape


def file_head(route: Route) -> str:
    """What comes before `{lang}` in the route's export file, as a PCRE (`embed/` of `embed/{lang}/...`)."""
    if route.file is None or "{lang}" not in route.file:
        raise ExportError(f"route {route.name!r}: its file names no language")
    return _regex(route.file.partition("{lang}")[0], lambda name: _bare(route.shape(name)))


def file_pattern(route: Route, group: str, tags: str) -> str:
    """The route's export files as a PCRE on nginx's $uri, as far as their language: from the start through
    `{lang}` (captured as `group`, one of `tags`) and the text after it, to the end if nothing follows."""
    after = (route.file or "").partition("{lang}")[2]
    found = PARAM.search(after)
    tail = literal(after[:found.start()]) if found else literal(after) + "$"
    return f"^/{file_head(route)}(?<{group}>{tags}){tail}"


def fill(template: str, **values: str) -> str:
    """A route's path or file with these values (nginx variables, or plain text) for its parameters."""
    return PARAM.sub(lambda m: values[m.group(1)], template)


def path_of(route: str, **values: str) -> str:
    return fill(BY_NAME[route].path, **values)


def file_of(route: str, variant: str = "", **values: str) -> str:
    """The export's file of `route` (see api/export/files.py) with these values; parameters not given
    are the location's captures (`${bothand_slug}`)."""
    spec = BY_NAME[route]
    if spec.file is None:
        raise ExportError(f"route {route!r} has no file for nginx to serve")
    names = set(PARAM.findall(spec.file)) - {"variant"}
    return "/" + fill(spec.file, variant=variant, **{name: f"${{bothand_{name}}}" for name in names} | values)


@dataclass
class Location:
    route: str
    match: str  # `= /api/oembed` or `~ "^...$"`
    checks: list[tuple[str, str]] = field(default_factory=list)  # (condition, what to `return` when it holds)
    files: list[str] = field(default_factory=list)  # try_files, then 404
    answer: str = ""  # `return` this (after the checks) when there are no files
    media_type: str = ""  # where the app's media type is not the file extension's


# A shape that can only match letters, digits, `_`, `~` and `-`: character classes of those (no negation),
# groups, alternatives, quantifiers and such letters themselves.
_SAFE_CLASS = re.compile(r"\[(?!\^)[A-Za-z0-9_~-]+\]")
_SAFE_REST = re.compile(r"[A-Za-z0-9_~(){},:?*+|-]*")


def _redirect_safe(route: Route) -> Route:
    """`route`, if every parameter it captures is safe in a Location header (nothing that could split the
    header or name another host); the export refuses a table whose shapes would let more through."""
    for name in route.params:
        if not _SAFE_REST.fullmatch(_SAFE_CLASS.sub("", route.shape(name))):
            raise ExportError(f"route {route.name!r}: a redirect built from `{name}` ({route.shape(name)}) "
                              "may only hold letters, digits, `_`, `~` and `-`")
    return route


def _match(route: Route) -> str:
    if '"' in route.path:
        raise ExportError(f"route {route.name!r}: its path cannot be an nginx location")
    if not route.params:
        # nginx tries exact locations before any expression: only right if no earlier route takes the path.
        if re.search(r"[\s\"';{}$]", route.path) or getattr(match(route.path), "route", None) != route.name:
            raise ExportError(f"route {route.name!r}: its path cannot be an exact nginx location")
        return f"= {route.path}"
    return f'~ "^{pattern(route)}$"'


def _plain(route: Route) -> Location:
    """Try the route's file: the one rendered for this query (`.country-CA`) first, where it has some."""
    if route.file is None:  # only the app answers it: a static copy has nothing there
        return Location(route.name, _match(route), answer="404")
    with_query = "{variant}" in route.file
    files = [file_of(route.name, "$bothand_variant")] if with_query else []
    return Location(route.name, _match(route), files=[*files, file_of(route.name)])


def _no_query(route: Route) -> Location:
    return Location(route.name, _match(route), checks=[("$args", "400")], files=_plain(route).files)


def _api_list(route: Route) -> Location:
    # The default page size only (the one the Link headers name); any other parameter needs the app.
    return Location(route.name, _match(route), checks=[
        (f'$args !~ "^(?:(?:lang=[^&]*|page=[1-9][0-9]{{0,6}}|per_page={API_PER_PAGE})(?:&|$))*$"', "400"),
        ("$bothand_lang_arg = bad", "404")],
        files=[file_of(route.name, lang="$bothand_api_lang", page="$bothand_list_page")])


def _api_article(route: Route) -> Location:
    return Location(route.name, _match(route), checks=[
        ('$args !~ "^(?:lang=[^&]*)?$"', "400"), ("$bothand_lang_arg = bad", "404")],
        files=[file_of(route.name, lang="$bothand_api_lang")])


def _oembed(route: Route) -> Location:
    # maxwidth/maxheight are accepted and ignored: the static answer is the default size.
    return Location(route.name, _match(route), checks=[
        ("$arg_format = xml", "501"),
        ('$args !~ "^(?:(?:url=[^&]+|format=json|maxwidth=[0-9]{1,9}|maxheight=[0-9]{1,9})(?:&|$))+$"', "400"),
        ('$arg_url = ""', "400")], files=["$bothand_oembed_file"])


def _root(route: Route) -> Location:
    return Location(route.name, _match(route), answer="303 " + path_of("home", lang="$bothand_reader_lang"))


def _slash(route: Route) -> Location:
    _redirect_safe(route)
    # Built from the capture, never from $uri: only the characters of SHAPES["segment"] reach Location.
    return Location(route.name, _match(route), answer="301 " + path_of("home", lang="${bothand_segment}"))


def _choose_language(route: Route) -> Location:
    _redirect_safe(route)
    lang = "${bothand_lang}"
    return Location(route.name, _match(route), checks=[
        (f"!-f $document_root{file_of('home', lang=lang)}", "404"),  # a language this export has
        (f'$arg_next ~ "{SAFE_NEXT}"', "303 $arg_next")], answer="303 " + path_of("home", lang=lang))


def _choose_country(route: Route) -> Location:
    _redirect_safe(route)
    reader = "$bothand_reader_lang"
    return Location(route.name, _match(route), checks=[
        (f'$arg_next ~ "{SAFE_NEXT}"', "303 $arg_next"),
        (f"$bothand_country = {FORGET}", "303 " + path_of("help", lang=reader))],
        answer="303 " + path_of("help_country", lang=reader, country="${bothand_country}"))


def _help(route: Route) -> Location:
    _redirect_safe(route)
    # The form's answer or the remembered country ($bothand_help_go, nginx-http.conf), else the page
    # without a country.
    return Location(route.name, _match(route), checks=[("$bothand_help_go", "303 $bothand_help_go")],
                    files=[file_of("help_any")])


def _help_country(route: Route) -> Location:
    return Location(route.name, _match(route), files=[file_of(route.name), file_of("help_other")])


def _embed(route: Route) -> Location:
    # ?country=MX (a country with no line here): the embed for any other country.
    return Location(route.name, _match(route), files=[
        file_of(route.name, "$bothand_variant"), file_of("embed_other", "$bothand_other_variant"),
        file_of(route.name)])


def _handout(route: Route) -> Location:
    # ?country=MX (a country with no line here): the handout for any other country, as for the embeds; with
    # no country asked ($bothand_other_variant is then a path that names no file), the handout without one.
    other = "handout_large_other" if route.name == "handout_large" else "handout_other"
    return Location(route.name, _match(route), files=[
        file_of(route.name, "$bothand_variant"), file_of(other) + "$bothand_other_variant", file_of(route.name)])


BEHAVIOUR: dict[str, Callable[[Route], Location]] = {
    "root": _root, "locales": _no_query, "openapi": _no_query, "api_articles": _api_list,
    "api_article": _api_article, "oembed": _oembed, "choose_language": _choose_language,
    "choose_country": _choose_country, "lang_slash": _slash, "help": _help, "help_country": _help_country,
    "embed": _embed, "handout": _handout, "handout_large": _handout,
}


def nginx_type(rel: str) -> str:
    """The Content-Type nginx sends for an export file, by its extension."""
    name = rel.rsplit("/", 1)[-1]
    media = MEDIA_TYPES.get(name.rsplit(".", 1)[-1], DEFAULT_TYPE) if "." in name else DEFAULT_TYPE
    return f"{media}; charset=utf-8" if media in ("text/html", *CHARSET_TYPES) else media


def locations(index: Index, addresses: Mapping[str, Address], files: Mapping[str, str]) -> list[Location]:
    """Every route's location, in the table's order, with the media types the app gives that the
    extension does not (a route's, or a file's)."""
    out = [BEHAVIOUR.get(route.name, _plain)(route) for route in ROUTES if not route.internal]
    by_route = {loc.route: loc for loc in out}
    other: dict[str, dict[str, str]] = {}  # route -> key -> media type, where nginx would send another
    count: dict[str, int] = {}
    for resource in index.resources:
        route = BY_NAME[addresses[resource.key].route]
        count[route.name] = count.get(route.name, 0) + 1
        if nginx_type(files[resource.key]) != resource.media_type and not files[resource.key].startswith(ERRORS):
            other.setdefault(route.name, {})[resource.key] = resource.media_type
    exact = []
    for name, types in other.items():
        route = BY_NAME[name]
        if ";" in "".join(types.values()) or route.internal or (
                len(types) < count[name] and (route.file is None or "{variant}" in route.file)):
            raise ExportError(f"route {name!r}: nginx cannot send the media types {sorted(set(types.values()))}")
        if len(types) == count[name] and len(set(types.values())) == 1:
            by_route[name].media_type = next(iter(types.values()))
            continue
        for key, media in sorted(types.items()):  # e.g. /favicon.ico among the other site files
            exact.append(Location(name, f"= {key}", files=["/" + files[key]], media_type=media))
    return exact + out


def help_go() -> list[tuple[str, str]]:
    """The `$bothand_help_go` map (nginx-http.conf): /es/help?country=CA[&remember=1], or a remembered
    country: (key pattern on "country asked|remember|country|cookie", where to go)."""
    code = SHAPES["country"]
    lang = "${bothand_lang}"  # the help location's capture
    next_param = BY_NAME["choose_country"].query[0]

    def choose(country: str, then: str) -> str:
        return f"{path_of('choose_country', country=country)}?{next_param}={then}"

    return [
        (rf"^1\|1\|(?<bothand_hg1>{code})\|", choose("${bothand_hg1}", path_of(
            "help_country", lang=lang, country="${bothand_hg1}"))),
        (r"^1\|1\|\|", choose(FORGET, path_of("help", lang=lang))),
        (rf"^1\|[^|]*\|(?<bothand_hg2>{code})\|", path_of("help_country", lang=lang, country="${bothand_hg2}")),
        (rf"^0\|[^|]*\|[^|]*\|(?<bothand_hg3>{code})$", path_of("help_country", lang=lang, country="${bothand_hg3}")),
    ]
