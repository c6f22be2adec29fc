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

.PHONY: install checkov-install test lint format typecheck pytest demo demo-price demo-prices demo-compare demo-choreography demo-analytics bench clean

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
demo: install demo-price demo-prices demo-compare demo-choreography demo-analytics

demo-price:
	@echo "== costcalc price: one service at a time, billed to the cent =="
	$(BIN)/costcalc price lambda --requests 3e6 --duration-ms 120 --memory-mb 1536 --free-tier
	$(BIN)/costcalc price lambda --requests 10_000_000 --duration-ms 85 --memory-mb 512 --arch arm64 --cold-start-rate 0.02 --init-duration-ms 400
	$(BIN)/costcalc price stepfunctions --transitions 1.2e6 --region eu-west-1
	$(BIN)/costcalc price eventbridge --events 5e6 --event-size-kb 70 --format markdown
	$(BIN)/costcalc price sns --publishes 2e6 --deliveries sqs=2e6 email=10000 --format json

demo-prices:
	@echo "== costcalc prices: where the prices come from, and how old they are =="
	$(BIN)/costcalc prices show --service stepfunctions --service eventbridge
	$(BIN)/costcalc prices show --region eu-west-1 --service lambda --format csv

demo-compare:
	@echo "== costcalc compare: both styles per order and per month, and the cost-versus-volume chart =="
	@mkdir -p build
	$(BIN)/costcalc compare --orders-per-month 250000 --chart build/compare-cost.png
	@echo "chart: $(CURDIR)/build/compare-cost.png"

demo-choreography:
	@echo "== one order through the choreography stack on the local runner =="
	$(BIN)/python -m localrun order --template sam/choreography/template.yaml

demo-analytics:
	@echo "== the BI report: a mix of orders through the choreography stack, landed by the analytics stack, queried on DuckDB =="
	$(BIN)/python -m localrun analytics --template sam/choreography/template.yaml
	@echo "== what the analytics context adds to each design's bill =="
	$(BIN)/costcalc compare --orders-per-month 250000 --with analytics --design choreography

## bench: speed figures with their baselines (not part of the tests)
bench: install
	@for script in benchmarks/[!_]*.py; do echo "== $$script"; $(BIN)/python $$script; done

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) build *.egg-info .mypy_cache .ruff_cache
