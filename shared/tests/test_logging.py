"""Log lines are JSON, carry service and correlation id, and hold no personal data."""
import io
import json
import logging
import uuid

import pytest
import structlog
from nameko.events import event_handler
from nameko.rpc import RpcProxy, rpc
from nameko.standalone.rpc import ServiceRpcProxy
from nameko.testing.services import entrypoint_waiter

from tiimi_shared import logging as tiimi_logging
from tiimi_shared.correlation import Correlation

HETU = "131052-308T"
HETU_2023 = "010594Y9021"  # one of the century signs added in 2023
EMAIL = "matti.meikalainen@example.fi"
PHONE = "+358 40 123 4567"


@pytest.fixture
def log_lines():
    stream = io.StringIO()
    tiimi_logging.configure("consent", "DEBUG", stream=stream)

    def lines():
        return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]

    yield lines
    structlog.reset_defaults()
    logging.getLogger().handlers[:] = []
    tiimi_logging.clear_context()


def test_personal_data_is_removed_from_every_part_of_a_log_line(log_lines):
    log = tiimi_logging.get_logger("test")
    log.info(f"client {HETU} called from {PHONE}", email=EMAIL, name="Matti Meikäläinen",
             details={"contact": {"phone_number": "040-1234567"}, "note": f"code {HETU_2023}"},
             client_id="5b1c3d2e-0f4a-4e7b-9c1d-2a3b4c5d6e7f")
    (line,) = log_lines()
    text = json.dumps(line)
    for secret in (HETU, HETU_2023, EMAIL, PHONE, "040-1234567", "Meikäläinen"):
        assert secret not in text
    assert line["event"] == "client [redacted] called from [redacted]"
    assert line["email"] == "[redacted]" and line["name"] == "[redacted]"
    assert line["details"]["note"] == "code [redacted]"
    # Identifiers are not personal data and stay readable.
    assert line["client_id"] == "5b1c3d2e-0f4a-4e7b-9c1d-2a3b4c5d6e7f"
    assert line["service"] == "consent" and line["level"] == "info"


def test_tracebacks_carry_no_local_variables_and_no_personal_data(log_lines):
    log = tiimi_logging.get_logger("test")

    def look_up(code):
        secret_local = code  # noqa: F841 - must not reach the log
        raise LookupError(f"no client {code}")

    try:
        look_up(HETU)
    except LookupError:
        log.exception("lookup failed")
    (line,) = log_lines()
    text = json.dumps(line)
    assert HETU not in text
    assert "secret_local" not in text
    (exception,) = line["exception"]
    assert exception["exc_type"] == "LookupError"
    assert exception["exc_value"] == "no client [redacted]"
    assert all("locals" not in frame for frame in exception["frames"])


def test_library_log_records_are_json_and_redacted_too(log_lines):
    logging.getLogger("nameko.containers").warning("error handling worker for %s", EMAIL)
    (line,) = log_lines()
    assert line["event"] == "error handling worker for [redacted]"
    assert line["logger"] == "nameko.containers" and line["service"] == "consent"


@pytest.mark.parametrize("harmless", [
    "2026-11-23T10:30:37.123456+00:00", "5b1c3d2e-0f4a-4e7b-9c1d-2a3b4c5d6e7f",
    "amqp://guest:***@127.0.0.1:5672/", "took 0.0123 s", "seq 1234567", "0123456-7",
])
def test_redaction_leaves_timestamps_ids_and_addresses_alone(harmless):
    assert tiimi_logging.redact_text(harmless) == harmless


class Back:
    name = "back"
    correlation_id = Correlation()

    @rpc
    def hello(self):
        tiimi_logging.get_logger("back").info("back says hello")
        return self.correlation_id


class Front:
    name = "front"
    correlation_id = Correlation()
    back = RpcProxy("back")

    @rpc
    def hello(self):
        tiimi_logging.get_logger("front").info("front says hello")
        return self.back.hello()


@pytest.mark.integration
def test_correlation_id_follows_a_request_across_rpc_calls(log_lines, runner_factory, rabbit_config):
    runner = runner_factory(rabbit_config, Front, Back)
    runner.start()
    correlation_id = "req-" + uuid.uuid4().hex
    with ServiceRpcProxy("front", rabbit_config, context_data={"correlation_id": correlation_id}) as front:
        assert front.hello() == correlation_id
    said = {line["event"]: line for line in log_lines() if "says hello" in line["event"]}
    assert said["front says hello"]["correlation_id"] == correlation_id
    assert said["back says hello"]["correlation_id"] == correlation_id


@pytest.mark.integration
def test_a_request_without_correlation_id_gets_one(log_lines, runner_factory, rabbit_config):
    runner = runner_factory(rabbit_config, Front, Back)
    runner.start()
    with ServiceRpcProxy("front", rabbit_config) as front:
        made = front.hello()
    uuid.UUID(made)
    said = [line for line in log_lines() if "says hello" in line["event"]]
    assert {line["correlation_id"] for line in said} == {made}


class Listener:
    name = "listener"
    correlation_id = Correlation()

    @event_handler("consent", "denial_recorded")
    def on_denial_recorded(self, envelope):
        tiimi_logging.get_logger("listener").info("listener heard", event_id=envelope["id"])


@pytest.mark.integration
def test_correlation_id_follows_an_event_from_the_outbox_to_its_handler(
        log_lines, container_factory, rabbit_config, tmp_path):
    from tiimi_shared.outbox import OutboxRelay

    from .kernel_fixtures import prepare

    container = container_factory(Listener, rabbit_config)
    container.start()
    _, unit_of_work = prepare(f"sqlite:///{tmp_path / 'k.db'}")
    with unit_of_work("req-outbox-1") as uow:
        envelope = uow.outbox.add("denial_recorded", {
            "denial_id": str(uuid.uuid4()), "client_id": str(uuid.uuid4()),
            "organisation": None, "categories": ["basic"], "recorded_by": "sw-1"})
        uow.commit()
    with entrypoint_waiter(container, "on_denial_recorded"):
        OutboxRelay(unit_of_work, amqp_uri=rabbit_config["AMQP_URI"], config={}).publish_pending()
    (heard,) = [line for line in log_lines() if line["event"] == "listener heard"]
    assert heard["event_id"] == envelope["id"]
    assert heard["correlation_id"] == "req-outbox-1"


def test_a_database_error_carries_no_statement_parameters(tmp_path):
    # nameko logs a failed worker's exception whole; SQLAlchemy's error text would name the row's
    # values (the chaos run found a client's name in a log line after a database restart).
    import sqlalchemy as sa

    from tiimi_shared.database import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'people.db'}")
    people = sa.Table("people", sa.MetaData(), sa.Column("name", sa.String, unique=True))
    people.create(engine)
    with engine.begin() as connection:
        connection.execute(people.insert().values(name="Maija Meikäläinen"))
    with pytest.raises(sa.exc.IntegrityError) as raised, engine.begin() as connection:
        connection.execute(people.insert().values(name="Maija Meikäläinen"))
    assert "INSERT INTO people" in str(raised.value)  # the statement is still there to read
    assert "Meikäläinen" not in str(raised.value)
    assert "hidden" in str(raised.value)
