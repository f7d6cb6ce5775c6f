"""The dead-letter command, on a real broker: list, show, replay, discard."""
import uuid

import pytest
from kombu import Connection, Exchange, Producer, Queue

from tiimi_shared import deadletters
from tiimi_shared.handlers import DEAD_LETTER_EXCHANGE

pytestmark = pytest.mark.integration


@pytest.fixture
def dead(rabbit_config, infrastructure):
    """Two events that died in a handler queue, the way the kernel's handler lets them die."""
    uri = rabbit_config["AMQP_URI"]
    with Connection(uri) as connection:
        channel = connection.default_channel
        source = Exchange("team.events", type="topic", durable=True)
        queue = Queue("referral.on_team_created", source, routing_key="team_created", durable=True,
                      queue_arguments={"x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
                                       "x-dead-letter-routing-key": "referral.on_team_created"})(channel)
        queue.declare()
        Queue("referral.on_team_created.dead", Exchange(DEAD_LETTER_EXCHANGE, type="direct", durable=True),
              routing_key="referral.on_team_created", durable=True)(channel).declare()
        ids = [str(uuid.uuid4()) for _ in range(2)]
        for event_id in ids:
            Producer(channel).publish({"id": event_id, "type": "team_created", "data": {}}, exchange=source,
                                      routing_key="team_created", serializer="json", message_id=event_id)
        for _ in ids:
            queue.get(no_ack=False).reject(requeue=False)
        assert queue.get() is None
    return uri, infrastructure.rabbit_api, ids


def test_dead_letters_are_listed_shown_replayed_to_their_queue_only_and_discarded(dead, capsys, monkeypatch):
    uri, api, (first, second) = dead
    assert ("referral.on_team_created.dead", 2) in deadletters.list_queues(uri, api)
    shown = deadletters.browse(uri, "referral.on_team_created.dead")
    assert [(d.id, d.type, d.died_in, d.reason) for d in shown] == [
        (first, "team_created", "referral.on_team_created", "rejected"),
        (second, "team_created", "referral.on_team_created", "rejected")]
    assert len(deadletters.browse(uri, "referral.on_team_created.dead")) == 2  # showing took nothing

    monkeypatch.setenv("TIIMI_AMQP_URI", uri)
    assert deadletters.main(["replay", "referral.on_team_created.dead", second]) == 0
    assert deadletters.main(["discard", "referral.on_team_created.dead", str(uuid.uuid4())]) == 1
    assert deadletters.main(["discard", "referral.on_team_created.dead", first]) == 0
    assert deadletters.main(["show", "referral.on_team_created"]) == 2  # not a dead-letter queue
    assert deadletters.browse(uri, "referral.on_team_created.dead") == []
    with Connection(uri) as connection:
        channel = connection.default_channel
        message = channel.message_to_python(channel.basic_get("referral.on_team_created", no_ack=True))
        assert message.payload["id"] == second and "x-death" not in (message.headers or {})
        assert channel.basic_get("referral.on_team_created", no_ack=True) is None
