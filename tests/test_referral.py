"""The referral and consent services together, with real partner consumers on the broker."""
import json
import time
import uuid
from datetime import timedelta
from pathlib import Path

import jsonschema
import pytest
import yaml
from kombu import Connection, Exchange, Producer, Queue
from nameko.standalone.rpc import ClusterRpcProxy
from nameko.testing.services import entrypoint_hook

import consent
import referral
from consent.service import ConsentService
from referral import partner, rules
from referral.service import ReferralService
from tiimi_shared.errors import Conflict, Forbidden, NotFound, Unavailable, ValidationError
from tiimi_shared.testing.fixtures import migrate
from tiimi_shared.testing.hooks import event_hook

ASYNCAPI = yaml.safe_load((Path(__file__).parents[1] / "docs" / "asyncapi.yaml").read_text())

COUNTY = "1234567-8"            # the requester
NGO = "1.2.246.10.1"            # the target: an OID, dots and all
OTHER = "7654321-0"             # another partner, who must see nothing
WORKER = "sw-1001"
NGO_DESK = {"organisation": NGO, "professional_id": "ngo-desk"}
COUNTY_WORKER = {"organisation": COUNTY, "professional_id": WORKER}
SHARE = {"basic": {"name": "Maija Meikäläinen", "language": "fi", "phone": "+358 40 123 4567"},
         "health": {"summary": "sensitive health detail"}}


@pytest.fixture
def configs(rabbit_config, database_url, tmp_path, infrastructure, clock):
    second = (f"sqlite:///{tmp_path / 'referral.db'}" if database_url.startswith("sqlite")
              else infrastructure.create_database())
    yield {
        ConsentService: rabbit_config | {
            "DATABASE_URL": migrate(Path(consent.__file__).parent / "migrations", database_url),
            "CLOCK": clock, "OUTBOX_INTERVAL": 0.1, "EXPIRY_INTERVAL": 3600},
        ReferralService: rabbit_config | {
            "DATABASE_URL": migrate(Path(referral.__file__).parent / "migrations", second),
            "CLOCK": clock, "OUTBOX_INTERVAL": 0.1, "CONSENT_TIMEOUT": 2, "DEADLINE_INTERVAL": 3600},
    }
    if not second.startswith("sqlite"):
        infrastructure.drop_database(second)


@pytest.fixture
def services(container_factory, configs, partners):
    started = {}
    for service_cls in (ReferralService, ConsentService):
        started[service_cls] = container_factory(service_cls, configs[service_cls])
        started[service_cls].start()
    return started


@pytest.fixture
def rpc(services, rabbit_config):
    with ClusterRpcProxy(rabbit_config, timeout=20) as proxy:
        yield proxy


class Watch:
    """A real AMQP consumer outside the services, draining one queue."""

    def __init__(self, queue):
        self.queue = queue
        self.seen: list[tuple[str, dict]] = []

    def wait_for(self, count: int, timeout: float = 10.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while len(self.seen) < count and time.monotonic() < deadline:
            message = self.queue.get(no_ack=True)
            if message is None:
                time.sleep(0.05)
                continue
            self.seen.append((message.delivery_info["routing_key"], message.payload))
        return [payload for _, payload in self.seen]

    def settle(self, wait: float = 1.0) -> list[dict]:
        """Everything that arrives within ``wait`` seconds."""
        return self.wait_for(10**6, timeout=wait)


def check_against_asyncapi(routing_key: str, envelope: dict) -> None:
    """Validate one message as published against the AsyncAPI document's schema for its type."""
    (message_key,) = [key for key, message in ASYNCAPI["components"]["messages"].items()
                      if message["name"] == envelope["type"]]
    schema = {"$ref": f"#/components/messages/{message_key}/payload", "components": ASYNCAPI["components"]}
    jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker()).validate(envelope)
    organisation, message_type = routing_key.rsplit(".", 1)
    assert message_type == envelope["type"]
    assert organisation == envelope["data"]["target_organisation"].replace(".", "%2E")


@pytest.fixture
def partners(rabbit_config):
    """Each partner's queue as the example partner declares it, plus a tap on the whole exchange."""
    with Connection(rabbit_config["AMQP_URI"]) as connection:
        channel = connection.default_channel
        exchange = Exchange("tiimi.partners", type="topic", durable=True)
        exchange(channel).declare()
        watches = {}
        for organisation in (NGO, OTHER):
            queue = Queue(f"partner.{organisation}", exchange=exchange,
                          routing_key=organisation.replace(".", "%2E") + ".#", durable=True)(channel)
            queue.declare()
            watches[organisation] = Watch(queue)
        tap = Queue("tap-" + uuid.uuid4().hex, exchange=exchange, routing_key="#", auto_delete=True)(channel)
        tap.declare()
        watches["all"] = Watch(tap)
        yield watches
        # Every message any test made tiimi publish to partners matches the AsyncAPI document.
        watches["all"].settle(0.3)
        for routing_key, envelope in watches["all"].seen:
            check_against_asyncapi(routing_key, envelope)


@pytest.fixture
def referral_events(rabbit_config):
    with Connection(rabbit_config["AMQP_URI"]) as connection:
        exchange = Exchange("referral.events", type="topic", durable=True)
        exchange(connection.default_channel).declare()
        queue = Queue("watch-" + uuid.uuid4().hex, exchange=exchange, routing_key="#",
                      auto_delete=True)(connection.default_channel)
        queue.declare()
        yield Watch(queue)


@pytest.fixture
def client_id():
    return str(uuid.uuid4())


def grant(rpc, client_id, categories, purposes=("referral",)):
    return rpc.consent.grant(client_id=client_id, given_by={"kind": "client"}, recipient_organisation=NGO,
                             categories=list(categories), purposes=list(purposes), method="written",
                             recorded_by=WORKER)


def create(rpc, client_id, clock, **overrides):
    return rpc.referral.create_referral(**{
        "client_id": client_id, "requesting_organisation": COUNTY, "requested_by": WORKER,
        "target_organisation": NGO, "service": "ngo_peer_support", "priority": "urgent",
        "reason": "needs peer support after discharge", "share": SHARE,
        "accept_by": (clock.now() + timedelta(days=3)).isoformat()} | overrides)


def send(rpc, referral_id):
    return rpc.referral.change_status(referral_id=referral_id, status="requested", by=COUNTY_WORKER)


def answer(rpc, referral_id, status, **extra):
    return rpc.referral.change_status(referral_id=referral_id, status=status, by=NGO_DESK, **extra)


def disclosures(rpc, client_id, count, timeout=10.0):
    """The client's disclosure entries once ``count`` are logged (the consent service logs a sent
    referral's from its event, a moment after the send), or as they are when ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while True:
        report = rpc.consent.disclosure_report(client_id=client_id, include_denied=True)
        entries = [e for e in report["entries"] if e["kind"] == "disclosure"]
        if len(entries) >= count or time.monotonic() > deadline:
            return entries
        time.sleep(0.1)


@pytest.mark.integration
def test_the_closed_loop_shares_only_what_consent_permits_and_only_with_the_target(
        rpc, client_id, clock, partners, referral_events):
    grant(rpc, client_id, ["basic"])
    draft = create(rpc, client_id, clock)
    assert draft["status"] == "draft" and draft["allowed_next"] == ["requested", "entered_in_error"]
    assert partners[NGO].settle(0.5) == []  # a draft goes nowhere

    sent = send(rpc, draft["id"])
    assert sent["status"] == "requested"
    assert sent["shared_categories"] == ["basic"]
    assert sent["withheld"] == {"health": "no_consent"}

    (message,) = partners[NGO].wait_for(1)
    assert message["type"] == "referral_requested"
    assert message["data"]["shared"] == {"basic": SHARE["basic"]}
    assert "sensitive health detail" not in json.dumps(message)
    assert "needs peer support" not in json.dumps(message)  # the requester's note stays home
    assert partners[NGO].seen[0][0] == "1%2E2%2E246%2E10%2E1.referral_requested"

    accepted = answer(rpc, draft["id"], "accepted")
    assert accepted["shared"] == {"basic": SHARE["basic"]} and "share" not in accepted
    answer(rpc, draft["id"], "in_progress")
    answer(rpc, draft["id"], "completed", outcome={"code": "goal_met", "summary": "joined a group"})

    seen_by_requester = rpc.referral.get_referral(referral_id=draft["id"], organisation=COUNTY)
    steps = [(s["from_status"], s["to_status"], s["by"], s["by_organisation"])
             for s in seen_by_requester["history"]]
    assert steps == [(None, "draft", WORKER, COUNTY), ("draft", "requested", WORKER, COUNTY),
                     ("requested", "accepted", "ngo-desk", NGO), ("accepted", "in_progress", "ngo-desk", NGO),
                     ("in_progress", "completed", "ngo-desk", NGO)]
    assert all(s["at"] for s in seen_by_requester["history"])
    assert seen_by_requester["outcome"] == {"code": "goal_met", "summary": "joined a group"}
    assert seen_by_requester["status"] == "completed" and seen_by_requester["allowed_next"] == [
        "entered_in_error"]

    # The loop closes back: the requester's side hears each answer, by identifiers only.
    # (created, sent, its disclosure, then the three answers)
    changes = [e for e in referral_events.wait_for(6) if e["type"] == "referral_status_changed"]
    assert [e["data"]["to_status"] for e in changes][-3:] == ["accepted", "in_progress", "completed"]
    assert "Maija" not in json.dumps(referral_events.seen)

    # The consent service logged the disclosure of `basic` and nothing of `health`.
    disclosed = disclosures(rpc, client_id, 1)
    assert [(e["category"], e["organisation"], e["purpose"]) for e in disclosed] == [
        ("basic", NGO, "referral")]

    assert partners[OTHER].settle() == []
    assert [p["type"] for p in partners[NGO].settle(0.5)] == ["referral_requested"]
    with pytest.raises(Forbidden):
        rpc.referral.get_referral(referral_id=draft["id"], organisation=OTHER)
    assert rpc.referral.referrals_of_client(client_id=client_id, organisation=OTHER) == []

    # The requester's My clients hears of the answer; the target's, of nothing it sent.
    assert rpc.referral.attention_for(client_ids=[client_id], organisation=COUNTY) == [
        {"client_id": client_id, "overdue_referrals": 0, "answered_referrals": 1}]
    assert rpc.referral.attention_for(client_ids=[client_id], organisation=NGO)[0]["answered_referrals"] == 0
    late = create(rpc, client_id, clock)
    send(rpc, late["id"])
    clock.advance(timedelta(days=8))  # past the new one's deadline; the answer is a week old
    assert rpc.referral.attention_for(client_ids=[client_id], organisation=COUNTY) == [
        {"client_id": client_id, "overdue_referrals": 1, "answered_referrals": 0}]


@pytest.mark.integration
def test_without_an_answer_from_consent_nothing_is_sent(rpc, services, client_id, clock, partners):
    draft = create(rpc, client_id, clock)
    services[ConsentService].stop()
    with pytest.raises(Unavailable) as refused:
        send(rpc, draft["id"])
    assert refused.value.dependency == "consent"
    assert rpc.referral.get_referral(referral_id=draft["id"], organisation=COUNTY)["status"] == "draft"
    assert partners["all"].settle() == []


@pytest.mark.integration
def test_sides_and_states_are_enforced_and_bad_input_changes_nothing(rpc, client_id, clock, partners):
    grant(rpc, client_id, ["basic", "health"])
    draft = create(rpc, client_id, clock)
    with pytest.raises(Conflict) as early:
        answer(rpc, draft["id"], "accepted")
    assert early.value.current_state == "draft" and early.value.allowed == ["entered_in_error"]
    send(rpc, draft["id"])
    with pytest.raises(Conflict) as wrong_side:
        rpc.referral.change_status(referral_id=draft["id"], status="accepted", by=COUNTY_WORKER)
    assert wrong_side.value.allowed == ["cancelled", "entered_in_error"]
    with pytest.raises(Forbidden):
        rpc.referral.change_status(referral_id=draft["id"], status="accepted",
                                   by={"organisation": OTHER, "professional_id": "x-1"})
    with pytest.raises(ValidationError) as no_reason:
        answer(rpc, draft["id"], "rejected")
    assert "reason" in no_reason.value.errors
    with pytest.raises(ValidationError) as bad:
        rpc.referral.create_referral(client_id=client_id, requesting_organisation=COUNTY, requested_by=WORKER,
                                     target_organisation=NGO, service="astrology", reason="r",
                                     share={"basic": {"note": "hetu 131052-308T"}},
                                     accept_by=clock.now().isoformat(), colour="blue")
    assert {"service", "share", "colour"} <= set(bad.value.errors)
    assert "131052-308T" not in str(bad.value)
    with pytest.raises(NotFound):
        rpc.referral.get_referral(referral_id=str(uuid.uuid4()), organisation=COUNTY)
    assert [r["id"] for r in rpc.referral.referrals_of_client(client_id=client_id, organisation=COUNTY)] == [
        draft["id"]]
    assert rpc.referral.get_referral(referral_id=draft["id"], organisation=COUNTY)["status"] == "requested"
    incoming = rpc.referral.open_referrals(organisation=NGO, direction="incoming")
    assert [r["id"] for r in incoming] == [draft["id"]]
    assert rpc.referral.open_referrals(organisation=NGO, direction="outgoing") == []

    answer(rpc, draft["id"], "rejected", reason="no places this spring")
    assert rpc.referral.open_referrals(organisation=COUNTY) == []
    # The target's view keeps its own reason but not the requester's notes or withheld categories.
    target_view = rpc.referral.get_referral(referral_id=draft["id"], organisation=NGO)
    assert target_view["history"][-1]["reason"] == "no places this spring"
    assert "withheld" not in target_view and "reason" not in target_view
    assert partners[OTHER].settle(0.3) == []


@pytest.mark.integration
def test_an_unaccepted_referral_is_overdue_then_escalated_to_the_key_worker(
        rpc, services, client_id, clock, referral_events):
    grant(rpc, client_id, ["basic"])
    with event_hook(services[ReferralService], "on_team_created") as team_created:
        team_created({"id": str(uuid.uuid4()), "type": "team_created", "version": 1, "source": "team",
                      "occurred_at": clock.now().isoformat(), "correlation_id": None,
                      "data": {"team_id": str(uuid.uuid4()), "client_id": client_id, "organisation": COUNTY,
                               "key_worker_id": "sw-2002", "created_by": WORKER}})
    draft = create(rpc, client_id, clock)
    send(rpc, draft["id"])
    with entrypoint_hook(services[ReferralService], "chase_unaccepted_referrals") as check:
        assert check() == 0
        clock.advance(timedelta(days=3, minutes=1))
        assert check() == 1
        assert check() == 0  # reminded once
        clock.advance(timedelta(days=2))
        assert check() == 1
    events = {e["type"]: e["data"] for e in referral_events.wait_for(5)}  # and the send's disclosure
    assert events["referral_overdue"]["requested_by"] == WORKER
    assert events["referral_escalated"]["key_worker_id"] == "sw-2002"
    history = rpc.referral.get_referral(referral_id=draft["id"], organisation=COUNTY)["history"]
    assert [s["kind"] for s in history][-2:] == ["overdue", "escalated"]

    late = create(rpc, client_id, clock)
    send(rpc, late["id"])
    answer(rpc, late["id"], "accepted")
    clock.advance(timedelta(days=10))
    with entrypoint_hook(services[ReferralService], "chase_unaccepted_referrals") as check:
        assert check() == 0  # accepted in time: nothing to chase


@pytest.mark.integration
def test_withdrawal_tells_the_partner_to_stop_processing(rpc, client_id, clock, partners, referral_events):
    consent_record = grant(rpc, client_id, ["basic", "health"])
    draft = create(rpc, client_id, clock)
    send(rpc, draft["id"])
    answer(rpc, draft["id"], "accepted")
    rpc.consent.withdraw(consent_id=consent_record["id"], withdrawn_by=WORKER, reason="client asked")
    requested, stop = partners[NGO].wait_for(2)
    assert stop["type"] == "referral_stop_processing"
    assert sorted(stop["data"]["categories"]) == ["basic", "health"]
    assert stop["data"]["because"] == "consent_withdrawn"
    target_view = rpc.referral.get_referral(referral_id=draft["id"], organisation=NGO)
    assert target_view["shared"] == {}
    assert partners[OTHER].settle(0.3) == []
    stopped = [e for e in referral_events.wait_for(5) if e["type"] == "referral_stop_requested"]
    assert stopped and stopped[0]["data"]["categories"] == ["basic", "health"]


@pytest.mark.integration
def test_cancelling_a_sent_referral_tells_the_partner(rpc, client_id, clock, partners):
    grant(rpc, client_id, ["basic"])
    draft = create(rpc, client_id, clock)
    send(rpc, draft["id"])
    rpc.referral.change_status(referral_id=draft["id"], status="cancelled", by=COUNTY_WORKER,
                               reason="the client moved away")
    assert [m["type"] for m in partners[NGO].wait_for(2)] == ["referral_requested", "referral_cancelled"]
    assert rpc.referral.get_referral(referral_id=draft["id"], organisation=NGO)["shared"] == {}


@pytest.mark.integration
def test_every_partner_message_type_is_published_as_the_asyncapi_document_says(
        rpc, client_id, clock, partners):
    consent_record = grant(rpc, client_id, ["basic"])
    for status, reason in (("cancelled", "moved away"), ("entered_in_error", "wrong client")):
        referral_id = create(rpc, client_id, clock)["id"]
        send(rpc, referral_id)
        rpc.referral.change_status(referral_id=referral_id, status=status, by=COUNTY_WORKER, reason=reason)
    send(rpc, create(rpc, client_id, clock)["id"])
    rpc.consent.withdraw(consent_id=consent_record["id"], withdrawn_by=WORKER, reason="client asked")
    published = partners["all"].wait_for(6)
    assert {m["type"] for m in published} == {"referral_requested", "referral_cancelled",
                                              "referral_entered_in_error", "referral_stop_processing"}
    for routing_key, envelope in partners["all"].seen:
        check_against_asyncapi(routing_key, envelope)


def test_the_asyncapi_document_declares_exactly_the_partner_messages_with_their_fields():
    assert ASYNCAPI["asyncapi"].startswith("3.")
    components = ASYNCAPI["components"]
    declared = {message["name"]: message for message in components["messages"].values()}
    assert set(declared) == {event_type.name for event_type in partner.registry}
    for event_type in partner.registry:
        data_schema = components["schemas"][declared[event_type.name]["payload"]["$ref"].rsplit("/", 1)[1]
                                             + "Data"]
        about, own = data_schema["allOf"]
        properties = set(components["schemas"]["About"]["properties"]) | set(own["properties"])
        required = set(components["schemas"]["About"]["required"]) | set(own["required"])
        fields = event_type.payload().fields
        assert properties == set(fields), event_type.name
        assert required == {name for name, field in fields.items() if field.required}, event_type.name
    for channel in ("partnerExchange", "partnerQueue"):
        assert set(ASYNCAPI["channels"][channel]["messages"]) == set(components["messages"])
    requested = components["schemas"]["ReferralRequestedData"]["allOf"][1]["properties"]
    assert tuple(requested["service"]["enum"]) == rules.SERVICES
    assert tuple(requested["priority"]["enum"]) == rules.PRIORITIES
    assert ASYNCAPI["channels"]["partnerExchange"]["address"] == partner.EXCHANGE


def test_a_message_off_the_contract_fails_the_asyncapi_check():
    envelope = partner.registry.make("referral_cancelled", {
        "referral_id": str(uuid.uuid4()), "client_id": str(uuid.uuid4()), "requesting_organisation": COUNTY,
        "target_organisation": NGO, "cancelled_at": "2026-11-23T10:00:00+00:00"}, source="referral")
    check_against_asyncapi("1%2E2%2E246%2E10%2E1.referral_cancelled", envelope)
    leaked = envelope | {"data": envelope["data"] | {"shared": {"health": {}}}}
    with pytest.raises(jsonschema.ValidationError):
        check_against_asyncapi("1%2E2%2E246%2E10%2E1.referral_cancelled", leaked)
    with pytest.raises(AssertionError):
        check_against_asyncapi("7654321-0.referral_cancelled", envelope)


@pytest.mark.integration
def test_broker_permissions_keep_one_partner_out_of_anothers_queue(
        rpc, infrastructure, rabbit_config, client_id, clock, partners):
    grant(rpc, client_id, ["basic"])
    send(rpc, create(rpc, client_id, clock)["id"])
    user, password = "partner-" + uuid.uuid4().hex[:8], uuid.uuid4().hex
    # As the README tells operators: nothing to configure or write, read only its own queue.
    infrastructure.create_user(rabbit_config["vhost"], user, password, configure="^$", write="^$",
                               read="^" + partner.queue_name(OTHER).replace(".", r"\.") + "$")
    try:
        uri = infrastructure.amqp_uri_for(rabbit_config["vhost"], user, password)
        with Connection(uri) as connection:
            assert connection.default_channel.basic_get(partner.queue_name(OTHER)) is None  # its own: empty
        with Connection(uri) as connection, pytest.raises(Exception, match="ACCESS_REFUSED"):
            connection.default_channel.basic_get(partner.queue_name(NGO))
        with Connection(uri) as connection, pytest.raises(Exception, match="ACCESS_REFUSED"):
            Queue("sneak", exchange=Exchange("tiimi.partners", type="topic", durable=True),
                  routing_key="#")(connection.default_channel).declare()
    finally:
        infrastructure.delete_user(user)
    assert [m["type"] for m in partners[NGO].wait_for(1)] == ["referral_requested"]


@pytest.mark.integration
def test_the_example_partner_receives_and_answers_its_referral_end_to_end(
        rpc, rabbit_config, client_id, clock, partners):
    import subprocess
    import sys

    example = Path(__file__).parents[1] / "examples" / "partner.py"

    def start(organisation, *extra):
        return subprocess.Popen([sys.executable, str(example), "--organisation", organisation, "--json",
                                 "--amqp-uri", rabbit_config["AMQP_URI"], "--idle-exit", "6", *extra],
                                stdout=subprocess.PIPE, text=True)

    # A message left from an earlier run names a referral that is not there any more.
    stale = partner.registry.make("referral_requested", {
        "referral_id": str(uuid.uuid4()), "client_id": str(uuid.uuid4()), "requesting_organisation": COUNTY,
        "target_organisation": NGO, "requested_by": WORKER, "service": "ngo_peer_support",
        "priority": "routine", "accept_by": clock.now().isoformat(), "shared": {}}, source="referral")
    with Connection(rabbit_config["AMQP_URI"]) as connection:
        Producer(connection.default_channel).publish(
            stale, exchange="tiimi.partners", serializer="json",
            routing_key=partner.routing_word(NGO) + ".referral_requested")
    ngo, other = start(NGO, "--answer"), start(OTHER)
    try:
        for process in (ngo, other):
            assert json.loads(process.stdout.readline())["kind"] == "listening"
        grant(rpc, client_id, ["basic"])
        referral_id = create(rpc, client_id, clock)["id"]
        send(rpc, referral_id)
        ngo_lines = [json.loads(line) for line in ngo.communicate(timeout=60)[0].splitlines()]
        other_lines = [json.loads(line) for line in other.communicate(timeout=60)[0].splitlines()]
    finally:
        for process in (ngo, other):
            process.kill()
    assert [line["referral_id"] for line in ngo_lines if line["kind"] == "answer_failed"] == [
        stale["data"]["referral_id"]]  # told, and the partner went on
    (received,) = [line for line in ngo_lines if line["kind"] == "message"
                   and line["envelope"]["data"]["referral_id"] == referral_id]
    assert received["envelope"]["data"]["shared"] == {"basic": SHARE["basic"]}
    assert [line["status"] for line in ngo_lines if line["kind"] == "answered"] == [
        "accepted", "in_progress", "completed"]
    assert other_lines == []
    final = rpc.referral.get_referral(referral_id=referral_id, organisation=COUNTY)
    assert final["status"] == "completed" and final["outcome"]["code"] == "service_provided"


# -- the disclosure, logged from the send's own transaction; a loss that races a send ---------


@pytest.mark.integration
def test_a_send_is_logged_as_disclosed_once_from_its_event_under_the_consent_it_rested_on(
        rpc, client_id, clock, partners):
    consent_record = grant(rpc, client_id, ["basic", "health"])
    draft = create(rpc, client_id, clock)
    send(rpc, draft["id"])
    with pytest.raises(Conflict):
        send(rpc, draft["id"])  # a repeated send is refused, and discloses nothing more
    disclosed = disclosures(rpc, client_id, 2)
    assert sorted((e["category"], e["consent_id"], e["outcome"]) for e in disclosed) == [
        ("basic", consent_record["id"], "permit"), ("health", consent_record["id"], "permit")]
    assert len(disclosures(rpc, client_id, 3, timeout=1.0)) == 2
    # The client's report (permits only, as the client reads it) shows them.
    report = rpc.consent.disclosure_report(client_id=client_id)["entries"]
    assert sorted(e["category"] for e in report if e["kind"] == "disclosure") == ["basic", "health"]


def interleave(monkeypatch, before_the_write):
    """Run ``before_the_write(client_id)`` after the send's consent check has answered and before its
    write transaction: the consent gate answers as the consent service did, then the other thing
    happens."""
    from tiimi_shared.consent_gate import Gate

    decide = Gate.decide
    done = []

    def decided_then(gate, client, requests):
        answer = decide(gate, client, requests)
        if not done:
            done.append(client)
            before_the_write(client)
        return answer

    monkeypatch.setattr(Gate, "decide", decided_then)
    return done


@pytest.mark.integration
def test_a_send_refused_after_its_consent_check_logs_no_disclosure(
        rpc, rabbit_config, client_id, clock, partners, monkeypatch):
    grant(rpc, client_id, ["basic"])
    draft = create(rpc, client_id, clock)

    def marked_in_error(_):
        with ClusterRpcProxy(rabbit_config, timeout=20) as other:
            other.referral.change_status(referral_id=draft["id"], status="entered_in_error",
                                         by=COUNTY_WORKER, reason="wrong client")

    assert not interleave(monkeypatch, marked_in_error)
    with pytest.raises(Conflict):
        send(rpc, draft["id"])
    assert partners["all"].settle(1.0) == []
    assert disclosures(rpc, client_id, 1, timeout=2.0) == []


def losses_handled(database_url, client_id):
    import sqlalchemy as sa

    from tiimi_shared.database import make_engine

    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text("SELECT count(*) FROM consent_losses WHERE client_id = :c"),
                                      {"c": client_id}).scalar_one()
    finally:
        engine.dispose()


@pytest.mark.integration
def test_a_withdrawal_handled_between_a_sends_check_and_its_write_still_keeps_the_data_from_the_partner(
        rpc, rabbit_config, configs, client_id, clock, partners, monkeypatch):
    consent_record = grant(rpc, client_id, ["basic", "health"])
    draft = create(rpc, client_id, clock)
    referral_database = configs[ReferralService]["DATABASE_URL"]

    def withdrawn_and_handled(client):
        with ClusterRpcProxy(rabbit_config, timeout=20) as other:
            other.consent.withdraw(consent_id=consent_record["id"], withdrawn_by=WORKER,
                                   reason="client asked")
        # The referral service handles consent_withdrawn off the broker: it finds no shared referral.
        deadline = time.monotonic() + 15
        while losses_handled(referral_database, client) == 0:
            assert time.monotonic() < deadline, "the withdrawal was not handled"
            time.sleep(0.05)

    interleaved = interleave(monkeypatch, withdrawn_and_handled)
    sent = send(rpc, draft["id"])
    assert interleaved == [client_id]  # the check answered permit for both, before the withdrawal
    assert sent["shared_categories"] == []
    assert sent["withheld"] == {"basic": "consent_withdrawn", "health": "consent_withdrawn"}
    # The partner was never given what the client withdrew, and no disclosure is logged.
    (requested,) = partners[NGO].wait_for(1)
    assert requested["type"] == "referral_requested" and requested["data"]["shared"] == {}
    assert "Maija" not in json.dumps(partners[NGO].settle(1.0))
    assert disclosures(rpc, client_id, 1, timeout=2.0) == []


def referral_status(database_url, referral_id):
    import sqlalchemy as sa

    from tiimi_shared.database import make_engine

    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text("SELECT status FROM referrals WHERE id = :r"),
                                      {"r": referral_id}).scalar_one()
    finally:
        engine.dispose()


@pytest.mark.integration
def test_a_send_that_commits_while_the_withdrawals_handler_asks_consent_is_told_to_stop(
        rpc, rabbit_config, configs, client_id, clock, partners, monkeypatch):
    import eventlet.event

    from tiimi_shared.consent_gate import Gate

    consent_record = grant(rpc, client_id, ["basic"])
    first = create(rpc, client_id, clock)["id"]
    send(rpc, first)  # shared: the withdrawal's handler will ask consent about it
    second = create(rpc, client_id, clock)["id"]
    referral_database = configs[ReferralService]["DATABASE_URL"]
    handler_asking = eventlet.event.Event()
    decide = Gate.decide
    calls = []

    def interleaved(gate, client, requests):
        calls.append(client)
        answer = decide(gate, client, requests)
        if len(calls) == 1:
            # The second send's check has permitted basic. Now the client withdraws; this send
            # writes only once the withdrawal's handler has read what is shared and is asking.
            with ClusterRpcProxy(rabbit_config, timeout=20) as other:
                other.consent.withdraw(consent_id=consent_record["id"], withdrawn_by=WORKER,
                                       reason="client asked")
            handler_asking.wait()
        elif len(calls) == 2:
            # The handler asks about the first referral; it answers once the second is sent.
            handler_asking.send(True)
            deadline = time.monotonic() + 15
            while referral_status(referral_database, second) != "requested":
                assert time.monotonic() < deadline, "the second send did not commit"
                time.sleep(0.05)
        return answer

    monkeypatch.setattr(Gate, "decide", interleaved)
    with eventlet.Timeout(30):
        sent = send(rpc, second)
    assert sent["shared_categories"] == ["basic"]  # decided before the withdrawal
    messages = partners[NGO].wait_for(4)
    stops = {m["data"]["referral_id"] for m in messages if m["type"] == "referral_stop_processing"}
    assert stops == {first, second}  # the second too, though the handler had not seen it shared
    assert rpc.referral.get_referral(referral_id=second, organisation=NGO)["shared"] == {}
