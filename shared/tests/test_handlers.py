"""A failed event is retried once, then kept in a dead-letter queue, never lost."""
import time
import uuid

import pytest
from kombu import Connection, Exchange, Producer, Queue

from tiimi_shared import contracts
from tiimi_shared.handlers import DEAD_LETTER_EXCHANGE, event_handler

pytestmark = pytest.mark.integration

attempts: dict[str, int] = {}
failures_planned: dict[str, int] = {}


class Fragile:
    name = "fragile"

    @event_handler(contracts.DENIAL_RECORDED)
    def on_denial_recorded(self, event):
        envelope = event.envelope
        attempts[envelope["id"]] = attempts.get(envelope["id"], 0) + 1
        if attempts[envelope["id"]] <= failures_planned[envelope["id"]]:
            raise RuntimeError("passing fault")


QUEUE = "evt-consent-denial_recorded--fragile.on_denial_recorded"


def publish(amqp_uri, fail_times):
    envelope = contracts.registry.make(
        "denial_recorded", {"denial_id": str(uuid.uuid4()), "client_id": str(uuid.uuid4()),
                            "organisation": None, "categories": ["basic"], "recorded_by": "sw-1"},
        source="consent")
    failures_planned[envelope["id"]] = fail_times
    with Connection(amqp_uri) as connection:
        exchange = Exchange("consent.events", type="topic", durable=True)
        Producer(connection.default_channel).publish(
            envelope, exchange=exchange, routing_key="denial_recorded", serializer="json",
            declare=[exchange])
    return envelope


def dead_letters(amqp_uri, wait=1.5):
    time.sleep(wait)
    got = []
    with Connection(amqp_uri) as connection:
        queue = Queue(QUEUE + ".dead", exchange=Exchange(DEAD_LETTER_EXCHANGE, type="direct"),
                      routing_key=QUEUE, durable=True)(connection.default_channel)
        while (message := queue.get(no_ack=True)) is not None:
            got.append(message.payload)
    return got


def test_an_event_that_fails_once_is_handled_on_its_retry(container_factory, rabbit_config):
    container_factory(Fragile, rabbit_config).start()
    envelope = publish(rabbit_config["AMQP_URI"], fail_times=1)
    assert dead_letters(rabbit_config["AMQP_URI"]) == []
    assert attempts[envelope["id"]] == 2


def test_an_event_that_keeps_failing_is_dead_lettered_whole(container_factory, rabbit_config):
    container_factory(Fragile, rabbit_config).start()
    envelope = publish(rabbit_config["AMQP_URI"], fail_times=2)
    assert dead_letters(rabbit_config["AMQP_URI"]) == [envelope]
    assert attempts[envelope["id"]] == 2


def test_a_handled_event_leaves_nothing_behind(container_factory, rabbit_config):
    container_factory(Fragile, rabbit_config).start()
    envelope = publish(rabbit_config["AMQP_URI"], fail_times=0)
    assert dead_letters(rabbit_config["AMQP_URI"]) == []
    assert attempts[envelope["id"]] == 1
