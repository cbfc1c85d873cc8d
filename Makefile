# Bothand: `make serve` and `make test` are all a newcomer needs; both install what they use.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install serve test lint typecheck check status extract update test-deps bench clean transcripts

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

serve: install
	$(VENV)/bin/uvicorn api.app:app --host $(HOST) --port $(PORT) --proxy-headers

# System tools the browser and catalog tests need: chromium, Java (Nu HTML Checker), gettext (msgfmt),
# and the npm packages axe-core and vnu-jar. Installs only what is missing.
test-deps:
	scripts/install-test-deps

lint: install
	$(VENV)/bin/ruff check api tests
	$(VENV)/bin/mypy

# Catalog hygiene, termbase terms (--strict: a skipped term fails) and translate-toolkit's pofilter checks.
check: install
	$(PY) -m api.cli check --strict
	$(PY) -m api.qa

status: install
	$(PY) -m api.cli status

extract: install
	$(PY) -m api.cli extract

update: install
	$(PY) -m api.cli update

test: install test-deps lint check
	$(VENV)/bin/pytest

# Re-record what Orca says on each page (tests/screenreader/transcripts/); review the diff before committing.
transcripts: install test-deps
	UPDATE_TRANSCRIPTS=1 $(VENV)/bin/pytest tests/screenreader -q

bench: install
	$(PY) scripts/bench.py

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache .hypothesis
