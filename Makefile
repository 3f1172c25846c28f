# Njia: the two commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install translations messages run test check lint format clean bench test-tools

TRANSLATIONS := directory/translations
CATALOGUES := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

install: $(STAMP)

# axe-core, loaded into pages by the browser tests (accessibility); skipped without npm.
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json
	if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: the browser tests' accessibility checks will be skipped"; fi

test-tools: $(AXE)

# Compiled catalogues (.mo) are build products, not in git: compile each .po that changed.
%.mo: %.po | $(STAMP)
	$(BIN)/pybabel compile --domain messages --input-file $< --output-file $@

translations: $(CATALOGUES:.po=.mo)

# After changing page text: extract messages.pot and merge it into every catalogue. New
# entries need a translation and the translator comment "machine-made: needs review by a
# native speaker" (or "reviewed by ..."): tests/pages/test_translations.py checks it.
messages: install
	$(BIN)/pybabel extract --mapping-file babel.cfg --no-location --sort-output \
	  --project Njia --width 100 --output-file $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update --input-file $(TRANSLATIONS)/messages.pot --output-dir $(TRANSLATIONS) \
	  --no-fuzzy-matching --ignore-obsolete --width 100

run: install translations
	$(FLASK) init-db
	$(FLASK) seed
	$(BIN)/gunicorn --workers 2 --bind $(HOST):$(PORT) wsgi:app

test: install translations test-tools
	$(BIN)/python -m ruff check .
	$(BIN)/python -m ruff format --check .
	$(BIN)/python -m mypy
	$(BIN)/python -m bandit --quiet --recursive directory matching --severity-level medium
	$(BIN)/python -m pytest

# The fast loop while coding: every test that needs neither Neo4j, Chromium nor seconds of its
# own (marks neo4j, browser, slow), on SQLite, in parallel. `make test` (and CI) runs everything.
check: install translations
	$(BIN)/python -m ruff check .
	$(BIN)/python -m pytest -q -m "not neo4j and not browser and not slow" -n 4

# Benchmarks (docs/benchmarks.md): minutes the first time (1M-service databases are built and
# cached in benchmarks/.cache/), not part of `make test`. BENCH_ARGS=--quick for 1k and 10k only.
bench: install
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

lint: install
	$(BIN)/python -m ruff check .
	$(BIN)/python -m ruff format --check .
	$(BIN)/python -m mypy

format: install
	$(BIN)/python -m ruff format .
	$(BIN)/python -m ruff check --fix .

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache .hypothesis
