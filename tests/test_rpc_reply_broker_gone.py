"""The broker goes away just as a service publishes an RPC reply: the service lives on, the call is answered.

The chaos run (issue 14) saw referral and team exit when a broker restart caught them
publishing a reply: nameko took the failed publish for a bug and killed the container.
Here referral runs as a real process (``python -m referral run``) whose only way to the
broker is a relay in this test. The relay watches what the service sends; the moment it
sends the reply to our call (its routing key is our reply queue's), the relay drops every
connection of the service and refuses new ones, as a broker that has gone away does. The
service must log the reply it could not send and keep running; once the relay lets it
through again, the broker delivers the request again (it was never acknowledged), and the
command, keyed by the request's correlation id, answers from its key: one referral, one
event, the answer the first run kept. The caller's own connection goes straight to the
broker and is never touched.
"""
import os
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from cryptography.fernet import Fernet
from eventlet import patcher
from nameko.standalone.rpc import ClusterRpcProxy

import referral
from tiimi_shared.testing.fixtures import migrate

pytestmark = pytest.mark.integration

COUNTY = "1234567-8"
NGO = "1.2.246.10.1"
WORKER = "sw-1001"
NOT_SENT = "RPC reply not sent"
KILLED = "thread exited with error"  # what nameko logs as it kills the container

# The relay runs on the operating system's own threads and sockets, apart from the test
# process's eventlet hub: its green sockets, closed by one green thread while another read
# them, could leave a reader registered on a file number a later test's connection reuses
# ("second simultaneous read").
socket = patcher.original("socket")
threading = patcher.original("threading")


class Relay:
    """A TCP relay to the broker that can go away (connections dropped, new ones refused) and come back."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = 0
        self.cut_on: bytes | None = None  # sent by the service, this cuts everything
        self.cut = threading.Event()
        self._listener: socket.socket | None = None
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        self.come_back()

    def come_back(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def go_away(self) -> None:
        with self._lock:
            listener, self._listener = self._listener, None
            sockets, self._open = self._open, []
        if listener is not None:
            listener.close()
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # closed: gone away
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._listener is not listener:
                    client.close()
                    upstream.close()
                    return
                self._open += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, from_service: bool) -> None:
        while True:
            try:
                chunk = source.recv(65536)
            except OSError:
                chunk = b""
            if from_service and chunk and self.cut_on is not None and self.cut_on in chunk:
                self.cut_on = None
                self.cut.set()
                self.go_away()  # the reply goes nowhere
                return
            if not chunk:
                for sock in (source, sink):
                    try:
                        sock.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                return
            try:
                sink.sendall(chunk)
            except OSError:
                return


def wait_for(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def count(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchone()[0]


@pytest.fixture
def relay(rabbit_config):
    parts = urlsplit(rabbit_config["AMQP_URI"])
    running = Relay(parts.hostname or "127.0.0.1", parts.port or 5672)
    yield running
    running.go_away()


def test_a_reply_lost_with_the_broker_is_answered_after_it_comes_back(rabbit_config, relay, tmp_path):
    broker = urlsplit(rabbit_config["AMQP_URI"])
    relayed = f"{broker.username}:{broker.password}@127.0.0.1:{relay.port}"
    through_relay = urlunsplit(broker._replace(netloc=relayed))
    db = tmp_path / "referral.db"
    migrate(Path(referral.__file__).parent / "migrations", f"sqlite:///{db}")
    log_path = tmp_path / "referral.log"
    env = os.environ | {"TIIMI_AMQP_URI": through_relay, "TIIMI_REFERRAL_DATABASE_URL": f"sqlite:///{db}",
                        "TIIMI_VAR_DIR": str(tmp_path), "TIIMI_LOG_LEVEL": "WARNING",
                        "TIIMI_OUTBOX_INTERVAL": "0.1",
                        "TIIMI_DATA_KEYS": f"k1:{Fernet.generate_key().decode()}"}
    env.pop("TIIMI_FAULT_POINT", None)
    with log_path.open("a") as log:
        service = subprocess.Popen([sys.executable, "-m", "referral", "run"], env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
    caller = ClusterRpcProxy(rabbit_config, timeout=120)
    rpc = caller.start()
    try:
        def ready() -> bool:
            try:
                return rpc.referral.health()["status"] == "ok"
            except Exception:
                return False

        wait_for(ready, 60, "referral to start")
        relay.cut_on = caller._reply_listener.routing_key.encode()
        accept_by = (datetime.now(UTC) + timedelta(days=3)).isoformat()
        # No idempotency key: the command is keyed by the request's correlation id, which a redelivery keeps.
        reply = rpc.referral.create_referral.call_async(
            client_id="5f0c6f5e-7c1e-4f55-9a77-2f9c1d2b6a10", requesting_organisation=COUNTY,
            requested_by=WORKER, target_organisation=NGO, service="ngo_peer_support", priority="urgent",
            reason="needs peer support", share={"basic": {"language": "fi"}}, accept_by=accept_by)
        assert relay.cut.wait(60), "the service never sent the reply"
        # The broker stays away until the service has given the reply up; it must still be running then.
        wait_for(lambda: any(line in log_path.read_text() for line in (NOT_SENT, KILLED))
                 or service.poll() is not None, 60, "the service to give the reply up")
        time.sleep(1)
        assert KILLED not in log_path.read_text(), "referral's container killed itself over the lost reply"
        assert NOT_SENT in log_path.read_text()
        assert service.poll() is None, "referral exited when its reply could not be published"
        assert count(db, "SELECT count(*) FROM referrals") == 1  # the first run committed
        relay.come_back()

        answer = reply.result()  # the broker delivered the request again, and it was answered
        assert answer["status"] == "draft"
        assert service.poll() is None
        assert count(db, "SELECT count(*) FROM referrals") == 1
        with sqlite3.connect(db) as connection:
            assert connection.execute("SELECT id FROM referrals").fetchone()[0] == answer["id"]
        assert count(db, "SELECT count(*) FROM command_keys") == 1
        assert count(db, "SELECT count(*) FROM (SELECT event_type FROM outbox GROUP BY event_type "
                         "HAVING count(*) > 1)") == 0
    finally:
        caller.stop()
        service.terminate()
        try:
            service.wait(timeout=30)
        except subprocess.TimeoutExpired:
            service.kill()
