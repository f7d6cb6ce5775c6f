"""The referral state machine and sharing rules, alone: no broker, no database."""
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from referral import rules
from referral.models import Referral
from tiimi_shared.errors import Conflict, Forbidden, ValidationError
from tiimi_shared.vocabulary import ConsentLost

R, T = rules.REQUESTER, rules.TARGET
STATUSES = ["draft", "requested", "accepted", "rejected", "cancelled", "in_progress", "on_hold",
            "completed", "failed", "entered_in_error"]

# Written out from the brief, independently of rules.TRANSITIONS:
# (from, to) -> the side allowed to make it.
ALLOWED = {
    ("draft", "requested"): {R},
    ("requested", "accepted"): {T}, ("requested", "rejected"): {T}, ("requested", "cancelled"): {R},
    ("accepted", "in_progress"): {T}, ("accepted", "on_hold"): {T}, ("accepted", "completed"): {T},
    ("accepted", "failed"): {T}, ("accepted", "cancelled"): {R},
    ("in_progress", "on_hold"): {T}, ("in_progress", "completed"): {T}, ("in_progress", "failed"): {T},
    ("in_progress", "cancelled"): {R},
    ("on_hold", "in_progress"): {T}, ("on_hold", "completed"): {T}, ("on_hold", "failed"): {T},
    ("on_hold", "cancelled"): {R},
}
for status in STATUSES:
    if status != "entered_in_error":
        ALLOWED[(status, "entered_in_error")] = {R, T}


def _extras(wanted: str) -> tuple[str | None, dict[str, str] | None]:
    needs_reason = ("rejected", "cancelled", "on_hold", "failed", "entered_in_error")
    reason = "because" if wanted in needs_reason else None
    outcome = {"code": "goal_met"} if wanted == "completed" else None
    return reason, outcome


CASES = [(current, wanted, side) for current in STATUSES for wanted in STATUSES for side in (R, T)]


@pytest.mark.parametrize(("current", "wanted", "side"), CASES)
def test_each_transition_by_each_side(current: str, wanted: str, side: str) -> None:
    reason, outcome = _extras(wanted)
    if side in ALLOWED.get((current, wanted), set()):
        rules.check_transition(current, wanted, {side}, reason, outcome)
        return
    with pytest.raises(Conflict) as refused:
        rules.check_transition(current, wanted, {side}, reason, outcome)
    assert refused.value.current_state == current
    expected_next = [nxt for nxt in STATUSES if side in ALLOWED.get((current, nxt), set())]
    assert sorted(refused.value.allowed) == sorted(expected_next)


def test_the_machine_has_exactly_the_transitions_of_the_brief() -> None:
    declared = {(current, nxt): set(who) for current, nexts in rules.TRANSITIONS.items()
                for nxt, who in nexts.items()}
    assert declared == ALLOWED


def test_an_organisation_on_neither_side_is_forbidden() -> None:
    with pytest.raises(Forbidden):
        rules.check_transition("requested", "accepted", set(), None, None)


@pytest.mark.parametrize(("current", "wanted"), [
    ("requested", "rejected"), ("requested", "cancelled"), ("accepted", "on_hold"),
    ("in_progress", "failed"), ("draft", "entered_in_error")])
@pytest.mark.parametrize("blank", [None, "", "   "])
def test_a_reason_is_required_where_the_brief_says(current: str, wanted: str, blank: str | None) -> None:
    side = R if wanted in ("cancelled", "entered_in_error") else T
    with pytest.raises(ValidationError) as refused:
        rules.check_transition(current, wanted, {side}, blank, None)
    assert "reason" in refused.value.errors


def test_completion_needs_an_outcome_and_only_completion_has_one() -> None:
    with pytest.raises(ValidationError) as refused:
        rules.check_transition("in_progress", "completed", {T}, None, None)
    assert "outcome" in refused.value.errors
    with pytest.raises(ValidationError):
        rules.check_transition("in_progress", "failed", {T}, "no show", {"code": "goal_met"})


def test_both_sides_of_one_organisation_may_make_either_sides_moves() -> None:
    assert rules.sides_of("org-a", "org-a", "org-a") == {R, T}
    assert rules.allowed_next("requested", {R, T}) == ["accepted", "rejected", "cancelled",
                                                        "entered_in_error"]
    assert rules.sides_of("org-c", "org-a", "org-b") == set()


NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_deadlines_must_lie_ahead_and_in_order() -> None:
    assert rules.escalation_deadline(NOW, NOW + timedelta(days=3), None) == NOW + timedelta(days=5)
    with pytest.raises(ValidationError) as past:
        rules.escalation_deadline(NOW, NOW, None)
    assert "accept_by" in past.value.errors
    with pytest.raises(ValidationError) as order:
        rules.escalation_deadline(NOW, NOW + timedelta(days=3), NOW + timedelta(days=2))
    assert "escalate_by" in order.value.errors


def test_overdue_and_escalation_only_while_waiting_for_acceptance_and_only_once() -> None:
    due = NOW - timedelta(seconds=1)
    assert rules.is_overdue("requested", NOW, due, reminded=False)
    assert not rules.is_overdue("requested", NOW, due, reminded=True)
    assert not rules.is_overdue("accepted", NOW, due, reminded=False)
    assert not rules.is_overdue("requested", NOW, NOW + timedelta(seconds=1), reminded=False)
    assert rules.is_due_for_escalation("requested", NOW, due, escalated=False)
    assert not rules.is_due_for_escalation("requested", NOW, due, escalated=True)
    assert not rules.is_due_for_escalation("rejected", NOW, due, escalated=False)


def test_sharing_keeps_permitted_categories_with_their_consent_and_names_the_rest() -> None:
    decisions: list[dict[str, Any]] = [{"decision": "permit", "reason": "permitted", "consent_id": "c-1"},
                 {"decision": "deny", "reason": "no_consent", "consent_id": None},
                 {"decision": "deny", "reason": "denied", "consent_id": None}]
    sharing = rules.sharing(["basic", "health", "financial"], decisions)
    assert sharing.shared == {"basic": "c-1"}
    assert sharing.withheld == {"health": "no_consent", "financial": "denied"}
    assert rules.share_requests(["basic"], "org-b") == [
        {"organisation": "org-b", "professional": None, "category": "basic", "purpose": "referral"}]


# -- what needs the requester ---------------------------------------------------------------

def test_attention_counts_overdue_and_recently_answered_referrals_per_client_in_the_order_asked() -> None:
    now = datetime(2026, 5, 10, 12, tzinfo=UTC)
    past, future = now - timedelta(hours=1), now + timedelta(days=1)
    sent = [rules.SentReferral("a", "requested", past, None),
            rules.SentReferral("a", "requested", future, None),            # not yet due
            rules.SentReferral("a", "accepted", past, now - timedelta(days=2)),
            rules.SentReferral("b", "completed", past, now - timedelta(days=8)),  # answered too long ago
            rules.SentReferral("b", "rejected", past, now - timedelta(days=7))]
    assert rules.attention(["c", "b", "a"], sent, now) == [
        rules.Attention("c", 0, 0), rules.Attention("b", 0, 1), rules.Attention("a", 1, 1)]


# -- a consent loss handled while a referral was being sent --------------------------------

NGO, OTHER_ORG = "1.2.246.10.1", "7654321-0"
CONSENT_A, CONSENT_B = "00000000-0000-4000-8000-00000000000a", "00000000-0000-4000-8000-00000000000b"


def _loss(because: str, categories: set[str], *, organisation: str | None = NGO,
          consent_id: str | None = CONSENT_A) -> rules.ConsentLoss:
    return rules.ConsentLoss("client-1", organisation, frozenset(categories), ConsentLost(because),
                             consent_id)


def test_a_withdrawn_consent_withholds_only_what_rested_on_it() -> None:
    sharing = rules.Sharing({"basic": CONSENT_A, "health": CONSENT_B}, {"team": "no_consent"})
    kept = rules.withhold_lost(sharing, [_loss("consent_withdrawn", {"basic", "health"})], NGO)
    assert kept == rules.Sharing({"health": CONSENT_B}, {"team": "no_consent", "basic": "consent_withdrawn"})


def test_a_denial_withholds_every_category_it_names_whatever_the_consent() -> None:
    sharing = rules.Sharing({"basic": CONSENT_A, "health": CONSENT_B}, {})
    kept = rules.withhold_lost(sharing, [_loss("consent_denied", {"health"}, organisation=None,
                                               consent_id=None)], NGO)
    assert kept == rules.Sharing({"basic": CONSENT_A}, {"health": "consent_denied"})


def test_a_loss_of_another_organisation_withholds_nothing() -> None:
    sharing = rules.Sharing({"basic": CONSENT_A}, {})
    assert rules.withhold_lost(sharing, [_loss("consent_denied", {"basic"}, organisation=OTHER_ORG,
                                               consent_id=None)], NGO) == sharing


def test_a_withdrawal_event_names_its_consent_and_a_denial_none() -> None:
    withdrawn = rules.consent_loss(ConsentLost.WITHDRAWN, {
        "client_id": "client-1", "recipient_organisation": NGO, "consent_id": CONSENT_A,
        "categories": ["basic"], "purposes": ["referral"]})
    denied = rules.consent_loss(ConsentLost.DENIED, {
        "client_id": "client-1", "organisation": None, "denial_id": CONSENT_B, "categories": ["basic"]})
    assert withdrawn is not None and withdrawn.consent_id == CONSENT_A
    assert denied is not None and denied.consent_id is None and denied.organisation is None


def _sendable() -> Referral:
    at = datetime(2026, 11, 23, 9, tzinfo=UTC)
    return Referral(
        id="00000000-0000-4000-8000-0000000000ff", client_id="00000000-0000-4000-8000-000000000001",
        requesting_organisation="1234567-8", requested_by="sw-1", target_organisation=NGO,
        service="ngo_peer_support", priority="urgent", reason="a note", share={"basic": {}, "health": {}},
        shared={}, withheld={}, status="draft", outcome=None, accept_by=at + timedelta(days=3),
        escalate_by=at + timedelta(days=5), created_at=at)


def test_sending_with_something_shared_carries_the_disclosure_and_sharing_nothing_does_not() -> None:
    referral = _sendable()
    now = datetime(2026, 11, 23, 10, tzinfo=UTC)
    shared = rules.change_status(referral, "requested", organisation="1234567-8", professional_id="sw-1",
                                 reason=None, outcome=None, now=now,
                                 sharing=rules.Sharing({"basic": CONSENT_A}, {"health": "no_consent"}))
    (disclosed,) = [m for m in shared.events if m.event.name == "referral_disclosed"]
    assert disclosed.data == {"referral_id": referral.id, "client_id": referral.client_id,
                              "recipient_organisation": NGO, "purpose": "referral",
                              "consents": {"basic": CONSENT_A}, "disclosed_at": now}
    nothing = rules.change_status(referral, "requested", organisation="1234567-8", professional_id="sw-1",
                                  reason=None, outcome=None, now=now,
                                  sharing=rules.Sharing({}, {"basic": "no_consent"}))
    assert [m.event.name for m in nothing.events] == ["referral_status_changed"]
