# markhive: `make run` serves on SQLite, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_WORKERS ?= 2

.PHONY: install run test lint format bench system-deps clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/markhive serve

# Services the suite starts itself (PostgreSQL), installed through apt when missing.
system-deps:
	sh scripts/system-deps.sh

test: install system-deps
	MARKHIVE_TEST_REQUIRE_POSTGRES=1 $(BIN)/python -m pytest -n $(PYTEST_WORKERS)

lint: install
	$(BIN)/ruff check markhive tests bench migrations
	$(BIN)/ruff format --check markhive tests bench migrations
	$(BIN)/mypy

format: install
	$(BIN)/ruff format markhive tests bench migrations
	$(BIN)/ruff check --fix markhive tests bench migrations

bench: install
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
