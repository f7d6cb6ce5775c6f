# eventlet must patch sockets and threads before anything else imports them.
import tiimi_shared.green  # noqa: F401

# isort: split
import time
from pathlib import Path

import pytest

import consent
import notify
import referral
import team
from consent.service import ConsentService
from gateway.service import GatewayService
from notify.service import NotifyService
from referral.service import ReferralService
from team.identity import new_keys
from team.service import TeamService

pytest_plugins = ["tiimi_shared.testing.fixtures"]

# The cross-service tests (tests/) share the fixtures below: the whole system in
# one process, and patience. They live here, not in tests/conftest.py, whose
# module name would shadow the package shared/tests.


@pytest.fixture
def system(container_factory, rabbit_config, tmp_path):
    """Start consent, team, referral and notify (SQLite each), plus the gateway if configured.

    ``system(notify={...}, gateway={...})`` adds to or overrides each one's config.
    """
    from tiimi_shared.testing.fixtures import migrate  # after the plugin is registered

    def start(**overrides) -> None:
        identity_key, lookup_key = new_keys()

        def database(package):
            url = f"sqlite:///{tmp_path / package.__name__}.db"
            return migrate(Path(package.__file__).parent / "migrations", url)

        common = rabbit_config | {"OUTBOX_INTERVAL": 0.1, "CONSENT_TIMEOUT": 3}
        configs = {
            ConsentService: common | {"DATABASE_URL": database(consent), "EXPIRY_INTERVAL": 3600}
            | overrides.get("consent", {}),
            TeamService: common | {"DATABASE_URL": database(team), "IDENTITY_KEY": identity_key,
                                   "LOOKUP_KEY": lookup_key, "RECHECK_INTERVAL": 3600}
            | overrides.get("team", {}),
            ReferralService: common | {"DATABASE_URL": database(referral), "DEADLINE_INTERVAL": 3600}
            | overrides.get("referral", {}),
            NotifyService: common | {"DATABASE_URL": database(notify), "DELIVERY_INTERVAL": 3600}
            | overrides.get("notify", {}),
        }
        if "gateway" in overrides:
            configs[GatewayService] = common | overrides["gateway"]
        for service_cls, config in configs.items():
            container_factory(service_cls, config).start()

    return start


def wait_until(check, timeout: float = 15.0):
    """``check()``'s first truthy answer, or its last answer once ``timeout`` seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


@pytest.fixture
def eventually():
    return wait_until
