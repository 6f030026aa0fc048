# The two commands: `make run` serves the portal, `make test` runs every test.
# Both build .venv from the hashed lock files first (`make lock` regenerates them).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python

# The tests run on PostgreSQL and Redis on localhost unless told otherwise.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/pledge_portal
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
# pytest-xdist's processes (one per core by default); each claims a test-run slot of its own.
TEST_PROCESSES ?= auto

.PHONY: run test lint lock format debian-packages update-nhsuk-frontend

# Installs take the lock files' exact versions and hashes, pip itself included (so there is no
# unpinned `pip install --upgrade pip`). .runtime is what `make run` needs: production's packages,
# its own PostgreSQL, honcho and the demo seed's clock, without the test tools' large downloads.
PIP_INSTALL := $(PY) -m pip install --quiet --require-hashes

$(VENV)/.runtime: requirements-run.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -r requirements-run.txt
	touch $@

# requirements-dev.txt holds everything requirements-run.txt does, at the same versions.
$(VENV)/.dev: requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -r requirements-dev.txt
	touch $(VENV)/.runtime $@

# Compiles each .in file into its lock file, keeping the versions already locked: `make lock` after
# editing a pin; `make lock LOCK_ARGS=--upgrade` moves every unpinned dependency to its newest release.
# Production's comes first, as the others are constrained to its versions.
LOCK_FILES := requirements requirements-run requirements-dev
lock: $(VENV)/.dev
	for name in $(LOCK_FILES); do \
		CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe \
			--strip-extras --no-emit-index-url --no-emit-find-links $(LOCK_ARGS) $$name.in || exit 1; \
	done

# With DATABASE_URL unset, an embedded PostgreSQL (data in .data/postgres) runs while the portal does.
run: $(VENV)/.runtime
	$(PY) scripts/run.py

# The Debian packages the tests use: chromium for the browser tests, systemd for `systemd-analyze verify`.
debian-packages:
	@command -v chromium >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
		else echo "Debian's chromium is missing: run 'sudo apt-get install -y chromium'." >&2; exit 1; fi; }
	@command -v systemd-analyze >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq systemd >/dev/null; \
		else echo "Debian's systemd is missing: run 'sudo apt-get install -y systemd'." >&2; exit 1; fi; }

test: export DATABASE_URL ?= $(TEST_DATABASE_URL)
test: export REDIS_URL ?= $(TEST_REDIS_URL)
test: $(VENV)/.dev debian-packages
	$(PY) scripts/check_services.py
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache --no-logo
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -n $(TEST_PROCESSES) $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

update-nhsuk-frontend:
	scripts/update-nhsuk-frontend.sh $(VERSION)
