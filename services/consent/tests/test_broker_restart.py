"""Nothing is lost when the broker is down at commit time."""
import time
import uuid

import pytest
from kombu import Connection, Exchange, Queue
from nameko.testing.services import entrypoint_hook

pytestmark = [pytest.mark.integration, pytest.mark.broker_restart]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_consent_granted_while_broker_is_stopped_arrives_once_it_is_back(
        infrastructure, consent_container, consent_config):
    amqp_uri = consent_config["AMQP_URI"]
    queue_name = "restart-watch-" + uuid.uuid4().hex[:8]
    exchange = Exchange("consent.events", type="topic", durable=True)
    # A durable queue bound before the outage, as a consuming service's would be.
    with Connection(amqp_uri) as connection:
        Queue(queue_name, exchange=exchange, routing_key="consent_granted",
              durable=True)(connection.default_channel).declare()

    infrastructure.broker_app("stop_app")
    try:
        with entrypoint_hook(consent_container, "grant") as grant:
            consent = grant(
                client_id=str(uuid.uuid4()), given_by={"kind": "client"},
                recipient_organisation="0123456-7", categories=["basic"],
                purposes=["team_coordination"], method="oral", recorded_by="sw-1001")
        time.sleep(1)  # the relay tries, fails, and keeps the event
    finally:
        infrastructure.broker_app("start_app")

    received = []
    deadline = time.monotonic() + 30
    with Connection(amqp_uri) as connection:
        queue = Queue(queue_name, exchange=exchange, routing_key="consent_granted",
                      durable=True)(connection.default_channel)
        while time.monotonic() < deadline:
            message = queue.get(no_ack=True)
            if message is not None:
                received.append(message.payload)
                # keep listening a while: a second copy would be a duplicate
                deadline = min(deadline, time.monotonic() + 3)
            else:
                time.sleep(0.1)
        queue.delete()
    assert [(e["type"], e["data"]["consent_id"]) for e in received] == [
        ("consent_granted", consent["id"])]
