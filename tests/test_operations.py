"""Each service's health, readiness and Prometheus metrics, over HTTP."""
import uuid

import pytest
import requests
from nameko.standalone.rpc import ClusterRpcProxy

from tiimi_shared.testing.servers import free_port

pytestmark = pytest.mark.integration


@pytest.fixture
def ops(system):
    ports = {name: free_port() for name in ("consent", "team", "referral", "notify", "gateway")}
    configs = {name: {"OPS_ADDRESS": f"127.0.0.1:{port}"} for name, port in ports.items()}
    configs["gateway"] |= {"JWT_SECRET": "x" * 32, "WEB_SERVER_ADDRESS": f"127.0.0.1:{free_port()}"}
    system(**configs)
    return {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}


def test_each_service_is_live_ready_and_measured(ops, rabbit_config):
    for name, base in ops.items():
        assert requests.get(base + "/health/live", timeout=5).json()["service"] == name
        ready = requests.get(base + "/health/ready", timeout=5)
        assert ready.status_code == 200 and ready.json()["broker"] == "ok", (name, ready.text)
        if name != "gateway":
            assert ready.json()["database"] == "ok"
    with ClusterRpcProxy(rabbit_config, timeout=10) as rpc:
        rpc.consent.check(client_id=str(uuid.uuid4()), organisation="0123456-7", category="basic",
                          purpose="referral")
    text = requests.get(ops["consent"] + "/metrics", timeout=5).text
    assert 'tiimi_messages_handled_total{entrypoint="check",service="consent"}' in text
    assert 'tiimi_consent_decisions_total{outcome="deny",reason="unknown_client"}' in text
    assert 'tiimi_outbox_backlog{service="consent"} 0.0' in text
    assert "tiimi_handling_seconds_bucket" in text


def test_readiness_fails_when_the_database_cannot_be_queried(system, tmp_path):
    import sqlite3

    port = free_port()
    system(consent={"OPS_ADDRESS": f"127.0.0.1:{port}"})
    assert requests.get(f"http://127.0.0.1:{port}/health/ready", timeout=5).status_code == 200
    with sqlite3.connect(tmp_path / "consent.db") as broken:
        broken.execute("DROP TABLE outbox")
    ready = requests.get(f"http://127.0.0.1:{port}/health/ready", timeout=5)
    assert ready.status_code == 503 and ready.json()["database"] != "ok"
    assert requests.get(f"http://127.0.0.1:{port}/health/live", timeout=5).status_code == 200


def test_on_a_clustered_broker_the_event_queues_are_quorum_queues(system, infrastructure, rabbit_config,
                                                                   eventually, tmp_path):
    import sqlite3
    import uuid as uuids

    from kombu import Connection, Exchange, Producer

    from tiimi_shared.contracts import registry

    system(referral={"QUEUE_TYPE": "quorum"})
    vhost, queue = rabbit_config["vhost"], "evt-team-team_created--referral.on_team_created"
    for name in (queue, queue + ".dead"):
        assert infrastructure.api("GET", f"/queues/{vhost}/{name}").json()["type"] == "quorum"
    client_id = str(uuids.uuid4())
    with Connection(rabbit_config["AMQP_URI"]) as connection:
        exchange = Exchange("team.events", type="topic", durable=True)
        Producer(connection.default_channel).publish(
            registry.make("team_created", {"team_id": str(uuids.uuid4()), "client_id": client_id,
                                           "organisation": "1234567-8", "key_worker_id": "sw-1",
                                           "created_by": "sw-1"}, source="team"),
            exchange=exchange, routing_key="team_created", serializer="json", declare=[exchange])

    def handled():
        with sqlite3.connect(tmp_path / "referral.db") as db:
            return db.execute("SELECT key_worker_id FROM key_workers WHERE client_id = ?",
                              (client_id,)).fetchone()

    assert eventually(handled) == ("sw-1",)
