# Tisser — the same commands for people and for CI.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
NAME ?=

.PHONY: install run test lint bench messages clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@$(PY) manage.py compiletranslations -v 0
	@touch $(STAMP)

# Test tools from npm, pinned by package-lock.json (axe-core for the accessibility tests,
# which skip with a reason when it is missing). Nothing from node_modules is served.
node_modules/.installed-stamp: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: the accessibility tests will be skipped"; fi

install: $(STAMP) node_modules/.installed-stamp

## make run: install, migrate, load the demo network, start web server + worker.
# Links in emails and the address printed follow HOST and PORT unless TISSER_SITE_URL is set.
# Each step prints one line in the console's language (LANG); the server ends with the
# address and the demo logins.
run: export TISSER_SITE_URL ?= http://$(HOST):$(PORT)
run: install
	@$(PY) manage.py compiletranslations -v 0
	@$(PY) manage.py migrate --noinput -v 0
	@$(PY) manage.py load_territories
	@$(PY) manage.py load_demo
	@$(PY) manage.py load_demo_memberships
	@$(PY) manage.py load_demo_events
	@$(PY) manage.py load_demo_governance
	@$(PY) manage.py load_demo_publications
	@$(PY) manage.py load_demo_observatory
	@$(PY) manage.py serve --host $(HOST) --port $(PORT)

## make test: the whole suite (tests needing PostgreSQL or Chromium skip with a reason).
test: install
	$(PY) manage.py compiletranslations -v 0
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) -m tisser.core.typography
	$(PY) -m tisser.core.private_names

## make bench [NAME=map]: run benchmarks, write benchmarks/results/<name>-<database>.json
bench: install
	$(PY) benchmarks/run.py $(NAME)

## make messages: refresh the translation catalogues after changing strings (needs gettext).
messages: install
	$(PY) manage.py makemessages -l fr --no-obsolete --no-location -i '.venv/*' -i 'var/*' -i '*/tests/*' -i 'benchmarks/*'

clean:
	rm -rf $(VENV) var/static
