# The two commands: `make run` serves the portal, `make test` runs every test.
# Both build .venv from the pinned requirements first.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python

# The tests run on PostgreSQL and Redis on localhost unless told otherwise.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/pledge_portal
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: run test lint format chromium update-nhsuk-frontend

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# With DATABASE_URL unset, an embedded PostgreSQL (data in .data/postgres) runs while the portal does.
run: $(VENV)/.dev
	$(PY) scripts/run.py

# The Debian packages the tests use: chromium for the browser tests, systemd for `systemd-analyze verify`.
chromium:
	@command -v chromium >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
		else echo "Debian's chromium is missing: run 'sudo apt-get install -y chromium'." >&2; exit 1; fi; }
	@command -v systemd-analyze >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq systemd >/dev/null; \
		else echo "Debian's systemd is missing: run 'sudo apt-get install -y systemd'." >&2; exit 1; fi; }

test: export DATABASE_URL ?= $(TEST_DATABASE_URL)
test: export REDIS_URL ?= $(TEST_REDIS_URL)
test: $(VENV)/.dev chromium
	$(PY) scripts/check_services.py
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache --no-logo
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

update-nhsuk-frontend:
	scripts/update-nhsuk-frontend.sh $(VERSION)
