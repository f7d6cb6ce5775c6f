"""The kernel's read / ask / claim / apply helper, on the in-memory unit of work."""
from __future__ import annotations

import uuid

import pytest

from tiimi_shared import contracts
from tiimi_shared.consuming import consume
from tiimi_shared.handlers import ReceivedEvent, consumer_key
from tiimi_shared.testing.fakes import FakeConsentGate, InMemoryUnitOfWork

CLIENT = str(uuid.uuid4())


def received(consumer: str = "team.on_consent_granted") -> ReceivedEvent:
    envelope = contracts.registry.make("denial_lifted", {
        "denial_id": str(uuid.uuid4()), "client_id": CLIENT, "organisation": "ngo-1",
        "categories": ["basic"], "lifted_by": "sw-1"}, source="consent")
    return ReceivedEvent(envelope, consumer)


class Effects:
    """A handler's effect, counted; asks the gate about one category."""

    def __init__(self, gate: FakeConsentGate):
        self.gate = gate
        self.applied: list[bool | None] = []

    def read(self, uow: InMemoryUnitOfWork) -> str:
        return "ngo-1"

    def ask(self, organisation: str) -> bool | None:
        return self.gate.permits_all(CLIENT, [{"organisation": organisation, "category": "basic",
                                               "purpose": "team_coordination", "professional": None}])

    def apply(self, uow: InMemoryUnitOfWork, permitted: bool | None) -> str:
        self.applied.append(permitted)
        uow.outbox.add(contracts.CLIENT_REGISTERED, {"client_id": CLIENT, "registered_by": "sw-1"})
        return "done"


def test_an_event_is_applied_with_the_answer_and_its_claim_commits_with_the_effect() -> None:
    uow, gate = InMemoryUnitOfWork(source="team"), FakeConsentGate().permit(
        CLIENT, "ngo-1", ["basic"], "team_coordination")
    effects, event = Effects(gate), received()

    assert consume(uow, event, read=effects.read, ask=effects.ask, apply=effects.apply) == "done"

    assert effects.applied == [True]
    assert uow.processed(event.consumer, event.id)
    assert uow.published_types() == ["client_registered"]


def test_a_redelivered_event_asks_no_other_service_and_has_no_second_effect() -> None:
    uow, gate = InMemoryUnitOfWork(source="team"), FakeConsentGate()
    effects, event = Effects(gate), received()
    consume(uow, event, read=effects.read, ask=effects.ask, apply=effects.apply)
    asked_before = len(gate.asked)

    assert consume(uow, event, read=effects.read, ask=effects.ask, apply=effects.apply) is None

    assert len(gate.asked) == asked_before == 1
    assert effects.applied == [False]
    assert uow.published_types() == ["client_registered"]


def test_each_consumer_processes_the_same_event_once_on_its_own() -> None:
    uow, gate = InMemoryUnitOfWork(source="team"), FakeConsentGate()
    envelope = received().envelope
    first, second = Effects(gate), Effects(gate)

    consume(uow, ReceivedEvent(envelope, "team.on_denial_lifted"), read=first.read, ask=first.ask,
            apply=first.apply)
    consume(uow, ReceivedEvent(envelope, "referral.on_denial_lifted"), read=second.read, ask=second.ask,
            apply=second.apply)

    assert first.applied == second.applied == [False]


def test_an_effect_that_fails_leaves_the_event_unclaimed_so_a_retry_applies_it() -> None:
    uow, gate = InMemoryUnitOfWork(source="team"), FakeConsentGate()
    effects, event = Effects(gate), received()

    def failing(uow: InMemoryUnitOfWork, answer: bool | None) -> None:
        uow.outbox.add(contracts.CLIENT_REGISTERED, {"client_id": CLIENT, "registered_by": "sw-1"})
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        consume(uow, event, read=effects.read, ask=effects.ask, apply=failing)
    assert not uow.processed(event.consumer, event.id)
    assert uow.published == []

    consume(uow, event, read=effects.read, ask=effects.ask, apply=effects.apply)
    assert effects.applied == [False]
    assert uow.published_types() == ["client_registered"]


def test_a_handler_without_a_question_is_claimed_and_applied_once() -> None:
    uow, event = InMemoryUnitOfWork(source="team"), received()
    applied: list[object] = []

    consume(uow, event, apply=lambda uow, answer: applied.append(answer))
    consume(uow, event, apply=lambda uow, answer: applied.append(answer))

    assert applied == [None]


def test_the_consumer_key_is_service_and_method() -> None:
    assert consumer_key("team", "on_consent_granted") == "team.on_consent_granted"


def test_the_in_memory_outbox_refuses_a_payload_that_breaks_its_schema() -> None:
    from tiimi_shared.errors import ValidationError

    uow = InMemoryUnitOfWork(source="team")
    with uow() as u, pytest.raises(ValidationError) as refused:
        u.outbox.add(contracts.CLIENT_REGISTERED, {"client_id": "not-a-uuid", "registered_by": "sw-1"})
    assert "client_id" in refused.value.errors


def test_what_a_block_left_uncommitted_is_not_published() -> None:
    uow = InMemoryUnitOfWork(source="team")
    with uow() as u:
        u.outbox.add(contracts.CLIENT_REGISTERED, {"client_id": CLIENT, "registered_by": "sw-1"})
    assert uow.published == [] and uow.commits == 0


def test_the_fake_gate_answers_none_when_consent_cannot_be_asked() -> None:
    gate = FakeConsentGate(available=False).permit(CLIENT, "ngo-1", ["basic"], "referral")
    request = {"organisation": "ngo-1", "category": "basic", "purpose": "referral", "professional": None}
    assert gate.decide(CLIENT, [request]) is None
    assert gate.permits_all(CLIENT, [request]) is None
    assert gate.record_disclosure(CLIENT, gate.consent_id, request) is False
