# FarmDesk: `make run` starts the bot, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: run test lint bench clean

$(VENV)/.run-installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.test-installed: $(VENV)/.run-installed pyproject.toml constraints.txt
	$(PIP) install --quiet -c constraints.txt -e '.[test]'
	touch $@

run: $(VENV)/.run-installed
	@$(PY) -m bot

test: $(VENV)/.test-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(PY) -m pytest

lint: $(VENV)/.test-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

bench: $(VENV)/.test-installed
	$(PY) -m bench.clients_page
	$(PY) -m bench.tasks_list
	$(PY) -m bench.import_xlsx
	$(PY) -m bench.export_xlsx
	$(PY) -m bench.updates
	$(PY) -m bench.telemetry
	$(PY) -m bench.bills
	$(PY) -m bench.watcher
	$(PY) -m bench.alert_storm

clean:
	rm -rf $(VENV) .pytest_cache
