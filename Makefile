# mediagov — the two commands: `make run` and `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench install worker clean

$(STAMP): pyproject.toml setup.py src/mediagov/screening/_prepare.c
	@test -x $(BIN)/python || $(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/mediagov migrate --noinput
	$(BIN)/mediagov demo load
	$(BIN)/mediagov demo users
	$(BIN)/celery -A mediagov worker -B --pool=solo --loglevel=warning & \
	  trap 'kill %1 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/mediagov runserver 127.0.0.1:8000

test: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mediagov makemigrations --check --dry-run > /dev/null
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

bench: $(STAMP)
	@for f in bench/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

worker: $(STAMP)
	$(BIN)/celery -A mediagov worker -B --pool=solo --loglevel=info

clean:
	rm -rf $(VENV) var/*.sqlite3 var/celery
