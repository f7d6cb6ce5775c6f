"""The client register on a real broker, on SQLite and PostgreSQL."""
import io
import json
import uuid

import pytest
import sqlalchemy as sa
from kombu import Connection, Exchange, Queue

from tiimi_shared import logging as tiimi_logging
from tiimi_shared.errors import Conflict, NotFound, ValidationError

pytestmark = pytest.mark.integration

HETU = "131052-308T"


def client(**overrides):
    args = {"name": "Matti Meikäläinen", "personal_identity_code": HETU, "preferred_language": "fi",
            "contact": {"email": "matti@example.fi", "phone": "+358 40 123 4567"},
            "municipality": "837", "registered_by": "sw-1001"}
    args.update(overrides)
    return args


def rows(url, table):
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        found = [dict(r._mapping) for r in connection.execute(sa.text(f"select * from {table}"))]
    engine.dispose()
    return found


@pytest.fixture
def captured_logs():
    stream = io.StringIO()
    tiimi_logging.configure("team", "DEBUG", stream=stream)
    yield stream
    import logging

    import structlog

    structlog.reset_defaults()
    logging.getLogger().handlers[:] = []


def test_a_registered_client_is_found_by_code_and_the_code_stays_inside(
        team_rpc, team_config, captured_logs):
    exchange = Exchange("team.events", type="topic", durable=True)
    with Connection(team_config["AMQP_URI"]) as connection:
        queue = Queue("watch-" + uuid.uuid4().hex, exchange=exchange, routing_key="client_registered",
                      auto_delete=True)(connection.default_channel)
        exchange(connection.default_channel).declare()
        queue.declare()

        registered = team_rpc.register_client(**client())
        assert "personal_identity_code" not in registered
        assert team_rpc.find_client(personal_identity_code="131052-308t")["id"] == registered["id"]
        assert team_rpc.get_client(client_id=registered["id"])["name"] == "Matti Meikäläinen"
        assert team_rpc.reveal_personal_identity_code(
            client_id=registered["id"], requested_by="sw-1001",
            reason="Kela form needs it")["personal_identity_code"] == HETU
        (reveal,) = team_rpc.identity_code_reveals(client_id=registered["id"])
        assert (reveal["requested_by"], reveal["reason"]) == ("sw-1001", "Kela form needs it")

        import time

        time.sleep(1)
        message = queue.get(no_ack=True)
    assert message is not None
    assert message.payload["data"] == {"client_id": registered["id"], "registered_by": "sw-1001"}

    (stored,) = rows(team_config["DATABASE_URL"], "clients")
    assert HETU not in json.dumps(stored, default=str)
    assert HETU not in json.dumps(rows(team_config["DATABASE_URL"], "outbox"), default=str)
    assert HETU not in captured_logs.getvalue()
    assert "client registered" in captured_logs.getvalue()


def test_a_second_registration_of_the_same_code_is_refused(team_rpc, team_config):
    team_rpc.register_client(**client())
    with pytest.raises(Conflict) as refused:
        team_rpc.register_client(**client(name="Someone Else", personal_identity_code="131052-308t"))
    assert HETU not in str(refused.value)
    assert len(rows(team_config["DATABASE_URL"], "clients")) == 1
    assert len(rows(team_config["DATABASE_URL"], "outbox")) == 1


@pytest.mark.parametrize("change, field", [
    ({"personal_identity_code": "131052-308X"}, "personal_identity_code"),
    ({"preferred_language": "de"}, "preferred_language"),
    ({"municipality": "Tampere"}, "municipality"),
    ({"contact": {"email": "not-an-address"}}, "contact"),
    ({"hetu": HETU}, "hetu"),
    ({"registered_by": None}, "registered_by"),
])
def test_bad_registration_is_refused_naming_the_field_and_stores_nothing(
        team_rpc, team_config, change, field):
    with pytest.raises(ValidationError) as refused:
        team_rpc.register_client(**client(**change))
    assert field in refused.value.errors
    assert "131052-308X" not in str(refused.value)
    assert rows(team_config["DATABASE_URL"], "clients") == []


def test_an_unknown_code_is_not_found_without_being_repeated(team_rpc):
    with pytest.raises(NotFound) as missing:
        team_rpc.find_client(personal_identity_code=HETU)
    assert HETU not in str(missing.value)
