"""Issue 14: the whole system under faults (bench/chaos/), its checker, and the personal-data scan.

The integration test runs the harness's short profile: its own RabbitMQ node and PostgreSQL
cluster (which it restarts; the machine's are never touched), every service as a real
process, two partners and a webhook receiver, every fault once. The other tests hold the
checker and the scanner to what they must find, on made-up histories.
"""

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

CHAOS = Path(__file__).resolve().parents[1] / "bench" / "chaos"
sys.path.insert(0, str(CHAOS))

import check  # noqa: E402
from load import HOLDING_PARTNER, SERVING_PARTNER, Driver, Person, Story, identity_code  # noqa: E402
from stdnum.fi import hetu  # noqa: E402

DEFINITIONS = {
    "bindings": [
        {
            "source": "referral.events",
            "destination": "evt-referral-referral_status_changed--notify.on_referral_status_changed",
            "routing_key": "referral_status_changed",
        }
    ]
}
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def _state(**changes):
    state = check.State(
        outboxes={"consent": [], "team": [], "referral": [], "notify": [], "referral/partner": []},
        processed={"consent": set(), "team": set(), "referral": set(), "notify": set()},
        consents=[],
        disclosures=[],
        clients=[],
        teams=[],
        members=[],
        referrals=[],
        steps=[],
        deliveries=[],
    )
    for key, value in changes.items():
        setattr(state, key, value)
    return state


def _story(number=1, partner=SERVING_PARTNER, referral_id="r-1", client_id="c-1", consent_id="k-1"):
    story = Story(
        number,
        "served",
        partner,
        False,
        Person(number),
        "kw-1",
        client_id=client_id,
        consent_id=consent_id,
        referral_id=referral_id,
        sent=True,
        outcome="done",
    )
    return story


def _driver(*stories):
    driver = Driver("http://unused", lambda *a: "token", 60)
    driver.stories.extend(stories)
    return driver


def _consent(organisation=SERVING_PARTNER, categories=("basic", "team"), withdrawn_at=None):
    return {
        "id": "k-1",
        "client_id": "c-1",
        "organisation": organisation,
        "categories": list(categories),
        "purposes": ["team_coordination", "referral"],
        "status": "active",
        "valid_until": None,
        "withdrawn_at": withdrawn_at,
        "expired_at": None,
        "recorded_at": NOW - timedelta(minutes=5),
    }


def _requested(event_id="e-1", referral_id="r-1", target=SERVING_PARTNER, shared=("basic",), at=NOW):
    envelope = {
        "id": event_id,
        "type": "referral_requested",
        "occurred_at": at.isoformat(),
        "data": {
            "referral_id": referral_id,
            "client_id": "c-1",
            "target_organisation": target,
            "shared": {category: {} for category in shared},
        },
    }
    return {
        "event_id": event_id,
        "event_type": "referral_requested",
        "envelope": envelope,
        "published_at": at,
    }


def _received(row, organisation=SERVING_PARTNER, redelivered=False):
    return {"organisation": organisation, "redelivered": redelivered, "envelope": row["envelope"]}


def test_made_up_identity_codes_are_valid_and_distinct():
    codes = {identity_code(number) for number in range(3000)}
    assert len(codes) == 3000
    assert all(hetu.is_valid(code) for code in codes)


def test_the_scan_finds_an_identity_code_only_with_its_check_character():
    code = identity_code(7)
    wrong = code[:-1] + ("A" if code[-1] != "A" else "B")
    assert check.identity_codes(f"client {code} registered") == [code]
    assert check.identity_codes(f"client {wrong} registered") == []


def test_the_scan_finds_the_runs_names_addresses_and_numbers_in_a_log_line(tmp_path):
    person = Person(42)
    log = tmp_path / "team.log"
    log.write_text(
        json.dumps({"event": "registered", "who": person.name})
        + "\n"
        + json.dumps({"event": "contact", "email": person.email, "phone": person.phone})
        + "\n"
        + json.dumps({"event": "clean", "client_id": "c-1"})
        + "\n"
    )
    result = check.scan([log], [], [], _state())
    assert result.looked_at["log team.log"] == 3
    assert set(result.findings.counts) == {
        "pii:name in log team.log",
        "pii:e-mail in log team.log",
        "pii:phone in log team.log",
    }


def test_the_scan_allows_a_name_only_in_a_webhook_that_may_carry_details():
    person = Person(5)
    hooks = [
        {"body": f"subject for {person.name}", "payload": {"with_client_details": True}},
        {"body": f"subject for {person.name}", "payload": {"with_client_details": False}},
    ]
    result = check.scan([], [], hooks, _state())
    assert dict(result.findings.counts) == {"pii:name in webhook body": 1}


def test_the_scan_allows_an_identity_code_on_the_broker_only_to_and_from_team():
    code = identity_code(9)
    tapped = [
        {
            "exchange": "nameko-rpc",
            "routing_key": "team.register_client",
            "correlation_id": "a",
            "body": json.dumps({"kwargs": {"personal_identity_code": code}}),
        },
        {"exchange": "nameko-rpc", "routing_key": "reply-queue", "correlation_id": "a", "body": code},
        {
            "exchange": "nameko-rpc",
            "routing_key": "referral.create_referral",
            "correlation_id": "b",
            "body": code,
        },
        {"exchange": "team.events", "routing_key": "client_registered", "correlation_id": None, "body": code},
    ]
    result = check.scan([], tapped, [], _state())
    assert dict(result.findings.counts) == {
        "pii:identity code in broker rpc": 1,
        "pii:identity code in broker event (team.events)": 1,
    }


def test_a_partner_message_never_received_is_lost_and_one_received_twice_by_id_is_deduplicable():
    first, second = _requested("e-1", "r-1"), _requested("e-2", "r-2")
    state = _state(outboxes=_state().outboxes | {"referral/partner": [first, second]}, consents=[_consent()])
    driver = _driver(_story(1, referral_id="r-1"), _story(2, referral_id="r-2"))
    found = check.check(
        state, driver, [_received(first), _received(first, redelivered=True)], [], DEFINITIONS
    )
    assert found.counts["lost:partner message not received"] == 1
    assert found.counts["deduplicable:partner message redelivered (same id)"] == 1
    assert found.counts["duplicated:partner message twice (different ids)"] == 0


def test_two_messages_with_different_ids_for_one_referral_step_are_duplicated():
    first, again = _requested("e-1", "r-1"), _requested("e-9", "r-1")
    state = _state(
        outboxes=_state().outboxes | {"referral/partner": [first, again]},
        consents=[_consent()],
        disclosures=[
            {
                "kind": "disclosure",
                "client_id": "c-1",
                "organisation": SERVING_PARTNER,
                "category": "basic",
                "purpose": "referral",
            }
        ]
        * 2,
    )
    found = check.check(state, _driver(_story()), [_received(first), _received(again)], [], DEFINITIONS)
    assert found.counts["duplicated:partner message twice (different ids)"] == 1
    assert found.total("lost") == 0


def test_a_message_in_another_partners_queue_and_data_beyond_consent_are_unexpected():
    row = _requested("e-1", "r-1", shared=("basic", "health"))
    state = _state(outboxes=_state().outboxes | {"referral/partner": [row]}, consents=[_consent()])
    found = check.check(
        state,
        _driver(_story()),
        [_received(row), _received(row, organisation=HOLDING_PARTNER)],
        [],
        DEFINITIONS,
    )
    assert found.counts["unexpected:shared beyond consent"] == 1
    assert found.counts["unexpected:partner message in another partner's queue"] == 1


def test_a_withdrawal_after_sharing_demands_a_stop_message():
    row = _requested("e-1", "r-1", target=HOLDING_PARTNER, at=NOW)
    consent = _consent(HOLDING_PARTNER, withdrawn_at=NOW + timedelta(seconds=30))
    state = _state(
        outboxes=_state().outboxes | {"referral/partner": [row]},
        consents=[consent],
        disclosures=[
            {
                "kind": "disclosure",
                "client_id": "c-1",
                "organisation": HOLDING_PARTNER,
                "category": "basic",
                "purpose": "referral",
            }
        ],
    )
    story = _story(partner=HOLDING_PARTNER)
    found = check.check(state, _driver(story), [_received(row, HOLDING_PARTNER)], [], DEFINITIONS)
    assert found.counts["lost:partner not told to stop"] == 1
    assert found.counts["lost:sent referral with no webhook"] == 1


def test_an_event_published_and_not_handled_by_its_consumer_is_lost():
    event = {
        "event_id": "ev-1",
        "event_type": "referral_status_changed",
        "envelope": {"data": {}},
        "published_at": NOW,
    }
    state = _state(outboxes=_state().outboxes | {"referral": [event]})
    assert check.check(state, _driver(), [], [], DEFINITIONS).counts["lost:event not handled"] == 1
    state.processed["notify"].add(("notify.on_referral_status_changed", "ev-1"))
    assert check.check(state, _driver(), [], [], DEFINITIONS).counts["lost:event not handled"] == 0


def test_an_orphan_draft_counts_as_a_request_carried_out_twice():
    state = _state(
        referrals=[
            {"id": "r-1", "client_id": "c-1", "status": "requested"},
            {"id": "r-orphan", "client_id": "c-1", "status": "draft"},
        ]
    )
    found = check.check(state, _driver(_story(referral_id="r-1")), [], [], DEFINITIONS)
    assert found.counts["duplicated:orphan referral (a create carried out twice)"] == 1


@pytest.mark.integration
@pytest.mark.timeout(1200)
def test_the_whole_system_under_every_fault_loses_nothing_and_does_nothing_twice(tmp_path):
    run = subprocess.run(
        [sys.executable, str(CHAOS / "run.py"), "--profile", "short", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=1150,
    )
    print(run.stdout[-6000:], run.stderr[-3000:])
    result_file = tmp_path / "short.json"
    assert result_file.exists(), run.stdout[-3000:] + run.stderr[-3000:]
    result = json.loads(result_file.read_text())
    table = (tmp_path / "short.md").read_text()
    assert result["events"] >= 1000, table
    assert all(not fault["result"].startswith("FAILED") for fault in result["faults"]), table
    assert len(result["faults"]) == 10, table
    assert result["lost"] == 0, table
    assert result["duplicated"] == 0, table
    assert result["unexpected"] == 0, table
    assert result["log_intact"], table
    assert result["outbox_backlog"] == {}, table
    assert result["dead_letters"] == [], table
    assert result["pii_findings"] == 0, table
    assert result["pii_looked_at"], table
    assert result["passed"] and run.returncode == 0, table


def test_the_checker_opens_what_the_services_seal_at_rest():
    from cryptography.fernet import Fernet

    key = Fernet.generate_key().decode()
    check.use_data_keys(f"new:{Fernet.generate_key().decode()},old:{key}")
    sealed = "v1:old:" + Fernet(key.encode()).encrypt(b'{"id": "e-1"}').decode()
    assert check._json(sealed) == {"id": "e-1"}
    assert check._json({"id": "e-2"}) == {"id": "e-2"}
