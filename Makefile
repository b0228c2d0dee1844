# The few commands people need. `make run` and `make test` work on a fresh Debian machine.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install -q --disable-pip-version-check

.PHONY: run test test-fast lint bench sandbox-image services clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PIP) -r requirements-dev.txt
	touch $@

## run: the site on http://127.0.0.1:8000 with a grading worker (SQLite, filesystem broker, Docker sandbox)
run: $(VENV)/.installed
	scripts/system-deps.sh run
	$(MAKE) --no-print-directory sandbox-image
	scripts/run.sh

## test: install and start what the tests need, lint, then the whole suite
test: $(VENV)/.installed-dev
	scripts/system-deps.sh test
	$(MAKE) --no-print-directory sandbox-image
	$(MAKE) --no-print-directory lint
	$(PY) manage.py mssql_ddl --project --output docs/schema-mssql.md --check
	$(PY) manage.py mssql_ddl --exercises --check
	$(MAKE) --no-print-directory web-image
	$(PY) -m pytest

## test-fast: lint and the tests that need no Docker, Redis or browser (about 70 s); before every commit
test-fast: $(VENV)/.installed-dev
	$(MAKE) --no-print-directory lint
	$(PY) -m pytest -m "not integration and not browser"

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .

## sandbox-image: the grading image, built without pulling anything
sandbox-image:
	PYTHON=$(PY) sandbox/build.sh

bench: $(VENV)/.installed-dev
	scripts/system-deps.sh test
	$(PY) bench/grading.py
	$(PY) bench/integrity.py
	$(PY) bench/instructor.py

clean:
	rm -rf var/ $(VENV)

## web-image: the web/worker image academy-web:latest, built without pulling (docs/deploy.md)
.PHONY: web-image
web-image:
	PYTHON=$(PY) scripts/build-web-image.sh
