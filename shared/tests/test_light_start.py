"""A running service carries only what it runs: no migration tool, no console prettifier.

``python -m <service> run`` imports the service's ``__main__`` module; each case
imports that module in a fresh interpreter (its ``main`` is not called) and looks
at what came in with it. Alembic and Mako belong to ``migrate``, a process of its
own; rich and pygments only draw on a developer's console, and our logs are JSON.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

SERVICES = ("consent", "team", "referral", "notify", "gateway")

# Top-level packages that `run` must not import, with where they belong instead.
NOT_AT_RUN = {
    "alembic": "migrations (python -m <service> migrate)",
    "mako": "Alembic's script templates",
    "rich": "structlog's console renderer",
    "pygments": "rich's syntax highlighting",
    "better_exceptions": "structlog's console renderer",
    "colorama": "structlog's console renderer",
    "dns": "eventlet's own resolver (tiimi_shared.green resolves in native threads)",
    "fhir": "the gateway's FHIR validation (gateway.fhir.validate), on the first FHIR request",
    "fhir_core": "fhir.resources' model base, loaded with it",
    "pydantic": "fhir.resources' models, loaded with them",
}

_PROBE = """
import importlib, json, sys
importlib.import_module(sys.argv[1] + ".__main__")
loaded = sorted({name.partition(".")[0] for name in sys.modules})
# What logging hid while structlog was imported is importable again afterwards.
hidden = [name for name, module in sys.modules.items() if module is None and "." not in name]
print(json.dumps({"loaded": loaded, "hidden": hidden}))
"""


def _imported_by_run(service: str) -> dict[str, list[str]]:
    done = subprocess.run([sys.executable, "-W", "ignore", "-c", _PROBE, service],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    result: dict[str, list[str]] = json.loads(done.stdout.splitlines()[-1])
    return result


@pytest.mark.parametrize("service", SERVICES)
def test_run_imports_no_migration_tool_and_no_console_prettifier(service: str) -> None:
    seen = _imported_by_run(service)
    unwanted = {name: why for name, why in NOT_AT_RUN.items() if name in seen["loaded"]}
    assert not unwanted, f"python -m {service} run imports {unwanted}: import them where they are used"
    assert not set(seen["hidden"]) & set(NOT_AT_RUN), seen["hidden"]


@pytest.mark.parametrize("service", ("consent", "referral", "notify"))
def test_services_that_encrypt_nothing_run_without_cryptography(service: str) -> None:
    # It came with eventlet's resolver, for DNSSEC; team (identity codes) and the
    # gateway (tokens) bring it for their own use.
    assert "cryptography" not in _imported_by_run(service)["loaded"]


def test_the_gateway_runs_without_a_database_layer() -> None:
    # The gateway keeps no database: SQLAlchemy came only with the migration helpers.
    assert "sqlalchemy" not in _imported_by_run("gateway")["loaded"]


def test_readiness_of_a_service_without_a_database_loads_no_database_layer() -> None:
    probe = (
        "import sys, types; import gateway.__main__; from tiimi_shared.operations import Operations\n"
        "ops = Operations(); ops.container = types.SimpleNamespace(dependencies=[])\n"
        "print(ops._database(), 'sqlalchemy' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-W", "ignore", "-c", probe], capture_output=True, text=True,
                          timeout=60)
    assert done.stdout.strip() == "None False", done.stderr


def test_migrations_still_load_alembic_when_asked() -> None:
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c",
         "import sys; from tiimi_shared import migrations; print('alembic' in sys.modules)"],
        capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "True", done.stderr


def test_a_console_prettifier_installed_later_still_imports() -> None:
    # Hiding rich from structlog must not hide it from the rest of the process
    # (rich is in the development environment, brought by schemathesis).
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c",
         "import tiimi_shared.logging, structlog.dev, rich; print(structlog.dev.rich is None)"],
        capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"
