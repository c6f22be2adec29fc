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

KIT_PACKAGES := costcalc orderflow_localrun orderclient orderflow_definitions tools
# Lambda code: typed and checked, but not an installable package (its modules are top-level).
FUNCTIONS := functions
# The cookiecutter template's extension: loaded by cookiecutter from the template's folder.
GENERATOR := templates/order-system
# Pulumi projects: their shared building blocks, then each program on its own (every program
# is a `__main__` module, so one mypy run per project; the cache makes the later runs quick).
PULUMI_BLOCKS := pulumi/orderflow_infra
PULUMI_PROGRAMS := $(wildcard pulumi/*/__main__.py)

.PHONY: estimate-goldens install checkov-install lambda-venv test lint format typecheck pytest browser shells demo demo-price demo-prices demo-compare demo-choreography demo-orchestration demo-promo demo-analytics demo-generate demo-estimate demo-report docs docs-transcripts bench clean

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
# Lint first (seconds), then the type-check beside the tests: mypy uses one core, so run alone
# it left the other idle for minutes on a 2-core machine (a clean clone has no mypy cache).
# mypy prints each run's lines at its end, among the tests' dots; either failing fails the target.
test: lint
	$(MAKE) --no-print-directory -j 2 typecheck pytest

# lint-imports checks the import contracts in pyproject.toml ([tool.importlinter]): costcalc's
# layers, and the kit's parts kept apart. functions/ and pulumi/ hold two of those parts.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	PYTHONPATH=$(FUNCTIONS):pulumi $(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: install
	$(BIN)/mypy $(KIT_PACKAGES)
	MYPYPATH=$(FUNCTIONS) $(BIN)/mypy --explicit-package-bases $(FUNCTIONS)
	MYPYPATH=$(GENERATOR) $(BIN)/mypy $(GENERATOR)/orderflow_generator $(GENERATOR)/local_extensions.py
	MYPYPATH=pulumi $(BIN)/mypy $(PULUMI_BLOCKS)
	@for program in $(PULUMI_PROGRAMS); do \
		echo "MYPYPATH=pulumi $(BIN)/mypy $$program"; \
		MYPYPATH=pulumi $(BIN)/mypy $$program || exit 1; \
	done

# python3.13 with boto3 and the Powertools layer's packages: what benchmarks/cold_import.py
# imports each function with, as Lambda's python3.13 runtime does.
LAMBDA_VENV := .venv-lambda
LAMBDA_STAMP := $(LAMBDA_VENV)/.installed-stamp

lambda-venv: $(LAMBDA_STAMP)

$(LAMBDA_STAMP): benchmarks/lambda-requirements.txt
	python3.13 -m venv $(LAMBDA_VENV)
	$(LAMBDA_VENV)/bin/pip install --quiet -r benchmarks/lambda-requirements.txt
	touch $@

# The report's browser test drives Debian's chromium through Playwright (never a downloaded
# browser build). Installed only when missing; CI runs as root on a possibly fresh machine.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "installing chromium (Debian package) for the report's browser test ..."; \
		export DEBIAN_FRONTEND=noninteractive; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq >/dev/null && \
		$$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null; }

# `costcalc completion` scripts are run in real zsh and fish (bash is always here); Debian's
# packages, installed only when missing, as chromium is.
shells:
	@missing=""; for shell in zsh fish; do command -v $$shell >/dev/null 2>&1 || missing="$$missing $$shell"; done; \
	[ -z "$$missing" ] || { \
		echo "installing$$missing (Debian packages) for the completion tests ..."; \
		export DEBIAN_FRONTEND=noninteractive; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq >/dev/null && \
		$$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; }

# pytest exits 5 when it collects no test; make treats that as the failure it is.
# One worker per core, each taking whole files (`--dist loadfile`), so a module's fixtures
# (generated projects, built sites) are made once; the slowest files are listed at the end.
PYTEST_WORKERS ?= auto
pytest: install checkov-install browser shells
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist loadfile --durations=25

## demo: run everything that exists on an embedded default, in the order docs/design.md gives
demo: install demo-price demo-prices demo-compare demo-choreography demo-orchestration demo-promo demo-analytics demo-generate demo-estimate demo-report

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
	$(BIN)/python -m orderflow_localrun order --template sam/choreography/template.yaml

demo-orchestration:
	@echo "== one order through the orchestration stack on the local runner, with its execution history =="
	$(BIN)/python -m orderflow_localrun order --template sam/orchestration/template.yaml --parameter AcceptanceTimeoutSeconds=600
	@echo "== the transitions each orchestration path bills (a time-out of 2 s, waited in real time) =="
	$(BIN)/python -m orderflow_localrun transitions --template sam/orchestration/template.yaml

demo-promo:
	@echo "== the promo stack beside the orders stack: the demo order's code, and its timeline via GET /orders/{id} =="
	$(BIN)/python -m orderflow_localrun order --template sam/choreography/template.yaml --promo sam/promo/template.yaml

# Each style the generator offers, with the SAM template its projects run orders through.
GENERATED_STYLES = $(BIN)/python -c 'import yaml; m = yaml.safe_load(open("$(GENERATOR)/manifest.yaml")); [print(s, m["sam_templates"][s]) for s in m["choices"]["style"]]'

demo-generate:
	@echo "== a project generated per style (cookiecutter, hooks off), an order through each on its own runner =="
	@out=$$(mktemp -d) && $(GENERATED_STYLES) | while read -r style template; do \
	  $(BIN)/cookiecutter --no-input --accept-hooks no $(GENERATOR) -o $$out project_name="demo $$style" style=$$style sender_email=orders@demo.dev alarm_email=oncall@demo.dev || exit 1; \
	  project=$$out/demo-$$style; \
	  echo "generated $$project: $$(find $$project -type f | wc -l) files"; \
	  (cd $$project && $(CURDIR)/$(BIN)/python -m orderflow_localrun order --template $$template) || exit 1; \
	done && rm -rf $$out

demo-report: install browser
	@echo "== costcalc report: the decision report for the default volume, and how it looks =="
	@mkdir -p build
	$(BIN)/costcalc report --orders-per-month 250000 --out build/decision.html
	$(BIN)/costcalc report --orders-per-month 250000 --out build/decision.md
	@$(BIN)/python -m tests.costcalc.browser build/decision.html build/decision.png >/dev/null
	@echo "report: $(CURDIR)/build/decision.html"
	@echo "screenshot: $(CURDIR)/build/decision.png"
	@echo "== costcalc report PATH: the same report with the figures read from a definition (the Pulumi choreography program) =="
	$(BIN)/costcalc report pulumi/orders-choreography --design orchestration --sweep 2e4:5e7 --out build/decision-from-definitions.md

# Both reference stacks, priced from their templates (orchestration: from its state machine's
# definition, each execution path mapped to its order path), and the difference between them.
demo-estimate: install
	@echo "== costcalc estimate: the price of what each reference stack deploys, figure by figure =="
	@mkdir -p build
	$(BIN)/costcalc estimate sam/choreography/template.yaml --orders-per-month 1e6
	$(BIN)/costcalc estimate sam/orchestration/template.yaml --orders-per-month 1e6
	$(BIN)/costcalc estimate sam/choreography/template.yaml --orders-per-month 1e6 --format infracost-usage > build/infracost-usage.yml
	@echo "infracost usage file: $(CURDIR)/build/infracost-usage.yml"
	@echo "== costcalc diff: from the choreography stack to the orchestration stack =="
	$(BIN)/costcalc diff sam/choreography/template.yaml sam/orchestration/template.yaml --orders-per-month 1e6
	@echo "== costcalc diff: a pull request that raises every function to 1024 MB =="
	sed 's/^    MemorySize: 256$$/    MemorySize: 1024/' sam/choreography/template.yaml > build/choreography-1024mb.yaml
	$(BIN)/costcalc diff sam/choreography/template.yaml build/choreography-1024mb.yaml --orders-per-month 1e6 --fail-above 100
demo-analytics:
	@echo "== the BI report: a mix of orders through the choreography stack, landed by the analytics stack, queried on DuckDB =="
	$(BIN)/python -m orderflow_localrun analytics --template sam/choreography/template.yaml
	@echo "== what the analytics context adds to each design's bill =="
	$(BIN)/costcalc compare --orders-per-month 250000 --with analytics --design choreography

## docs: the documentation site (docs/, mkdocs.yml), built in strict mode into build/site
docs: install
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict
	@echo "site: $(CURDIR)/build/site/index.html"

## docs-transcripts: run every command the docs show with its output, and write the output back
## (and draw the README's picture: the chart `make demo` draws)
docs-transcripts: install
	$(BIN)/python -m tools.transcripts
	$(BIN)/costcalc compare --orders-per-month 250000 --chart docs/compare-cost.png >/dev/null

## bench: speed figures with their baselines (not part of the tests)
bench: install lambda-venv
	@for script in benchmarks/[!_]*.py; do echo "== $$script"; $(BIN)/python $$script; done

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) build *.egg-info .mypy_cache .ruff_cache

## estimate-goldens: rewrite the estimate corpus' golden files (review the diff)
estimate-goldens: install
	$(BIN)/python -m tests.costcalc.estimate.template_corpus
