"""The team and consent services together: the consent gate on members."""
import json
import time
import uuid
from pathlib import Path

import pytest
from kombu import Connection, Exchange, Queue
from nameko.standalone.rpc import ClusterRpcProxy
from nameko.testing.services import entrypoint_hook

import consent
import team
from consent.service import ConsentService
from team.identity import new_keys
from team.service import TeamService
from tiimi_shared.testing.fixtures import migrate

pytestmark = pytest.mark.integration

COUNTY = "1234567-8"
NGO = "0123456-7"
NGO_WORKER = {"professional_id": "ngo-77", "name": "N. N.", "organisation": NGO, "role": "ngo_worker"}


@pytest.fixture
def configs(rabbit_config, database_url, tmp_path, infrastructure):
    identity_key, lookup_key = new_keys()
    second = (f"sqlite:///{tmp_path / 'team.db'}" if database_url.startswith("sqlite")
              else infrastructure.create_database())
    yield {
        ConsentService: rabbit_config | {
            "DATABASE_URL": migrate(Path(consent.__file__).parent / "migrations", database_url),
            "OUTBOX_INTERVAL": 0.1, "EXPIRY_INTERVAL": 3600},
        TeamService: rabbit_config | {
            "DATABASE_URL": migrate(Path(team.__file__).parent / "migrations", second),
            "OUTBOX_INTERVAL": 0.1, "IDENTITY_KEY": identity_key, "LOOKUP_KEY": lookup_key,
            "CONSENT_TIMEOUT": 2, "RECHECK_INTERVAL": 3600},
    }
    if not second.startswith("sqlite"):
        infrastructure.drop_database(second)


@pytest.fixture
def services(container_factory, configs):
    started = {}
    for service_cls in (TeamService, ConsentService):
        started[service_cls] = container_factory(service_cls, configs[service_cls])
        started[service_cls].start()
    return started


@pytest.fixture
def rpc(services, rabbit_config):
    with ClusterRpcProxy(rabbit_config, timeout=20) as proxy:
        yield proxy


@pytest.fixture
def a_team(rpc):
    client_id = rpc.team.register_client(name="Matti Meikäläinen", personal_identity_code="131052-308T",
                                         preferred_language="fi", municipality="837",
                                         registered_by="sw-1001")["id"]
    return rpc.team.create_team(client_id=client_id, organisation=COUNTY, created_by="sw-1001", key_worker={
        "professional_id": "sw-1001", "name": "S. S.", "organisation": COUNTY, "role": "social_worker"})


def grant_ngo(rpc, client_id):
    return rpc.consent.grant(client_id=client_id, given_by={"kind": "client"}, recipient_organisation=NGO,
                             categories=["basic", "team"], purposes=["team_coordination"],
                             method="written", recorded_by="sw-1001")


def add_ngo_worker(rpc, team_id):
    return rpc.team.add_member(team_id=team_id, kind="professional", professional=NGO_WORKER,
                               added_by="sw-1001")


def status_becomes(rpc, team_id, member_id, wanted, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        members = {m["id"]: m["status"] for m in rpc.team.get_team(team_id=team_id)["members"]}
        if members[member_id] == wanted:
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def team_events(rabbit_config):
    with Connection(rabbit_config["AMQP_URI"]) as connection:
        exchange = Exchange("team.events", type="topic", durable=True)
        exchange(connection.default_channel).declare()
        queue = Queue("watch-" + uuid.uuid4().hex, exchange=exchange, routing_key="#",
                      auto_delete=True)(connection.default_channel)
        queue.declare()

        def received(event_type, wait=1.0):
            time.sleep(wait)
            got = []
            while (message := queue.get(no_ack=True)) is not None:
                got.append(message.payload)
            return [e for e in got if e["type"] == event_type]

        yield received


def test_a_pending_member_becomes_active_by_itself_when_consent_is_granted(rpc, a_team, team_events):
    member = add_ngo_worker(rpc, a_team["id"])
    assert member["status"] == "pending_consent"
    grant_ngo(rpc, a_team["client_id"])
    assert status_becomes(rpc, a_team["id"], member["id"], "active")
    (activated,) = team_events("member_activated")
    assert activated["data"]["member_id"] == member["id"]
    assert rpc.team.my_clients(professional_id="ngo-77")[0]["team_id"] == a_team["id"]


def test_withdrawal_suspends_the_member_and_tells_the_key_worker(rpc, a_team, team_events):
    consent_record = grant_ngo(rpc, a_team["client_id"])
    member = add_ngo_worker(rpc, a_team["id"])
    assert member["status"] == "active"
    rpc.consent.withdraw(consent_id=consent_record["id"], withdrawn_by="sw-1001", reason="client asked")
    assert status_becomes(rpc, a_team["id"], member["id"], "suspended")
    (suspended,) = team_events("member_suspended")
    assert suspended["data"]["key_worker_id"] == "sw-1001"
    assert suspended["data"]["because"] == "consent_withdrawn"
    assert "131052-308T" not in str(suspended)


def test_members_wait_while_consent_is_away_and_activate_once_it_returns(
        rpc, a_team, services, configs, container_factory):
    grant_ngo(rpc, a_team["client_id"])
    services[ConsentService].stop()
    member = add_ngo_worker(rpc, a_team["id"])
    assert member["status"] == "pending_consent"  # fail closed: no answer is no permit

    container_factory(ConsentService, configs[ConsentService]).start()
    with entrypoint_hook(services[TeamService], "recheck_pending") as recheck:
        assert recheck() == 1
    assert status_becomes(rpc, a_team["id"], member["id"], "active", timeout=1)


def test_a_redelivered_consent_event_asks_consent_no_second_time(rpc, a_team, rabbit_config, team_events):
    """A redelivery (a lost ack, a restart) finds the event processed before asking anyone:
    the disclosure log gets one set of decision rows per event, not one per delivery.

    A second consent keeps the member active after the withdrawal, so the handler
    does ask consent about them: a redelivery that asked again would show in the log."""
    consent_record = grant_ngo(rpc, a_team["client_id"])
    grant_ngo(rpc, a_team["client_id"])
    member = add_ngo_worker(rpc, a_team["id"])
    with Connection(rabbit_config["AMQP_URI"]) as connection:
        channel = connection.default_channel
        exchange = Exchange("consent.events", type="topic", durable=True)
        watch = Queue("watch-" + uuid.uuid4().hex, exchange=exchange, routing_key="consent_withdrawn",
                      auto_delete=True)(channel)
        watch.declare()
        entries_before_withdrawal = rpc.consent.verify_log()["entries"]
        rpc.consent.withdraw(consent_id=consent_record["id"], withdrawn_by="sw-1001", reason="client asked")
        deadline = time.monotonic() + 10
        while (message := watch.get(no_ack=True)) is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert message is not None, "consent_withdrawn was never published"
        withdrawn = message.payload
        deadline = time.monotonic() + 10
        while rpc.consent.verify_log()["entries"] == entries_before_withdrawal \
                and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)  # the handler has asked consent about the member; the log is quiet
        entries_after_first = rpc.consent.verify_log()["entries"]
        assert entries_after_first > entries_before_withdrawal, "the handler never asked consent"

        team_queue = "evt-consent-consent_withdrawn--team.on_consent_withdrawn"
        connection.default_channel.basic_publish(
            connection.default_channel.prepare_message(
                json.dumps(withdrawn), content_type="application/json", content_encoding="utf-8",
                properties={"message_id": withdrawn["id"]}),
            exchange="", routing_key=team_queue)
        deadline = time.monotonic() + 10
        while Queue(team_queue)(channel).queue_declare(passive=True).message_count and \
                time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.5)  # long enough for a handler that did ask consent to have logged it

    assert rpc.consent.verify_log()["entries"] == entries_after_first
    assert team_events("member_suspended") == []
    assert status_becomes(rpc, a_team["id"], member["id"], "active", timeout=1)
