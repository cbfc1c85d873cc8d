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
depend on this export (languages, origin, Link headers, cache lifetimes), one location per route of
the table (api/export/locations.py: the only URL patterns nginx has) and the response headers
(from :mod:`api.web.http`, so the app and the export send the same ones).

Output is deterministic: the same sources give byte-identical trees, including modification times.
nginx derives ``ETag`` and ``Last-Modified`` from a file's mtime and size, so each file's mtime is
derived from a hash of its content: stable across exports, and different whenever the content is
(a fixed mtime would keep the ETag of an edit that happens to keep the size).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from api.build.startup import load_or_build
from api.core.folders import swap_in
from api.core.locales import LocaleTable
from api.core.settings import Settings
from api.core.snapshot import BodyCache, Index, Resource, read_addresses
from api.export.files import (
    EPOCH,
    MANIFEST,
    META,
    NGINX_HTTP,
    NGINX_LOCATIONS,
    NGINX_SERVER,
    SUFFIX,
    ExportError,
    ExportResult,
    as_json,
    file_for,
    put,
)
from api.export.nginx import nginx_http, nginx_locations, nginx_server
from api.export.problems import write_problems


def export(settings: Settings, out_dir: Path) -> ExportResult:
    """Write the site for `settings` into `out_dir` as static files (replacing a previous export)."""
    started = time.perf_counter()
    out_dir = Path(out_dir).resolve()
    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / META / MANIFEST).is_file():
        raise ExportError(f"{out_dir} is not empty and holds no previous export: refusing to replace it")
    index = load_or_build(settings, keep_previous=False)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".export-", dir=out_dir.parent))
    try:
        files, problems = _write_tree(tmp, index, settings)
        written, size = _finish(tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    swap_in(tmp, out_dir)
    return ExportResult(folder=out_dir, snapshot=settings.build_dir, files=files, written=written, bytes=size,
                        seconds=time.perf_counter() - started, problems=problems)


def _write_tree(root: Path, index: Index, settings: Settings) -> tuple[dict[str, str], list[str]]:
    files: dict[str, str] = {}
    bodies: dict[str, bytes] = {}
    manifest = []
    addresses = read_addresses(settings.build_dir)
    bodies_of = BodyCache(settings.build_dir, index, 0)
    try:
        for resource in index.resources:
            rel = file_for(addresses[resource.key])
            variants = {v.encoding: bodies_of.get(v) for v in resource.variants}
            identity = variants["identity"]
            if rel in bodies:  # `?lang=es` and its first page: one file, only if they are the same bytes
                if bodies[rel] != identity:
                    raise ExportError(f"{resource.key!r} and another resource both map to {rel} with other bytes")
                files[resource.key] = rel
                continue
            bodies[rel] = identity
            files[resource.key] = rel
            put(root / rel, identity, identity)
            for encoding, body in variants.items():
                if encoding != "identity":
                    put(root / (rel + SUFFIX[encoding]), body, identity)
            manifest.append(_describe(resource, rel, settings))
    finally:
        bodies_of.close()
    table = LocaleTable(tuple(index.data.tags))
    problems = write_problems(root, table)
    put(root / META / MANIFEST, as_json({"origin": index.data.origin, "tags": table.tags, "files": manifest}))
    put(root / META / NGINX_HTTP, nginx_http(index, table, settings, files).encode())
    put(root / META / NGINX_SERVER, nginx_server().encode())
    put(root / META / NGINX_LOCATIONS, nginx_locations(index, addresses, files).encode())
    return files, problems


def _describe(resource: Resource, rel: str, settings: Settings) -> dict[str, object]:
    """What an object-store upload needs per file (nginx itself reads none of this)."""
    return {
        "key": resource.key, "file": rel, "status": resource.status, "media_type": resource.media_type,
        "language": resource.language, "headers": [list(pair) for pair in resource.headers],
        "framable": resource.framable, "encodings": {v.encoding: rel + SUFFIX.get(v.encoding, "")
                                                     for v in resource.variants},
    }


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
