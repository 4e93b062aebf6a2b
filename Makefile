# The commands the README gives: make run, make test, make bench, make lint.
SHELL := /bin/bash
.DEFAULT_GOAL := run

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app marketplace
STAMP := .make
HOST ?= 127.0.0.1
PORT ?= 5000

# Debian packages: WeasyPrint's libraries with HarfBuzz subsetting, a Korean font; tests add
# poppler (pdftoppm/pdffonts), Debian's chromium for the browser test; benchmarks add wrk.
DEB_RUN := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-nanum nodejs npm
DEB_TEST := $(DEB_RUN) poppler-utils chromium faketime
DEB_BENCH := $(DEB_TEST) wrk

define ensure_debian
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ "$(1)" != "" ] && ! $(PYTHON) -c "import ensurepip" 2>/dev/null; then missing="$$missing python3-venv"; fi; \
	if command -v node >/dev/null && command -v npm >/dev/null; then \
	  missing=$$(echo $$missing | tr ' ' '\n' | grep -vx -e nodejs -e npm | tr '\n' ' '); fi; \
	missing=$$(echo $$missing); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing Debian packages: $$missing"; \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	  else \
	    echo "Some Debian packages are missing. Install them as root, then run make again:"; \
	    echo "  sudo apt-get install -y $$missing"; exit 1; \
	  fi; \
	fi
endef

.PHONY: regen-initial-migration run test test-dates bench lint setup setup-test debs-run debs-test debs-bench assets translations db demo serve clean

debs-run:
	$(call ensure_debian,$(DEB_RUN))
debs-test:
	$(call ensure_debian,$(DEB_TEST))
debs-bench:
	$(call ensure_debian,$(DEB_BENCH))

$(STAMP)/venv: pyproject.toml
	@mkdir -p $(STAMP)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	@touch $@

$(STAMP)/assets: package.json package-lock.json
	@mkdir -p $(STAMP)
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf static/vendor/krds && mkdir -p static/vendor/krds
	cp -r node_modules/krds-uiux/resources/css node_modules/krds-uiux/resources/img \
	      node_modules/krds-uiux/resources/fonts static/vendor/krds/
	rm -rf static/vendor/swagger-ui && mkdir -p static/vendor/swagger-ui
	cp node_modules/swagger-ui-dist/swagger-ui.css node_modules/swagger-ui-dist/swagger-ui-bundle.js \
	   node_modules/swagger-ui-dist/LICENSE static/vendor/swagger-ui/
	@touch $@

assets: $(STAMP)/assets

translations: $(STAMP)/venv
	@$(FLASK) translations build

db: $(STAMP)/venv
	@$(FLASK) db upgrade
	@$(FLASK) init-wal

demo: db
	@$(FLASK) seed-demo

setup: debs-run $(STAMP)/venv assets translations db demo

setup-test: debs-test $(STAMP)/venv assets translations

# The web server and the background worker together (Procfile), under honcho: Ctrl-C stops both.
run: setup
	@echo
	@echo "Serving on http://$(HOST):$(PORT) with a background worker  (Ctrl-C stops both)"
	HOST=$(HOST) $(BIN)/honcho start -f Procfile --port $(PORT)

# The tests run in one worker process per core (pytest-xdist; an idle worker takes tests queued for a busy one,
# so one long test at the end does not keep the other core waiting). Each worker keeps its own database slots
# (SQLite files refilled from a template, a PostgreSQL database emptied) and one app per slot, reused from test to
# test (tests/conftest.py). PYTEST_WORKERS=0 runs them in this process.
PYTEST_WORKERS ?= auto

test: setup-test
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# The date-sensitive tests (marker `clock`) again, with the clock moved by Debian's faketime (monotonic clocks
# stay real, so timeouts still work): gw0 runs them in Seoul at a month end while UTC is a day behind, gw1 at
# 31 December 23:50 KST, gw2 on 29 February in a zone west of UTC. One pytest run sends every test to each of
# the three workers (--dist each), so the suite is collected once per clock, not three times over.
# SQLite only: the app, not the database, reads the clock. CI (.ci/run) runs this after `make test`.
CLOCK_RUNS := "UTC|2027-01-31 14:40:00" "Asia/Seoul|2026-12-31 23:50:00" "America/Los_Angeles|2028-02-29 06:30:00"

test-dates: setup-test
	@set -e; python="$(CURDIR)/$(BIN)/python"; nodes=(); n=0; for run in $(CLOCK_RUNS); do zone=$${run%%|*}; \
	  start=$${run#*|}; echo "== gw$$n: date-sensitive tests at $$start ($$zone)"; n=$$((n + 1)); \
	  nodes+=(--tx "popen//python=env TZ=$$zone FAKETIME_DONT_FAKE_MONOTONIC=1 faketime '$$start' $$python"); \
	done; \
	env -u TEST_DATABASE_URL -u REQUIRE_POSTGRES $$python -m pytest -q --dist each "$${nodes[@]}" \
	  -m "clock and not e2e" -p no:cacheprovider $(PYTEST_ARGS)

bench: debs-bench $(STAMP)/venv assets translations
	$(BIN)/python benchmarks/run_all.py

# Zero findings: ruff's rules and formatting, mypy's checks of the package (settings in pyproject.toml) and
# xenon's complexity grades.
lint: $(STAMP)/venv
	$(BIN)/ruff check marketplace tests benchmarks
	$(BIN)/ruff format --check marketplace tests benchmarks
	$(BIN)/mypy
	$(BIN)/xenon --max-absolute B --max-modules B --max-average A marketplace

clean:
	rm -rf $(STAMP) $(VENV) node_modules static/vendor

# Before the first release the initial migration is regenerated from the models (nothing has
# shipped yet). After the first release, add numbered migrations instead.
regen-initial-migration: $(STAMP)/venv
	@set -e; tmp=$$(mktemp -d); \
	for f in migrations/versions/*.py; do case $$f in */0001_initial.py) ;; *) mv $$f $$tmp/;; esac; done; \
	rm -f migrations/versions/0001_initial.py; \
	DATABASE_URL=sqlite:///$$tmp/empty.sqlite3 $(FLASK) db migrate --rev-id 0001_initial -m "initial schema" >/dev/null; \
	mv migrations/versions/0001_initial_initial_schema.py migrations/versions/0001_initial.py; \
	mv $$tmp/*.py migrations/versions/; rm -rf $$tmp; \
	echo "migrations/versions/0001_initial.py regenerated from the models"
