"""Team's commands repeated with one key: one client, one team, one event, the first answer."""
import pytest
import sqlalchemy as sa

from team.models import Base
from tiimi_shared.database import COMMAND_KEYS, OUTBOX
from tiimi_shared.errors import ValidationError

pytestmark = pytest.mark.integration

COUNTY = "1234567-8"
KEY_WORKER = {"professional_id": "sw-1001", "name": "S. S.", "organisation": COUNTY, "role": "social_worker"}


def counts(url):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return {name: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                    for name, table in (("clients", sa.table("clients")), ("teams", sa.table("teams")),
                                        ("reveals", sa.table("identity_code_reveals")),
                                        ("outbox", OUTBOX), ("keys", COMMAND_KEYS))}
    finally:
        engine.dispose()


def keyed_answers(url):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            # Through the service's own table, whose answers are sealed: opened, they hold none of it.
            kept = Base.metadata.tables["command_keys"]
            return [row.answer for row in connection.execute(sa.select(kept.c.answer))]
    finally:
        engine.dispose()


def register(team_rpc, **extra):
    return team_rpc.register_client(name="Matti Meikäläinen", personal_identity_code="131052-308T",
                                    preferred_language="fi", municipality="837", registered_by="sw-1001",
                                    **extra)


def test_a_registration_repeated_with_its_key_registers_one_client_and_keeps_no_personal_data(
        team_rpc, team_config):
    url = team_config["DATABASE_URL"]
    first = register(team_rpc, idempotency_key="register-1")
    after_first = counts(url)
    # Without the key this would be a Conflict: the client is registered already.
    assert register(team_rpc, idempotency_key="register-1") == first
    assert counts(url) == after_first == after_first | {"clients": 1, "keys": 1}
    stored = str(keyed_answers(url))
    assert "Meikäläinen" not in stored and "131052-308T" not in stored
    with pytest.raises(ValidationError) as refused:
        team_rpc.register_client(name="Liisa Virtanen", personal_identity_code="131052-308T",
                                 preferred_language="fi", municipality="837", registered_by="sw-1001",
                                 idempotency_key="register-1")
    assert "idempotency_key" in refused.value.errors


def test_a_team_made_twice_with_one_key_is_one_team_with_one_event(team_rpc, team_config):
    url = team_config["DATABASE_URL"]
    client_id = register(team_rpc)["id"]
    first = team_rpc.create_team(client_id=client_id, organisation=COUNTY, created_by="sw-1001",
                                 key_worker=KEY_WORKER, idempotency_key="team-1")
    after_first = counts(url)
    assert team_rpc.create_team(client_id=client_id, organisation=COUNTY, created_by="sw-1001",
                                key_worker=KEY_WORKER, idempotency_key="team-1") == first
    assert counts(url) == after_first
    assert after_first["teams"] == 1


def test_a_reveal_repeated_with_its_key_is_recorded_once_and_the_code_is_not_kept(team_rpc, team_config):
    url = team_config["DATABASE_URL"]
    client_id = register(team_rpc)["id"]
    first = team_rpc.reveal_personal_identity_code(client_id=client_id, requested_by="sw-1001",
                                                   reason="Kela asks", idempotency_key="reveal-1")
    assert first["personal_identity_code"] == "131052-308T"
    after_first = counts(url)
    assert team_rpc.reveal_personal_identity_code(client_id=client_id, requested_by="sw-1001",
                                                  reason="Kela asks", idempotency_key="reveal-1") == first
    assert counts(url) == after_first
    assert after_first["reveals"] == 1
    assert "131052-308T" not in str(keyed_answers(url))
