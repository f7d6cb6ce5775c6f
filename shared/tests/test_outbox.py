"""The transactional outbox and its relay, on a real broker and both databases."""
import time
import uuid

import pytest
from kombu import Connection, Exchange, Queue
from kombu.exceptions import OperationalError

from tiimi_shared.database import OUTBOX
from tiimi_shared.outbox import OutboxRelay

from .kernel_fixtures import count, prepare

pytestmark = pytest.mark.integration


def denial():
    return {"denial_id": str(uuid.uuid4()), "client_id": str(uuid.uuid4()),
            "organisation": "0123456-7", "categories": ["health"], "recorded_by": "sw-1"}


@pytest.fixture
def watched(amqp_uri):
    """A queue on consent.events that sees every denial_recorded."""
    with Connection(amqp_uri) as connection:
        exchange = Exchange("consent.events", type="topic", durable=True)
        queue = Queue("watch-" + uuid.uuid4().hex, exchange=exchange,
                      routing_key="denial_recorded", auto_delete=True)(connection.default_channel)
        exchange(connection.default_channel).declare()
        queue.declare()

        def drain(wait=0.5):
            time.sleep(wait)
            got = []
            while (message := queue.get(no_ack=True)) is not None:
                got.append(message.payload)
            return got

        yield drain


def test_rolled_back_change_publishes_nothing_and_committed_change_publishes_once(
        database_url, amqp_uri, watched):
    engine, unit_of_work = prepare(database_url)
    relay = OutboxRelay(unit_of_work, amqp_uri=amqp_uri, config={})

    with unit_of_work() as uow:
        uow.outbox.add("denial_recorded", denial())
        # leaving without commit rolls the change and its event back
    assert relay.publish_pending() == 0

    with unit_of_work() as uow:
        envelope = uow.outbox.add("denial_recorded", denial())
        uow.commit()
    assert relay.publish_pending() == 1
    assert relay.publish_pending() == 0
    assert [e["id"] for e in watched()] == [envelope["id"]]
    assert count(engine, OUTBOX, OUTBOX.c.published_at.is_(None)) == 0
    relay.stop(flush=False)


def test_events_committed_while_the_broker_is_away_go_out_when_it_is_back(
        database_url, amqp_uri, watched):
    engine, unit_of_work = prepare(database_url)
    away = OutboxRelay(unit_of_work, amqp_uri="amqp://guest:guest@127.0.0.1:1/", config={})
    with unit_of_work() as uow:
        first = uow.outbox.add("denial_recorded", denial())
        second = uow.outbox.add("denial_recorded", denial())
        uow.commit()
    with pytest.raises(OperationalError):
        away.publish_pending()
    assert count(engine, OUTBOX, OUTBOX.c.published_at.is_(None)) == 2

    back = OutboxRelay(unit_of_work, amqp_uri=amqp_uri, config={})
    assert back.publish_pending() == 2
    assert [e["id"] for e in watched()] == [first["id"], second["id"]]
    back.stop(flush=False)


def test_the_relay_loop_keeps_trying_until_it_can_publish(database_url, amqp_uri, watched):
    import eventlet

    engine, unit_of_work = prepare(database_url)
    relay = OutboxRelay(unit_of_work, amqp_uri=amqp_uri, config={}, interval=0.05)
    runner = eventlet.spawn(relay.run)
    with unit_of_work() as uow:
        envelope = uow.outbox.add("denial_recorded", denial())
        uow.commit()
    relay.wake()
    assert [e["id"] for e in watched(wait=1.0)] == [envelope["id"]]
    relay.stop()
    runner.wait()
