# Bothand: `make serve` and `make test` are all a newcomer needs; both install what they use.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install install-test serve build export test test-fast lint typecheck check stamp status extract update test-deps bench bench-build clean transcripts screenshots

# `make serve` installs only what serving needs; the test tools come with the test targets.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# The app builds its snapshot at start-up when the sources changed since the last build
# (content, catalogs, templates, code, BOTHAND_BASE_URL), so serving always shows what is on disk;
# while it runs it rebuilds what you edit and swaps it in (BOTHAND_WATCH=0 to turn that off).
serve: install
	BOTHAND_BASE_URL=$${BOTHAND_BASE_URL:-http://$(HOST):$(PORT)} BOTHAND_WATCH=$${BOTHAND_WATCH:-1} \
	$(VENV)/bin/uvicorn api.app:app --host $(HOST) --port $(PORT) --proxy-headers

# The snapshot the app serves (the app also builds it at start-up when it is missing or stale).
build: install
	$(PY) -m api.tools.cli build

# The whole site and API as static files for nginx (deploy/nginx-static.conf), an object store or a CDN.
# Absolute links name BOTHAND_BASE_URL: `BOTHAND_BASE_URL=https://bothand.example make export`.
EXPORT_DIR ?= build/export
export: install
	$(PY) -m api.tools.cli export $(EXPORT_DIR)

# System tools the browser and catalog tests need: chromium, Java (Nu HTML Checker), gettext (msgfmt),
# and the npm packages axe-core and vnu-jar. Installs only what is missing.
test-deps:
	scripts/install-test-deps

lint: install-test
	$(VENV)/bin/ruff check api tests
	$(VENV)/bin/mypy

# Catalog hygiene, termbase terms (--strict: a skipped term fails), translate-toolkit's pofilter checks,
# and the architecture: import-linter's contracts (.importlinter: which phase package may import which).
check: install-test
	$(VENV)/bin/lint-imports
	$(PY) -m api.tools.cli check --strict
	$(PY) -m api.tools.qa
	$(PY) -m api.tools.cli stamp --check

# Date every translation whose text changed since the last stamp (locales/updated.json: the
# localized `updated` of the API, feeds, sitemap and JSON-LD). Run after translating; commit the file.
stamp: install
	$(PY) -m api.tools.cli stamp

status: install
	$(PY) -m api.tools.cli status

extract: install
	$(PY) -m api.tools.cli extract

update: install
	$(PY) -m api.tools.cli update

test: install-test test-deps lint check
	$(VENV)/bin/pytest

# Everything but the real browser and the screen reader: for daily work (a few minutes), on every core
# (pytest-xdist; each worker builds its own fixture sites). `make test` runs the same tests in one process.
test-fast: install-test lint check
	$(VENV)/bin/pytest -n auto -m "not browser and not screenreader" --ignore=tests/browser --ignore=tests/screenreader

# Re-record what Orca says on each page (tests/screenreader/transcripts/); review the diff before committing.
transcripts: install-test test-deps
	UPDATE_TRANSCRIPTS=1 $(VENV)/bin/pytest tests/screenreader -q

# Pictures of the article and help pages (390 and 1280 px, light and dark, en ar zh-Hans vi) in docs/screenshots/:
# look at them next to the machine checks. ARGS="--lang fa --print" for others (scripts/screenshots.py --help).
screenshots: install-test test-deps
	$(PY) scripts/screenshots.py $(ARGS)

# One run, one table (paste it into README's Performance section): the app vs a bare Starlette app
# under wrk, start-up, build time and RSS for the real corpus and 500 synthetic articles × every locale.
bench: install
	command -v wrk >/dev/null || scripts/install-test-deps
	$(PY) scripts/bench.py
	$(PY) scripts/bench_build.py $(BENCH_BUILD_ARTICLES)

# Build figures only (issue 23): cold build, rebuild after one translated segment and after one English
# paragraph, start-up after an edit, peak RSS; the real corpus and BENCH_BUILD_ARTICLES synthetic
# articles × every locale (default 500; takes a while on 2 cores).
bench-build: install
	$(PY) scripts/bench_build.py $(BENCH_BUILD_ARTICLES)

clean:
	rm -rf $(VENV) node_modules build .pytest_cache .mypy_cache .ruff_cache .hypothesis
