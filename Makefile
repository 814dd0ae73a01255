# Escalation Watch: every command the README names.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
KAFKA_PORT ?= 9092
export KAFKA_BOOTSTRAP_SERVERS ?= 127.0.0.1:$(KAFKA_PORT)
PYTEST_ARGS ?=

.PHONY: help venv run worker test test-unit test-kafka lint kafka-up kafka-down kafka-status \
	eval bench bench-compiled coverage clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,report]'
	touch $(STAMP)

venv: $(STAMP) ## create .venv and install the project with its dev tools

kafka-up: $(STAMP) ## start (or reuse) the local Kafka broker
	$(BIN)/escwatch kafka up --port $(KAFKA_PORT)

kafka-down: $(STAMP) ## stop the local broker started by kafka-up (on KAFKA_PORT)
	$(BIN)/escwatch kafka down --port $(KAFKA_PORT)

kafka-status: $(STAMP) ## say which broker answers
	$(BIN)/escwatch kafka status --port $(KAFKA_PORT)

DASHBOARD_PORT ?= 8066
run: kafka-up ## broker + worker + dashboard + ingest the seed and demo articles + print alerts until Ctrl-C
	@mkdir -p .cache
	@$(BIN)/escwatch worker > .cache/worker.log 2>&1 & echo $$! > .cache/worker.pid; \
	$(BIN)/escwatch dashboard --port $(DASHBOARD_PORT) > .cache/dashboard.log 2>&1 & echo $$! > .cache/dashboard.pid; \
	trap 'kill $$(cat .cache/worker.pid 2>/dev/null) $$(cat .cache/dashboard.pid 2>/dev/null) 2>/dev/null; wait; rm -f .cache/worker.pid .cache/dashboard.pid' EXIT INT TERM; \
	$(BIN)/escwatch ingest seeds/articles.jsonl seeds/demo.jsonl && \
	echo "dashboard: http://127.0.0.1:$(DASHBOARD_PORT)/ (log .cache/dashboard.log)" && \
	echo "worker log: .cache/worker.log; alerts follow (Ctrl-C to stop)" && \
	$(BIN)/escwatch tail --from-beginning --dedupe

worker: $(STAMP) ## run only the worker in the foreground
	$(BIN)/escwatch worker

lint: $(STAMP) ## ruff and mypy --strict
	$(BIN)/ruff check streams tests bench tools
	$(BIN)/mypy

# Branch-coverage floor (percent) for the core and for the worker's runtime modules;
# `make test` fails below it. Worker child processes are measured too (pyproject.toml).
COVERAGE_FLOOR ?= 85
COVERAGE_CORE := streams/core/*,streams/knowledge/*
RUNTIME_MODULES := app pipeline codec config sources clients metrics errors topics health logs \
	poison fitting reconnect topology processes
comma := ,
empty :=
space := $(empty) $(empty)
COVERAGE_RUNTIME := $(subst $(space),$(comma),$(strip $(patsubst %,streams/%.py,$(RUNTIME_MODULES))))

test: kafka-up ## the whole suite against the real broker with branch coverage, then stop the broker
	@rm -f .coverage .coverage.*; status=0; \
	$(BIN)/pytest --cov --cov-report= $(PYTEST_ARGS) || status=$$?; \
	$(BIN)/escwatch kafka down --port $(KAFKA_PORT); \
	[ $$status -ne 0 ] || $(MAKE) --no-print-directory coverage || status=$$?; exit $$status

coverage: $(STAMP) ## branch coverage of the last `make test`, failing under COVERAGE_FLOOR for core and runtime
	@echo "core (floor $(COVERAGE_FLOOR)%):"
	@$(BIN)/coverage report --include='$(COVERAGE_CORE)' --fail-under=$(COVERAGE_FLOOR) | tail -3
	@echo "runtime (floor $(COVERAGE_FLOOR)%):"
	@$(BIN)/coverage report --include='$(COVERAGE_RUNTIME)' --fail-under=$(COVERAGE_FLOOR) --show-missing
	@$(BIN)/coverage report | tail -1

test-unit: $(STAMP) ## unit and agent tiers only (no broker)
	$(BIN)/pytest -m "not kafka" $(PYTEST_ARGS)

test-kafka: kafka-up ## integration tier only
	$(BIN)/pytest -m kafka $(PYTEST_ARGS)

eval: $(STAMP) ## detection quality on the bundled labelled data, beside baselines
	$(BIN)/escwatch eval tests/data/plover_gsr.jsonl tests/data/petrarch_unittest.jsonl \
		tests/data/re3d_open.jsonl tests/data/modality.jsonl

bench: kafka-up ## throughput, latency and memory against the targets (JSON in bench/results/)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/build_corpus.py
	$(BIN)/escwatch bench all

COMPILED := .cache/venv-compiled
bench-compiled: $(STAMP) ## the core benchmark again with the mypyc-compiled core
	test -x $(COMPILED)/bin/python || $(PYTHON) -m venv $(COMPILED)
	$(COMPILED)/bin/python -m pip install --quiet mypy 'setuptools>=77' wheel '.[bench]'
	ESCWATCH_MYPYC=1 $(COMPILED)/bin/python -m pip install --quiet --no-build-isolation \
		--force-reinstall --no-deps .
	$(BIN)/python bench/build_corpus.py
	@# From another folder, so the compiled package is imported, not this source tree.
	cd "$$(mktemp -d)" && $(CURDIR)/$(COMPILED)/bin/escwatch bench core \
		--corpus $(CURDIR)/bench/corpus/news600.jsonl --corpus $(CURDIR)/bench/corpus/re3d.jsonl \
		--json $(CURDIR)/bench/results/core-compiled.json

clean: ## remove caches (keeps .venv)
	rm -rf .cache .pytest_cache .mypy_cache .ruff_cache .coverage .coverage.*
