# The commands a newcomer types. Each target sets up what it needs first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint serve setup venv browser bench clean

run: setup ## Set up, create the demo accounts, serve the admin at http://127.0.0.1:8000/admin/ with a job worker
	FACTCHECK_DEMO=1 $(PY) manage.py create_demo_accounts
	HOST=$(HOST) PORT=$(PORT) scripts/run.sh

test: setup browser ## Set up, then run the whole test suite
	$(PY) -m pytest

lint: venv ## Lint, check the formatting and the types (ruff, mypy; settings in pyproject.toml)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# Production: DEBUG off, settings from the environment (DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS,
# DATABASE_URL, ...), static files by whitenoise. It migrates nothing: that is an upgrade step
# (README, "Deploying"), run once, not by each instance.
serve: venv ## Serve with gunicorn in production mode (factcheck/gunicorn.conf.py); see README "Deploying"
	DJANGO_DEBUG=0 $(PY) manage.py check --deploy
	DJANGO_DEBUG=0 $(PY) manage.py collectstatic --noinput --verbosity 0
	DJANGO_DEBUG=0 exec $(VENV)/bin/gunicorn --config factcheck/gunicorn.conf.py

setup: venv ## Migrate the database, load the roles and the seed articles
	$(PY) manage.py migrate --noinput
	$(PY) manage.py loaddata fixtures/roles.json
	$(PY) manage.py load_seeds

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

browser: ## Install Debian's Chromium for the browser tests where this machine allows it
	@scripts/ensure_chromium.sh

BENCH_PG ?= postgres://postgres@127.0.0.1:5432
bench: venv ## Run the benchmarks on throwaway PostgreSQL databases (see docs/PERFORMANCE.md)
	DATABASE_URL=$(BENCH_PG)/factcheck_bench $(PY) bench/load_bench.py --claims 100000
	DATABASE_URL=$(BENCH_PG)/factcheck_admin_bench $(PY) bench/admin_bench.py --claims 100000
	DATABASE_URL=$(BENCH_PG)/factcheck_api_bench $(PY) bench/api_bench.py --claims 100000
	DATABASE_URL=$(BENCH_PG)/factcheck_export_bench $(PY) bench/export_bench.py --claims 1000000
	DATABASE_URL=$(BENCH_PG)/factcheck_corroboration_bench $(PY) bench/corroboration_bench.py --documents 10000
	DATABASE_URL=$(BENCH_PG)/factcheck_desk_bench $(PY) bench/desk_bench.py --claims 100000 --days 365

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache .mypy_cache
