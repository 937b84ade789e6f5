# The two commands of the quick start: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: demo test lint typecheck serve bench clean help i18n

help:
	@echo "make demo   - install, prepare ./var/liptako.db with the shipped data, serve on http://$(HOST):$(PORT)"
	@echo "make test   - install with test extras, run ruff, mypy, import contracts and the whole suite"
	@echo "make bench  - run the benchmarks in bench/"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	@touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	@touch $(VENV)/.installed $@

$(VENV)/.installed-bench: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test,bench]'
	@touch $(VENV)/.installed $(VENV)/.installed-test $@

demo: $(VENV)/.installed
	LIPTAKO_HOST=$(HOST) LIPTAKO_PORT=$(PORT) $(BIN)/liptako init
	$(BIN)/liptako serve --host $(HOST) --port $(PORT)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench migrations

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy src

# three workers (pytest-xdist) on two cores: the suite waits on servers, browsers and
# databases a good part of the time, which a third worker fills; each has its own databases
test: lint typecheck
	$(BIN)/pytest -n 3 --dist load $(PYTEST_ARGS)

bench: $(VENV)/.installed-bench
	@for script in bench/[!_]*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

i18n: $(VENV)/.installed-test
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ -k Nn_:1,2 --no-location --sort-output \
		--project liptako -o src/liptako/web/translations/messages.pot .
	$(BIN)/pybabel update -i src/liptako/web/translations/messages.pot \
		-d src/liptako/web/translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
