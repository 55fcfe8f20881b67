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
# On PostgreSQL each script gets an empty database of its own, `<name>_bench`, dropped and created again beside the
# one named (scripts/fresh_bench_database.py). bench_load.py always runs on PostgreSQL (default: 127.0.0.1:5432).
bench: $(VENV)/.installed-dev
	@for script in scripts/bench_*.py; do \
		echo "== $$script"; \
		if [ -n "$(DATABASE_URL)" ]; then \
			url=$$($(VENV)/bin/python scripts/fresh_bench_database.py "$(DATABASE_URL)") || exit 1; \
			$(VENV)/bin/python $$script --database-url "$$url" || exit 1; \
		else \
			$(VENV)/bin/python $$script || exit 1; \
		fi; \
	done

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/bandit --quiet --recursive . --exclude ./.venv,./tests,./migrations
