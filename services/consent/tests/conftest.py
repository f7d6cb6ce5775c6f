from pathlib import Path

import pytest
from nameko.standalone.rpc import ServiceRpcProxy

import consent
from consent.service import ConsentService
from tiimi_shared.testing.fixtures import migrate

MIGRATIONS = Path(consent.__file__).parent / "migrations"


@pytest.fixture
def consent_config(rabbit_config, database_url, clock):
    return {
        "AMQP_URI": rabbit_config["AMQP_URI"],
        "DATABASE_URL": migrate(MIGRATIONS, database_url),
        "CLOCK": clock,
        "OUTBOX_INTERVAL": 0.1,
        # The expiry sweep is driven by hand in tests, on a moved clock.
        "EXPIRY_INTERVAL": 3600,
        # So is the disclosure log's sequencer, so that tests see entries before they are chained.
        "CHAIN_INTERVAL": 3600,
    }


@pytest.fixture
def consent_container(container_factory, consent_config):
    container = container_factory(ConsentService, consent_config)
    container.start()
    return container


@pytest.fixture
def consent_rpc(consent_container, consent_config):
    with ServiceRpcProxy("consent", consent_config, timeout=20) as proxy:
        yield proxy
