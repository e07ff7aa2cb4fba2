# One entry point for people and CI. `make run` shows tgfleet at work (the demo against an embedded sandbox);
# `make fleet` the fleet with its dashboard and API on an embedded sandbox (open the URL it prints);
# `make test` installs everything into .venv and runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run fleet test lint generate bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

run: $(VENV)/.installed
	$(VENV)/bin/tgfleet demo

fleet: $(VENV)/.installed
	$(VENV)/bin/tgfleet fleet demo

test: $(VENV)/.installed
	$(PY) -m pytest -n auto

lint: $(VENV)/.installed
	$(PY) -m ruff check src tests tools benchmarks
	$(PY) -m ruff format --check src tests tools benchmarks
	$(PY) -m mypy
	$(VENV)/bin/lint-imports
	$(PY) -m tools.tlgen --check

generate: $(VENV)/.installed
	$(PY) -m tools.tlgen

$(VENV)/.bench-installed: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $@

bench: $(VENV)/.bench-installed
	$(PY) benchmarks/tl.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
