# One command per job. `make run` and `make test` are all a fresh machine needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# axe-core for the browser tests' accessibility checks (package.json, pinned by package-lock.json).
NODE_STAMP := node_modules/.installed

.PHONY: install run test check static lint typecheck imports bench fuzz clean migrations-check

install: $(STAMP) $(NODE_STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

run: install
	CLEANNOTE_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	CLEANNOTE_DEBUG=1 $(BIN)/python manage.py cleannote_demo
	CLEANNOTE_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools

typecheck: install
	CLEANNOTE_DEBUG=1 $(BIN)/mypy

imports: install
	$(BIN)/lint-imports

static: lint typecheck imports migrations-check

migrations-check: install
	CLEANNOTE_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

check: static test

bench: install
	$(BIN)/python -m benchmarks $(BENCH)

# The X12 reader property test with many fresh examples (CI runs 200 fixed ones).
FUZZ_EXAMPLES ?= 20000
# Batches of up to six visits, each batch validated by pyx12 (about half a second a batch).
FUZZ_CLAIMS ?= 1000
fuzz: install
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_FRESH=1 $(BIN)/pytest tests/edi/test_fuzz_readers.py -p no:cacheprovider --hypothesis-show-statistics
	FUZZ_EXAMPLES=$(FUZZ_CLAIMS) FUZZ_FRESH=1 $(BIN)/pytest tests/rules/scrub/test_clean_means_accepted.py -p no:cacheprovider --hypothesis-show-statistics

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache
