# One entry point for people and CI. `make test` sets up everything it needs on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
EXAMPLE ?= examples/python/order_processor.py

.PHONY: demo install test lint typecheck unit goldens bench node browser extension clean

$(BIN)/durable-viz: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m compileall -q durable_viz
	@touch $@

install: $(BIN)/durable-viz

## Install, then draw an example handler as Mermaid.
demo: install
	$(BIN)/durable-viz $(EXAMPLE)

## npm packages the tests use (the real Mermaid parser under jsdom).
node: tests/js/node_modules/.installed
tests/js/node_modules/.installed: tests/js/package.json tests/js/package-lock.json
	npm ci --prefix tests/js --no-audit --no-fund --loglevel=error
	@touch $@

## The VS Code extension: npm packages, type check and bundle, its tests (some against the real
## CLI through `durable-viz serve`), and the .vsix (written to vscode-extension/out/, not committed).
EXT := vscode-extension
$(EXT)/node_modules/.installed: $(EXT)/package.json $(EXT)/package-lock.json
	npm ci --prefix $(EXT) --no-audit --no-fund --loglevel=error
	@touch $@
extension: install $(EXT)/node_modules/.installed
	npm run --silent --prefix $(EXT) build
	DURABLE_VIZ_COMMAND="$(CURDIR)/$(BIN)/durable-viz" npm run --silent --prefix $(EXT) test
	npm run --silent --prefix $(EXT) package

## Debian's chromium for the browser tests (installed only when missing; needs root or sudo).
SUDO := $(shell [ "$$(id -u)" -ne 0 ] && command -v sudo)
browser:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }
	@chromium --version 2>/dev/null

lint: install
	$(BIN)/ruff check durable_viz tests benchmarks tools
	$(BIN)/ruff format --check durable_viz

typecheck: install
	$(BIN)/mypy

unit: install node browser
	$(BIN)/pytest -q

## Everything CI runs.
test: lint typecheck unit extension

## Rewrite the golden files after an intended change (review the diff).
goldens: install node browser
	$(BIN)/pytest -q tests/test_goldens.py --update-goldens

## Every timing benchmark against its targets (each script's docstring states them).
BENCHMARKS := python typescript java csharp render page serve
bench: install browser
	@status=0; for b in $(BENCHMARKS); do echo "== benchmarks/$$b.py"; \
		$(BIN)/python benchmarks/$$b.py || status=1; done; exit $$status

clean:
	rm -rf $(VENV) tests/js/node_modules $(EXT)/node_modules $(EXT)/dist $(EXT)/out .pytest_cache .mypy_cache .ruff_cache test-artifacts
