# carecoord: the project's commands. `make run` and `make test` set up everything.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: install run test test-fast lint format shell messages bench migrate seed clean

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

BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/carecoord_bench

bench: install
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench_search --families 100000

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache test-artifacts
