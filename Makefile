# The two commands of the README's quick start, and the steps they are built from.
#   make demo   install, migrate and seed an SQLite database under instance/, serve on :5000
#   make test   install the test extras and run the whole suite (TEST_DATABASE_URL for PostgreSQL)

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app provider_portal
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: demo test install install-test jobs translations lint lock

demo: install
	$(FLASK) db upgrade
	$(FLASK) demo seed
	@echo "Portal: http://$(HOST):$(PORT)  (Ctrl+C stops it)"
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install-test
	$(BIN)/pytest $(PYTEST_ARGS)

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs exactly the locked versions; re-runs only when the lock or pyproject changes.
$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@

$(VENV)/.installed-test: requirements-test.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-test.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

jobs: install
	$(FLASK) jobs run

# After changing texts: extract them and merge into the Dutch catalogue, then translate the new ones.
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o provider_portal/translations/messages.pot .
	$(BIN)/pybabel update -i provider_portal/translations/messages.pot -d provider_portal/translations

# ruff everywhere; mypy on the pure cores scheduler/ and billing/ ([tool.mypy] in pyproject.toml);
# provider_portal/ is held by the ratchet in tests/typing_ratchet.json (tests/test_typing.py).
lint: install-test
	$(BIN)/ruff check provider_portal scheduler billing tests bench migrations
	$(BIN)/mypy

# Regenerate the locks after changing dependencies in pyproject.toml (needs `uv`).
lock:
	uv pip compile pyproject.toml -o requirements.lock
	uv pip compile pyproject.toml --extra test -o requirements-test.lock
