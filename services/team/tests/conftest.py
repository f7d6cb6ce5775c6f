from pathlib import Path

import pytest
from nameko.standalone.rpc import ServiceRpcProxy

import team
from team.identity import new_keys
from team.service import TeamService
from tiimi_shared.testing.fixtures import migrate

MIGRATIONS = Path(team.__file__).parent / "migrations"


@pytest.fixture
def team_config(rabbit_config, database_url, clock):
    identity_key, lookup_key = new_keys()
    return {
        "AMQP_URI": rabbit_config["AMQP_URI"],
        "DATABASE_URL": migrate(MIGRATIONS, database_url),
        "CLOCK": clock,
        "OUTBOX_INTERVAL": 0.1,
        "IDENTITY_KEY": identity_key,
        "LOOKUP_KEY": lookup_key,
        "CONSENT_TIMEOUT": 2,
        # Driven by hand in tests.
        "RECHECK_INTERVAL": 3600,
    }


@pytest.fixture
def team_container(container_factory, team_config):
    container = container_factory(TeamService, team_config)
    container.start()
    return container


@pytest.fixture
def team_rpc(team_container, team_config):
    with ServiceRpcProxy("team", team_config, timeout=20) as proxy:
        yield proxy
