# The two commands: `make run` and `make test`. Everything else is set up by them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format check-format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml $(STAMP)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

run: $(STAMP)
	$(BIN)/mailkb summary
	$(BIN)/mailkb diagnose -o "error_message=サーバへの接続に失敗しました。" -o platform=iphone -o fails_on_other_device=false -o webmail_works=true

lint: $(STAMP)
	$(BIN)/mailkb lint

format: $(TEST_STAMP)
	$(BIN)/ruff format engine tests bench
	$(BIN)/ruff check --fix engine tests bench

check-format: $(TEST_STAMP)
	$(BIN)/ruff check engine tests bench
	$(BIN)/ruff format --check engine tests bench

test: $(TEST_STAMP) check-format
	$(BIN)/mailkb lint --no-hints
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	for script in bench/*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) _site .pytest_cache .ruff_cache .hypothesis test-output
