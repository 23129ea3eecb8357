# SEND Programme Tracker. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# DATABASE_URL / REDIS_URL from the environment, else local servers, else embedded ones.
SERVICES = eval "$$($(PY) -m send_tracker.localservices)"

.PHONY: help install assets run test lint bench seed-scale load clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/.assets-built: node_modules/.installed static/scss/app.scss bin/build-assets bin/plotly-css.mjs
	bin/build-assets
	touch $@

install: $(VENV)/.installed assets ## Create the virtual environment and install everything

assets: static/.assets-built ## Build the CSS and copy third-party JS (not committed)

run: install ## Run the tracker with demo data on http://127.0.0.1:8000 (Ctrl-C stops it)
	@$(SERVICES) && export DJANGO_DEBUG=1 && \
	$(PY) manage.py migrate --no-input -v 0 && \
	$(PY) manage.py seed_demo --if-changed && \
	bin/run-dev

browser: ## Install Chromium for the browser journeys if it is missing (Debian package, as root)
	@command -v chromium >/dev/null || test -x /usr/bin/chromium || \
	(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

test: install browser ## Lint, check migrations, and run the test suite against real PostgreSQL and Redis
	@$(SERVICES) && \
	$(VENV)/bin/ruff check . && \
	$(PY) manage.py makemigrations --check --dry-run --settings=send_tracker.settings.test && \
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install ## Ruff lint and format check
	$(VENV)/bin/ruff check .

seed-scale: install ## Create the county-scale data set in its own database (send_scale)
	@$(SERVICES) && $(PY) manage.py seed_scale

bench: install ## Benchmark pages, recompute, import, board, bytes on the scale data (bench/results.md)
	@$(SERVICES) && $(PY) bench/run.py $(BENCH_ARGS)

load: install ## Load test: gunicorn on 127.0.0.1, 20 users for 60 s, on the scale data
	@$(SERVICES) && $(PY) bench/run.py --load-only $(BENCH_ARGS)

clean: ## Remove the virtual environment, node modules and built assets
	rm -rf $(VENV) node_modules static/build static/vendor static/govuk staticfiles static/.assets-built
