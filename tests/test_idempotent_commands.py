"""A service killed (SIGKILL) in the middle of a command: the retry has one effect and the first answer.

Each service runs as a real process, as ``make run`` starts it, with a test-only
fault point (``TIIMI_FAULT_POINT``, see ``tiimi_shared.idempotency``) that makes
it kill itself inside one command: before the command's transaction commits, or
after it commits and before the answer goes out. The caller's request stays
unacknowledged, so the broker delivers it again to the restarted service; the
caller then also retries with the same key. Both must get the one answer, and
the database must hold one effect.
"""
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from nameko.rpc import Rpc
from nameko.standalone.rpc import ClusterRpcProxy

import consent
import referral
import team
from consent.service import ConsentService
from notify.service import NotifyService
from referral.service import ReferralService
from team.identity import new_keys
from team.service import TeamService
from tiimi_shared.idempotency import COMMANDS, FAULT_POINT, Command
from tiimi_shared.testing.fixtures import migrate

COUNTY = "1234567-8"
NGO = "1.2.246.10.1"
WORKER = "sw-1001"
# How many kinds of event a service's outbox holds more than one of: none, as only one of each happens here.
TWICE = "SELECT count(*) FROM (SELECT event_type FROM outbox GROUP BY event_type HAVING count(*) > 1)"
KEY_WORKER = {"professional_id": WORKER, "name": "S. S.", "organisation": COUNTY, "role": "social_worker"}


def test_the_list_of_commands_is_the_services_own():
    for service_cls in (ConsentService, TeamService, ReferralService, NotifyService):
        entrypoints = {name: next(iter(getattr(method, "nameko_entrypoints", ())), None)
                       for name, method in vars(service_cls).items()}
        keyed = {name for name, entrypoint in entrypoints.items() if isinstance(entrypoint, Command)}
        assert keyed == COMMANDS[service_cls.name]
        # Every other RPC only reads (or, consent's checks, logs the decision it answers).
        plain = {name for name, entrypoint in entrypoints.items()
                 if isinstance(entrypoint, Rpc) and not isinstance(entrypoint, Command)}
        assert not plain & keyed


class System:
    """The services as processes over one broker vhost, each on its own SQLite file."""

    def __init__(self, rabbit_config, tmp_path):
        identity_key, lookup_key = new_keys()
        self.tmp_path = tmp_path
        self.databases = {name: tmp_path / f"{name}.db" for name in ("consent", "referral", "team")}
        self.env = os.environ | {
            "TIIMI_AMQP_URI": rabbit_config["AMQP_URI"], "TIIMI_VAR_DIR": str(tmp_path),
            "TIIMI_LOG_LEVEL": "WARNING", "TIIMI_OUTBOX_INTERVAL": "0.1",
            "TIIMI_IDENTITY_KEY": identity_key, "TIIMI_LOOKUP_KEY": lookup_key,
            "TIIMI_DATA_KEYS": f"k1:{Fernet.generate_key().decode()}",
        } | {f"TIIMI_{name.upper()}_DATABASE_URL": f"sqlite:///{path}"
             for name, path in self.databases.items()}
        self.env.pop(FAULT_POINT, None)
        for package in (consent, referral, team):
            migrate(Path(package.__file__).parent / "migrations", f"sqlite:///{self.databases[package.__name__]}")
        self.processes: list[subprocess.Popen] = []

    def start(self, service: str, fault: str | None = None) -> subprocess.Popen:
        env = self.env | ({FAULT_POINT: fault} if fault else {})
        log = (self.tmp_path / f"{service}.log").open("a")
        process = subprocess.Popen([sys.executable, "-m", service, "run"], env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def count(self, service: str, sql: str) -> int:
        with sqlite3.connect(self.databases[service]) as connection:
            return connection.execute(sql).fetchone()[0]

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def system(rabbit_config, tmp_path):
    running = System(rabbit_config, tmp_path)
    yield running
    running.stop()


@pytest.fixture
def rpc(rabbit_config):
    with ClusterRpcProxy(rabbit_config, timeout=60) as proxy:
        yield proxy


def ready(rpc, service: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            assert getattr(rpc, service).health()["status"] == "ok"
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def crash_then_retry(system, rpc, service: str, method: str, point: str, /, **arguments):
    """Call a service that dies at ``point`` of ``method``; restart it; the call's and a retry's answer."""
    dying = system.start(service, fault=f"{service}.{method}:{point}")
    ready(rpc, service)
    reply = getattr(getattr(rpc, service), method).call_async(**arguments)
    assert dying.wait(timeout=30) == -signal.SIGKILL, f"{service} did not die at {point} of {method}"
    system.start(service)
    redelivered = reply.result()  # the broker delivered the request again to the new process
    retried = getattr(getattr(rpc, service), method)(**arguments)  # and the caller asks again
    assert retried == redelivered
    return redelivered


@pytest.mark.integration
def test_commands_killed_before_and_after_commit_have_one_effect_and_one_answer(system, rpc):
    client_id = str(uuid.uuid4())

    # A consent grant, killed before its transaction commits: nothing was kept, so the redelivery does it.
    granted = crash_then_retry(system, rpc, "consent", "grant", "before_commit", client_id=client_id,
                               given_by={"kind": "client"}, recipient_organisation=NGO, categories=["basic"],
                               purposes=["referral"], method="written", recorded_by=WORKER,
                               idempotency_key="grant-1")
    assert system.count("consent", "SELECT count(*) FROM consents") == 1
    assert system.count("consent", "SELECT count(*) FROM outbox WHERE event_type = 'consent_granted'") == 1
    assert system.count("consent", TWICE) == 0
    assert granted["client_id"] == client_id

    # A create, killed after it committed and before it answered: the first answer, no second draft.
    accept_by = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    draft = crash_then_retry(system, rpc, "referral", "create_referral", "after_commit", client_id=client_id,
                             requesting_organisation=COUNTY, requested_by=WORKER, target_organisation=NGO,
                             service="ngo_peer_support", priority="urgent", reason="needs peer support",
                             share={"basic": {"language": "fi"}}, accept_by=accept_by,
                             idempotency_key="create-1")
    assert system.count("referral", "SELECT count(*) FROM referrals") == 1
    assert draft["status"] == "draft"
    system.processes[-1].terminate()
    assert system.processes[-1].wait(timeout=30) == 0

    # A send, killed after it committed: answered as sent, not "a requested referral cannot become requested".
    sent = crash_then_retry(system, rpc, "referral", "change_status", "after_commit", referral_id=draft["id"],
                            status="requested", by={"organisation": COUNTY, "professional_id": WORKER},
                            idempotency_key="send-1")
    assert sent["status"] == "requested"
    assert sent["shared_categories"] == ["basic"]
    assert system.count("referral", "SELECT count(*) FROM referral_steps WHERE to_status = 'requested'") == 1
    assert system.count("referral", "SELECT count(*) FROM partner_outbox") == 1
    assert system.count("referral",
                        "SELECT count(*) FROM outbox WHERE event_type = 'referral_status_changed'") == 1
    assert system.count("referral", TWICE) == 0

    # A team change, killed after it committed: one team, one team_created event.
    system.start("team")
    ready(rpc, "team")
    registered = rpc.team.register_client(name="Matti Meikäläinen", personal_identity_code="131052-308T",
                                          preferred_language="fi", municipality="837", registered_by=WORKER)
    system.processes[-1].terminate()
    assert system.processes[-1].wait(timeout=30) == 0
    made = crash_then_retry(system, rpc, "team", "create_team", "after_commit", client_id=registered["id"],
                            organisation=COUNTY, created_by=WORKER, key_worker=KEY_WORKER,
                            idempotency_key="team-1")
    assert made["client_id"] == registered["id"]
    assert system.count("team", "SELECT count(*) FROM teams") == 1
    assert system.count("team", "SELECT count(*) FROM outbox WHERE event_type = 'team_created'") == 1
    assert system.count("team", TWICE) == 0
