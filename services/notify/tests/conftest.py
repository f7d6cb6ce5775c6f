from pathlib import Path

import pytest
from nameko.standalone.rpc import ServiceRpcProxy

import notify
from notify.service import NotifyService
from tiimi_shared.testing.fixtures import migrate
from tiimi_shared.testing.servers import HttpReceiver, SmtpServer

MIGRATIONS = Path(notify.__file__).parent / "migrations"


@pytest.fixture
def smtp_server(tmp_path):
    server = SmtpServer(tmp_path / "maildir").start()
    yield server
    server.stop()


@pytest.fixture
def receiver():
    server = HttpReceiver().start()
    yield server
    server.stop()


@pytest.fixture
def notify_config(rabbit_config, database_url, clock, smtp_server, receiver):
    return {
        "AMQP_URI": rabbit_config["AMQP_URI"],
        "DATABASE_URL": migrate(MIGRATIONS, database_url),
        "CLOCK": clock,
        "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_server.port,
        "SMS_GATEWAY_URL": receiver.url + "/sms", "SMS_GATEWAY_TOKEN": "sms-token",
        "WEBHOOK_ALLOW_PRIVATE": "true",
        "PUBLIC_URL": "https://tiimi.example",
        "CONSENT_TIMEOUT": 1, "TEAM_TIMEOUT": 1,
        "DELIVERY_MAX_ATTEMPTS": 3, "DELIVERY_BACKOFF_BASE": 10, "DELIVERY_BACKOFF_CAP": 60,
        # Driven by hand in tests, on a moved clock.
        "DELIVERY_INTERVAL": 3600,
    }


@pytest.fixture
def notify_container(container_factory, notify_config):
    container = container_factory(NotifyService, notify_config)
    container.start()
    return container


@pytest.fixture
def notify_rpc(notify_container, notify_config):
    with ServiceRpcProxy("notify", notify_config, timeout=20) as proxy:
        yield proxy
