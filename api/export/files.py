"""Where each resource of the snapshot goes in a static export, and how files are written (see
api/export/writer.py for the layout): names from the route table, content-derived mtimes."""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from api.core.routes import BY_NAME, PARAM, Address

META = "_bothand"  # manifest and nginx snippets (never served)
ERRORS = "_errors"  # error pages and problem answers (served only as errors)
ALTERNATIVES = "_alt"  # pages a view picks (`!help/...`): served only where the nginx config picks them
MANIFEST = "manifest.json"
NGINX_HTTP = "nginx-http.conf"
NGINX_SERVER = "nginx-server.conf"
NGINX_LOCATIONS = "nginx-locations.conf"
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


def file_for(address: Address) -> str:
    """The relative file path of a resource, from its route's `file` (api/core/routes.py); ExportError
    when the route has none, or a parameter would not make a plain file name."""
    route = BY_NAME[address.route]
    key = address.key
    if route.file is None:
        raise ExportError(f"cannot export {key!r}: route {route.name!r} has no file (add one to api/core/routes.py)")
    values = {**dict(route.file_defaults), **dict(address.params)}
    in_name = set(PARAM.findall(route.file))
    rest = [(name, values[name]) for name in route.query
            if name in values and name not in in_name and name not in route.file_ignores]
    if rest and "{variant}" not in route.file or len(rest) > 2 or any(
            not _NAME.fullmatch(k) or not _VALUE.fullmatch(v) for k, v in rest):
        raise ExportError(f"cannot export {key!r}: only up to two plain query parameters map onto a file")
    # `?country=CA&resize=0` -> `.country-CA.resize-0` before the extension, in the table's query order
    # (nginx maps $args the same way: deploy/nginx-static.conf).
    values["variant"] = "".join(f".{k}-{v}" for k, v in rest)
    return _checked(route.file.format(**values), key)


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


def put(path: Path, body: bytes, identity: bytes | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    stamp = mtime_of(identity if identity is not None else body)
    os.utime(path, (stamp, stamp))


def as_json(value: object) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


