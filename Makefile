# Costgrid: `make run` brings the suite up with demo data; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { command -v $$p; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export PYTHONPATH := $(CURDIR):$(CURDIR)/gen

.PHONY: setup run test test-unit test-integration bench proto migrate lint clean stop

$(STAMP): pyproject.toml requirements.lock
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is required"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $(STAMP)

setup: $(STAMP) $(VENV)/bin/costgrid  ## virtualenv, pinned dependencies and the `costgrid` command

# The command line as a plain launcher: no package install, so it runs this checkout's code.
$(VENV)/bin/costgrid: $(STAMP)
	printf '#!/bin/sh\nPYTHONPATH="%s:%s/gen" exec "%s" -m costgrid "$$@"\n' "$(CURDIR)" "$(CURDIR)" "$(CURDIR)/$(PY)" > $@
	chmod +x $@

proto: $(STAMP)  ## regenerate gen/ from protos/
	$(PY) tools/gen_protos.py

migrate: $(STAMP)  ## provision schemas and roles, apply migrations
	$(PY) -m tools.migrate

run: $(STAMP)  ## the whole suite with demo data; Ctrl-C stops it
	$(PY) -m tools.run

stop:  ## stop private PostgreSQL/NATS left by an interrupted run
	$(PY) -m tools.devstack stop

test: $(STAMP)  ## the whole suite against real PostgreSQL and NATS
	$(PY) -m pytest -q -p no:cacheprovider tests

test-unit: $(STAMP)
	$(PY) -m pytest -q -p no:cacheprovider tests/unit

test-integration: $(STAMP)
	$(PY) -m pytest -q -p no:cacheprovider tests/integration tests/e2e

bench: $(STAMP)  ## one table: each figure beside its baseline measured in the same run; BENCH_SIZE=small|large
	$(PY) -m bench --size $(or $(BENCH_SIZE),default)

lint: $(STAMP)
	$(PY) -m ruff check services tools tests bench demo costgrid
	$(PY) -m ruff format --check services tools tests bench demo costgrid
	$(PY) -m mypy services tools demo costgrid

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
