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

.PHONY: install run db demo test lint test-sqlite test-postgres test-future tools messages bench clean

## install: the virtualenv, pinned dependencies and compiled translations
install: $(VENV)/.installed $(COMPILED)

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@# simplemma's dictionaries as tries, built once into the user's cache (about 10 s)
	$(PY) -c 'from exchange.infra.textsearch import load_dictionaries; load_dictionaries()'
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

## test: the whole suite on SQLite, then on PostgreSQL (TEST_DATABASE_URL), then on SQLite
## again with the system clock 400 days ahead (no test may depend on today's date)
test: install tools lint
	@$(MAKE) --no-print-directory test-sqlite
	@$(MAKE) --no-print-directory test-postgres
	@$(MAKE) --no-print-directory test-future

## lint: pyflakes-level checks (unused imports, undefined names, syntax)
lint: install
	$(VENV)/bin/ruff check --quiet --select F,E9 app.py config exchange models tests bench

test-sqlite: install
	@echo "==> Test suite on SQLite"
	TEST_DATABASE_URL= $(PY) -m pytest $(PYTEST_ARGS)

# Debian's faketime moves the clock of pytest and everything it starts; the browser tests are
# left out (Chromium's own clock and certificates do not follow it). The monotonic clock is
# left alone: libfaketime 0.9.10 makes timed waits on a faked one hang for ever (threading's
# Event.wait, Timer, and so pytest's exit); tests/conftest.py mends time.sleep for that mode.
FUTURE ?= +400d
test-future: install tools
	@echo "==> Test suite on SQLite with the clock moved $(FUTURE) ($$(faketime -f '$(FUTURE)' date -u +%F))"
	@# A faketime that moves nothing would make this leg a silent copy of test-sqlite.
	@test $$(( $$(faketime -f '$(FUTURE)' date +%s) - $$(date +%s) )) -gt 86400 || \
	  { echo "faketime did not move the clock"; exit 1; }
	TEST_DATABASE_URL= FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f '$(FUTURE)' \
	  $(PY) -m pytest --ignore=tests/e2e $(PYTEST_ARGS)

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

## tools: Debian's chromium (Playwright cannot download browsers here) and faketime
APT_TOOLS := chromium:chromium faketime:faketime
tools:
	@missing=$$(for pair in $(APT_TOOLS); do command -v $${pair%%:*} >/dev/null 2>&1 || echo $${pair#*:}; done); \
	if [ -n "$$missing" ]; then \
	  echo "==> Installing Debian's $$missing for the tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null; then SUDO=sudo; \
	  else echo "Missing $$missing and this user cannot install it: apt-get install $$missing"; exit 1; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

## bench: time the marketplace (100,000 listings, SQLite and PostgreSQL) and matching (see bench/README.md)
BENCH_ARGS ?=
bench: install
	$(PY) bench/marketplace.py $(BENCH_ARGS)
	$(PY) bench/matching_speed.py
	$(PY) bench/matching_quality.py
	$(PY) bench/event_board.py

## messages: extract translatable strings and update the catalogues (then translate the .po files)
messages: install
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k Msg -k lazy_gettext -k lazy_pgettext:1c,2 -k pmsg:1c,2 -o $(TRANSLATIONS)/messages.pot --no-location --sort-output --omit-header .
	$(VENV)/bin/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) instance/*.sqlite3* .pytest_cache
