# Hemolog: `make run` serves the demo; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DJANGO_DEBUG ?= 1

.PHONY: run test lint format install migrate seed chromium redis axe locale clean audit

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# The translations: locale/*/LC_MESSAGES/*.po, written by hand and checked complete by
# tests/i18n/test_catalogues.py, compiled here into the .mo files Django reads (build
# outputs, not committed). msgfmt and xgettext come with GNU gettext.
CATALOGUES := $(wildcard locale/*/LC_MESSAGES/*.po)
locale/.compiled: $(CATALOGUES) | $(VENV)/.installed
	@command -v msgfmt >/dev/null || { echo "Installing GNU gettext (apt-get)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; }
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules --ignore=.venv-audit
	touch $@

locale: locale/.compiled

migrate: install locale
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo --once

# The web server, the task queue's worker and the scheduler, stopped together by Ctrl-C.
run: seed
	@echo "Hemolog is at http://127.0.0.1:$(PORT)/  (Ctrl-C stops the server, the worker and the scheduler)"
	$(BIN)/python manage.py serve 127.0.0.1:$(PORT)

# SQLite unless DATABASE_URL is set (e.g. postgres://postgres@127.0.0.1:5432/hemolog).
# Browser tests need Chromium at /usr/bin/chromium (`apt-get install chromium`).
# The browser tests drive Debian's Chromium; install it when it is missing (needs root).
chromium:
	@test -x /usr/bin/chromium || { \
	  echo "Installing Chromium for the browser tests (apt-get)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The two-server tests share one Redis (127.0.0.1:6379): start it when it is not answering.
redis:
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { \
	  command -v redis-server >/dev/null || { echo "Installing Redis (apt-get)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }; \
	  redis-server --daemonize yes --port 6379 --bind 127.0.0.1 --save "" >/dev/null; sleep 1; }

# axe-core, which the browser tests run on every page they visit (tests/accessibility.py);
# from npm, pinned by package-lock.json, never served to users.
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json
	@command -v npm >/dev/null || { echo "Installing npm (apt-get)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

axe: $(AXE)

test: install locale chromium redis $(AXE)
	DJANGO_DEBUG= $(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# pip-audit over the pinned requirements, from its own venv (.ci/audit.py says when the service is unreachable).
AUDIT_VENV := .venv-audit
$(AUDIT_VENV)/.installed: requirements-audit.txt
	$(PYTHON) -m venv $(AUDIT_VENV)
	$(AUDIT_VENV)/bin/pip install --quiet -r requirements-audit.txt
	touch $@

audit: $(AUDIT_VENV)/.installed
	$(AUDIT_VENV)/bin/python .ci/audit.py

clean:
	rm -rf $(VENV) $(AUDIT_VENV) var db.sqlite3 .test-db.sqlite3 staticfiles .pytest_cache node_modules
	find locale -name "*.mo" -delete; rm -f locale/.compiled
