# Giełda: `make run` serves the app with demo data; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=
TRANSLATIONS := exchange/translations
CATALOGUES := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGUES:.po=.mo)

.PHONY: install run db demo test lint test-sqlite test-postgres browser messages bench clean

## install: the virtualenv, pinned dependencies and compiled translations
install: $(VENV)/.installed $(COMPILED)

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@# simplemma's dictionaries as tries, built once into the user's cache (about 10 s)
	$(PY) -c 'from exchange.textsearch import load_dictionaries; load_dictionaries()'
	touch $@

$(TRANSLATIONS)/%/LC_MESSAGES/messages.mo: $(TRANSLATIONS)/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(VENV)/bin/pybabel compile -i $< -o $@

## db: apply migrations to the database (SQLite under instance/ unless DATABASE_URL is set)
db: install
	mkdir -p instance
	$(FLASK) db upgrade

## demo: load the demo county once (running it again changes nothing)
demo: db
	$(FLASK) load-demo-data

## run: set everything up and serve http://127.0.0.1:5000 (with the job scheduler beside it)
run: demo
	@$(FLASK) scheduler & scheduler=$$!; trap 'kill $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port 5000

## test: the whole suite on SQLite, then on PostgreSQL (TEST_DATABASE_URL)
test: install browser lint
	@$(MAKE) --no-print-directory test-sqlite
	@$(MAKE) --no-print-directory test-postgres

## lint: pyflakes-level checks (unused imports, undefined names, syntax)
lint: install
	$(VENV)/bin/ruff check --quiet --select F,E9 app.py config exchange models tests bench

test-sqlite: install
	@echo "==> Test suite on SQLite"
	TEST_DATABASE_URL= $(PY) -m pytest $(PYTEST_ARGS)

test-postgres: install
	@if $(PY) -c "import psycopg, sys; psycopg.connect(sys.argv[1], connect_timeout=3).close()" "$(TEST_DATABASE_URL)" 2>/dev/null; then \
	  echo "==> Test suite on PostgreSQL ($(TEST_DATABASE_URL))"; \
	  TEST_DATABASE_URL="$(TEST_DATABASE_URL)" $(PY) -m pytest $(PYTEST_ARGS); \
	else \
	  echo; \
	  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	  echo "!!! SKIPPED: the PostgreSQL leg. $(TEST_DATABASE_URL) is not reachable."; \
	  echo "!!! Only SQLite was tested. Start PostgreSQL or set TEST_DATABASE_URL."; \
	  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	  if [ "$$CI" = "true" ]; then echo "CI=true: an unreachable PostgreSQL fails the run."; exit 1; fi; \
	fi

## browser: Debian's Chromium for the end-to-end tests (Playwright cannot download browsers here)
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "==> Installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null; then SUDO=sudo; \
	  else echo "Chromium is missing and this user cannot install it: apt-get install chromium"; exit 1; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	}

## bench: time the marketplace (100,000 listings, SQLite and PostgreSQL) and matching (see bench/README.md)
BENCH_ARGS ?=
bench: install
	$(PY) bench/marketplace.py $(BENCH_ARGS)
	$(PY) bench/matching_speed.py
	$(PY) bench/matching_quality.py
	$(PY) bench/event_board.py

## messages: extract translatable strings and update the catalogues (then translate the .po files)
messages: install
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k Msg -k lazy_gettext -o $(TRANSLATIONS)/messages.pot --no-location --sort-output --omit-header .
	$(VENV)/bin/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) instance/*.sqlite3* .pytest_cache
