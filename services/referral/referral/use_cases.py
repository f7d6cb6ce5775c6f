"""What the referral service does, one function per RPC, timer and event handler.

Each takes a unit-of-work factory, the command as its schema loaded it, and
its ports (the time, the consent gate) as arguments, runs its story in units
of work, and leaves every decision to ``referral.rules``. The consent service
is asked outside any unit of work, so a slow answer holds no lock; the rules
then decide again under the row lock before anything is stored.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from referral import rules
from referral.models import Referral, Step
from referral.rules import ConsentLoss, Message, Side
from tiimi_shared.consuming import consume
from tiimi_shared.events import EventType
from tiimi_shared.handlers import ReceivedEvent
from tiimi_shared.logging import get_logger
from tiimi_shared.vocabulary import ConsentLost, ReferralStatus

log = get_logger(__name__)


# -- ports -------------------------------------------------------------------------------


class ReferralRepository(Protocol):
    def add(self, referral: Referral) -> None: ...
    def get(self, referral_id: str, *, for_update: bool = False) -> Referral: ...
    def of_client(self, client_id: str, organisation: str) -> list[Referral]: ...
    def open_of(self, organisation: str, direction: str) -> list[Referral]: ...
    def waiting_past(self, now: datetime) -> list[Referral]: ...
    def open_to(self, client_id: str, organisation: str | None) -> list[Referral]: ...
    def sent_for(self, client_ids: Iterable[str], organisation: str) -> list[Referral]: ...
    def answered_at(self, referral_ids: Iterable[str]) -> dict[str, datetime]: ...
    def record(self, step: Step) -> None: ...
    def history(self, referral_id: str) -> list[Step]: ...


class KeyWorkerRepository(Protocol):
    def of(self, client_id: str) -> str | None: ...
    def set(self, client_id: str, key_worker_id: str, at: datetime) -> None: ...


class Outbox(Protocol):
    def add(self, event: EventType, data: dict[str, Any]) -> dict[str, Any]: ...


class ConsentLossRepository(Protocol):
    def lock(self, client_id: str) -> None: ...
    def last(self, client_id: str) -> int: ...
    def record(self, loss: ConsentLoss, at: datetime) -> None: ...
    def since(self, client_id: str, position: int) -> list[ConsentLoss]: ...


class ReferralUnitOfWork(Protocol):
    """One transaction over referrals and key workers, with tiimi's and the partners' outboxes."""

    @property
    def referrals(self) -> ReferralRepository: ...
    @property
    def key_workers(self) -> KeyWorkerRepository: ...
    @property
    def consent_losses(self) -> ConsentLossRepository: ...
    @property
    def outbox(self) -> Outbox: ...
    @property
    def partner_outbox(self) -> Outbox: ...

    def __enter__(self) -> ReferralUnitOfWork: ...
    def __exit__(self, *exc_info: object) -> None: ...
    def commit(self) -> None: ...
    def processed(self, consumer: str, event_id: str) -> bool: ...
    def claim(self, consumer: str, event_id: str) -> bool: ...


UnitOfWork = Callable[[], ReferralUnitOfWork]


class ConsentPort(Protocol):
    """The consent service, failing closed: None or False when it does not answer."""

    def decide(self, client_id: str, requests: list[dict[str, Any]]) -> list[dict[str, Any]] | None: ...


# -- what the RPCs answer ----------------------------------------------------------------


@dataclass(frozen=True)
class Seen:
    """A referral and the sides the asking organisation is on."""

    referral: Referral
    sides: set[Side]


@dataclass(frozen=True)
class ReferralView(Seen):
    """A referral with its history, for an organisation allowed to see it."""

    organisation: str
    history: list[Step]


# -- RPCs --------------------------------------------------------------------------------


def create_referral(unit_of_work: UnitOfWork, command: dict[str, Any], *, now: datetime) -> ReferralView:
    """A draft referral; nothing is shared until it is sent (status ``requested``)."""
    escalate_by = rules.escalation_deadline(now, command["accept_by"], command["escalate_by"])
    referral = Referral(
        id=str(uuid.uuid4()), client_id=str(command["client_id"]),
        requesting_organisation=command["requesting_organisation"],
        requested_by=command["requested_by"], target_organisation=command["target_organisation"],
        service=command["service"], priority=command["priority"], reason=command["reason"],
        share=command["share"], shared={}, withheld={}, status=ReferralStatus.DRAFT.value, outcome=None,
        accept_by=command["accept_by"], escalate_by=escalate_by, created_at=now)
    entry, told = rules.created(referral)
    with unit_of_work() as uow:
        uow.referrals.add(referral)
        uow.referrals.record(_step(referral, entry, now))
        _publish(uow, (told,))
        uow.commit()
        log.info("referral created", referral_id=referral.id)
        return _view(uow, referral, referral.requesting_organisation)


def change_status(unit_of_work: UnitOfWork, command: dict[str, Any], *, now: datetime,
                  gate: ConsentPort) -> ReferralView:
    """Move a referral along its state machine: send, answer, cancel or mark in error.

    Sending asks consent first, outside any transaction. The write then takes the client's
    lock, which a consent loss's handler takes too, and withholds what a loss handled since
    the check took away: that handler found no shared referral to stop. What is shared is
    logged as disclosed by an event from this same transaction, so only a send that
    commits is logged, and only once.
    """
    actor, wanted = command["by"], command["status"]
    sends = rules.shares_on(wanted)
    with unit_of_work() as uow:
        referral = uow.referrals.get(str(command["referral_id"]))
        rules.check_transition(referral.status, wanted, rules.sides_in(referral, actor["organisation"]),
                               command["reason"], command["outcome"])
        client_id, target, categories = referral.client_id, referral.target_organisation, list(referral.share)
        # Read before consent is asked: every loss that consent's answer may not know of comes after.
        checked_after = uow.consent_losses.last(client_id) if sends else 0
    sharing = _ask_to_share(gate, client_id, target, categories) if sends else None
    with unit_of_work() as uow:
        if sharing is not None:
            uow.consent_losses.lock(client_id)
            sharing = rules.withhold_lost(sharing, uow.consent_losses.since(client_id, checked_after), target)
        referral = uow.referrals.get(str(command["referral_id"]), for_update=True)
        # Decided again: another call may have moved it while consent was asked.
        change = rules.change_status(referral, wanted, organisation=actor["organisation"],
                                     professional_id=actor["professional_id"], reason=command["reason"],
                                     outcome=command["outcome"], sharing=sharing, now=now)
        referral.status = change.to_status.value
        referral.shared, referral.withheld, referral.outcome = change.shared, change.withheld, change.outcome
        uow.referrals.record(_step(referral, change.entry, now))
        _publish(uow, change.events, change.partner_messages)
        uow.commit()
        log.info("referral status changed", referral_id=referral.id, from_status=change.from_status.value,
                 to_status=change.to_status.value)
        return _view(uow, referral, actor["organisation"])


def get_referral(unit_of_work: UnitOfWork, command: dict[str, Any]) -> ReferralView:
    """One referral with its whole history, as the asking organisation may see it."""
    with unit_of_work() as uow:
        return _view(uow, uow.referrals.get(str(command["referral_id"])), command["organisation"])


def attention_for(unit_of_work: UnitOfWork, command: dict[str, Any], now: datetime) -> list[rules.Attention]:
    """For each client, the referrals the organisation sent that are overdue or recently answered."""
    client_ids = [str(client_id) for client_id in command["client_ids"]]
    with unit_of_work() as uow:
        sent = uow.referrals.sent_for(client_ids, command["organisation"])
        answered_at = uow.referrals.answered_at(referral.id for referral in sent)
    return rules.attention(client_ids, (rules.SentReferral(r.client_id, r.status, r.accept_by,
                                                           answered_at.get(r.id)) for r in sent), now)


def referrals_of_client(unit_of_work: UnitOfWork, command: dict[str, Any]) -> list[Seen]:
    """The client's referrals that the asking organisation sent or received and may see."""
    organisation = command["organisation"]
    with unit_of_work() as uow:
        return [Seen(referral, rules.sides_in(referral, organisation))
                for referral in uow.referrals.of_client(str(command["client_id"]), organisation)
                if rules.visible(referral, organisation)]


def open_referrals(unit_of_work: UnitOfWork, command: dict[str, Any]) -> list[Seen]:
    """Open referrals to (incoming), from (outgoing) or both ways of an organisation."""
    organisation = command["organisation"]
    with unit_of_work() as uow:
        return [Seen(referral, rules.sides_in(referral, organisation))
                for referral in uow.referrals.open_of(organisation, command["direction"])]


# -- timer -------------------------------------------------------------------------------


def chase_unaccepted_referrals(unit_of_work: UnitOfWork, *, now: datetime) -> int:
    """Remind the requester of a referral not accepted in time; then tell the key worker.

    Answers how many reminders and escalations it made.
    """
    made = 0
    with unit_of_work() as uow:
        for referral in uow.referrals.waiting_past(now):
            chase = rules.chase(referral, now, uow.key_workers.of(referral.client_id))
            referral.reminded_at, referral.escalated_at = chase.reminded_at, chase.escalated_at
            for notice in chase.notices:
                uow.referrals.record(_step(referral, notice.entry, now))
                _publish(uow, notice.events, notice.partner_messages)
            made += len(chase.notices)
        uow.commit()
    if made:
        log.info("referral deadlines acted on", count=made)
    return made


# -- events ------------------------------------------------------------------------------


def stop_sharing_on_consent_lost(unit_of_work: UnitOfWork, event: ReceivedEvent, because: ConsentLost, *,
                                 now: datetime, gate: ConsentPort) -> int | None:
    """Tell the partner of each open referral to stop processing what the client no longer permits.

    Asks the consent service first whether another consent still permits a
    lost category: only what is not permitted any more is stopped (no answer:
    all of it). Answers how many partners were told; None if the event was
    processed already (then nothing was asked or told again).

    The loss is recorded under the client's lock, which a send's write takes too: a send
    decided before the loss and committing after it withholds what the loss took, and one
    that committed while consent was being asked here is found again under the lock and
    stopped for what rested on the lost consent.
    """
    loss = rules.consent_loss(because, event.data)
    if loss is None:
        return 0

    def at_stake(uow: ReferralUnitOfWork) -> dict[str, tuple[str, list[str]]]:
        return {referral.id: (referral.target_organisation, categories)
                for referral in uow.referrals.open_to(loss.client_id, loss.organisation)
                if (categories := rules.categories_at_stake(referral, loss))}

    def ask(stake: dict[str, tuple[str, list[str]]]) -> dict[str, list[str]]:
        return {referral_id: rules.not_permitted_still(
                    categories, gate.decide(loss.client_id, rules.share_requests(categories, target)))
                for referral_id, (target, categories) in stake.items()}

    def apply(uow: ReferralUnitOfWork, to_stop: dict[str, list[str]] | None) -> int:
        uow.consent_losses.lock(loss.client_id)
        uow.consent_losses.record(loss, now)
        stopping = dict(to_stop or {})
        for referral_id, (_, categories) in at_stake(uow).items():
            if referral_id not in stopping:  # sent while consent was asked: not in the question
                referral = uow.referrals.get(referral_id)
                stopping[referral_id] = rules.resting_on(referral, loss, categories)
        return _stop(uow, loss, stopping, now)

    return consume(unit_of_work, event, read=at_stake, ask=ask, apply=apply)


def note_key_worker(unit_of_work: UnitOfWork, event: ReceivedEvent) -> None:
    """Remember the client's key worker, to whom unaccepted referrals are escalated."""
    at = datetime.fromisoformat(event.envelope["occurred_at"])

    def apply(uow: ReferralUnitOfWork, _: None) -> None:
        uow.key_workers.set(str(event.data["client_id"]), event.data["key_worker_id"], at)

    consume(unit_of_work, event, apply=apply)


# -- helpers -----------------------------------------------------------------------------


def _ask_to_share(gate: ConsentPort, client_id: str, target: str, categories: list[str]) -> rules.Sharing:
    """Ask consent for each category. Fails closed: what it does not permit is withheld."""
    return rules.sharing(categories, gate.decide(client_id, rules.share_requests(categories, target)))


def _stop(uow: ReferralUnitOfWork, loss: ConsentLoss, to_stop: dict[str, list[str]], now: datetime) -> int:
    told = 0
    for referral_id, categories in to_stop.items():
        referral = uow.referrals.get(referral_id, for_update=True)
        stop = rules.stop_processing(referral, categories, loss.because, now,
                                     uow.key_workers.of(referral.client_id))
        if stop is None:
            continue
        referral.shared, referral.withheld = stop.shared, stop.withheld
        uow.referrals.record(_step(referral, stop.notice.entry, now))
        _publish(uow, stop.notice.events, stop.notice.partner_messages)
        log.info("partner told to stop processing", referral_id=referral.id, because=loss.because.value)
        told += 1
    return told


def _view(uow: ReferralUnitOfWork, referral: Referral, organisation: str) -> ReferralView:
    sides = rules.sides_that_may_see(referral, organisation)
    return ReferralView(referral, sides, organisation, uow.referrals.history(referral.id))


def _step(referral: Referral, entry: rules.HistoryEntry, at: datetime) -> Step:
    return Step(referral_id=referral.id, kind=entry.kind.value, from_status=entry.from_status,
                to_status=entry.to_status, at=at, by=entry.by, by_organisation=entry.by_organisation,
                reason=entry.reason, detail=entry.detail)


def _publish(uow: ReferralUnitOfWork, events: Sequence[Message], to_partner: Sequence[Message] = ()) -> None:
    for message in events:
        uow.outbox.add(message.event, message.data)
    for message in to_partner:
        uow.partner_outbox.add(message.event, message.data)
