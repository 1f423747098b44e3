# The two commands of the README: `make run` (demo on SQLite) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install migrate clean guide-screenshots

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet ".[test]"
	touch $@

# axe-core (accessibility checks in the browser tests) from the npm registry; without npm
# the stamp is not written and those tests skip (under CI=true they fail).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: accessibility tests will skip (they fail under CI=true)"; fi

install: $(VENV)/.installed node_modules/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

# The demo runs with DEBUG off, as a deployment does, so that a missing page gets the product's 404
# (never Django's debug page listing every URL); SEA_DEMO keeps it on plain HTTP with the demo key.
DEMO_ENV := DEBUG=0 SEA_DEMO=1

run: migrate
	$(DEMO_ENV) $(BIN)/python manage.py seed_demo
	@echo "SEA Cases demo at http://$(HOST):$(PORT)/  (stop with Ctrl-C)"
	$(DEMO_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The README's user-guide pictures (docs/guide/*.png), from the journey test's steps.
guide-screenshots: install
	GUIDE_SCREENSHOTS=1 $(BIN)/python -m pytest tests/browser/test_field_journeys.py -q $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var staticfiles test-artifacts node_modules
