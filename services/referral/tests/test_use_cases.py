"""Every referral use case on in-memory fakes: no broker, no database."""
from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest

from referral import schemas, use_cases
from tiimi_shared import contracts
from tiimi_shared.errors import Conflict, Forbidden, NotFound, Unavailable, ValidationError
from tiimi_shared.events import EventType
from tiimi_shared.handlers import ReceivedEvent
from tiimi_shared.schemas import load
from tiimi_shared.testing.fakes import FakeClock, FakeConsentGate
from tiimi_shared.vocabulary import ConsentLost

from .fakes import FakeReferralUnitOfWork

COUNTY = "1234567-8"            # the requester
NGO = "1.2.246.10.1"            # the target
OTHER = "7654321-0"             # an organisation with no part in it
WORKER = "sw-1001"
COUNTY_WORKER = {"organisation": COUNTY, "professional_id": WORKER}
NGO_DESK = {"organisation": NGO, "professional_id": "ngo-desk"}
SHARE = {"basic": {"name": "Maija Meikäläinen", "language": "fi"},
         "health": {"summary": "sensitive health detail"}}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def uow(clock: FakeClock) -> FakeReferralUnitOfWork:
    return FakeReferralUnitOfWork(now=clock)


@pytest.fixture
def gate() -> FakeConsentGate:
    return FakeConsentGate()


@pytest.fixture
def client_id() -> str:
    return str(uuid.uuid4())


def create(uow: FakeReferralUnitOfWork, clock: FakeClock, client_id: str,
           **overrides: Any) -> use_cases.ReferralView:
    command = load(schemas.CreateReferral, {
        "client_id": client_id, "requesting_organisation": COUNTY, "requested_by": WORKER,
        "target_organisation": NGO, "service": "ngo_peer_support", "priority": "urgent",
        "reason": "needs peer support after discharge", "share": SHARE,
        "accept_by": (clock() + timedelta(days=3)).isoformat()} | overrides)
    return use_cases.create_referral(uow, command, now=clock())


def change(uow: FakeReferralUnitOfWork, clock: FakeClock, gate: FakeConsentGate, referral_id: str,
           status: str, by: dict[str, str], **extra: Any) -> use_cases.ReferralView:
    command = load(schemas.ChangeStatus, {"referral_id": referral_id, "status": status, "by": by} | extra)
    return use_cases.change_status(uow, command, now=clock(), gate=gate)


def send(uow: FakeReferralUnitOfWork, clock: FakeClock, gate: FakeConsentGate,
         referral_id: str) -> use_cases.ReferralView:
    return change(uow, clock, gate, referral_id, "requested", COUNTY_WORKER)


def seen_by(uow: FakeReferralUnitOfWork, referral_id: str, organisation: str) -> dict[str, Any]:
    return schemas.view(use_cases.get_referral(
        uow, load(schemas.ReferralQuery, {"referral_id": referral_id, "organisation": organisation})))


def sent_referral(uow: FakeReferralUnitOfWork, clock: FakeClock, gate: FakeConsentGate, client_id: str,
                  permitted: tuple[str, ...] = ("basic",)) -> str:
    gate.permit(client_id, NGO, permitted, "referral")
    referral_id = create(uow, clock, client_id).referral.id
    send(uow, clock, gate, referral_id)
    return referral_id


def event(event_type: EventType, data: dict[str, Any], clock: FakeClock, consumer: str) -> ReceivedEvent:
    envelope = contracts.registry.make(event_type.name, data, source=event_type.source, occurred_at=clock())
    return ReceivedEvent(envelope, f"referral.{consumer}")


def withdrawn(client_id: str, clock: FakeClock, categories: list[str],
              purposes: tuple[str, ...] = ("referral",)) -> ReceivedEvent:
    return event(contracts.CONSENT_WITHDRAWN, {
        "consent_id": str(uuid.uuid4()), "client_id": client_id, "recipient_organisation": NGO,
        "professionals": [], "categories": categories, "purposes": list(purposes),
        "withdrawn_at": clock(), "withdrawn_by": WORKER}, clock, "on_consent_withdrawn")


def team_created(client_id: str, clock: FakeClock, key_worker_id: str) -> ReceivedEvent:
    return event(contracts.TEAM_CREATED, {
        "team_id": str(uuid.uuid4()), "client_id": client_id, "organisation": COUNTY,
        "key_worker_id": key_worker_id, "created_by": WORKER}, clock, "on_team_created")


def key_worker_changed(client_id: str, clock: FakeClock, key_worker_id: str) -> ReceivedEvent:
    return event(contracts.KEY_WORKER_CHANGED, {
        "team_id": str(uuid.uuid4()), "client_id": client_id, "previous_key_worker_id": "sw-0000",
        "key_worker_id": key_worker_id, "changed_by": WORKER}, clock, "on_key_worker_changed")


# -- creating ----------------------------------------------------------------------------


def test_a_new_referral_is_a_draft_that_tiimi_hears_of_and_no_partner_does(
        uow: FakeReferralUnitOfWork, clock: FakeClock, client_id: str) -> None:
    view = schemas.view(create(uow, clock, client_id))
    assert view["status"] == "draft" and view["allowed_next"] == ["requested", "entered_in_error"]
    assert view["as"] == ["requester"] and view["share"] == SHARE
    assert [(s["from_status"], s["to_status"], s["by"]) for s in view["history"]] == [(None, "draft", WORKER)]
    assert uow.published_types() == ["referral_created"]
    assert uow.published_data(contracts.REFERRAL_CREATED)[0]["priority"] == "urgent"
    assert uow.told_partner() == []


def test_the_escalation_deadline_defaults_to_two_days_after_the_acceptance_deadline(
        uow: FakeReferralUnitOfWork, clock: FakeClock, client_id: str) -> None:
    referral = create(uow, clock, client_id).referral
    assert referral.escalate_by == referral.accept_by + timedelta(days=2)


@pytest.mark.parametrize(("field", "overrides"), [
    ("accept_by", {"accept_by": "2020-01-01T00:00:00+00:00"}),
    ("escalate_by", {"escalate_by": "2020-01-01T00:00:00+00:00"}),
])
def test_deadlines_in_the_past_or_out_of_order_create_nothing(
        uow: FakeReferralUnitOfWork, clock: FakeClock, client_id: str, field: str,
        overrides: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as refused:
        create(uow, clock, client_id, **overrides)
    assert field in refused.value.errors
    assert uow.referrals.rows == {} and uow.commits == 0


# -- sending -----------------------------------------------------------------------------


def test_sending_shares_only_what_consent_permits_and_logs_each_disclosure(
        uow: FakeReferralUnitOfWork, clock: FakeClock, gate: FakeConsentGate, client_id: str) -> None:
    gate.permit(client_id, NGO, ["basic"], "referral")
    referral_id = create(uow, clock, client_id).referral.id
    view = schemas.view(send(uow, clock, gate, referral_id))
    assert view["status"] == "requested"
    assert view["shared_categories"] == ["basic"] and view["withheld"] == {"health": "no_consent"}
    ((kind, message),) = uow.told_partner()
    assert kind == "referral_requested" and message["shared"] == {"basic": SHARE["basic"]}
    assert "needs peer support" not in str(message)  # the requester's note stays home
    (sent,) = uow.published_data(contracts.REFERRAL_STATUS_CHANGED)
    assert (sent["shared_categories"], sent["withheld_categories"]) == (["basic"], ["health"])
    (disclosed,) = uow.published_data(contracts.REFERRAL_DISCLOSED)
    assert disclosed == {"referral_id": referral_id, "client_id": client_id, "recipient_organisation": NGO,
                         "purpose": "referral", "consents": {"basic": gate.consent_id},
                         "disclosed_at": clock().isoformat()}
    assert gate.disclosures == []  # logged by the consent service from the event, not asked before


def test_the_disclosure_event_goes_out_with_the_send_and_only_with_it(
        uow: FakeReferralUnitOfWork, clock: FakeClock, gate: FakeConsentGate, client_id: str) -> None:
    gate.permit(client_id, NGO, ["basic"], "referral")
    referral_id = create(uow, clock, client_id).referral.id
    commits_before = uow.commits
    send(uow, clock, gate, referral_id)
    # One commit holds the status change, the partner's message and the disclosure event.
    assert uow.commits == commits_before + 1
    assert uow.published_types() == ["referral_created", "referral_status_changed", "referral_disclosed"]
    change(uow, clock, gate, referral_id, "accepted", NGO_DESK)
    assert len(uow.published_data(contracts.REFERRAL_DISCLOSED)) == 1


def test_a_send_that_shares_nothing_logs_no_disclosure(
        uow: FakeReferralUnitOfWork, clock: FakeClock, gate: FakeConsentGate, client_id: str) -> None:
    referral_id = create(uow, clock, client_id).referral.id
    view = schemas.view(send(uow, clock, gate, referral_id))
    assert view["shared_categories"] == [] and view["status"] == "requested"
    assert uow.published_data(contracts.REFERRAL_DISCLOSED) == []


def test_without_an_answer_from_consent_nothing_is_sent(
        uow: FakeReferralUnitOfWork, clock: FakeClock, gate: FakeConsentGate, client_id: str) -> None:
    referral_id = create(uow, clock, client_id).referral.id
    gate.available = False
    with pytest.raises(Unavailable) as refused:
        send(uow, clock, gate, referral_id)
    assert refused.value.dependency == "consent"
    assert uow.referrals.get(referral_id).status == "draft"
    assert uow.published_types() == ["referral_created"] and uow.told_partner() == []


def test_the_transition_is_decided_again_after_consent_was_asked(
        uow: FakeReferralUnitOfWork, clock: FakeClock, gate: FakeConsentGate, client_id: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    gate.permit(client_id, NGO, ["basic"], "referral")
    referral_id = create(uow, clock, client_id).referral.id
    decide = gate.decide

    def decide_while_someone_marks_it_in_error(client: str, requests: list[dict[str, Any]]
                                               ) -> list[dict[str, Any]] | None:
        uow.referrals.get(referral_id).status = "entered_in_error"
        return decide(client, requests)

    monkeypatch.setattr(gate, "decide", decide_while_someone_marks_it_in_error)
    with pytest.raises(Conflict) as refused:
        send(uow, clock, gate, referral_id)
    assert refused.value.current_state == "entered_in_error"
    # Refused after consent permitted: nothing told, and no disclosure logged.
    assert uow.told_partner() == [] and uow.published_types() == ["referral_created"]
    assert uow.published_data(contracts.REFERRAL_DISCLOSED) == [] and gate.disclosures == []


def test_a_repeated_send_is_refused_and_logs_no_second_disclosure(
        uow: FakeReferralUnitOfWork, clock: FakeClock, gate: FakeConsentGate, client_id: str) -> None:
    referral_id = sent_referral(uow, clock, gate, client_id)
    with pytest.raises(Conflict):
        send(uow, clock, gate, referral_id)
    assert len(uow.published_data(contracts.REFERRAL_DISCLOSED)) == 1
    assert [kind for kind, _ in uow.told_partner()] == ["referral_requested"]


# -- answering, cancelling, marking in error ---------------------------------------------


def test_each_side_may_make_only_its_own_moves(
        uow: FakeReferralUnitOfWork, clock: FakeClock, gate: FakeConsentGate, client_id: str) -> None:
    referral_id = create(uow, clock, client_id).referral.id
    with pytest.raises(Conflict) as early:
        change(uow, clock, gate, referral_id, "accepted", NGO_DESK)
    assert early.value.current_state == "draft" and early.value.allowed == ["entered_in_error"]
    send(uow, clock, gate, referral_id)
    with pytest.raises(Conflict) as wrong_side:
        change(uow, clock, gate, referral_id, "accepted", COUNTY_WORKER)
    assert wrong_side.value.allowed == ["cancelled", "entered_in_error"]
    assert uow.referrals.get(referral_id).status == "requested"


def test_an_organisation_with_no_part_in_the_referral_may_not_change_it(
        uow: FakeReferralUnitOfWork, clock: FakeClock, gate: FakeConsentGate, client_id: str) -> None:
    referral_id = sent_referral(uow, clock, gate, client_id)
    with pytest.raises(Forbidden):
        change(uow, clock, gate, referral_id, "accepted", {"organisation": OTHER, "professional_id": "x-1"})


def test_rejecting_needs_a_reason(
        uow: FakeReferralUnitOfWork, clock: FakeClock, gate: FakeConsentGate, client_id: str) -> None:
    referral_id = sent_referral(uow, clock, gate, client_id)
    with pytest.raises(ValidationError) as refused:
        change(uow, clock, gate, referral_id, "rejected", NGO_DESK)
    assert "reason" in refused.value.errors
    assert uow.referrals.get(referral_id).status == "requested"


def test_answers_go_back_to_the_requester_and_completion_keeps_its_outcome(
        uow: FakeReferralUnitOfWork, clock: FakeClock, gate: FakeConsentGate, client_id: str) -> None:
    referral_id = sent_referral(uow, clock, gate, client_id)
    change(uow, clock, gate, referral_id, "accepted", NGO_DESK)
    change(uow, clock, gate, referral_id, "in_progress", NGO_DESK)
    outcome = {"code": "goal_met", "summary": "joined a group"}
    change(uow, clock, gate, referral_id, "completed", NGO_DESK, outcome=outcome)
    view = seen_by(uow, referral_id, COUNTY)
    assert view["status"] == "completed" and view["outcome"] == outcome
    assert view["allowed_next"] == ["entered_in_error"]
    assert [(s["from_status"], s["to_status"], s["by_organisation"]) for s in view["history"]] == [
        (None, "draft", COUNTY), ("draft", "requested", COUNTY), ("requested", "accepted", NGO),
        ("accepted", "in_progress", NGO), ("in_progress", "completed", NGO)]
    assert view["history"][-1]["detail"] == {"outcome": outcome}
    changes = uow.published_data(contracts.REFERRAL_STATUS_CHANGED)
    assert [c["to_status"] for c in changes] == ["requested", "accepted", "in_progress", "completed"]
    assert [kind for kind, _ in uow.told_partner()] == ["referral_requested"]


def test_cancelling_a_sent_referral_tells_the_partner_and_hides_what_was_shared(
        uow: FakeReferralUnitOfWork, clock: FakeClock, gate: FakeConsentGate, client_id: str) -> None:
    referral_id = sent_referral(uow, clock, gate, client_id)
    change(uow, clock, gate, referral_id, "cancelled", COUNTY_WORKER, reason="the client moved away")
    assert [kind for kind, _ in uow.told_partner()] == ["referral_requested", "referral_cancelled"]
    assert uow.told_partner()[1][1]["cancelled_at"] == clock().isoformat()
    assert seen_by(uow, referral_id, NGO)["shared"] == {}


def test_marking_a_draft_in_error_tells_no_partner_but_marking_a_sent_one_does(
        uow: FakeReferralUnitOfWork, clock: FakeClock, gate: FakeConsentGate, client_id: str) -> None:
    draft_id = create(uow, clock, client_id).referral.id
    change(uow, clock, gate, draft_id, "entered_in_error", COUNTY_WORKER, reason="wrong client")
    assert uow.told_partner() == []
    sent_id = sent_referral(uow, clock, gate, client_id)
    change(uow, clock, gate, sent_id, "entered_in_error", NGO_DESK, reason="wrong client")
    assert [kind for kind, _ in uow.told_partner()] == ["referral_requested", "referral_entered_in_error"]
    assert seen_by(uow, sent_id, NGO)["shared"] == {}


# -- what each side sees -----------------------------------------------------------------


def test_the_target_sees_what_consent_let_through_and_none_of_the_requesters_notes(
        uow: FakeReferralUnitOfWork, clock: FakeClock, gate: FakeConsentGate, client_id: str) -> None:
    referral_id = sent_referral(uow, clock, gate, client_id)
    change(uow, clock, gate, referral_id, "accepted", NGO_DESK)
    change(uow, clock, gate, referral_id, "on_hold", NGO_DESK, reason="waiting for a place")
    view = seen_by(uow, referral_id, NGO)
    assert view["as"] == ["target"] and view["shared"] == {"basic": SHARE["basic"]}
    assert not {"reason", "share", "withheld", "shared_categories"} & set(view)
    assert view["history"][-1]["reason"] == "waiting for a place"  # its own reason
    assert [s["detail"] for s in view["history"]] == [{}] * 4  # not what was withheld, and why
    requester = seen_by(uow, referral_id, COUNTY)
    assert requester["history"][1]["detail"] == {"shared": ["basic"], "withheld": {"health": "no_consent"}}


def test_the_target_does_not_see_the_requesters_reason_for_cancelling(
        uow: FakeReferralUnitOfWork, clock: FakeClock, gate: FakeConsentGate, client_id: str) -> None:
    referral_id = sent_referral(uow, clock, gate, client_id)
    change(uow, clock, gate, referral_id, "cancelled", COUNTY_WORKER, reason="the client moved away")
    assert seen_by(uow, referral_id, NGO)["history"][-1]["reason"] is None
    assert seen_by(uow, referral_id, COUNTY)["history"][-1]["reason"] == "the client moved away"


def test_a_draft_is_not_found_by_its_target_and_forbidden_to_others(
        uow: FakeReferralUnitOfWork, clock: FakeClock, client_id: str) -> None:
    referral_id = create(uow, clock, client_id).referral.id
    with pytest.raises(NotFound):
        seen_by(uow, referral_id, NGO)
    with pytest.raises(Forbidden):
        seen_by(uow, referral_id, OTHER)
    with pytest.raises(NotFound):
        seen_by(uow, str(uuid.uuid4()), COUNTY)


def test_a_clients_referrals_are_listed_only_to_who_may_see_them(
        uow: FakeReferralUnitOfWork, clock: FakeClock, gate: FakeConsentGate, client_id: str) -> None:
    draft_id = create(uow, clock, client_id).referral.id
    clock.advance(timedelta(minutes=1))  # listed oldest first
    sent_id = sent_referral(uow, clock, gate, client_id)

    def listed(organisation: str) -> list[str]:
        command = load(schemas.ClientReferrals, {"client_id": client_id, "organisation": organisation})
        return [schemas.summary(seen)["id"] for seen in use_cases.referrals_of_client(uow, command)]

    assert listed(COUNTY) == [draft_id, sent_id]
    assert listed(NGO) == [sent_id]
    assert listed(OTHER) == []


def test_open_referrals_are_listed_by_direction(
        uow: FakeReferralUnitOfWork, clock: FakeClock, gate: FakeConsentGate, client_id: str) -> None:
    referral_id = sent_referral(uow, clock, gate, client_id)

    def open_ones(organisation: str, direction: str) -> list[dict[str, Any]]:
        command = load(schemas.OpenReferrals, {"organisation": organisation, "direction": direction})
        return [schemas.summary(seen) for seen in use_cases.open_referrals(uow, command)]

    (incoming,) = open_ones(NGO, "incoming")
    assert incoming["id"] == referral_id and incoming["allowed_next"] == [
        "accepted", "rejected", "entered_in_error"]
    assert open_ones(NGO, "outgoing") == []
    assert [r["id"] for r in open_ones(COUNTY, "both")] == [referral_id]
    change(uow, clock, gate, referral_id, "rejected", NGO_DESK, reason="no places this spring")
    assert open_ones(COUNTY, "both") == []


# -- deadlines ---------------------------------------------------------------------------


def test_an_unaccepted_referral_is_reminded_once_then_escalated_to_the_key_worker(
        uow: FakeReferralUnitOfWork, clock: FakeClock, gate: FakeConsentGate, client_id: str) -> None:
    use_cases.note_key_worker(uow, team_created(client_id, clock, "sw-2002"))
    referral_id = sent_referral(uow, clock, gate, client_id)
    assert use_cases.chase_unaccepted_referrals(uow, now=clock()) == 0
    clock.advance(timedelta(days=3, minutes=1))
    assert use_cases.chase_unaccepted_referrals(uow, now=clock()) == 1
    assert use_cases.chase_unaccepted_referrals(uow, now=clock()) == 0  # reminded once
    clock.advance(timedelta(days=2))
    assert use_cases.chase_unaccepted_referrals(uow, now=clock()) == 1
    assert uow.published_data(contracts.REFERRAL_OVERDUE)[0]["requested_by"] == WORKER
    assert uow.published_data(contracts.REFERRAL_ESCALATED)[0]["key_worker_id"] == "sw-2002"
    history = seen_by(uow, referral_id, COUNTY)["history"]
    assert [(s["kind"], s["by"]) for s in history][-2:] == [("overdue", "tiimi"), ("escalated", "tiimi")]
    assert history[-1]["detail"] == {"key_worker_id": "sw-2002"}


def test_a_referral_past_both_deadlines_is_reminded_and_escalated_at_once(
        uow: FakeReferralUnitOfWork, clock: FakeClock, gate: FakeConsentGate, client_id: str) -> None:
    sent_referral(uow, clock, gate, client_id)
    clock.advance(timedelta(days=6))
    assert use_cases.chase_unaccepted_referrals(uow, now=clock()) == 2
    escalated = uow.published_data(contracts.REFERRAL_ESCALATED)
    assert [e["key_worker_id"] for e in escalated] == [None]  # no team heard of yet


def test_a_referral_accepted_in_time_is_not_chased(
        uow: FakeReferralUnitOfWork, clock: FakeClock, gate: FakeConsentGate, client_id: str) -> None:
    referral_id = sent_referral(uow, clock, gate, client_id)
    change(uow, clock, gate, referral_id, "accepted", NGO_DESK)
    clock.advance(timedelta(days=10))
    assert use_cases.chase_unaccepted_referrals(uow, now=clock()) == 0
    assert contracts.REFERRAL_OVERDUE.name not in uow.published_types()


# -- consent lost ------------------------------------------------------------------------


def test_withdrawal_tells_the_partner_to_stop_processing(
        uow: FakeReferralUnitOfWork, clock: FakeClock, gate: FakeConsentGate, client_id: str) -> None:
    use_cases.note_key_worker(uow, team_created(client_id, clock, "sw-2002"))
    referral_id = sent_referral(uow, clock, gate, client_id, permitted=("basic", "health"))
    change(uow, clock, gate, referral_id, "accepted", NGO_DESK)
    gate.revoke(client_id, NGO)
    told = use_cases.stop_sharing_on_consent_lost(
        uow, withdrawn(client_id, clock, ["basic", "health"]), ConsentLost.WITHDRAWN,
        now=clock(), gate=gate)
    assert told == 1
    kind, stop = uow.told_partner()[-1]
    assert kind == "referral_stop_processing"
    assert stop["categories"] == ["basic", "health"] and stop["because"] == "consent_withdrawn"
    (stopped,) = uow.published_data(contracts.REFERRAL_STOP_REQUESTED)
    assert stopped["categories"] == ["basic", "health"] and stopped["key_worker_id"] == "sw-2002"
    assert seen_by(uow, referral_id, NGO)["shared"] == {}
    assert seen_by(uow, referral_id, COUNTY)["withheld"] == {
        "basic": "consent_withdrawn", "health": "consent_withdrawn"}
    assert seen_by(uow, referral_id, COUNTY)["history"][-1]["kind"] == "stop_requested"


def test_a_redelivered_withdrawal_asks_consent_no_second_time_and_tells_the_partner_once(
        uow: FakeReferralUnitOfWork, clock: FakeClock, gate: FakeConsentGate, client_id: str) -> None:
    sent_referral(uow, clock, gate, client_id, permitted=("basic", "health"))
    # Another consent still permits basic: it stays shared, and so a redelivery would ask about it again.
    gate.revoke(client_id, NGO).permit(client_id, NGO, ["basic"], "referral")
    asked_before = len(gate.asked)
    withdrawal = withdrawn(client_id, clock, ["basic", "health"])
    for _ in range(2):
        use_cases.stop_sharing_on_consent_lost(uow, withdrawal, ConsentLost.WITHDRAWN,
                                               now=clock(), gate=gate)
    assert len(gate.asked) == asked_before + 1
    assert [kind for kind, _ in uow.told_partner()] == ["referral_requested", "referral_stop_processing"]
    assert len(uow.published_data(contracts.REFERRAL_STOP_REQUESTED)) == 1


def test_a_category_another_consent_still_permits_is_not_stopped(
        uow: FakeReferralUnitOfWork, clock: FakeClock, gate: FakeConsentGate, client_id: str) -> None:
    referral_id = sent_referral(uow, clock, gate, client_id, permitted=("basic", "health"))
    gate.revoke(client_id, NGO).permit(client_id, NGO, ["basic"], "referral")
    use_cases.stop_sharing_on_consent_lost(uow, withdrawn(client_id, clock, ["basic", "health"]),
                                           ConsentLost.WITHDRAWN, now=clock(), gate=gate)
    assert uow.told_partner()[-1][1]["categories"] == ["health"]
    assert seen_by(uow, referral_id, NGO)["shared"] == {"basic": SHARE["basic"]}


def test_without_an_answer_from_consent_every_lost_category_is_stopped(
        uow: FakeReferralUnitOfWork, clock: FakeClock, gate: FakeConsentGate, client_id: str) -> None:
    sent_referral(uow, clock, gate, client_id, permitted=("basic", "health"))
    gate.available = False
    use_cases.stop_sharing_on_consent_lost(uow, withdrawn(client_id, clock, ["basic", "health"]),
                                           ConsentLost.WITHDRAWN, now=clock(), gate=gate)
    assert uow.told_partner()[-1][1]["categories"] == ["basic", "health"]


def test_a_consent_that_never_covered_referrals_stops_nothing_and_asks_nothing(
        uow: FakeReferralUnitOfWork, clock: FakeClock, gate: FakeConsentGate, client_id: str) -> None:
    sent_referral(uow, clock, gate, client_id)
    asked_before = len(gate.asked)
    told = use_cases.stop_sharing_on_consent_lost(
        uow, withdrawn(client_id, clock, ["basic"], purposes=("team_coordination",)),
        ConsentLost.WITHDRAWN, now=clock(), gate=gate)
    assert told == 0 and len(gate.asked) == asked_before
    assert [kind for kind, _ in uow.told_partner()] == ["referral_requested"]


def test_a_denial_for_every_organisation_stops_sharing_whatever_the_purpose(
        uow: FakeReferralUnitOfWork, clock: FakeClock, gate: FakeConsentGate, client_id: str) -> None:
    sent_referral(uow, clock, gate, client_id)
    gate.revoke(client_id, NGO)
    denial = event(contracts.DENIAL_RECORDED, {
        "denial_id": str(uuid.uuid4()), "client_id": client_id, "organisation": None,
        "categories": ["basic"], "recorded_by": WORKER}, clock, "on_denial_recorded")
    use_cases.stop_sharing_on_consent_lost(uow, denial, ConsentLost.DENIED, now=clock(), gate=gate)
    kind, stop = uow.told_partner()[-1]
    assert kind == "referral_stop_processing" and stop["because"] == "consent_denied"


def test_a_closed_referral_is_not_told_to_stop(
        uow: FakeReferralUnitOfWork, clock: FakeClock, gate: FakeConsentGate, client_id: str) -> None:
    referral_id = sent_referral(uow, clock, gate, client_id)
    change(uow, clock, gate, referral_id, "rejected", NGO_DESK, reason="no places")
    gate.revoke(client_id, NGO)
    told = use_cases.stop_sharing_on_consent_lost(uow, withdrawn(client_id, clock, ["basic"]),
                                                  ConsentLost.EXPIRED, now=clock(), gate=gate)
    assert told == 0
    assert [kind for kind, _ in uow.told_partner()] == ["referral_requested"]


# -- a consent lost while a referral is being sent --------------------------------------


def consent_withdrawn(client_id: str, clock: FakeClock, consent_id: str,
                      categories: list[str]) -> ReceivedEvent:
    return event(contracts.CONSENT_WITHDRAWN, {
        "consent_id": consent_id, "client_id": client_id, "recipient_organisation": NGO,
        "professionals": [], "categories": categories, "purposes": ["referral"],
        "withdrawn_at": clock(), "withdrawn_by": WORKER}, clock, "on_consent_withdrawn")


def lost_after_the_check(monkeypatch: pytest.MonkeyPatch, uow: FakeReferralUnitOfWork, clock: FakeClock,
                         gate: FakeConsentGate, loss: ReceivedEvent, because: ConsentLost) -> None:
    """The send's consent check answers as before the loss; the loss is handled before the send writes."""
    decide = gate.decide
    handled: list[int | None] = []

    def permitted_then_lost(client: str, requests: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
        answer = decide(client, requests)
        if not handled:
            gate.revoke(client, NGO)  # the consent service now refuses
            handled.append(use_cases.stop_sharing_on_consent_lost(uow, loss, because, now=clock(), gate=gate))
        return answer

    monkeypatch.setattr(gate, "decide", permitted_then_lost)


def test_a_withdrawal_handled_between_the_check_and_the_write_keeps_the_category_from_the_partner(
        uow: FakeReferralUnitOfWork, clock: FakeClock, gate: FakeConsentGate, client_id: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    gate.permit(client_id, NGO, ["basic", "health"], "referral")
    referral_id = create(uow, clock, client_id).referral.id
    withdrawal = consent_withdrawn(client_id, clock, gate.consent_id, ["health"])
    lost_after_the_check(monkeypatch, uow, clock, gate, withdrawal, ConsentLost.WITHDRAWN)
    view = schemas.view(send(uow, clock, gate, referral_id))
    # The loss found nothing shared to stop; the send withheld what it took.
    assert view["shared_categories"] == ["basic"] and view["withheld"] == {"health": "consent_withdrawn"}
    ((kind, message),) = uow.told_partner()
    assert kind == "referral_requested" and set(message["shared"]) == {"basic"}
    (disclosed,) = uow.published_data(contracts.REFERRAL_DISCLOSED)
    assert disclosed["consents"] == {"basic": gate.consent_id}
    assert uow.consent_losses.locked == [client_id, client_id]  # the loss handler's and the send's


def test_a_denial_handled_between_the_check_and_the_write_keeps_what_it_names_from_the_partner(
        uow: FakeReferralUnitOfWork, clock: FakeClock, gate: FakeConsentGate, client_id: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    gate.permit(client_id, NGO, ["basic", "health"], "referral")
    referral_id = create(uow, clock, client_id).referral.id
    denial = event(contracts.DENIAL_RECORDED, {
        "denial_id": str(uuid.uuid4()), "client_id": client_id, "organisation": None,
        "categories": ["basic", "health"], "recorded_by": WORKER}, clock, "on_denial_recorded")
    lost_after_the_check(monkeypatch, uow, clock, gate, denial, ConsentLost.DENIED)
    view = schemas.view(send(uow, clock, gate, referral_id))
    assert view["shared_categories"] == []
    assert view["withheld"] == {"basic": "consent_denied", "health": "consent_denied"}
    assert uow.told_partner()[0][1]["shared"] == {} and uow.published_data(contracts.REFERRAL_DISCLOSED) == []


def test_a_loss_of_a_consent_the_send_did_not_rest_on_withholds_nothing(
        uow: FakeReferralUnitOfWork, clock: FakeClock, gate: FakeConsentGate, client_id: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    gate.permit(client_id, NGO, ["basic"], "referral")
    referral_id = create(uow, clock, client_id).referral.id
    another_consent = consent_withdrawn(client_id, clock, str(uuid.uuid4()), ["basic"])
    lost_after_the_check(monkeypatch, uow, clock, gate, another_consent, ConsentLost.WITHDRAWN)
    view = schemas.view(send(uow, clock, gate, referral_id))
    assert view["shared_categories"] == ["basic"]


def test_a_loss_handled_before_the_check_is_not_held_against_a_later_send(
        uow: FakeReferralUnitOfWork, clock: FakeClock, gate: FakeConsentGate, client_id: str) -> None:
    # A denial since lifted: consent permits again, and the old loss must not withhold.
    denial = event(contracts.DENIAL_RECORDED, {
        "denial_id": str(uuid.uuid4()), "client_id": client_id, "organisation": NGO,
        "categories": ["basic"], "recorded_by": WORKER}, clock, "on_denial_recorded")
    use_cases.stop_sharing_on_consent_lost(uow, denial, ConsentLost.DENIED, now=clock(), gate=gate)
    view = schemas.view(use_cases.get_referral(uow, load(schemas.ReferralQuery, {
        "referral_id": sent_referral(uow, clock, gate, client_id), "organisation": COUNTY})))
    assert view["shared_categories"] == ["basic"]


def test_a_send_committed_while_the_loss_handler_asked_consent_is_stopped(
        uow: FakeReferralUnitOfWork, clock: FakeClock, gate: FakeConsentGate, client_id: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # An earlier referral is shared, so the loss handler has something to ask consent about.
    first = sent_referral(uow, clock, gate, client_id)
    second = create(uow, clock, client_id).referral.id
    decide = gate.decide
    sending: list[bool] = []

    def while_asked_the_second_is_sent(client: str, requests: list[dict[str, Any]]
                                       ) -> list[dict[str, Any]] | None:
        if not sending:
            sending.append(True)
            send(uow, clock, gate, second)  # its check comes before the withdrawal
            gate.revoke(client, NGO)
        return decide(client, requests)

    monkeypatch.setattr(gate, "decide", while_asked_the_second_is_sent)
    told = use_cases.stop_sharing_on_consent_lost(
        uow, consent_withdrawn(client_id, clock, gate.consent_id, ["basic"]), ConsentLost.WITHDRAWN,
        now=clock(), gate=gate)
    assert told == 2
    stops = [message for kind, message in uow.told_partner() if kind == "referral_stop_processing"]
    assert sorted(stop["referral_id"] for stop in stops) == sorted([first, second])
    assert seen_by(uow, second, NGO)["shared"] == {}


# -- the key worker ----------------------------------------------------------------------


def test_the_latest_key_worker_is_kept_and_a_late_older_event_changes_nothing(
        uow: FakeReferralUnitOfWork, clock: FakeClock, client_id: str) -> None:
    first = team_created(client_id, clock, "sw-2002")
    clock.advance(timedelta(hours=1))
    use_cases.note_key_worker(uow, key_worker_changed(client_id, clock, "sw-3003"))
    use_cases.note_key_worker(uow, first)  # arrives late
    assert uow.key_workers.of(client_id) == "sw-3003"


def test_a_redelivered_key_worker_event_is_applied_once(
        uow: FakeReferralUnitOfWork, clock: FakeClock, client_id: str) -> None:
    created = team_created(client_id, clock, "sw-2002")
    use_cases.note_key_worker(uow, created)
    commits = uow.commits
    use_cases.note_key_worker(uow, created)
    assert uow.commits == commits
    assert (created.consumer, created.id) in uow.processed_events


# -- what needs the requester ---------------------------------------------------------------

def attention(uow: FakeReferralUnitOfWork, clock: FakeClock, organisation: str,
              *client_ids: str) -> list[dict[str, Any]]:
    command = load(schemas.AttentionQuery, {"client_ids": list(client_ids), "organisation": organisation})
    return list(schemas.AttentionOut(many=True).dump(use_cases.attention_for(uow, command, now=clock())))


def test_the_requester_is_shown_overdue_referrals_and_answers_of_the_last_week_only(
        uow: FakeReferralUnitOfWork, clock: FakeClock, gate: FakeConsentGate, client_id: str) -> None:
    other_client = str(uuid.uuid4())
    sent_referral(uow, clock, gate, client_id)  # waits for an answer
    answered = sent_referral(uow, clock, gate, client_id)
    change(uow, clock, gate, answered, "rejected", NGO_DESK, reason="no places")
    assert attention(uow, clock, COUNTY, client_id, other_client) == [
        {"client_id": client_id, "overdue_referrals": 0, "answered_referrals": 1},
        {"client_id": other_client, "overdue_referrals": 0, "answered_referrals": 0}]
    clock.advance(timedelta(days=8))  # past the acceptance deadline; the answer is old news
    assert attention(uow, clock, COUNTY, client_id)[0] == {
        "client_id": client_id, "overdue_referrals": 1, "answered_referrals": 0}
    assert attention(uow, clock, NGO, client_id)[0]["overdue_referrals"] == 0  # not what the NGO sent
