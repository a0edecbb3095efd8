# Tanhui: `make demo` and `make test` set up everything on a fresh machine.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)

# The test suite runs against PostGIS and Redis (database indexes of its own: the
# first, plus one per further parallel test process).
TEST_ENV := DATABASE_URL=$${TEST_DATABASE_URL:-postgis://postgres@127.0.0.1:5432/tanhui} \
            REDIS_URL=$${TEST_REDIS_URL:-redis://127.0.0.1:6379/8}
# Parallel test processes (pytest-xdist), one per core up to four (each takes a Redis
# database: 8-11); a module's tests stay in one process, which keeps its module-scoped
# fixtures (workers, browsers) single.
TEST_PROCESSES ?= $(shell n=$$(nproc 2>/dev/null || echo 2); echo $$(( n < 4 ? n : 4 )))
PARALLEL := --numprocesses=$(TEST_PROCESSES) --dist=loadfile

.PHONY: demo test test-faults lint bench lock messages messages-update screenshots system-deps-demo system-deps-test services clean

demo: system-deps-demo $(INSTALLED) messages
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_demo
	@echo "Serving on http://127.0.0.1:8000/ (officials' admin: /admin/, the public: /public/; Ctrl-C stops it)"
	$(PY) manage.py runserver --noreload 127.0.0.1:8000

test: system-deps-test $(INSTALLED) messages services
	$(TEST_ENV) $(VENV)/bin/pytest $(PARALLEL) $(PYTEST_ARGS)

# The reliability suite alone (also part of `make test`).
test-faults: system-deps-test $(INSTALLED) messages services
	$(TEST_ENV) $(VENV)/bin/pytest $(PARALLEL) -m faults $(PYTEST_ARGS)

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	TANHUI_ENV=production ALLOWED_HOSTS=tanhui.example.org \
	SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))') \
	$(PY) manage.py check --deploy --fail-level WARNING

bench: system-deps-test $(INSTALLED) services
	$(TEST_ENV) $(PY) -m bench $(BENCH)

# Screenshots of the officials' pages and a statement for docs/images/, from a fresh embedded demo.
screenshots: system-deps-test $(INSTALLED) messages
	$(PY) scripts/screenshots.py

lock:
	scripts/lock

messages: $(MO_FILES)

# Refresh the catalogue after changing UI strings, then translate what is new
# (and check any "#, fuzzy" guesses: the test suite refuses them).
messages-update: $(INSTALLED)
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=tests --ignore=var --ignore=bench --ignore=build

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po
	msgfmt --check-format -o $@ $<

$(INSTALLED): pyproject.toml requirements.lock scripts/ensure-venv scripts/pick-python
	scripts/ensure-venv $(VENV)
	touch $@

system-deps-demo:
	scripts/system-deps demo

system-deps-test:
	scripts/system-deps test

services:
	scripts/ensure-services

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache $(MO_FILES)
