"""Least privilege on the broker: each service as its own user, partners reading only their own queue.

The users and permissions are deploy/rabbitmq/generate.py's, loaded through the management
API into a fresh vhost under names of their own (broker users are not per vhost), with
random passwords; the broker itself then says what each may and may not do.
"""
import base64
import hashlib
import importlib.util
import json
import secrets
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from amqp.exceptions import NotFound
from kombu import Connection, Exchange, Producer, Queue, binding
from nameko.standalone.rpc import ClusterRpcProxy

from consent.service import ConsentService
from gateway.service import GatewayService
from notify.service import NotifyService
from referral import partner
from referral.service import ReferralService
from team.service import TeamService
from tiimi_shared.catalogue import rpc_calls
from tiimi_shared.testing.servers import free_port

ROOT = Path(__file__).parents[1]
SERVICES = (ConsentService, TeamService, ReferralService, NotifyService, GatewayService)
COUNTY = "1234567-8"
NGO = "1.2.246.10.1"      # a partner whose identifier has dots, as an OID does
OTHER = "7654321-0"       # another partner, who must see nothing of NGO's
WORKER = {"organisation": COUNTY, "professional_id": "sw-1001"}


def grant(client_id: str) -> dict:
    """A consent to share basic data with NGO for referrals."""
    return {"client_id": client_id, "given_by": {"kind": "client"}, "recipient_organisation": NGO,
            "categories": ["basic"], "purposes": ["referral"], "method": "written", "recorded_by": "sw-1001"}


def _generator():
    spec = importlib.util.spec_from_file_location("generate", ROOT / "deploy/rabbitmq/generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def calling_as(service_name: str):
    """A standalone RPC proxy that names its reply queue as ``service_name``'s own proxies do."""

    class Container(ClusterRpcProxy.ServiceContainer):
        pass

    Container.service_name = service_name

    class Proxy(ClusterRpcProxy):
        ServiceContainer = Container

    return Proxy


# -- read off the code, no broker ----------------------------------------------------------


def test_the_rpcs_each_service_may_call_are_read_off_its_code():
    calls = {service.name: rpc_calls(service, SERVICES) for service in SERVICES}
    assert calls["consent"] == {}  # it asks nobody
    # The kernel's consent gate: what team, referral and notify ask consent through it. Team and notify
    # only ask whether something is permitted: the gate's other RPCs are not theirs to call.
    assert calls["team"]["consent"] == calls["notify"]["consent"] == {"check_many"}
    assert "check_many" in calls["referral"]["consent"]
    assert calls["notify"]["team"] == {"get_client"}
    assert set(calls["referral"]) == {"consent"} and "grant" not in calls["referral"]["consent"]
    # The gateway, the door for people, calls what its routes need, and nothing for operations.
    assert {"grant", "withdraw", "disclose"} <= calls["gateway"]["consent"]
    assert {"create_referral", "change_status"} <= calls["gateway"]["referral"]
    assert "verify_log" not in calls["gateway"]["consent"] and "health" not in calls["gateway"]["team"]


def test_a_call_of_an_rpc_the_target_does_not_offer_is_refused_not_granted(tmp_path, monkeypatch):
    import gateway.service

    package = tmp_path / "gateway"
    package.mkdir()
    source = Path(gateway.service.__file__).read_text()
    (package / "service.py").write_text(source + "\n\ndef _typo(services):\n"
                                        "    return services.consent.grnat(client_id='x')\n")
    monkeypatch.setattr("inspect.getfile", lambda obj: str(package / "service.py"))
    with pytest.raises(ValueError, match="grnat"):
        rpc_calls(GatewayService, SERVICES)


def test_the_generated_permissions_keep_the_rpc_door_closed_to_partners():
    definitions = _generator().definitions(partners=[NGO, OTHER])
    by_user = {p["user"]: p for p in definitions["permissions"]}
    topics = {(t["user"], t["exchange"]): t for t in definitions["topic_permissions"]}
    for organisation in (NGO, OTHER):
        user = f"partner-{organisation}"
        assert (by_user[user]["configure"], by_user[user]["write"]) == ("^$", "^$")
        assert topics[(user, "nameko-rpc")]["write"] == "^$"
    assert by_user[f"partner-{NGO}"]["read"] == r"^(partner\.1\.2\.246\.10\.1)$"
    # Every service has its own user and a say on nameko-rpc; only the operators' user is an administrator.
    assert {u["name"] for u in definitions["users"] if u["tags"]} == {"tiimi"}
    assert {s.name for s in SERVICES} <= {u for u, exchange in topics if exchange == "nameko-rpc"}


def test_compose_and_the_manifests_connect_each_service_as_its_own_user():
    definitions = json.loads((ROOT / "deploy/rabbitmq/definitions.json").read_text())
    hashes = {user["name"]: base64.b64decode(user["password_hash"]) for user in definitions["users"]}
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    for service in SERVICES:
        uri = urlsplit(compose["services"][service.name]["environment"]["TIIMI_AMQP_URI"])
        assert uri.username == service.name
        salt, digest = hashes[uri.username][:4], hashes[uri.username][4:]
        assert hashlib.sha256(salt + uri.password.encode()).digest() == digest  # what the broker holds
    manifests = yaml.safe_load_all((ROOT / "deploy/k8s/tiimi.yaml").read_text())
    for deployment in (d for d in manifests if d["kind"] == "Deployment"):
        pod = deployment["spec"]["template"]["spec"]
        for container in pod["containers"] + pod.get("initContainers", []):
            (broker,) = [e for e in container["env"] if e["name"] == "TIIMI_AMQP_URI"]
            secret = broker["valueFrom"]["secretKeyRef"]["name"]
            assert secret == f"tiimi-{deployment['metadata']['name']}-broker"


def test_passwords_for_a_real_broker_come_from_the_environment_or_nothing_is_written(tmp_path, monkeypatch):
    generator = _generator()
    monkeypatch.setenv("TIIMI_BROKER_PARTNERS", f"{NGO}, {OTHER}")
    for user in generator.user_names([NGO]):  # OTHER's password left out
        monkeypatch.setenv(generator.password_variable(user), "secret-of-" + user)
    target = tmp_path / "definitions.json"
    with pytest.raises(SystemExit, match="TIIMI_BROKER_PASSWORD_PARTNER_7654321_0"):
        generator.main(["--from-environment", "--output", str(target)])
    assert not target.exists()
    monkeypatch.setenv("TIIMI_BROKER_PASSWORD_PARTNER_7654321_0", "secret-of-other")
    generator.main(["--from-environment", "--output", str(target)])
    written = json.loads(target.read_text())
    assert {f"partner-{NGO}", f"partner-{OTHER}"} <= {user["name"] for user in written["users"]}
    assert "local-only" not in target.read_text()
    (consent_user,) = [user for user in written["users"] if user["name"] == "consent"]
    raw = base64.b64decode(consent_user["password_hash"])
    assert hashlib.sha256(raw[:4] + b"secret-of-consent").digest() == raw[4:]


# -- on the broker ------------------------------------------------------------------------------


@pytest.fixture
def broker_users(infrastructure, rabbit_config):
    """The generated users (services and partners NGO and OTHER) in this test's vhost: name -> AMQP URI."""
    definitions = _generator().definitions(partners=[NGO, OTHER])
    vhost = rabbit_config["vhost"]
    # The topology as the broker loads it at boot, so partner queues exist before a partner reads.
    infrastructure.api("POST", f"/definitions/{vhost}", json={
        key: [dict(item, vhost=vhost) for item in definitions[key]]
        for key in ("exchanges", "queues", "bindings", "policies")})
    prefix = "t" + uuid.uuid4().hex[:8] + "-"
    uris, made = {}, []
    try:
        for user in definitions["users"]:
            name, password = prefix + user["name"], secrets.token_urlsafe(16)
            infrastructure.api("PUT", f"/users/{name}", json={"password": password, "tags": ""})
            made.append(name)
            uris[user["name"]] = infrastructure.amqp_uri_for(vhost, name, password)
        for permission in definitions["permissions"]:
            infrastructure.api("PUT", f"/permissions/{vhost}/{prefix + permission['user']}", json={
                key: permission[key] for key in ("configure", "write", "read")})
        for topic in definitions["topic_permissions"]:
            infrastructure.api("PUT", f"/topic-permissions/{vhost}/{prefix + topic['user']}", json={
                key: topic[key] for key in ("exchange", "write", "read")})
        yield uris
    finally:
        for name in made:
            infrastructure.delete_user(name)


@pytest.fixture
def running(system, broker_users):
    """Every service started (the root conftest's ``system``), each connected as its own broker user."""
    system(**{service.name: {"AMQP_URI": broker_users[service.name]} for service in SERVICES[:-1]},
           gateway={"AMQP_URI": broker_users["gateway"], "WEB_SERVER_ADDRESS": f"127.0.0.1:{free_port()}",
                    "JWT_SECRET": "a-local-secret-of-at-least-32-characters"})
    return broker_users


def first_message(uri: str, queue: str, timeout: float = 15.0):
    """The first message in ``queue``, read without declaring anything (as a read-only user must)."""
    deadline = time.monotonic() + timeout
    with Connection(uri) as connection:
        while time.monotonic() < deadline:
            try:
                message = connection.default_channel.basic_get(queue, no_ack=True)
            except NotFound:  # not declared yet: the broker closed the channel, take a new one
                connection.default_channel.close()
                connection._default_channel = None
                message = None
            if message is not None:
                return message
            time.sleep(0.1)
    raise AssertionError(f"nothing arrived in {queue} within {timeout} seconds")


def drain(queue, wait: float = 3.0) -> list:
    """Every message that arrives in ``queue`` until none has for ``wait`` seconds."""
    found, quiet_since = [], time.monotonic()
    while time.monotonic() - quiet_since < wait:
        message = queue.get(no_ack=True)
        if message is None:
            time.sleep(0.1)
            continue
        found.append(message)
        quiet_since = time.monotonic()
    return found


def access_refused(action) -> str:
    """What the broker answered an action it refused (the test fails if it did not refuse)."""
    with pytest.raises(Exception) as refused:
        action()
    assert "ACCESS_REFUSED" in str(refused.value), repr(refused.value)
    return str(refused.value)


@pytest.mark.integration
def test_the_committed_users_load_as_the_broker_loads_them_at_boot(infrastructure, rabbit_config):
    """definitions.json's users, hashes and permissions through the broker's own import (renamed)."""
    definitions = json.loads((ROOT / "deploy/rabbitmq/definitions.json").read_text())
    vhost, prefix = rabbit_config["vhost"], "t" + uuid.uuid4().hex[:8] + "-"
    renamed = {
        "users": [dict(user, name=prefix + user["name"]) for user in definitions["users"]],
        "permissions": [dict(p, user=prefix + p["user"], vhost=vhost) for p in definitions["permissions"]],
        "topic_permissions": [dict(t, user=prefix + t["user"], vhost=vhost)
                              for t in definitions["topic_permissions"]],
    }
    infrastructure.api("POST", "/definitions", json=renamed)
    try:
        loaded = infrastructure.api("GET", f"/vhosts/{vhost}/topic-permissions").json()
        assert {(t["user"], t["exchange"], t["write"]) for t in loaded} == {
            (t["user"], t["exchange"], t["write"]) for t in renamed["topic_permissions"]}
        # The local-only password compose gives the consent service opens its user's door, and only its.
        with Connection(infrastructure.amqp_uri_for(vhost, prefix + "consent", "consent-local-only")) as ok:
            ok.ensure_connection(max_retries=1)
        with Connection(infrastructure.amqp_uri_for(vhost, prefix + "team", "consent-local-only")) as wrong:
            access_refused(lambda: wrong.ensure_connection(max_retries=1))
    finally:
        for user in renamed["users"]:
            infrastructure.delete_user(user["name"])


@pytest.mark.integration
def test_every_service_started_as_its_own_user_answers(running):
    # Its RPC queue, event queues and dead-letter queues declared and consumed under its own user;
    # asked by the operators' user, the only one that may call any RPC.
    with calling_as("operations")({"AMQP_URI": running["tiimi"]}, timeout=20) as rpc:
        for service in SERVICES:
            assert getattr(rpc, service.name).health()["status"] == "ok"
    # A malformed event that team's handler (as the team user) rejects still reaches its dead-letter queue.
    with Connection(running["tiimi"]) as connection:
        Producer(connection.default_channel).publish(
            {"type": "consent_granted", "data": {}}, exchange="consent.events", routing_key="consent_granted",
            serializer="json", message_id=str(uuid.uuid4()))
    dead = first_message(running["tiimi"], "evt-consent-consent_granted--team.on_consent_granted.dead")
    assert json.loads(dead.body) == {"type": "consent_granted", "data": {}}


@pytest.mark.integration
def test_referral_may_ask_consent_what_it_needs_but_the_broker_refuses_it_a_grant(running):
    client_id = str(uuid.uuid4())
    with calling_as("referral")({"AMQP_URI": running["referral"]}, timeout=20) as rpc:
        answer = rpc.consent.check_many(client_id=client_id, requests=[
            {"organisation": NGO, "category": "basic", "purpose": "referral"}])
        assert [d["decision"] for d in answer["decisions"]] == ["deny"]  # asked and answered: no consent
    with calling_as("referral")({"AMQP_URI": running["referral"]}, timeout=20) as rpc:
        message = access_refused(lambda: rpc.consent.grant(**grant(client_id)))
    assert "consent.grant" in message  # refused by topic authorisation on nameko-rpc
    # The gateway's user may grant: the refusal above is the referral user's, not the call's.
    with calling_as("gateway")({"AMQP_URI": running["gateway"]}, timeout=20) as rpc:
        assert rpc.consent.list_consents(client_id=client_id)["consents"] == []


@pytest.mark.integration
def test_services_as_their_own_users_carry_a_referral_to_the_partner_who_alone_may_read_it(running):
    client_id = str(uuid.uuid4())
    tap = Queue("tap-" + uuid.uuid4().hex, auto_delete=True, bindings=[
        binding(Exchange(f"{source}.events", type="topic", durable=True), routing_key="#")
        for source in ("consent", "referral")])
    with Connection(running["tiimi"]) as connection:
        tap(connection.default_channel).declare()
    with calling_as("gateway")({"AMQP_URI": running["gateway"]}, timeout=20) as rpc:
        rpc.consent.grant(**grant(client_id))
        created = rpc.referral.create_referral(
            client_id=client_id, requesting_organisation=COUNTY, requested_by="sw-1001",
            target_organisation=NGO, service="ngo_peer_support", priority="urgent", reason="peer support",
            share={"basic": {"name": "Maija Meikäläinen", "language": "fi"}},
            accept_by=(datetime.now(UTC) + timedelta(days=3)).isoformat())
        # Sending asks consent (check_many as the referral user) and publishes to the partner stream.
        sent = rpc.referral.change_status(referral_id=created["id"], status="requested", by=WORKER)
        assert sent["status"] == "requested"

    # The referral user's relay declares the partner's queue and publishes to it; the partner reads it.
    envelope = json.loads(first_message(running[f"partner-{NGO}"], partner.queue_name(NGO)).body)
    assert (envelope["type"], envelope["data"]["referral_id"]) == ("referral_requested", created["id"])

    # Each service's relay published its events under its own user's topic permissions.
    with Connection(running["tiimi"]) as connection:
        published = [message.payload["type"] for message in drain(tap(connection.default_channel))]
    assert published[0] == "consent_granted"
    assert {"referral_created", "referral_status_changed"} <= set(published)

    other = running[f"partner-{OTHER}"]
    with Connection(running["tiimi"]) as connection:  # operations create a partner's queue before it reads
        partner.partner_queue(OTHER)(connection.default_channel).declare()
    with Connection(other) as connection:  # its own queue it may read: empty
        assert connection.default_channel.basic_get(partner.queue_name(OTHER)) is None
    with Connection(other) as connection:
        access_refused(lambda: connection.default_channel.basic_get(partner.queue_name(NGO)))
    with Connection(other) as connection:
        access_refused(lambda: Queue("sneak", exchange=Exchange(partner.EXCHANGE, type="topic", durable=True),
                                     routing_key="#")(connection.default_channel).declare())
    for organisation in (NGO, OTHER):  # the RPC door is closed to partners
        with Connection(running[f"partner-{organisation}"],
                        transport_options={"confirm_publish": True}) as connection:
            access_refused(lambda: Producer(connection.default_channel).publish(
                {"args": [], "kwargs": {}}, exchange="nameko-rpc", routing_key="referral.change_status",
                reply_to=str(uuid.uuid4()), serializer="json", retry=False))
