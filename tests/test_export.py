"""Static export (api/export.py): every resource as a file, deterministic, the app's own bytes."""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterator
from pathlib import Path

import brotli
import pytest
from starlette.testclient import TestClient

from api.app import create_app
from api.export import ExportError, ExportResult, export, file_for
from api.settings import Settings
from tests.conftest import BASE, FAST_BROTLI, SLUG

HTML = "text/html; charset=utf-8"


def settings_for(folder: Path, base_url: str = BASE) -> Settings:
    return Settings(base_url=base_url, build_folder=folder / "build", brotli_quality=FAST_BROTLI)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> ExportResult:
    folder = tmp_path_factory.mktemp("export")
    return export(settings_for(folder), folder / "site")


@pytest.fixture(scope="module")
def same_app(exported: ExportResult) -> Iterator[TestClient]:
    """The app over the very snapshot the export was written from."""
    with TestClient(create_app(settings_for(exported.folder.parent))) as client:
        yield client


def tree(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under root: its bytes and modification time."""
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(("key", "media_type", "path"), [
    ("/es/", HTML, "es/index.html"),
    (f"/es/articles/{SLUG}", HTML, f"es/articles/{SLUG}.html"),
    ("/es/page/2", HTML, "es/page/2.html"),
    ("/es/feed.xml", "application/atom+xml", "es/feed.xml"),
    ("/static/site.css", "text/css; charset=utf-8", "static/site.css"),
    (f"/embed/es/{SLUG}?resize=0", HTML, f"embed/es/{SLUG}.resize-0.html"),
    (f"/embed/es/{SLUG}?country=CA&resize=0", HTML, f"embed/es/{SLUG}.country-CA.resize-0.html"),
    (f"/api/v1/articles/{SLUG}?lang=pt-BR", "application/json", f"api/v1/articles/{SLUG}/pt-BR.json"),
    ("/api/v1/articles?lang=es", "application/json", "api/v1/article-list/es/1.json"),
    ("/api/v1/articles?lang=es&page=3&per_page=20", "application/json", "api/v1/article-list/es/3.json"),
    ("/api/v1/locales", "application/json", "api/v1/locales.json"),
    (f"/api/oembed?url=http%3A%2F%2Ftestserver%2Far%2Farticles%2F{SLUG}&format=json", "application/json",
     f"api/oembed/ar/{SLUG}.json"),
    ("!error/fa/404/not-found", HTML, "_errors/fa/404-not-found.html"),
    ("!help/es/help", HTML, "_alt/help/es/help.html"),
])
def test_urls_map_onto_files_a_web_server_can_find(key: str, media_type: str, path: str) -> None:
    assert file_for(key, media_type) == path


@pytest.mark.parametrize("key", [
    "/api/v1/articles?lang=es&page=1&per_page=50",  # only the default page size is exported
    "/api/v1/articles?updated_since=2026-01-01",
    "/es/articles/x?next=/evil",  # a value that is not a plain name
    "/es/../etc/passwd",
    "/_bothand/manifest.json",  # reserved for the export's own files
    "!error/es",
])
def test_what_cannot_be_a_file_is_refused_by_name(key: str) -> None:
    with pytest.raises(ExportError, match="cannot export"):
        file_for(key, HTML)


def test_every_resource_is_a_file_with_the_apps_bytes(exported: ExportResult, same_app: TestClient) -> None:
    site = same_app.app.state.site  # type: ignore[attr-defined]
    assert set(exported.files) == set(site.by_key)
    compared = 0
    for key, rel in exported.files.items():
        body = exported.path(key).read_bytes()
        resource = site.by_key[key]
        assert body == site.body(resource.variants[0]), key
        for variant in resource.variants[1:]:
            packed = (exported.folder / (rel + {"gzip": ".gz", "br": ".br"}[variant.encoding])).read_bytes()
            assert (gzip.decompress(packed) if variant.encoding == "gzip" else brotli.decompress(packed)) == body
        if key.startswith("!"):
            continue
        # And what a reader or a partner gets from the app at that URL is exactly that file.
        answer = same_app.get(key, headers={"Accept-Encoding": "identity"})
        assert (answer.status_code, answer.content) == (resource.status, body), key
        compared += 1
    # Error pages too: the app answers a missing article with the exported 404 page.
    missing = same_app.get("/es/articles/no-such-article", headers={"Accept-Encoding": "identity"})
    assert missing.content == exported.path("!error/es/404/not-found").read_bytes()
    assert compared >= 200


def test_precompressed_files_lie_next_to_each_text_file(exported: ExportResult) -> None:
    page = exported.path(f"/es/articles/{SLUG}")
    assert gzip.decompress(Path(f"{page}.gz").read_bytes()) == page.read_bytes()
    assert brotli.decompress(Path(f"{page}.br").read_bytes()) == page.read_bytes()
    assert not Path(f"{exported.path('/static/favicon.ico')}.gz").exists()  # not text: no variants


def test_exporting_twice_gives_identical_trees(exported: ExportResult, tmp_path: Path) -> None:
    # A second export from a snapshot built afresh in another folder: same bytes, same mtimes (ETags).
    again = export(settings_for(tmp_path), tmp_path / "site")
    first, second = tree(exported.folder), tree(again.folder)
    assert list(first) == list(second)
    assert [name for name in first if first[name] != second[name]] == []
    # nginx's ETag is mtime + size: each file's mtime follows its content, so an edit that keeps the size
    # still changes the ETag.
    mtimes = {stamp for _, stamp in first.values()}
    assert len(mtimes) > len(first) // 4


def test_re_export_replaces_only_an_export(exported: ExportResult, tmp_path: Path) -> None:
    settings = settings_for(exported.folder.parent)
    again = export(settings, exported.folder)  # over the previous export: fine
    assert again.folder == exported.folder and (exported.folder / "_bothand" / "manifest.json").is_file()
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("mine", "utf-8")
    with pytest.raises(ExportError, match="not empty"):
        export(settings, precious)
    assert (precious / "notes.txt").read_text("utf-8") == "mine"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".export-")]  # no half-written tree left


def test_the_command_line_exports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    from api.cli import main

    monkeypatch.setenv("BOTHAND_BUILD_DIR", str(tmp_path / "build"))
    monkeypatch.setenv("BOTHAND_BROTLI_QUALITY", str(FAST_BROTLI))
    assert main(["export", str(tmp_path / "out")]) == 0
    assert "exported" in capsys.readouterr().out
    assert (tmp_path / "out" / "en" / "index.html").is_file()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "x").write_text("x", "utf-8")
    assert main(["export", str(tmp_path / "other")]) == 2
    assert "refusing" in capsys.readouterr().err
    assert os.listdir(tmp_path / "other") == ["x"]
