"""Consent's commands repeated with one key: one consent, one event, the first answer."""
import pytest
import sqlalchemy as sa

from consent.models import DISCLOSURE_LOG
from tiimi_shared.database import COMMAND_KEYS, OUTBOX
from tiimi_shared.errors import ValidationError

pytestmark = pytest.mark.integration

NGO = "1.2.246.10.1"
CLIENT = "8d5c0a4e-3f3b-4c0e-9a59-2f1d3c4b5a69"


def counts(url):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return {name: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                    for name, table in (("consents", sa.table("consents")), ("outbox", OUTBOX),
                                        ("log", DISCLOSURE_LOG), ("keys", COMMAND_KEYS))}
    finally:
        engine.dispose()


def grant(consent_rpc, **extra):
    return consent_rpc.grant(client_id=CLIENT, given_by={"kind": "client"}, recipient_organisation=NGO,
                             categories=["basic"], purposes=["referral"], method="written",
                             recorded_by="sw-1001", **extra)


def test_a_grant_repeated_with_its_key_records_one_consent_and_answers_the_same(consent_rpc, consent_config):
    url = consent_config["DATABASE_URL"]
    first = grant(consent_rpc, idempotency_key="grant-1")
    after_first = counts(url)
    assert grant(consent_rpc, idempotency_key="grant-1") == first
    assert counts(url) == after_first
    assert after_first["consents"] == 1 and after_first["keys"] == 1
    with pytest.raises(ValidationError) as refused:
        consent_rpc.grant(client_id=CLIENT, given_by={"kind": "client"}, recipient_organisation=NGO,
                          categories=["health"], purposes=["referral"], method="written",
                          recorded_by="sw-1001", idempotency_key="grant-1")
    assert "idempotency_key" in refused.value.errors
    assert counts(url) == after_first


def test_a_withdrawal_repeated_with_its_key_is_answered_not_refused(consent_rpc, consent_config):
    url = consent_config["DATABASE_URL"]
    consent_id = grant(consent_rpc)["id"]
    first = consent_rpc.withdraw(consent_id=consent_id, withdrawn_by="sw-1001", reason="asked",
                                 idempotency_key="withdraw-1")
    after_first = counts(url)
    # Without the key this would be a Conflict: the consent is withdrawn already.
    assert consent_rpc.withdraw(consent_id=consent_id, withdrawn_by="sw-1001", reason="asked",
                                idempotency_key="withdraw-1") == first
    assert counts(url) == after_first


def test_a_disclosure_logged_twice_with_one_key_is_logged_once(consent_rpc, consent_config):
    url = consent_config["DATABASE_URL"]
    grant(consent_rpc)
    requests = [{"organisation": NGO, "category": "basic", "purpose": "referral"}]
    first = consent_rpc.disclose(client_id=CLIENT, requests=requests, idempotency_key="read-1")
    assert first["decisions"][0]["decision"] == "permit"
    after_first = counts(url)
    assert consent_rpc.disclose(client_id=CLIENT, requests=requests, idempotency_key="read-1") == first
    assert counts(url) == after_first
