# A newcomer's two commands: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip

.PHONY: run test sandbox migrate lint format catalogs bench constraints clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Reinstall only when the dependencies change. constraints.txt pins every package to the versions
# the tests passed with (the code relies on a few internals of aiogram and aiosqlite).
$(VENV)/.installed-run: pyproject.toml constraints.txt | $(PY)
	$(PIP) install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt | $(PY)
	$(PIP) install --quiet -c constraints.txt -e '.[test]'
	touch $@ $(VENV)/.installed-run

## run: the bot on Telegram when BOT_TOKEN is set (environment or .env), else the terminal sandbox
run: $(VENV)/.installed-run
	@if [ -n "$$BOT_TOKEN" ] || grep -qsE '^[[:space:]]*BOT_TOKEN[[:space:]]*=[[:space:]]*[^[:space:]]' .env; then \
		$(PY) -m bot run; \
	else \
		echo "No BOT_TOKEN: starting the terminal sandbox (see README to run on Telegram)."; \
		$(PY) -m bot sandbox; \
	fi

## test: lint, the import contracts and the whole test suite (PostgreSQL tests run when
## TEST_POSTGRES_URL is set)
test: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m pytest

sandbox: $(VENV)/.installed-run
	$(PY) -m bot sandbox

migrate: $(VENV)/.installed-run
	$(PY) -m bot migrate

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-test
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## catalogs: extract strings, update fr/en catalogs (then translate the new French entries)
catalogs: $(VENV)/.installed-test
	$(PY) scripts/update_catalogs.py

## bench: the figures of bench/ (not tests; they print numbers and ratios)
bench: $(VENV)/.installed-test
	$(PY) bench/answer_throughput.py
	$(PY) bench/latency.py
	$(PY) bench/startup_memory.py
	$(PY) bench/digest_scale.py
	$(PY) bench/export_memory.py
	$(PY) bench/scrub_quality.py

## constraints: resolve the dependencies afresh and pin them (then run make test)
constraints:
	rm -rf .venv-resolve
	$(PYTHON) -m venv .venv-resolve
	.venv-resolve/bin/python -m pip install --quiet --upgrade pip
	.venv-resolve/bin/python -m pip install --quiet -e '.[test]'
	{ sed -n '1,2p' constraints.txt; .venv-resolve/bin/python -m pip freeze --exclude-editable; } > constraints.new
	mv constraints.new constraints.txt
	rm -rf .venv-resolve

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
