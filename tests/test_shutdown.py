"""SIGTERM in the middle of a stream of events: the service finishes what it holds, and nothing is lost."""
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from kombu import Connection, Exchange, Producer

import referral
from tiimi_shared.contracts import registry
from tiimi_shared.testing.fixtures import migrate

pytestmark = pytest.mark.integration

EVENTS = 1000
QUEUE = "evt-team-team_created--referral.on_team_created"


def count(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchone()[0]


def start(rabbit_config, db: Path) -> subprocess.Popen:
    env = os.environ | {"TIIMI_AMQP_URI": rabbit_config["AMQP_URI"],
                        "TIIMI_REFERRAL_DATABASE_URL": f"sqlite:///{db}", "TIIMI_LOG_LEVEL": "WARNING"}
    return subprocess.Popen([sys.executable, "-m", "referral", "run"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_for(check, timeout):
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_sigterm_under_load_loses_no_event_and_doubles_none(rabbit_config, tmp_path):
    db = tmp_path / "referral.db"
    migrate(Path(referral.__file__).parent / "migrations", f"sqlite:///{db}")
    service = start(rabbit_config, db)
    with Connection(rabbit_config["AMQP_URI"]) as connection:
        channel = connection.default_channel

        assert wait_for(lambda: _declared(connection), 30), "the service did not start"
        exchange = Exchange("team.events", type="topic", durable=True)
        producer = Producer(connection.default_channel)
        clients = [str(uuid.uuid4()) for _ in range(EVENTS)]
        for client_id in clients:
            envelope = registry.make("team_created", {
                "team_id": str(uuid.uuid4()), "client_id": client_id, "organisation": "1234567-8",
                "key_worker_id": "sw-1001", "created_by": "sw-1001"}, source="team",
                occurred_at=datetime.now(UTC))
            producer.publish(envelope, exchange=exchange, routing_key="team_created", serializer="json",
                             delivery_mode=2, declare=[exchange])

    assert wait_for(lambda: count(db, "SELECT count(*) FROM key_workers") >= 50, 30)
    service.send_signal(signal.SIGTERM)
    _, errors = service.communicate(timeout=60)
    assert service.returncode == 0, errors.decode()[-2000:]
    handled_before_restart = count(db, "SELECT count(*) FROM key_workers")
    assert handled_before_restart < EVENTS, "all events were handled before the signal; nothing was tested"

    again = start(rabbit_config, db)
    try:
        assert wait_for(lambda: count(db, "SELECT count(*) FROM key_workers") == EVENTS, 120)
    finally:
        again.send_signal(signal.SIGTERM)
        again.communicate(timeout=60)
    assert count(db, "SELECT count(*) FROM processed_events") == EVENTS  # each handled exactly once
    with Connection(rabbit_config["AMQP_URI"]) as connection:
        channel = connection.default_channel
        assert channel.queue_declare(QUEUE, passive=True).message_count == 0
        assert channel.queue_declare(QUEUE + ".dead", passive=True).message_count == 0


def _declared(connection) -> bool:
    try:
        connection.channel().queue_declare(QUEUE, passive=True)
        return True
    except Exception:
        return False
