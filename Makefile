# Duban: `make run` starts the office on this machine, `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
PORT ?= 5000
HOST ?= 127.0.0.1
FLASK := $(VENV)/bin/flask --app app
# `make test` runs the tests in parallel, one worker process per core (pytest-xdist); TEST_WORKERS=0 runs them in
# this process (for -s or a debugger), TEST_WORKERS=3 in three workers.
TEST_WORKERS ?= auto

.PHONY: run test lint bench clean-db

$(VENV)/.installed: requirements.txt
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed
	$(FLASK) init-db
	$(FLASK) seed-demo --if-empty
	$(FLASK) serve --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-dev
	$(VENV)/bin/pytest -n $(TEST_WORKERS)

# `make bench` runs every scripts/bench_*.py in turn (SQLite in a temporary folder by default;
# DATABASE_URL=postgresql://… to run them on PostgreSQL). Each prints a table and, last, one `RESULT key=value …` line.
BENCH_ARGS ?= $(if $(DATABASE_URL),--database-url $(DATABASE_URL))
bench: $(VENV)/.installed-dev
	@for script in scripts/bench_*.py; do \
		echo "== $$script"; \
		$(VENV)/bin/python $$script $(BENCH_ARGS) || exit 1; \
	done

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/bandit --quiet --recursive . --exclude ./.venv,./tests,./migrations
