"""A redelivered event has no second effect."""
import time
import uuid

import pytest
from kombu import Connection, Exchange, Producer

from tiimi_shared import contracts
from tiimi_shared.database import PROCESSED_EVENTS, Database
from tiimi_shared.handlers import event_handler

from .kernel_fixtures import count, effects, prepare

pytestmark = pytest.mark.integration


class Keeper:
    name = "keeper"
    db = Database(relay=False)

    @event_handler(contracts.DENIAL_RECORDED)
    def on_denial_recorded(self, event):
        with self.db() as uow:
            if uow.claim(event.consumer, event.id):
                uow.session.execute(effects.insert().values(event_id=event.id))
            uow.commit()


def test_the_same_event_delivered_twice_has_one_effect(container_factory, rabbit_config, database_url):
    engine, _ = prepare(database_url)
    container = container_factory(Keeper, rabbit_config | {"DATABASE_URL": database_url})
    container.start()
    envelope = contracts.registry.make(
        "denial_recorded", {"denial_id": str(uuid.uuid4()), "client_id": str(uuid.uuid4()),
                            "organisation": None, "categories": ["basic"], "recorded_by": "sw-1"},
        source="consent")
    other = dict(envelope, id=str(uuid.uuid4()))
    with Connection(rabbit_config["AMQP_URI"]) as connection:
        producer = Producer(connection.default_channel)
        exchange = Exchange("consent.events", type="topic", durable=True)
        for message in (envelope, envelope, other, envelope):
            producer.publish(message, exchange=exchange, routing_key="denial_recorded",
                             serializer="json", declare=[exchange])

    deadline = time.monotonic() + 10
    while count(engine, PROCESSED_EVENTS) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)  # let any late duplicate land
    assert count(engine, effects, effects.c.event_id == envelope["id"]) == 1
    assert count(engine, effects, effects.c.event_id == other["id"]) == 1
    assert count(engine, PROCESSED_EVENTS) == 2
