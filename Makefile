# carecoord: the project's commands. `make run` and `make test` set up everything.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: install run test test-fast lint format shell messages bench bench-smoke migrate seed clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

run: install
	$(PY) manage.py migrate --noinput
	@echo "Demo logins (ROLE USERNAME PASSWORD):"
	$(PY) manage.py seed_demo
	@echo "Serving on http://127.0.0.1:8000"
	$(PY) manage.py runserver 127.0.0.1:8000

# Tests run in parallel, one process per core (one test database each); every browser
# test goes to the same worker, so the demo data is seeded once (see tests/conftest.py).
XDIST ?= -n auto --dist loadgroup

test: install
	$(PY) -m pytest $(XDIST) $(PYTEST_ARGS)

test-fast: install
	$(PY) -m pytest -m "not browser" $(XDIST) $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/bandit -c pyproject.toml -r . -q --severity-level medium

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

shell: install
	$(PY) manage.py shell

messages: install
	$(PY) manage.py makemessages --locale es --ignore ".venv/*" --ignore "tests/*" --no-obsolete
	$(PY) manage.py compilemessages --ignore ".venv/*"

# The benchmark (docs/PERFORMANCE.md): one PostgreSQL database per size, named BENCH_DATABASE_URL's
# database name and the size (carecoord_bench_10000, carecoord_bench_100000), made and seeded if missing.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/carecoord_bench
BENCH_REDIS_URL ?=
BENCH_PORT ?= 8101
BENCH_ARGS ?=
BENCH_STAMP := $(VENV)/.bench-installed-$(shell cat requirements.txt requirements-dev.txt requirements-bench.txt | cksum | cut -d' ' -f1)
BENCH := $(PY) manage.py bench --database-url $(BENCH_DATABASE_URL) --redis-url "$(BENCH_REDIS_URL)" --port $(BENCH_PORT)

$(BENCH_STAMP): $(STAMP) requirements-bench.txt
	$(PY) -m pip install --quiet -r requirements-bench.txt
	rm -f $(VENV)/.bench-installed-*
	touch $@

bench: $(BENCH_STAMP)
	$(BENCH) --sizes 10000,100000 --json docs/performance.json --document docs/PERFORMANCE.md $(BENCH_ARGS)

# The same at 500 households, few requests and a 10-second load test: CI runs it so the benchmark keeps working.
bench-smoke: $(BENCH_STAMP)
	$(BENCH) --sizes 500 --requests 5 --warmup 1 --load-users 5 --load-seconds 10 --output var/bench-smoke $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache test-artifacts
