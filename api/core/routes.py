"""The route table: every URL (and snapshot key) of the site, declared once.

Each :class:`Route` names its path (Starlette's syntax, so the web app routes with it as is), the
query parameters that are part of a resource's identity, and where the static export writes it. The
URL builder (api/core/urls.py), the web app's routes (api/web/app.py), the export's file paths and
its nginx maps (api/export/) are all derived from this table; nothing parses a URL back into parts:
the build records each resource's route and parameters (an :class:`Address`) beside the snapshot.

Each parameter has a shape (:data:`SHAPES`, or the route's own `shapes`): what a host that matches URLs
without the app (the export's nginx, api/export/locations.py) lets through. The app's views check the
same and answer 404 for the rest; redirects are only ever built from parameters of these shapes.

Keys that start with ``!`` are never URLs: pages a view picks (the help page for the remembered
country, error pages). Their "path" is the key's pattern.

Each route also says what `kind` of resource it is: the JSON API, an embed (the only pages another site
may frame) or a reader page. The namespace of a kind (:func:`prefix_of`: `/api/`, `/embed/`) is computed
from its routes' paths, so the app and the export tell an API URL from a page without writing one.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote, urlencode

PARAM = re.compile(r"\{([a-z_]+)(?::[a-z]+)?\}")

TAG = r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*"  # a language tag's shape (`es`, `pt-BR`, `zh-Hant`)
SHAPES: dict[str, str] = {
    "lang": TAG,
    "country": r"[A-Z]{2}",  # ISO 3166-1 alpha-2, upper case (the app redirects `ca` to `CA`; a static host 404s)
    "segment": r"[A-Za-z0-9_~-]+",  # safe in a Location header: nothing that could split it or leave the site
}
SEGMENT = r"[^/]+"  # any other parameter: one path segment, as Starlette matches it
PATH = r"(?:[^/]+/)*[^/]+"  # `{name:path}`: slashes inside, but no empty segment and no trailing slash (a folder)


@dataclass(frozen=True)
class Route:
    name: str
    path: str  # `/{lang}/articles/{slug}`: Starlette's syntax, also the key of internal (`!`) resources
    query: tuple[str, ...] = ()  # parameters in the query string that name a snapshot resource, in key order
    file: str | None = None  # where the export writes it; `{variant}` is the rest of the query (`.country-CA`)
    dynamic: bool = False  # a view answers it (besides any snapshot resource at the same URL)
    file_defaults: tuple[tuple[str, str], ...] = ()  # a file-name parameter the URL may leave out, and its value
    file_ignores: tuple[str, ...] = ()  # query parameters whose value follows from the others (not in the file name)
    shapes: tuple[tuple[str, str], ...] = ()  # a parameter's shape on this route, where it is not SHAPES'
    kind: str = "reader"  # "api": errors are problems (JSON); "embed": may be framed; "reader": a page

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(PARAM.findall(self.path))

    @property
    def internal(self) -> bool:
        return self.path.startswith("!")

    def shape(self, name: str) -> str:
        """The regular expression a value of path parameter `name` must match (see SHAPES)."""
        if f"{{{name}:path}}" in self.path:
            return PATH
        return dict(self.shapes).get(name) or SHAPES.get(name, SEGMENT)


# In the order Starlette tries them: the first route whose path matches a URL answers it.
ROUTES: tuple[Route, ...] = (
    Route("root", "/", dynamic=True),
    Route("locales", "/api/v1/locales", file="api/v1/locales.json", dynamic=True, kind="api"),
    Route("api_articles", "/api/v1/articles", query=("lang", "updated_since", "condition", "page", "per_page"),
          file="api/v1/article-list/{lang}/{page}.json", dynamic=True, file_defaults=(("page", "1"),),
          file_ignores=("per_page",), kind="api"),  # the build lists at the default page size only
    Route("api_article", "/api/v1/articles/{slug}", query=("lang",), file="api/v1/articles/{slug}/{lang}.json",
          dynamic=True, kind="api"),
    Route("openapi", "/api/v1/openapi.json", file="api/v1/openapi.json", dynamic=True, kind="api"),
    Route("infobutton", "/api/v1/infobutton", dynamic=True, kind="api"),
    Route("oembed", "/api/oembed", query=("url", "format"), file="api/oembed/{lang}/{slug}.json", dynamic=True,
          file_ignores=("url", "format"), kind="api"),  # url: the article page of {lang} and {slug}; format: json
    Route("choose_language", "/choose-language/{lang}", query=("next",), dynamic=True),
    Route("choose_country", "/choose-country/{country}", query=("next",), dynamic=True,
          shapes=(("country", r"[A-Z]{2}|none"),)),  # `none` forgets the remembered country
    Route("embed", "/embed/{lang}/{slug}", query=("country", "resize"), file="embed/{lang}/{slug}{variant}.html",
          dynamic=True, kind="embed"),
    Route("static", "/static/{name:path}", file="static/{name}", dynamic=True),
    Route("site_file", "/{name}.{ext}", file="{name}.{ext}", dynamic=True),  # sitemap.xml, robots.txt, favicon
    Route("lang_slash", "/{segment}", dynamic=True),  # `/es` -> `/es/` (any plain one-segment name)
    Route("home", "/{lang}/", file="{lang}/index.html", dynamic=True),
    Route("home_page", "/{lang}/page/{number}", file="{lang}/page/{number}.html", dynamic=True),
    # Printable handouts (issue 25, api/build/handouts): a tagged PDF/UA-1 file per article x locale, and a
    # large-print one (body 16 pt); `?country=XX` names the help-now block printed, as on the article page.
    # Before "article_page" (whose `{slug}` would match `x.pdf`), the large-print one first (`{slug}.pdf`
    # would match `x.large-print.pdf`).
    Route("handout_large", "/{lang}/articles/{slug}.large-print.pdf", query=("country",),
          file="{lang}/articles/{slug}.large-print{variant}.pdf", dynamic=True),
    Route("handout", "/{lang}/articles/{slug}.pdf", query=("country",), file="{lang}/articles/{slug}{variant}.pdf",
          dynamic=True),
    Route("article_page", "/{lang}/articles/{slug}", file="{lang}/articles/{slug}.html", dynamic=True),
    Route("help", "/{lang}/help", dynamic=True),
    Route("help_country", "/{lang}/help/{country}", file="{lang}/help/{country}.html", dynamic=True),
    Route("topic", "/{lang}/topics/{topic}", file="{lang}/topics/{topic}.html", dynamic=True),
    Route("feed", "/{lang}/feed.xml", file="{lang}/feed.xml"),
    Route("page", "/{lang}/{page}", file="{lang}/{page}.html", dynamic=True),  # accessibility, languages...
    # Pages a view picks (never URLs): the export keeps them aside (_alt/, _errors/) for nginx to pick.
    Route("help_any", "!help/{lang}/help", file="_alt/help/{lang}/help.html"),
    Route("help_other", "!help-other/{lang}/help", file="_alt/help-other/{lang}/help.html"),
    Route("embed_other", "!embed-other/embed/{lang}/{slug}", query=("resize",),
          file="_alt/embed-other/embed/{lang}/{slug}{variant}.html", kind="embed"),
    Route("handout_large_other", "!handout-other/{lang}/articles/{slug}.large-print.pdf",
          file="_alt/handout-other/{lang}/articles/{slug}.large-print.pdf"),
    Route("handout_other", "!handout-other/{lang}/articles/{slug}.pdf",
          file="_alt/handout-other/{lang}/articles/{slug}.pdf"),
    Route("error_page", "!error/{lang}/{status}/{kind}", file="_errors/{lang}/{status}-{kind}.html"),
)
BY_NAME: dict[str, Route] = {route.name: route for route in ROUTES}


def leading(texts: Iterable[str]) -> str:
    """The folder that paths or file names share before any parameter, through its last `/`: `/api/` of
    `/api/v1/locales` and `/api/oembed`, `embed/` of `embed/{lang}/{slug}{variant}.html` ("" for none)."""
    common = os.path.commonprefix([text.split("{", 1)[0] for text in texts])
    return common[:common.rfind("/") + 1]


def prefix_of(kind: str) -> str:
    """The URL path every route of `kind` starts with (`/api/`). A URL under it is of that kind even where
    no route matches it (a 404 under `/api/` is a problem, not a page), so it must be a namespace of its
    own: ValueError if it is `/`, or a route of another kind lies under it too."""
    public = [route for route in ROUTES if not route.internal]
    prefix = leading(route.path for route in public if route.kind == kind)
    strays = [route.name for route in public if route.kind != kind and route.path.startswith(prefix)]
    if len(prefix) < 2 or strays:
        raise ValueError(f"the routes of kind {kind!r} share no path of their own ({prefix!r}, also {strays})")
    return prefix


API_PREFIX = prefix_of("api")  # errors under it are answered as problems (JSON), never as pages
EMBED_PREFIX = prefix_of("embed")  # the only URLs another site may frame
# What comes before the language in the URL of a page in a language (`/` of `/es/...`, `/embed/` of
# `/embed/es/...`), longest first: routes the export writes (`/choose-language/{lang}` only redirects).
LANG_PREFIXES: tuple[str, ...] = tuple(sorted(
    {route.path[:route.path.index("{lang}")] for route in ROUTES
     if route.file and not route.internal and "{lang}" in route.path}, key=lambda prefix: (-len(prefix), prefix)))


@dataclass(frozen=True)
class Address:
    """A resource's route and parameters; its snapshot key (the URL path and query) follows from them."""

    route: str
    params: tuple[tuple[str, str], ...]

    @property
    def key(self) -> str:
        route = BY_NAME[self.route]
        values = dict(self.params)
        path = PARAM.sub(lambda m: quote(values[m.group(1)], safe="" if m.group(1) != "name" else "/"), route.path)
        query = [(name, values[name]) for name in route.query if name in values]
        return path + ("?" + urlencode(query) if query else "")

    def get(self, name: str, default: str = "") -> str:
        return dict(self.params).get(name, default)


def at(route: str, **params: str | int | None) -> Address:
    """The address of `route` with these parameters (None: left out); refuses unknown ones."""
    spec = BY_NAME[route]
    given = {name: str(value) for name, value in params.items() if value is not None}
    unknown = set(given) - set(spec.params) - set(spec.query) - _FILE_ONLY.get(route, set())
    missing = set(spec.params) - set(given)
    if unknown or missing:
        raise ValueError(f"route {route}: unknown {sorted(unknown)}, missing {sorted(missing)}")
    return Address(route, tuple(sorted(given.items())))


@functools.lru_cache(maxsize=2**16)
def path(route: str, **params: str | int | None) -> str:
    """The URL path (and identity query) of a route: `path("article_page", lang="es", slug="x")`. Cached: a
    build asks for the same few URLs in every page of a unit (the language switcher, its 8 embeds), and
    building one (checking its parameters, quoting, encoding the query) was an eighth of rendering."""
    return at(route, **params).key


def _compiled(route: Route) -> re.Pattern[str]:
    """A route's path as a regular expression, as Starlette reads it (`{name:path}` may hold slashes)."""
    pattern = re.escape(route.path)
    for whole, name in re.findall(r"(\\\{([a-z_]+)(?::[a-z]+)?\\\})", pattern):
        pattern = pattern.replace(whole, f"(?P<{name}>{'.+' if ':path' in whole else '[^/]+'})", 1)
    return re.compile(pattern)


_MATCHERS = [(route, _compiled(route)) for route in ROUTES if not route.internal]


def match(url_path: str) -> Address | None:
    """The address of a URL path (decoded), by the first route that matches it; None for none."""
    for route, pattern in _MATCHERS:
        found = pattern.fullmatch(url_path)
        if found:
            return Address(route.name, tuple(sorted(found.groupdict().items())))
    return None


# Parameters only the export's file name uses (the oEmbed answer for /es/articles/x is api/oembed/es/x.json).
_FILE_ONLY: dict[str, set[str]] = {"oembed": {"lang", "slug"}}
