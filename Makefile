# Two commands set up everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

# Local development and the test suite run with development settings;
# production sets DJANGO_DEBUG off and provides its own DJANGO_SECRET_KEY.
export DJANGO_DEBUG ?= true

CHROMIUM := /usr/bin/chromium

.PHONY: install run test lint bench bench-pytest clean

$(INSTALLED): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(INSTALLED)

install: $(INSTALLED)

run: $(INSTALLED)
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py import_articles seeds/
	$(BIN)/python manage.py ensure_local_editor
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# Production: gunicorn (config/gunicorn.py) behind a TLS-terminating proxy, after
# migrating and collecting static files. The environment gives the secret key and
# the public host names; the README lists every variable.
.PHONY: serve
serve: export DJANGO_DEBUG := false
serve: $(INSTALLED)
	@test -n "$$DJANGO_SECRET_KEY" || { echo "make serve: set DJANGO_SECRET_KEY to a long random string" >&2; exit 1; }
	@test -n "$$DJANGO_ALLOWED_HOSTS" || { echo "make serve: set DJANGO_ALLOWED_HOSTS to the site's host names, comma-separated" >&2; exit 1; }
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py collectstatic --no-input
	exec $(BIN)/gunicorn --config config/gunicorn.py

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

# The browser tests drive Debian's Chromium through Playwright (no downloaded browsers).
$(CHROMIUM):
	@echo "Installing Debian's chromium for the browser tests"
	DEBIAN_FRONTEND=noninteractive apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

# The pages are checked with the current Nu HTML Checker (the W3C validator), from
# the npm registry into the virtual environment; it runs on Debian's Java.
VNU_VERSION := 26.9.27
VNU_JAR := $(VENV)/vnu/node_modules/vnu-jar/build/dist/vnu.jar
JAVA := /usr/bin/java

$(JAVA):
	@echo "Installing Debian's Java for the HTML validator"
	DEBIAN_FRONTEND=noninteractive apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null

$(VNU_JAR): $(INSTALLED)
	npm install --silent --no-save --no-package-lock --no-audit --no-fund \
		--prefix $(VENV)/vnu vnu-jar@$(VNU_VERSION)

test: lint $(CHROMIUM) $(JAVA) $(VNU_JAR)
	$(BIN)/pytest

# The throughput part of the benchmark loads a local gunicorn with Debian's wrk.
WRK := /usr/bin/wrk

$(WRK):
	@echo "Installing Debian's wrk for the throughput benchmark"
	DEBIAN_FRONTEND=noninteractive apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null

# Newsroom scale, 10-20 minutes: every public page at 1 000 and 100 000 claims on
# SQLite and PostgreSQL, then wrk against gunicorn; writes BENCHMARKS.md. A quick run:
# BENCH_SIZES=1000,5000 BENCH_DATABASES=sqlite BENCH_WRK_SECONDS=5 make bench
bench: $(INSTALLED) $(WRK)
	$(BIN)/python -m bench.run

# pytest-benchmark's timings of a few requests, and the CSV download's peak memory.
bench-pytest: $(INSTALLED)
	$(BIN)/pytest -m benchmark --benchmark-enable --benchmark-only -p no:cacheprovider

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles test-artifacts
