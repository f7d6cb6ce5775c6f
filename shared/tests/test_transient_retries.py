"""A handler that fails because the database or broker is away is run again after growing waits.

Such an event is never dead-lettered (nothing is wrong with it); any other
failure still is, after one retry.
"""
import time
import uuid

import amqp.exceptions
import kombu.exceptions
import pytest
import sqlalchemy as sa
from kombu import Connection, Exchange, Producer, Queue

from tiimi_shared import contracts, handlers
from tiimi_shared.consuming import consume
from tiimi_shared.database import PROCESSED_EVENTS, Database
from tiimi_shared.handlers import DEAD_LETTER_EXCHANGE, event_handler, is_transient

from .kernel_fixtures import count, effects, metadata

QUEUE = "evt-consent-denial_recorded--flaky.on_denial_recorded"

runs: dict[str, list[float]] = {}
faults_planned: dict[str, list[BaseException]] = {}


def lost_connection() -> sa.exc.OperationalError:
    return sa.exc.OperationalError("select 1", {}, Exception("server closed the connection unexpectedly"))


class Flaky:
    name = "flaky"

    @event_handler(contracts.DENIAL_RECORDED)
    def on_denial_recorded(self, event):
        runs.setdefault(event.id, []).append(time.monotonic())
        faults = faults_planned[event.id]
        if faults:
            raise faults.pop(0)


class OnPostgres:
    """Kills its own database connection on its first runs, the way a PostgreSQL restart does."""

    name = "flaky"
    db = Database(relay=False)

    @event_handler(contracts.DENIAL_RECORDED)
    def on_denial_recorded(self, event):
        runs.setdefault(event.id, []).append(time.monotonic())
        if len(runs[event.id]) <= 2:
            with self.db() as uow:
                uow.session.execute(sa.text("select pg_terminate_backend(pg_backend_pid())"))

        def apply(uow, _answer):
            uow.session.execute(effects.insert().values(event_id=event.id))

        consume(self.db, event, apply=apply)


def publish(amqp_uri, faults):
    envelope = contracts.registry.make(
        "denial_recorded", {"denial_id": str(uuid.uuid4()), "client_id": str(uuid.uuid4()),
                            "organisation": None, "categories": ["basic"], "recorded_by": "sw-1"},
        source="consent")
    faults_planned[envelope["id"]] = list(faults)
    with Connection(amqp_uri) as connection:
        exchange = Exchange("consent.events", type="topic", durable=True)
        Producer(connection.default_channel).publish(
            envelope, exchange=exchange, routing_key="denial_recorded", serializer="json",
            declare=[exchange])
    return envelope["id"]


def wait_for_runs(event_id, expected, timeout):
    deadline = time.monotonic() + timeout
    while len(runs.get(event_id, [])) < expected and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # and no more runs come after it
    return runs.get(event_id, [])


def dead_letters(amqp_uri):
    got = []
    with Connection(amqp_uri) as connection:
        queue = Queue(QUEUE + ".dead", exchange=Exchange(DEAD_LETTER_EXCHANGE, type="direct"),
                      routing_key=QUEUE, durable=True)(connection.default_channel)
        while (message := queue.get(no_ack=True)) is not None:
            got.append(message.payload["id"])
    return got


@pytest.mark.parametrize("error", [
    lost_connection(),
    sa.exc.InterfaceError("select 1", {}, Exception("connection already closed")),
    sa.exc.DBAPIError("select 1", {}, Exception("terminating connection"), connection_invalidated=True),
    sa.exc.TimeoutError("QueuePool limit reached"),
    kombu.exceptions.OperationalError("connection refused"),
    amqp.exceptions.RecoverableConnectionError("connection closed"),
    ConnectionResetError(104, "reset by peer"),
])
def test_the_database_or_broker_away_is_a_passing_fault(error):
    assert is_transient(error)


def test_a_fault_raised_from_a_lost_connection_is_passing_too():
    try:
        try:
            raise lost_connection()
        except sa.exc.OperationalError as lost:
            raise RuntimeError("could not store the notice") from lost
    except RuntimeError as wrapped:
        assert is_transient(wrapped)


@pytest.mark.parametrize("error", [
    sa.exc.IntegrityError("insert", {}, Exception("duplicate key")),
    sa.exc.DBAPIError("select 1", {}, Exception("syntax error"), connection_invalidated=False),
    ValueError("bad data"),
    KeyError("client_id"),
    None,
])
def test_anything_else_is_not(error):
    assert not is_transient(error)


@pytest.mark.integration
def test_a_handler_failing_on_a_lost_connection_runs_again_after_growing_waits(
        container_factory, rabbit_config, monkeypatch):
    monkeypatch.setattr(handlers, "TRANSIENT_BACKOFF", (0.2, 0.4, 0.8))
    container_factory(Flaky, rabbit_config).start()
    event_id = publish(rabbit_config["AMQP_URI"], [lost_connection()] * 3)

    times = wait_for_runs(event_id, 4, timeout=10)

    assert len(times) == 4  # three faults, then handled
    gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
    # Each run waited at least its wait (less a timer's tick), the first 0.2 s after the fault, not at once.
    assert all(gap >= wait - 0.01 for gap, wait in zip(gaps, (0.2, 0.4, 0.8), strict=True)), gaps
    assert dead_letters(rabbit_config["AMQP_URI"]) == []


@pytest.mark.integration
def test_a_fault_that_outlasts_the_waits_puts_the_event_back_in_its_queue_not_in_the_dead_letters(
        container_factory, rabbit_config, monkeypatch):
    monkeypatch.setattr(handlers, "TRANSIENT_BACKOFF", (0.05, 0.05))
    container_factory(Flaky, rabbit_config).start()
    # Three runs, then back to the queue; redelivered, two more faults, then handled.
    event_id = publish(rabbit_config["AMQP_URI"], [lost_connection()] * 5)

    assert len(wait_for_runs(event_id, 6, timeout=10)) == 6
    assert dead_letters(rabbit_config["AMQP_URI"]) == []


@pytest.mark.integration
def test_a_failure_that_is_not_a_passing_fault_is_still_dead_lettered_after_one_retry(
        container_factory, rabbit_config):
    container_factory(Flaky, rabbit_config).start()
    duplicate = sa.exc.IntegrityError("insert", {}, Exception("duplicate key"))
    event_id = publish(rabbit_config["AMQP_URI"], [duplicate, duplicate])

    assert len(wait_for_runs(event_id, 2, timeout=10)) == 2
    time.sleep(0.5)
    assert dead_letters(rabbit_config["AMQP_URI"]) == [event_id]


@pytest.mark.integration
def test_a_handler_whose_postgresql_connection_dies_twice_applies_the_event_once(
        container_factory, rabbit_config, postgres_url):
    engine = sa.create_engine(postgres_url)
    metadata.create_all(engine)
    container_factory(OnPostgres, rabbit_config | {"DATABASE_URL": postgres_url}).start()
    event_id = publish(rabbit_config["AMQP_URI"], [])

    assert len(wait_for_runs(event_id, 3, timeout=15)) == 3
    assert dead_letters(rabbit_config["AMQP_URI"]) == []
    assert count(engine, effects, effects.c.event_id == event_id) == 1
    assert count(engine, PROCESSED_EVENTS) == 1
    engine.dispose()
