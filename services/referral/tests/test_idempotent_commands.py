"""Referral's commands repeated with one key: one referral, one step, one event, the first answer."""
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from nameko.standalone.rpc import ServiceRpcProxy

import referral
from referral.service import ReferralService
from tiimi_shared.database import COMMAND_KEYS, OUTBOX
from tiimi_shared.errors import Conflict, ValidationError
from tiimi_shared.testing.fixtures import migrate

pytestmark = pytest.mark.integration

COUNTY = "1234567-8"
NGO = "1.2.246.10.1"
COUNTY_WORKER = {"organisation": COUNTY, "professional_id": "sw-1001"}
CLIENT = "8d5c0a4e-3f3b-4c0e-9a59-2f1d3c4b5a69"


@pytest.fixture
def referral_rpc(container_factory, rabbit_config, database_url, clock):
    config = rabbit_config | {
        "DATABASE_URL": migrate(Path(referral.__file__).parent / "migrations", database_url),
        "CLOCK": clock, "OUTBOX_INTERVAL": 0.1, "CONSENT_TIMEOUT": 1, "DEADLINE_INTERVAL": 3600}
    container_factory(ReferralService, config).start()
    with ServiceRpcProxy("referral", config, timeout=20) as proxy:
        yield proxy, config["DATABASE_URL"]


def counts(url):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return {name: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                    for name, table in (("referrals", sa.table("referrals")),
                                        ("steps", sa.table("referral_steps")), ("outbox", OUTBOX),
                                        ("keys", COMMAND_KEYS))}
    finally:
        engine.dispose()


def draft(proxy, clock, **extra):
    return proxy.create_referral(**{
        "client_id": CLIENT, "requesting_organisation": COUNTY, "requested_by": "sw-1001",
        "target_organisation": NGO, "service": "ngo_peer_support", "priority": "urgent",
        "reason": "needs peer support", "share": {"basic": {"language": "fi"}},
        "accept_by": (clock.now() + timedelta(days=3)).isoformat()} | extra)


def test_a_create_repeated_with_its_key_drafts_one_referral(referral_rpc, clock):
    proxy, url = referral_rpc
    first = draft(proxy, clock, idempotency_key="create-1")
    after_first = counts(url)
    assert draft(proxy, clock, idempotency_key="create-1") == first
    assert counts(url) == after_first
    assert after_first["referrals"] == 1 and after_first["keys"] == 1
    with pytest.raises(ValidationError) as refused:
        draft(proxy, clock, idempotency_key="create-1", priority="routine")
    assert "idempotency_key" in refused.value.errors
    assert counts(url) == after_first


def test_a_status_change_repeated_with_its_key_is_answered_as_the_first(referral_rpc, clock):
    proxy, url = referral_rpc
    referral_id = draft(proxy, clock)["id"]
    first = proxy.change_status(referral_id=referral_id, status="entered_in_error", by=COUNTY_WORKER,
                                reason="drafted by mistake", idempotency_key="error-1")
    after_first = counts(url)
    assert proxy.change_status(referral_id=referral_id, status="entered_in_error", by=COUNTY_WORKER,
                               reason="drafted by mistake", idempotency_key="error-1") == first
    assert counts(url) == after_first
    with pytest.raises(Conflict):  # another key is another request, and it is too late for it
        proxy.change_status(referral_id=referral_id, status="entered_in_error", by=COUNTY_WORKER,
                            reason="drafted by mistake", idempotency_key="error-2")
