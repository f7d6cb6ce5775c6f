"""pytest fixtures shared by every service's tests (loaded by the root conftest)."""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tiimi_shared import migrations, sealed
from tiimi_shared.clock import MovableClock
from tiimi_shared.testing.infrastructure import Infrastructure, InfrastructureMissing, discover

_state: dict[str, Any] = {}

# The services seal personal data under TIIMI_DATA_KEYS (tiimi_shared.sealed): a test run
# seals under a fresh key of its own, which the processes it starts inherit.
os.environ.setdefault(sealed.VARIABLE, sealed.new_spec("test"))


@pytest.fixture(autouse=True)
def _fast_tests_touch_no_infrastructure(request: pytest.FixtureRequest) -> None:
    """A test not marked integration runs in ``make test-fast``, with no broker and no database."""
    if request.node.get_closest_marker("integration") is None and "infrastructure" in request.fixturenames:
        pytest.fail("this test reaches RabbitMQ or PostgreSQL: mark it @pytest.mark.integration, "
                    "or test it on the fakes in tiimi_shared.testing.fakes", pytrace=False)


@pytest.fixture(scope="session")
def infrastructure() -> Iterator[Infrastructure]:
    if "error" in _state:
        pytest.fail(_state["error"], pytrace=False)
    if "infra" not in _state:
        try:
            _state["infra"] = discover()
        except InfrastructureMissing as missing:
            _state["error"] = str(missing)
            pytest.fail(str(missing), pytrace=False)
    yield _state["infra"]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int | pytest.ExitCode) -> None:
    if "infra" in _state:
        infra = _state.pop("infra")
        _state["used"] = infra.source
        infra.close()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    # Which broker and database the run used: containers started for it, or the local services.
    if "used" in _state:
        terminalreporter.write_line(f"tiimi: RabbitMQ and PostgreSQL from {_state['used']}")


@pytest.fixture
def rabbit_config(infrastructure: Infrastructure) -> Iterator[dict[str, str]]:
    """A fresh RabbitMQ vhost for one test (replaces nameko's fixture of the same name)."""
    vhost = infrastructure.create_vhost()
    yield {"AMQP_URI": infrastructure.amqp_uri_for(vhost), "vhost": vhost}
    try:
        infrastructure.delete_vhost(vhost)
    except Exception:  # the broker may have been stopped by the test itself
        pass


@pytest.fixture
def amqp_uri(rabbit_config: dict[str, str]) -> str:
    return rabbit_config["AMQP_URI"]


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each kind in turn."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    infra = request.getfixturevalue("infrastructure")
    url = infra.create_database()
    yield url
    infra.drop_database(url)


@pytest.fixture
def postgres_url(infrastructure: Infrastructure) -> Iterator[str]:
    url = infrastructure.create_database()
    yield url
    infrastructure.drop_database(url)


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


def migrate(migrations_dir: Path, url: str) -> str:
    migrations.upgrade(migrations_dir, url)
    return url
