# Orderflow Kit. Two commands on a fresh machine: `make demo` and `make test`.
# Everything runs from a virtual environment in .venv that the first target creates.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# sam build needs an interpreter matching the Lambda runtime; pyenv answers for all three.
export PYENV_VERSION ?= 3.11.7:3.12.1:3.13.0
export AWS_DEFAULT_REGION ?= us-east-1
export MPLBACKEND ?= Agg

KIT_PACKAGES := costcalc localrun
# Lambda code: typed and checked, but not an installable package (its modules are top-level).
FUNCTIONS := functions

.PHONY: install checkov-install test lint format typecheck pytest demo demo-price demo-choreography bench clean

# checkov pins boto3 1.35, aws-sam-cli 1.43: it gets its own venv, used by the template tests.
CHECKOV_VENV := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed-stamp
CHECKOV_VERSION := 3.3.30

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

checkov-install: $(CHECKOV_STAMP)

$(CHECKOV_STAMP):
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/pip install --quiet 'checkov==$(CHECKOV_VERSION)'
	touch $@

## test: lint, type-check and run the whole test suite (what CI runs)
test: lint typecheck pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: install
	$(BIN)/mypy $(KIT_PACKAGES)
	MYPYPATH=$(FUNCTIONS) $(BIN)/mypy --explicit-package-bases $(FUNCTIONS)

# pytest exits 5 when it collects no test; make treats that as the failure it is.
pytest: install checkov-install
	$(BIN)/pytest -q

## demo: run everything that exists on an embedded default, in DESIGN.md's order
demo: install demo-price demo-choreography

demo-price:
	@echo "== costcalc: what is this CLI? =="
	$(BIN)/costcalc --help

demo-choreography:
	@echo "== one order through the choreography stack on the local runner =="
	$(BIN)/python -m localrun order --template sam/choreography/template.yaml

## bench: speed figures with their baselines (not part of the tests)
bench: install
	@for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python $$script; done

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) build *.egg-info .mypy_cache .ruff_cache
