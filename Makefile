# The two commands: `make run` and `make test`. Everything else is set up by them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
SITE_STAMP := $(VENV)/.installed-site
BENCH_STAMP := $(VENV)/.installed-bench
AXE := node_modules/axe-core/axe.min.js
AXE_VERSION := 4.14.1
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format check-format bench clean site browser-deps bench-deps bytecode

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml $(STAMP)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

$(SITE_STAMP): pyproject.toml $(STAMP)
	$(BIN)/pip install --quiet -e '.[search,api]'
	touch $@

$(BENCH_STAMP): pyproject.toml $(STAMP)
	$(BIN)/pip install --quiet -e '.[bench,api]'
	touch $@

# Debian's Chromium and Japanese fonts for the browser tests (never `playwright install`).
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk; \
	fi

# Debian's wrk, the load generator of bench/api_load.py.
bench-deps:
	@command -v wrk >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wrk; }

$(AXE):
	npm install --no-save --no-package-lock --no-audit --no-fund axe-core@$(AXE_VERSION)

# Our own modules' bytecode, written explicitly: where PYTHONDONTWRITEBYTECODE is set (as on CI machines), every
# `mailkb` process would otherwise compile the package from source (~30 ms). Only changed files are recompiled.
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q engine

site: $(SITE_STAMP)
	$(BIN)/mailkb build --out _site

run: $(SITE_STAMP) bytecode
	$(BIN)/mailkb summary
	$(BIN)/mailkb build --out _site
	$(BIN)/mailkb diagnose -o "error_message=サーバへの接続に失敗しました。" -o platform=iphone -o fails_on_other_device=false -o webmail_works=true
	@echo "site: http://$(HOST):$(PORT)/ (English: http://$(HOST):$(PORT)/en/)"
	$(BIN)/mailkb serve --out _site --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/mailkb lint

format: $(TEST_STAMP)
	$(BIN)/ruff format engine tests bench
	$(BIN)/ruff check --fix engine tests bench

check-format: $(TEST_STAMP)
	$(BIN)/ruff check engine tests bench
	$(BIN)/ruff format --check engine tests bench

test: $(TEST_STAMP) browser-deps $(AXE) check-format bytecode
	$(BIN)/mailkb lint --no-hints
	$(BIN)/python -m pytest -q

bench: $(BENCH_STAMP) bench-deps
	for script in bench/*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) _site .pytest_cache .ruff_cache .hypothesis test-output
