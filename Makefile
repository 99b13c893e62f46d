# markhive: `make run` serves on SQLite, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_WORKERS ?= 2

CLIENTS := .venv-clients
CLIENTS_STAMP := $(CLIENTS)/.installed-stamp

.PHONY: install run test lint format bench system-deps clients clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/markhive serve

# Services the suite starts itself (PostgreSQL, Redis) and the browser it drives (Chromium),
# installed through apt when missing.
system-deps:
	sh scripts/system-deps.sh

# linkding-cli, a real client the suite drives; it needs click < 8.2, so it lives apart.
$(CLIENTS_STAMP):
	test -x $(CLIENTS)/bin/python || $(PYTHON) -m venv $(CLIENTS)
	$(CLIENTS)/bin/python -m pip install --quiet 'linkding-cli==2024.9.0' 'click<8.2'
	touch $(CLIENTS_STAMP)

clients: $(CLIENTS_STAMP)

test: install system-deps clients
	MARKHIVE_TEST_REQUIRE_POSTGRES=1 MARKHIVE_TEST_REQUIRE_BROWSER=1 \
		$(BIN)/python -m pytest -n $(PYTEST_WORKERS)

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
	rm -rf $(VENV) $(CLIENTS) .pytest_cache .mypy_cache .ruff_cache
