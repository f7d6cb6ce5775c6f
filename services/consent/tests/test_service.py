"""The consent service running in nameko on a real broker, on SQLite and PostgreSQL."""
import time
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from kombu import Connection, Exchange, Queue
from nameko.testing.services import entrypoint_hook

from consent.service import ConsentService
from tiimi_shared.errors import Conflict, NotFound, ValidationError

pytestmark = pytest.mark.integration

ORG = "0123456-7"  # an NGO, by business ID
OTHER_ORG = "7654321-0"


def grant_args(client_id, **overrides):
    args = {
        "client_id": client_id,
        "given_by": {"kind": "client"},
        "recipient_organisation": ORG,
        "categories": ["basic", "team"],
        "purposes": ["team_coordination"],
        "method": "written",
        "recorded_by": "sw-1001",
    }
    args.update(overrides)
    return args


def check_args(client_id, **overrides):
    args = {"client_id": client_id, "organisation": ORG, "category": "basic",
            "purpose": "team_coordination"}
    args.update(overrides)
    return args


def table_count(url, table):
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        count = connection.execute(sa.text(f"select count(*) from {table}")).scalar_one()
    engine.dispose()
    return count


def test_granted_consent_permits_and_withdrawal_denies_at_once(consent_rpc):
    client = str(uuid.uuid4())
    consent = consent_rpc.grant(**grant_args(client))
    assert consent["status"] == "active"

    permit = consent_rpc.check(**check_args(client))
    assert (permit["decision"], permit["reason"], permit["consent_id"]) == (
        "permit", "permitted", consent["id"])

    withdrawn = consent_rpc.withdraw(consent_id=consent["id"], withdrawn_by="sw-1001",
                                     reason="client asked")
    assert withdrawn["status"] == "withdrawn"
    deny = consent_rpc.check(**check_args(client))
    assert (deny["decision"], deny["reason"], deny["consent_id"]) == ("deny", "withdrawn", consent["id"])


def test_unknown_client_and_uncovered_requests_are_denied(consent_rpc):
    unknown = consent_rpc.check(**check_args(str(uuid.uuid4())))
    assert (unknown["decision"], unknown["reason"]) == ("deny", "unknown_client")

    client = str(uuid.uuid4())
    consent_rpc.grant(**grant_args(client))
    for request in (check_args(client, organisation=OTHER_ORG),
                    check_args(client, category="health"),
                    check_args(client, purpose="referral")):
        answer = consent_rpc.check(**request)
        assert (answer["decision"], answer["reason"]) == ("deny", "no_consent")


def test_expired_consent_is_denied_and_the_sweep_emits_consent_expired(
        consent_container, consent_rpc, clock, consent_config):
    client = str(uuid.uuid4())
    ends = clock.now() + timedelta(days=30)
    consent = consent_rpc.grant(**grant_args(client, valid_until=ends.isoformat()))
    with event_queue(consent_config["AMQP_URI"], "consent_expired") as received:
        clock.advance(timedelta(days=30))
        answer = consent_rpc.check(**check_args(client))
        assert (answer["decision"], answer["reason"]) == ("deny", "expired")

        with entrypoint_hook(consent_container, "expire_consents") as expire:
            assert expire() == 1
            assert expire() == 0  # already expired: no second event
        events = received(expected=1)
    assert [e["data"]["consent_id"] for e in events] == [consent["id"]]
    listed = consent_rpc.list_consents(client_id=client)["consents"][0]
    assert listed["status"] == "expired"
    assert [h["action"] for h in listed["history"]] == ["granted", "expired"]


def test_consents_ending_soon_are_told_for_many_clients_at_once(consent_rpc, clock):
    client, other = str(uuid.uuid4()), str(uuid.uuid4())
    consent_rpc.grant(**grant_args(client, valid_until=(clock.now() + timedelta(days=10)).isoformat()))
    consent_rpc.grant(**grant_args(other, valid_until=(clock.now() + timedelta(days=20)).isoformat()))
    answer = consent_rpc.ending_soon(client_ids=[client, other], within_days=14)
    assert [(e["client_id"], e["consents_ending"], e["first_ends_at"] is not None) for e in answer] == [
        (client, 1, True), (other, 0, False)]


def test_denial_overrides_a_permit_until_lifted(consent_rpc):
    client = str(uuid.uuid4())
    consent_rpc.grant(**grant_args(client))
    denial = consent_rpc.deny(client_id=client, organisation=None, categories=["basic"],
                              recorded_by="sw-1001")
    denied = consent_rpc.check(**check_args(client))
    assert (denied["decision"], denied["reason"], denied["denial_id"]) == (
        "deny", "denied_by_client", denial["id"])
    # The denial names basic only: team is still permitted.
    assert consent_rpc.check(**check_args(client, category="team"))["decision"] == "permit"

    consent_rpc.lift_denial(denial_id=denial["id"], lifted_by="sw-1001", reason="client changed mind")
    assert consent_rpc.check(**check_args(client))["decision"] == "permit"


def test_consent_narrowed_to_professionals_permits_only_them(consent_rpc):
    client = str(uuid.uuid4())
    consent_rpc.grant(**grant_args(client, professionals=["ngo-77"]))
    assert consent_rpc.check(**check_args(client, professional="ngo-77"))["decision"] == "permit"
    other = consent_rpc.check(**check_args(client, professional="ngo-78"))
    assert (other["decision"], other["reason"]) == ("deny", "professional_not_named")


def test_representative_consent_needs_the_relation(consent_rpc, consent_config):
    client = str(uuid.uuid4())
    with pytest.raises(ValidationError) as refused:
        consent_rpc.grant(**grant_args(client, given_by={"kind": "legal_representative"}))
    assert "given_by.relation" in refused.value.errors
    granted = consent_rpc.grant(**grant_args(
        client, given_by={"kind": "legal_representative", "relation": "trustee"}))
    assert granted["given_by"] == {"kind": "legal_representative", "relation": "trustee"}
    assert consent_rpc.check(**check_args(client))["decision"] == "permit"


@pytest.mark.parametrize("change, field", [
    ({"colour": "blue"}, "colour"),
    ({"categories": ["basic", "horoscope"]}, "categories"),
    ({"purposes": ["marketing"]}, "purposes"),
    ({"recorded_by": None}, "recorded_by"),
    ({"client_id": "010101-123N"}, "client_id"),
    ({"recipient_organisation": "not an id!"}, "recipient_organisation"),
    ({"valid_from": "2030-01-02T00:00:00+00:00", "valid_until": "2030-01-01T00:00:00+00:00"},
     "valid_until"),
    ({"method": "telepathy"}, "method"),
])
def test_bad_grant_is_refused_naming_the_field_and_stores_nothing(
        consent_rpc, consent_config, change, field):
    args = grant_args(str(uuid.uuid4()))
    args.update(change)
    with pytest.raises(ValidationError) as refused:
        consent_rpc.grant(**args)
    assert field in refused.value.errors
    assert field in str(refused.value)
    assert "010101-123N" not in str(refused.value)
    assert table_count(consent_config["DATABASE_URL"], "consents") == 0
    assert table_count(consent_config["DATABASE_URL"], "outbox") == 0


def test_missing_recorder_is_refused(consent_rpc, consent_config):
    args = grant_args(str(uuid.uuid4()))
    del args["recorded_by"]
    with pytest.raises(ValidationError) as refused:
        consent_rpc.grant(**args)
    assert refused.value.errors == {"recorded_by": ["Missing data for required field."]}
    assert table_count(consent_config["DATABASE_URL"], "consents") == 0


def test_malformed_check_is_a_deny_naming_the_field(consent_rpc):
    answer = consent_rpc.check(client_id="not-a-uuid", organisation=ORG, category="basic",
                               purpose="team_coordination")
    assert (answer["decision"], answer["reason"]) == ("deny", "malformed_request")
    assert list(answer["errors"]) == ["client_id"]
    assert "client_id" not in answer["request"]


def test_batch_check_answers_each_request_in_order(consent_rpc):
    client = str(uuid.uuid4())
    consent_rpc.grant(**grant_args(client))
    answer = consent_rpc.check_many(client_id=client, requests=[
        {"organisation": ORG, "category": "basic", "purpose": "team_coordination"},
        {"organisation": ORG, "category": "health", "purpose": "team_coordination"},
        {"organisation": OTHER_ORG, "professional": "x-1", "category": "team",
         "purpose": "team_coordination"},
    ])
    assert [(d["decision"], d["reason"]) for d in answer["decisions"]] == [
        ("permit", "permitted"), ("deny", "no_consent"), ("deny", "no_consent")]


def test_withdrawing_twice_is_a_conflict_and_unknown_consent_not_found(consent_rpc):
    consent = consent_rpc.grant(**grant_args(str(uuid.uuid4())))
    consent_rpc.withdraw(consent_id=consent["id"], withdrawn_by="sw-1001", reason="asked")
    with pytest.raises(Conflict) as conflict:
        consent_rpc.withdraw(consent_id=consent["id"], withdrawn_by="sw-1001", reason="again")
    assert conflict.value.current_state == "withdrawn"
    with pytest.raises(NotFound):
        consent_rpc.withdraw(consent_id=str(uuid.uuid4()), withdrawn_by="sw-1001", reason="x")


def test_disclosure_report_shows_who_was_given_what_under_which_consent(consent_rpc):
    client = str(uuid.uuid4())
    consent = consent_rpc.grant(**grant_args(client))
    consent_rpc.check(**check_args(client, professional="ngo-77"))
    consent_rpc.check(**check_args(client, category="health"))
    consent_rpc.record_disclosure(**check_args(client, professional="ngo-77"), consent_id=consent["id"])

    report = consent_rpc.disclosure_report(client_id=client)["entries"]
    assert [(e["kind"], e["organisation"], e["professional"], e["category"], e["purpose"],
             e["consent_id"]) for e in report] == [
        ("decision", ORG, "ngo-77", "basic", "team_coordination", consent["id"]),
        ("disclosure", ORG, "ngo-77", "basic", "team_coordination", consent["id"]),
    ]
    everything = consent_rpc.disclosure_report(client_id=client, include_denied=True)["entries"]
    assert [e["outcome"] for e in everything] == ["permit", "deny", "permit"]


def test_a_read_inside_the_data_holding_organisation_is_logged_in_the_chain(consent_rpc):
    client = str(uuid.uuid4())
    entry = consent_rpc.record_access(**check_args(client, professional="sw-1001"))
    assert (entry["kind"], entry["outcome"], entry["reason"]) == ("access", "permit", "own_organisation")
    assert consent_rpc.disclosure_report(client_id=client)["entries"] == [entry]
    assert consent_rpc.verify_log()["intact"]
    with pytest.raises(ValidationError) as refused:
        consent_rpc.record_access(client_id=client, organisation=ORG, category="dreams", purpose="referral")
    assert "category" in refused.value.errors


def test_a_read_is_decided_and_disclosed_in_one_call_and_refused_whole_after_withdrawal(consent_rpc):
    client = str(uuid.uuid4())
    consent = consent_rpc.grant(**grant_args(client))
    requests = [{"organisation": ORG, "professional": "ngo-77", "category": category,
                 "purpose": "team_coordination"} for category in ("basic", "team")]

    answer = consent_rpc.disclose(client_id=client, requests=requests)
    assert [(d["decision"], d["consent_id"]) for d in answer["decisions"]] == [("permit", consent["id"])] * 2
    assert [(e["kind"], e["category"], e["consent_id"]) for e in answer["disclosures"]] == [
        ("disclosure", "basic", consent["id"]), ("disclosure", "team", consent["id"])]
    report = consent_rpc.disclosure_report(client_id=client)["entries"]
    assert [e["kind"] for e in report] == ["decision", "decision", "disclosure", "disclosure"]

    consent_rpc.withdraw(consent_id=consent["id"], withdrawn_by="sw-1001", reason="client asked")
    refused = consent_rpc.disclose(client_id=client, requests=requests)
    assert [d["reason"] for d in refused["decisions"]] == ["withdrawn", "withdrawn"]
    assert refused["disclosures"] == []


def test_a_malformed_read_is_a_deny_that_discloses_nothing(consent_rpc):
    answer = consent_rpc.disclose(client_id=str(uuid.uuid4()), requests=[
        {"organisation": ORG, "category": "dreams", "purpose": "team_coordination"}])
    assert (answer["decision"], answer["reason"], answer["decisions"], answer["disclosures"]) == (
        "deny", "malformed_request", [], [])
    assert "requests" in answer["errors"]


def test_a_read_of_several_categories_at_home_is_logged_as_accesses(consent_rpc):
    client = str(uuid.uuid4())
    answer = consent_rpc.record_accesses(client_id=client, requests=[
        {"organisation": ORG, "professional": "sw-1001", "category": category,
         "purpose": "team_coordination"} for category in ("basic", "team")])
    assert [(e["kind"], e["category"], e["reason"]) for e in answer["entries"]] == [
        ("access", "basic", "own_organisation"), ("access", "team", "own_organisation")]
    assert consent_rpc.disclosure_report(client_id=client)["entries"] == answer["entries"]
    with pytest.raises(ValidationError) as refused:
        consent_rpc.record_accesses(client_id=client, requests=[])
    assert "requests" in refused.value.errors


def test_disclosure_not_covered_by_the_named_consent_is_refused(consent_rpc):
    client = str(uuid.uuid4())
    consent = consent_rpc.grant(**grant_args(client))
    with pytest.raises(Conflict):
        consent_rpc.record_disclosure(**check_args(client, category="health"), consent_id=consent["id"])


def test_disclosure_log_verifies_and_detects_a_changed_or_removed_row(consent_container, consent_rpc,
                                                                     consent_config):
    client = str(uuid.uuid4())
    consent_rpc.grant(**grant_args(client))
    for _ in range(4):
        consent_rpc.check(**check_args(client))
    assert consent_rpc.verify_log() == {"intact": True, "entries": 4, "unchained": 4, "problems": []}
    with entrypoint_hook(consent_container, "chain_log") as chain_log:
        assert chain_log() == 4
    assert consent_rpc.verify_log() == {"intact": True, "entries": 4, "unchained": 0, "problems": []}

    engine = sa.create_engine(consent_config["DATABASE_URL"])
    with engine.begin() as connection:
        connection.execute(sa.text("update disclosure_log set outcome = 'deny' where seq = 2"))
    assert consent_rpc.verify_log()["problems"] == [{"seq": 2, "problem": "changed"}]

    with engine.begin() as connection:
        connection.execute(sa.text("update disclosure_log set outcome = 'permit' where seq = 2"))
        connection.execute(sa.text("delete from disclosure_log where seq = 3"))
    assert consent_rpc.verify_log()["problems"] == [
        {"seq": 3, "problem": "missing"}, {"seq": 4, "problem": "broken_link"}]

    with engine.begin() as connection:
        connection.execute(sa.text("delete from disclosure_log where seq >= 3"))
    result = consent_rpc.verify_log()
    assert not result["intact"]
    assert {"seq": 4, "problem": "missing"} in result["problems"]
    engine.dispose()


def test_a_decision_is_stored_before_it_is_answered_and_survives_a_crash_before_chaining(
        container_factory, consent_config):
    container = container_factory(ConsentService, consent_config)
    container.start()
    client = str(uuid.uuid4())
    with entrypoint_hook(container, "check") as check:
        answers = [check(**check_args(client)) for _ in range(3)]
    container.kill()  # the process dies: no sequencer ran, nothing was flushed on the way out

    engine = sa.create_engine(consent_config["DATABASE_URL"])
    with engine.connect() as connection:
        stored = connection.execute(sa.text(
            "select entry_id, seq from disclosure_log order by id")).all()
    engine.dispose()
    assert stored == [(answer["entry_id"], None) for answer in answers]

    restarted = container_factory(ConsentService, consent_config)
    restarted.start()
    with entrypoint_hook(restarted, "chain_log") as chain_log:
        assert chain_log() == 3
    with entrypoint_hook(restarted, "verify_log") as verify_log:
        assert verify_log() == {"intact": True, "entries": 3, "unchained": 0, "problems": []}
    with entrypoint_hook(restarted, "disclosure_report") as report:
        assert [e["seq"] for e in report(client_id=client, include_denied=True)["entries"]] == [1, 2, 3]


def test_the_sequencer_chains_new_entries_by_itself(container_factory, consent_config):
    container = container_factory(ConsentService, consent_config | {"CHAIN_INTERVAL": 0.05})
    container.start()
    client = str(uuid.uuid4())
    with entrypoint_hook(container, "check") as check:
        check(**check_args(client))
    deadline = time.monotonic() + 10
    with entrypoint_hook(container, "verify_log") as verify_log:
        while (checked := verify_log())["unchained"] and time.monotonic() < deadline:
            time.sleep(0.05)
    assert checked == {"intact": True, "entries": 1, "unchained": 0, "problems": []}


def test_the_report_shows_entries_not_yet_chained_with_no_seq(consent_rpc):
    client = str(uuid.uuid4())
    consent_rpc.check(**check_args(client))

    (entry,) = consent_rpc.disclosure_report(client_id=client, include_denied=True)["entries"]

    assert (entry["seq"], entry["outcome"], entry["reason"]) == (None, "deny", "unknown_client")


def test_each_change_is_an_event_with_ids_only(consent_rpc, consent_config):
    client = str(uuid.uuid4())
    types = ["consent_granted", "consent_withdrawn", "denial_recorded", "denial_lifted"]
    with event_queue(consent_config["AMQP_URI"], *types) as received:
        consent = consent_rpc.grant(**grant_args(client))
        consent_rpc.withdraw(consent_id=consent["id"], withdrawn_by="sw-1001",
                             reason="Matti Meikäläinen 010101-123N asked")
        denial = consent_rpc.deny(client_id=client, organisation=ORG, categories=["health"],
                                  reason="private", recorded_by="sw-1001")
        consent_rpc.lift_denial(denial_id=denial["id"], lifted_by="sw-1001", reason="ok now")
        events = received(expected=4)
    assert [e["type"] for e in events] == types
    for event in events:
        assert event["source"] == "consent" and event["data"]["client_id"] == client
        assert "reason" not in event["data"]
        assert "Meikäläinen" not in str(event) and "010101-123N" not in str(event)


def test_correlation_id_of_the_caller_rides_on_the_event(consent_container, consent_config):
    from nameko.standalone.rpc import ServiceRpcProxy

    with event_queue(consent_config["AMQP_URI"], "consent_granted") as received:
        with ServiceRpcProxy("consent", consent_config,
                             context_data={"correlation_id": "req-42"}) as proxy:
            proxy.grant(**grant_args(str(uuid.uuid4())))
        (event,) = received(expected=1)
    assert event["correlation_id"] == "req-42"


# -- a consumer outside the services, on a queue of its own ----------------

class event_queue:
    """Bind a queue to the consent events before acting, then collect what arrives."""

    def __init__(self, amqp_uri, *types):
        self.amqp_uri = amqp_uri
        self.types = types

    def __enter__(self):
        self.connection = Connection(self.amqp_uri)
        exchange = Exchange("consent.events", type="topic", durable=True)
        self.queue = Queue("test-" + uuid.uuid4().hex, exchange=exchange, durable=False,
                           auto_delete=True, bindings=None)
        channel = self.connection.channel()
        self.queue = self.queue.bind(channel)
        exchange.bind(channel).declare()
        self.queue.declare()
        for event_type in self.types:
            self.queue.bind_to(exchange, routing_key=event_type)
        return self.receive

    def receive(self, expected, timeout=10.0, linger=0.5):
        import time

        got = []
        deadline = settle = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = self.queue.get(no_ack=True)
            if message is None:
                if len(got) >= expected:
                    if time.monotonic() > settle:
                        break
                time.sleep(0.05)
                continue
            got.append(message.payload)
            settle = time.monotonic() + linger
        return got

    def __exit__(self, *exc):
        self.connection.release()
