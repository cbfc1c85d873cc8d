"""Static export: the whole snapshot as plain files that nginx, an object store or a CDN can serve.

``bothand export DIR`` (and :func:`export`) loads the snapshot (building it first if the sources
changed) and writes every resource to a file whose path a plain web server can map the URL onto:

=============================================  ==============================================
URL                                            file
=============================================  ==============================================
``/es/``  ``/es/articles/x``  ``/es/page/2``   ``es/index.html``  ``es/articles/x.html``  ``es/page/2.html``
``/es/feed.xml`` ``/sitemap.xml`` ``/static/…``  the same path
``/embed/es/x``  ``/embed/es/x?resize=0``      ``embed/es/x.html``  ``embed/es/x.resize-0.html``
a page with a query (``?country=CA&resize=0``)  ``….country-CA.resize-0.html`` (query order kept)
``/api/v1/articles/x?lang=es``                 ``api/v1/articles/x/es.json``
``/api/v1/articles?lang=es[&page=N&per_page=20]``  ``api/v1/article-list/es/N.json`` (N = 1 without page)
``/api/v1/locales``  ``/api/v1/openapi.json``  ``api/v1/locales.json``  ``api/v1/openapi.json``
``/api/oembed?url=<our /es/articles/x>``       ``api/oembed/es/x.json``
error pages (``!error/es/404/not-found``)      ``_errors/es/404-not-found.html``
pages a view picks (``!help/es/help``)         ``_alt/help/es/help.html``
=============================================  ==============================================

Next to each file that the snapshot compresses lie its ``.gz`` and ``.br`` (the snapshot's own
bytes: gzip without a timestamp, so deterministic). ``_errors/problems/*.json`` are the API's
answers to what a static host cannot do (RFC 9457 problem details), and ``_bothand/`` holds the
manifest (every file with its URL, media type, language, headers and encodings: what an object
store upload needs) and the nginx snippets ``deploy/nginx-static.conf`` includes: the maps that
depend on this export (languages, origin, Link headers, cache lifetimes) and the response headers
(from :mod:`api.http`, so the app and the export send the same ones).

Output is deterministic: the same sources give byte-identical trees, including modification times.
nginx derives ``ETag`` and ``Last-Modified`` from a file's mtime and size, so each file's mtime is
derived from a hash of its content: stable across exports, and different whenever the content is
(a fixed mtime would keep the ETag of an edit that happens to keep the size).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from babel.core import get_global

from api.build.startup import load_or_build
from api.core import models as m
from api.core.locales import LocaleTable
from api.core.problems import problem_type
from api.core.resources import API_PER_PAGE
from api.core.settings import Settings
from api.core.snapshot import PACK, Index, Resource
from api.i18n.negotiation import Negotiator
from api.web.http import CORS_HEADERS, CSP, PREFLIGHT_HEADERS, security_headers

META = "_bothand"  # manifest and nginx snippets (never served)
ERRORS = "_errors"  # error pages and problem answers (served only as errors)
ALTERNATIVES = "_alt"  # pages a view picks (`!help/...`): served only where the nginx config picks them
MANIFEST = "manifest.json"
NGINX_HTTP = "nginx-http.conf"
NGINX_SERVER = "nginx-server.conf"
# mtimes: 2000-01-01T00:00:00Z plus up to 2^28 s (8.5 years) chosen by the content's hash.
EPOCH = 946684800
SPREAD = 2**28
SUFFIX = {"gzip": ".gz", "br": ".br"}
_SAFE_SEGMENT = re.compile(r"[^/\\\x00-\x1f\x7f]+")
_NAME = re.compile(r"[a-z][a-z_-]*")
_VALUE = re.compile(r"[A-Za-z0-9_-]+")


class ExportError(Exception):
    """The snapshot holds something a static host cannot map, or DIR is not ours to replace."""


@dataclass(frozen=True)
class ExportResult:
    folder: Path
    snapshot: Path
    files: dict[str, str]  # snapshot key -> file (relative to folder) holding its identity body
    written: int  # files on disk, compressed variants and _bothand/ included
    bytes: int
    seconds: float
    problems: list[str] = field(default_factory=list)  # the static problem answers, relative paths

    def path(self, key: str) -> Path:
        """Where the identity body of a snapshot key lies, e.g. ``result.path("/es/articles/x")``."""
        return self.folder / self.files[key]


def file_for(key: str, media_type: str) -> str:
    """The relative file path of a snapshot key (see the module docstring); ExportError if none."""
    if key.startswith("!"):
        kind, _, rest = key[1:].partition("/")
        if kind == "error":
            parts = rest.split("/")
            if len(parts) == 3:
                tag, status, name = parts
                return _checked(f"{ERRORS}/{tag}/{status}-{name}.html", key)
        elif _NAME.fullmatch(kind) and rest:
            # A page a view picks (e.g. `!help/es/help`): kept aside, served only where nginx picks it.
            return _checked(f"{ALTERNATIVES}/{kind}/{file_for('/' + rest, media_type)}", key)
        raise ExportError(f"cannot export {key!r}")
    path, _, query = key.partition("?")
    params = dict(parse_qsl(query, keep_blank_values=True))
    if path == "/api/v1/articles":
        if set(params) == {"lang"}:
            return _checked(f"api/v1/article-list/{params['lang']}/1.json", key)
        if set(params) == {"lang", "page", "per_page"} and params["per_page"] == str(API_PER_PAGE):
            return _checked(f"api/v1/article-list/{params['lang']}/{int(params['page'])}.json", key)
    elif path.startswith("/api/v1/articles/") and set(params) == {"lang"}:
        return _checked(f"api/v1/articles/{unquote(path.removeprefix('/api/v1/articles/'))}/{params['lang']}.json",
                        key)
    elif path == "/api/oembed" and set(params) == {"url", "format"} and params["format"] == "json":
        segments = urlsplit(params["url"]).path.strip("/").split("/")
        if len(segments) == 3 and segments[1] == "articles":
            return _checked(f"api/oembed/{segments[0]}/{unquote(segments[2])}.json", key)
    elif path == "/api/v1/locales" and not query:
        return "api/v1/locales.json"
    elif path == "/api/v1/openapi.json" and not query:
        return "api/v1/openapi.json"
    elif not path.startswith("/api/"):
        # A page or file; a query (e.g. `?country=CA&resize=0`) becomes `.country-CA.resize-0` before the
        # extension, in the order the URL builder writes it (nginx maps $args the same way).
        pairs = parse_qsl(query, keep_blank_values=True)
        if len(pairs) > 2 or any(not _NAME.fullmatch(k) or not _VALUE.fullmatch(v) for k, v in pairs):
            raise ExportError(f"cannot export {key!r}: only up to two plain query parameters map onto a file")
        variant = "".join(f".{k}-{v}" for k, v in pairs)
        rel = unquote(path).lstrip("/")
        if path.endswith("/"):
            return _checked(f"{rel}index{variant}.html", key)
        head, _, last = rel.rpartition("/")
        if "." in last and not variant:
            return _checked(rel, key)
        if media_type.startswith("text/html") and "." not in last:
            return _checked(f"{rel}{variant}.html", key)
    raise ExportError(f"cannot export {key!r}: no static file path for it (add one to api/export.py)")


def _checked(rel: str, key: str) -> str:
    segments = rel.split("/")
    if any(s in ("", ".", "..") or not _SAFE_SEGMENT.fullmatch(s) for s in segments):
        raise ExportError(f"cannot export {key!r}: unsafe file path {rel!r}")
    if segments[0] in (META, ERRORS, ALTERNATIVES) and not key.startswith("!"):
        raise ExportError(f"cannot export {key!r}: {segments[0]}/ is reserved")
    return rel


def mtime_of(body: bytes) -> int:
    """A file's modification time: a function of its content (see the module docstring)."""
    return EPOCH + int.from_bytes(hashlib.sha256(body).digest()[:8], "big") % SPREAD


def export(settings: Settings, out_dir: Path) -> ExportResult:
    """Write the site for `settings` into `out_dir` as static files (replacing a previous export)."""
    started = time.perf_counter()
    out_dir = Path(out_dir).resolve()
    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / META / MANIFEST).is_file():
        raise ExportError(f"{out_dir} is not empty and holds no previous export: refusing to replace it")
    index = load_or_build(settings)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".export-", dir=out_dir.parent))
    try:
        files, problems = _write_tree(tmp, index, settings)
        written, size = _finish(tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = out_dir.with_name(out_dir.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if out_dir.exists():
        os.replace(out_dir, old)
    os.replace(tmp, out_dir)
    shutil.rmtree(old, ignore_errors=True)
    return ExportResult(folder=out_dir, snapshot=settings.build_dir, files=files, written=written, bytes=size,
                        seconds=time.perf_counter() - started, problems=problems)


def _write_tree(root: Path, index: Index, settings: Settings) -> tuple[dict[str, str], list[str]]:
    files: dict[str, str] = {}
    bodies: dict[str, bytes] = {}
    manifest = []
    fd = os.open(settings.build_dir / PACK, os.O_RDONLY)
    try:
        for resource in index.resources:
            rel = file_for(resource.key, resource.media_type)
            variants = {v.encoding: os.pread(fd, v.length, v.offset) for v in resource.variants}
            identity = variants["identity"]
            if rel in bodies:  # `?lang=es` and its first page: one file, only if they are the same bytes
                if bodies[rel] != identity:
                    raise ExportError(f"{resource.key!r} and another resource both map to {rel} with other bytes")
                files[resource.key] = rel
                continue
            bodies[rel] = identity
            files[resource.key] = rel
            _put(root / rel, identity, identity)
            for encoding, body in variants.items():
                if encoding != "identity":
                    _put(root / (rel + SUFFIX[encoding]), body, identity)
            manifest.append(_describe(resource, rel, settings))
    finally:
        os.close(fd)
    table = LocaleTable(tuple(index.data.tags))
    problems = _write_problems(root, table)
    _put(root / META / MANIFEST, _json({"origin": index.data.origin, "tags": table.tags, "files": manifest}))
    _put(root / META / NGINX_HTTP, nginx_http(index, table, settings, files).encode())
    _put(root / META / NGINX_SERVER, nginx_server().encode())
    return files, problems


def _describe(resource: Resource, rel: str, settings: Settings) -> dict[str, object]:
    """What an object-store upload needs per file (nginx itself reads none of this)."""
    return {
        "key": resource.key, "file": rel, "status": resource.status, "media_type": resource.media_type,
        "language": resource.language, "headers": [list(pair) for pair in resource.headers],
        "framable": resource.framable, "encodings": {v.encoding: rel + SUFFIX.get(v.encoding, "")
                                                     for v in resource.variants},
    }


def _put(path: Path, body: bytes, identity: bytes | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    stamp = mtime_of(identity if identity is not None else body)
    os.utime(path, (stamp, stamp))


def _finish(root: Path) -> tuple[int, int]:
    """Fixed directory times (so a tar of the tree is reproducible too); (files, bytes)."""
    count = size = 0
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            count += 1
            size += (Path(dirpath) / name).stat().st_size
    for dirpath, _dirs, _names in os.walk(root, topdown=False):
        os.utime(dirpath, (EPOCH, EPOCH))
    os.chmod(root, 0o755)  # noqa: S103  # mkdtemp makes 0700; a web server must read the published site
    return count, size


def _json(value: object) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


# Problems: what the API says where a static host cannot answer like the app --------------------------
def problems_for(table: LocaleTable) -> dict[str, m.Problem]:
    tags = ", ".join(table.tags)
    static = "This is a static copy of Bothand."

    def problem(status: int, kind: str, title: str, detail: str, **extra: object) -> m.Problem:
        return m.Problem(type=problem_type(kind), title=title, status=status, detail=detail,
                         **extra)  # type: ignore[arg-type]

    return {
        "not-found": problem(404, "not-found", "Not Found", "Nothing is published at this URL."),
        "unknown-article": problem(404, "unknown-article", "Not Found",
                                   "No article is published at this URL in this language."),
        "unknown-language": problem(
            404, "unknown-language", "Not Found",
            f"{static} It serves the exact language tags {tags} (e.g. ?lang=pt-BR, not ?lang=pt-PT); "
            "the site's app also matches other tags.", available=table.tags),
        "needs-app": problem(
            400, "needs-app", "Bad Request",
            f"{static} The API answers ?lang=TAG, the default paging (page=N&per_page={API_PER_PAGE}) and "
            "oEmbed (url, format=json) for this site's own article pages; other parameters (per_page, "
            "updated_since, ...) need the site's app.",
            accepted=["lang", "page", f"per_page={API_PER_PAGE}", "url", "format=json"]),
        "bad-request": problem(400, "bad-request", "Bad Request",
                               "No URL of this site has a control character or a backslash in its path."),
        "unsupported-format": problem(501, "unsupported-format", "Not Implemented", "Only format=json is supported."),
        "method-not-allowed": problem(405, "method-not-allowed", "Method Not Allowed",
                                      "This URL only answers GET, HEAD and OPTIONS."),
        "server-error": problem(500, "server-error", "Internal Server Error",
                                "Something went wrong on our side. Please try again later."),
    }


def _write_problems(root: Path, table: LocaleTable) -> list[str]:
    written = []
    for name, problem in problems_for(table).items():
        rel = f"{ERRORS}/problems/{name}.json"
        _put(root / rel, m.encode(problem))
        written.append(rel)
    return written


# nginx snippets --------------------------------------------------------------------------------------
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
    source = table.source.tag
    prefixes = language_prefixes(table)
    ranges = _alternation([name for names in language_names(table).values() for name in names])
    origin = index.data.origin
    host_part = origin.split("://", 1)[1]
    plain_or_encoded = {":": "(?::|%3A)", "/": "(?:/|%2F)"}
    origin_re = "".join(plain_or_encoded.get(c, re.escape(c)) for c in f"{origin.split('://')[0]}://{host_part}/")
    slash = plain_or_encoded["/"]
    cache = f"public, max-age={settings.max_age}, stale-while-revalidate={settings.stale_while_revalidate}"
    secure = "; Secure" if origin.startswith("https:") else ""
    compressed = sorted({files[r.key] for r in index.resources if len(r.variants) > 1})
    links = sorted({(rel, value) for r in index.resources for name, value in r.headers if name.lower() == "link"
                    for rel in [files[r.key]]})
    lines = [
        f"# Generated by `bothand export` for {origin}: do not edit (re-export instead).",
        "# Included by deploy/nginx-static.conf in its http block.",
        "",
        "# The language a request's URL names (reader pages and embeds), before any rewrite.",
        "map $request_uri $bothand_request_lang {",
        f"    ~^/(?:embed/)?(?<bothand_rl>{tags})(?:[/?]|$) $bothand_rl;",
        '    default "";',
        "}",
        "# The language of the file being answered (Content-Language), from its path.",
        "map $uri $bothand_content_language {",
        "    volatile;",
        f"    ~^/(?:embed/|{ERRORS}/|{ALTERNATIVES}/[^/]+/(?:embed/)?)?(?<bothand_cl1>{tags})/ $bothand_cl1;",
        f"    ~^/api/v1/articles/[^/]+/(?<bothand_cl2>{tags})\\.json$ $bothand_cl2;",
        f"    ~^/api/v1/article-list/(?<bothand_cl3>{tags})/ $bothand_cl3;",
        '    default "";',
        "}",
        "# The reader's language for `/` and for error pages outside a language: the saved choice (the",
        "# `lang` cookie), then the first Accept-Language range we serve (header order, q=0 refused),",
        f"# then {source}. The app weighs q-values too; browsers send ranges in preference order.",
        "map $cookie_lang $bothand_cookie_lang {",
        *(f"    ~*^{re.escape(t).replace(chr(92) + '-', '[-_]')}$ {t};" for t in table.tags),
        '    default "";',
        "}",
        "map $http_accept_language $bothand_accept_range {",
        f'    "~*^(?:[^,]*,)*?\\s*(?<bothand_ar>(?:{ranges})(?:[-_][a-z0-9]{{1,8}})*)\\s*'
        '(?:;\\s*q\\s*=\\s*(?:1(?:\\.0*)?|0?\\.[0-9]*[1-9][0-9]*))?\\s*(?:,|$)" $bothand_ar;',
        '    default "";',
        "}",
        "map $bothand_accept_range $bothand_accept_lang {",
        *(f"    ~*{pattern} {tag};" for pattern, tag in prefixes),
        f"    default {source};",
        "}",
        "map $bothand_cookie_lang $bothand_reader_lang {",
        '    "" $bothand_accept_lang;',
        "    default $bothand_cookie_lang;",
        "}",
        "# ?lang= on the API: exact tags only (`ok`), none (`none`: Accept-Language decides), or `bad` (404).",
        "map $arg_lang $bothand_lang_arg {",
        '    "" none;',
        f"    ~^(?:{tags})$ ok;",
        "    default bad;",
        "}",
        "map $arg_lang $bothand_api_lang {",
        '    "" $bothand_accept_lang;',
        "    default $arg_lang;",
        "}",
        "# oEmbed: our own article pages only (plain or percent-encoded url=).",
        "map $arg_url $bothand_oembed_file {",
        f"    ~*^{origin_re}(?<bothand_ol>{tags}){slash}articles{slash}(?<bothand_os>[A-Za-z0-9._~-]+)$ "
        "/api/oembed/$bothand_ol/$bothand_os.json;",
        '    default "";',
        "}",
        "# The choice a language-switcher link makes, remembered in the site's only cookie.",
        'map "$status:$uri" $bothand_set_cookie {',
        "    volatile;",
        f"    ~^303:/choose-language/(?<bothand_cc>{tags})$ "
        f"'lang=$bothand_cc; HttpOnly; Max-Age=31536000; Path=/; SameSite=lax{secure}';",
        '    "~^303:/choose-country/(?<bothand_cy>[A-Z]{2})$" '
        f"'country=$bothand_cy; HttpOnly; Max-Age=31536000; Path=/; SameSite=lax{secure}';",
        "    ~^303:/choose-country/none$ "
        f"'country=\"\"; expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Max-Age=0; Path=/; SameSite=lax{secure}';",
        '    default "";',
        "}",
        "# Cache-Control, as the app sends it.",
        'map "$status:$bothand_request_lang:$uri" $bothand_cache_control {',
        "    volatile;",
        "    ~^303:[^:]*:/$ 'private, no-cache';",
        "    ~^303:[^:]*:/choose-(?:language|country)/ no-store;",
        f"    ~^(?:200|304|303):[^:]*:(?:/{ALTERNATIVES}/help/|/[^/]+/help$) 'private, no-cache';",
        f"    ~^[0-9]+::/{ERRORS}/[^/]+/[0-9] 'private, no-cache';",
        f"    ~^(?:200|304|301): {_q(cache)};",
        "    ~^(?:404|410): 'public, max-age=60';",
        f"    ~^[45][0-9][0-9]:[^:]+:/{ERRORS}/(?!problems/) 'public, max-age=60';",
        '    default "";',
        "}",
        'map "$status:$bothand_request_lang:$arg_lang:$uri" $bothand_vary {',
        "    volatile;",
        "    ~^303:[^:]*:[^:]*:/$ 'Cookie, Accept-Language';",
        f"    ~^(?:200|304|303):[^:]*:[^:]*:(?:/{ALTERNATIVES}/help/|/[^/]+/help$) Cookie;",
        f"    ~^[0-9]+::[^:]*:/{ERRORS}/[^/]+/[0-9] 'Cookie, Accept-Language';",
        "    ~^(?:200|304):[^:]*::/api/v1/(?:articles|article-list)/ Accept-Language;",
        '    default "";',
        "}",
        "# Only a working embed may be framed (CSP frame-ancestors).",
        'map "$status:$uri" $bothand_frame_ancestors {',
        "    volatile;",
        f"    ~^(?:200|304):/(?:{ALTERNATIVES}/[^/]+/)?embed/ '*';",
        "    default \"'none'\";",
        "}",
        "# Which error page or problem answers an error: in the URL's language, else the reader's.",
        "# `!` after the status: the path was refused as unsafe (deploy/nginx-static.conf).",
        'map "$status$bothand_unsafe_path:$bothand_lang_arg:$uri" $bothand_error_page {',
        "    volatile;",
        "    ~^400!:[^:]*:/api/ problems/bad-request.json;",
        f"    ~^400!:[^:]*:/(?:embed/)?(?<bothand_e0>{tags})/ $bothand_e0/400-bad-request.html;",
        "    ~^400!: $bothand_reader_lang/400-bad-request.html;",
        "    ~^400: problems/needs-app.json;",
        "    ~^405:[^:]*:/api/ problems/method-not-allowed.json;",
        f"    ~^405:[^:]*:/(?:embed/)?(?<bothand_e1>{tags})/ $bothand_e1/405-method-not-allowed.html;",
        "    ~^405: $bothand_reader_lang/405-method-not-allowed.html;",
        "    ~^404:bad:/api/ problems/unknown-language.json;",
        "    ~^404:[^:]*:/api/(?:v1/articles/|oembed) problems/unknown-article.json;",
        "    ~^404:[^:]*:/api/ problems/not-found.json;",
        f"    ~^404:[^:]*:/(?:embed/)?(?<bothand_e2>{tags})/ $bothand_e2/404-not-found.html;",
        "    ~^404: $bothand_reader_lang/404-unknown-language.html;",
        "    ~^501: problems/unsupported-format.json;",
        "    ~^5[0-9][0-9]:[^:]*:/api/ problems/server-error.json;",
        "    default $bothand_reader_lang/500-server-error.html;",
        "}",
        "# Link headers of API resources (canonical page, list paging), by file.",
        "map $uri $bothand_link {",
        "    volatile;",
        *(f"    /{rel} {_q(value)};" for rel, value in links),
        '    default "";',
        "}",
        "# Vary: Accept-Encoding on every file with a .gz or .br beside it (as the app says it), from this",
        "# list rather than gzip_vary, which would look for the .gz of every answer to a client without gzip.",
        "map $uri $bothand_vary_encoding {",
        "    volatile;",
        *(f"    /{rel} Accept-Encoding;" for rel in compressed),
        '    default "";',
        "}",
        "# CORS preflight and 405: what may be asked.",
        'map "$request_method:$status" $bothand_allow {',
        "    ~^OPTIONS: 'GET, HEAD, OPTIONS';",
        "    ~:405$ 'GET, HEAD, OPTIONS';",
        '    default "";',
        "}",
        *_preflight_maps(),
        "",
    ]
    return "\n".join(lines)


def _preflight_maps() -> list[str]:
    out = []
    for name, value in PREFLIGHT_HEADERS:
        header = name.decode()
        if header in ("allow", "content-length") or (name, value) in CORS_HEADERS:
            continue
        var = "$bothand_" + header.removeprefix("access-control-").replace("-", "_")
        out += [f"map $request_method {var} {{", f"    OPTIONS {_q(value.decode())};", '    default "";', "}"]
    return out


def nginx_server() -> str:
    """The response headers (server context): the app's own security, privacy and CORS headers."""
    lines = ["# Generated by `bothand export` from api/http.py: do not edit (re-export instead).",
             "# Included by deploy/nginx-static.conf in its server block. No location may add_header",
             "# (nginx would then drop these there): every per-response value comes from a map."]
    csp = CSP.format(ancestors="$bothand_frame_ancestors")
    for name, value in security_headers("/", 200):
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
