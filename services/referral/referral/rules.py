"""The rules of a referral, as pure functions: no I/O, no nameko, no SQLAlchemy.

A referral is a closed loop between a requesting organisation and a target
organisation, on the FHIR Task state machine::

    draft -> requested -> accepted | rejected | cancelled
    accepted -> in_progress | on_hold | completed | failed | cancelled
    in_progress <-> on_hold;  in_progress, on_hold -> completed | failed | cancelled
    any -> entered_in_error

The requester sets requested and cancelled; the target sets accepted,
rejected, in_progress, on_hold, completed and failed; either side may mark a
referral entered in error. A reason is required for rejected, cancelled,
on_hold, failed and entered_in_error; an outcome for completed.

Each decision returns what changes (the new state, the history entry, the
events for tiimi and the messages for the partner) or raises the domain
error; the use cases store and publish it.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from referral import partner
from tiimi_shared import contracts
from tiimi_shared.errors import Conflict, Forbidden, NotFound, Unavailable, ValidationError
from tiimi_shared.events import EventType
from tiimi_shared.vocabulary import (
    ConsentLost,
    Outcome,
    Purpose,
    ReferralOutcome,
    ReferralPriority,
    ReferralService,
    ReferralSide,
    ReferralStatus,
    ReferralStepKind,
    values,
)

SERVICES = values(ReferralService)
PRIORITIES = values(ReferralPriority)  # FHIR request priority
OUTCOMES = values(ReferralOutcome)


Side = ReferralSide
StepKind = ReferralStepKind
REQUESTER, TARGET = Side.REQUESTER, Side.TARGET
S = ReferralStatus  # short, for the tables below
TRANSITIONS: dict[ReferralStatus, dict[ReferralStatus, tuple[Side, ...]]] = {
    S.DRAFT: {S.REQUESTED: (REQUESTER,)},
    S.REQUESTED: {S.ACCEPTED: (TARGET,), S.REJECTED: (TARGET,), S.CANCELLED: (REQUESTER,)},
    S.ACCEPTED: {S.IN_PROGRESS: (TARGET,), S.ON_HOLD: (TARGET,), S.COMPLETED: (TARGET,),
                 S.FAILED: (TARGET,), S.CANCELLED: (REQUESTER,)},
    S.IN_PROGRESS: {S.ON_HOLD: (TARGET,), S.COMPLETED: (TARGET,), S.FAILED: (TARGET,),
                    S.CANCELLED: (REQUESTER,)},
    S.ON_HOLD: {S.IN_PROGRESS: (TARGET,), S.COMPLETED: (TARGET,), S.FAILED: (TARGET,),
                S.CANCELLED: (REQUESTER,)},
    S.REJECTED: {}, S.CANCELLED: {}, S.COMPLETED: {}, S.FAILED: {}, S.ENTERED_IN_ERROR: {},
}
for _status, _next in TRANSITIONS.items():
    if _status != S.ENTERED_IN_ERROR:
        _next[S.ENTERED_IN_ERROR] = (REQUESTER, TARGET)

REASON_REQUIRED = (S.REJECTED, S.CANCELLED, S.ON_HOLD, S.FAILED, S.ENTERED_IN_ERROR)
# Open: the target may hold shared data and acts on it.
OPEN = (S.REQUESTED, S.ACCEPTED, S.IN_PROGRESS, S.ON_HOLD)
# Once a referral is withdrawn like this, the target no longer sees what was shared with it.
HIDDEN_FROM_TARGET = (S.CANCELLED, S.ENTERED_IN_ERROR)

SHARE_PURPOSE = Purpose.REFERRAL
# The requester may warn once the acceptance deadline has passed, and the
# key worker is told once the escalation deadline has passed too.
DEFAULT_ESCALATION_GRACE = timedelta(days=2)
NO_PART = "this organisation is neither the requester nor the target of the referral"
# Who made a step that no professional made.
TIIMI = "tiimi"


class ReferralState(Protocol):
    """What the rules read of a referral (the stored one has all of it)."""

    @property
    def id(self) -> str: ...
    @property
    def client_id(self) -> str: ...
    @property
    def requesting_organisation(self) -> str: ...
    @property
    def requested_by(self) -> str: ...
    @property
    def target_organisation(self) -> str: ...
    @property
    def service(self) -> str: ...
    @property
    def priority(self) -> str: ...
    @property
    def reason(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def share(self) -> dict[str, Any]: ...
    @property
    def shared(self) -> dict[str, Any]: ...
    @property
    def withheld(self) -> dict[str, Any]: ...
    @property
    def outcome(self) -> dict[str, Any] | None: ...
    @property
    def accept_by(self) -> datetime: ...
    @property
    def escalate_by(self) -> datetime: ...
    @property
    def reminded_at(self) -> datetime | None: ...
    @property
    def escalated_at(self) -> datetime | None: ...


@dataclass(frozen=True)
class Message:
    """An event to publish: its declared type and its payload."""

    event: EventType
    data: dict[str, Any]


@dataclass(frozen=True)
class HistoryEntry:
    """One step to add to a referral's history (the use case adds when)."""

    kind: StepKind
    from_status: str | None
    to_status: str
    by: str
    by_organisation: str | None
    reason: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


# -- who is who --------------------------------------------------------------------------


def sides_of(organisation: str, requesting_organisation: str, target_organisation: str) -> set[Side]:
    """Which sides an organisation is on; empty if it has no part in the referral."""
    sides = set()
    if organisation == requesting_organisation:
        sides.add(REQUESTER)
    if organisation == target_organisation:
        sides.add(TARGET)
    return sides


def sides_in(referral: ReferralState, organisation: str) -> set[Side]:
    return sides_of(organisation, referral.requesting_organisation, referral.target_organisation)


def allowed_next(status: str, sides: Iterable[str]) -> list[ReferralStatus]:
    """The statuses the given sides may move a referral to, in the machine's order."""
    wanted = set(sides)
    return [nxt for nxt, who in TRANSITIONS[ReferralStatus(status)].items() if wanted & set(who)]


# -- what each side sees -----------------------------------------------------------------


def visible(referral: ReferralState, organisation: str) -> bool:
    """The requester sees its referrals; the target only once they are sent to it."""
    sides = sides_in(referral, organisation)
    return REQUESTER in sides or (TARGET in sides and referral.status != S.DRAFT)


def sides_that_may_see(referral: ReferralState, organisation: str) -> set[Side]:
    """The sides of an organisation allowed to look at a referral; refuses the others."""
    sides = sides_in(referral, organisation)
    if not sides:
        raise Forbidden(NO_PART)
    if not visible(referral, organisation):
        raise NotFound("referral", referral.id)
    return sides


def disclosed(referral: ReferralState, sides: set[Side], organisation: str, summary: dict[str, Any],
              history: list[dict[str, Any]]) -> dict[str, Any]:
    """The whole referral as one side may see it, from its summary and its history as dumped.

    The requester sees everything it wrote and what was withheld. The target
    sees only what consent let through, and no notes of the requester's side.
    """
    if REQUESTER in sides:
        return summary | {"reason": referral.reason, "share": referral.share,
                          "shared_categories": sorted(referral.shared), "withheld": referral.withheld,
                          "history": history}
    redacted = []
    for step in history:
        detail = step["detail"]
        redacted.append(step | {
            "detail": {"outcome": detail["outcome"]} if "outcome" in detail else {},
            "reason": step["reason"] if step["by_organisation"] == organisation else None})
    shown = referral.status not in HIDDEN_FROM_TARGET
    return summary | {"shared": {c: referral.share[c] for c in referral.shared} if shown else {},
                      "history": redacted}


# -- creating ----------------------------------------------------------------------------


def escalation_deadline(now: datetime, accept_by: datetime, escalate_by: datetime | None) -> datetime:
    """The escalation deadline to keep; refuses deadlines in the past or out of order."""
    if accept_by <= now:
        raise ValidationError({"accept_by": ["the acceptance deadline must be in the future"]})
    escalate_by = escalate_by or accept_by + DEFAULT_ESCALATION_GRACE
    if escalate_by <= accept_by:
        raise ValidationError({"escalate_by": ["the escalation deadline must come after accept_by"]})
    return escalate_by


def created(referral: ReferralState) -> tuple[HistoryEntry, Message]:
    """A new draft's first step and the event that tells of it; nothing goes to the partner."""
    entry = HistoryEntry(StepKind.STATUS, None, S.DRAFT, referral.requested_by,
                         referral.requesting_organisation)
    return entry, Message(contracts.REFERRAL_CREATED,
                          referral_reference(referral) | {"priority": referral.priority})


# -- moving along the state machine ------------------------------------------------------


def check_transition(status: str, wanted: str, sides: AbstractSet[str], reason: str | None,
                     outcome: Mapping[str, Any] | None) -> None:
    """Refuse a transition not in the machine, not this side's, or missing its reason or outcome."""
    if not sides:
        raise Forbidden(NO_PART)
    current, target = ReferralStatus(status), ReferralStatus(wanted)
    allowed = [status.value for status in allowed_next(current, sides)]
    if target not in TRANSITIONS[current]:
        raise Conflict(f"a {current} referral cannot become {target}", current_state=current.value,
                       allowed=allowed)
    if not set(sides) & set(TRANSITIONS[current][target]):
        side = " and ".join(sorted(sides))
        raise Conflict(f"the {side} may not make a {current} referral {target}", current_state=current.value,
                       allowed=allowed)
    if target in REASON_REQUIRED and not (reason or "").strip():
        raise ValidationError({"reason": [f"a reason is required to make a referral {target}"]})
    if target == S.COMPLETED and not outcome:
        raise ValidationError({"outcome": ["an outcome is required to complete a referral"]})
    if target != S.COMPLETED and outcome:
        raise ValidationError({"outcome": ["an outcome belongs only to a completed referral"]})


def shares_on(wanted: str) -> bool:
    """Whether moving to ``wanted`` sends the referral, and so shares what consent permits."""
    return wanted == S.REQUESTED


@dataclass(frozen=True)
class Sharing:
    """What sending shares: the permitted categories and their consents, and what is withheld, why."""

    shared: dict[str, str]     # category -> the consent it rests on
    withheld: dict[str, str]   # category -> reason code


def share_requests(categories: Iterable[str], target_organisation: str) -> list[dict[str, Any]]:
    """What to ask the consent service: may ``target_organisation`` have each category for a referral."""
    return [{"organisation": target_organisation, "professional": None, "category": category,
             "purpose": SHARE_PURPOSE.value} for category in categories]


def sharing(categories: list[str], decisions: list[dict[str, Any]] | None) -> Sharing:
    """Split the wanted categories by the consent service's decisions (same order).

    No answer at all shares nothing and sends nothing: the sender must try again.
    """
    if decisions is None:
        raise Unavailable("the consent service did not answer: nothing was shared and the "
                          "referral was not sent; try again", dependency="consent")
    shared, withheld = {}, {}
    for category, decision in zip(categories, decisions, strict=True):
        if decision["decision"] == Outcome.PERMIT:
            shared[category] = decision["consent_id"]
        else:
            withheld[category] = decision["reason"]
    return Sharing(shared, withheld)


def withhold_lost(sharing: Sharing, losses: Iterable[ConsentLoss], target_organisation: str) -> Sharing:
    """Withhold what a consent loss handled since the consent check took away from the target.

    The loss handler found no shared referral to stop while this send was being decided,
    so the send must not give out what the loss covers: a category resting on the consent
    withdrawn or expired, or any category a denial of the target (or of every organisation)
    names. Withheld with the loss as the reason.
    """
    shared, withheld = dict(sharing.shared), dict(sharing.withheld)
    for loss in losses:
        if loss.organisation not in (None, target_organisation):
            continue
        for category in [c for c, consent_id in shared.items() if loss.takes(c, consent_id)]:
            del shared[category]
            withheld[category] = loss.because.value
    return Sharing(shared, withheld)


@dataclass(frozen=True)
class StatusChange:
    """A referral's new status and what comes with it."""

    from_status: ReferralStatus
    to_status: ReferralStatus
    shared: dict[str, Any]
    withheld: dict[str, Any]
    outcome: dict[str, Any] | None
    entry: HistoryEntry
    events: tuple[Message, ...]
    partner_messages: tuple[Message, ...]


def change_status(referral: ReferralState, wanted: str, *, organisation: str, professional_id: str,
                  reason: str | None, outcome: Mapping[str, Any] | None, sharing: Sharing | None,
                  now: datetime) -> StatusChange:
    """Move a referral to ``wanted`` for a professional of ``organisation``.

    Sending shares what ``sharing`` permits with the target; cancelling an open
    referral, or marking a sent one entered in error, tells the target too.
    """
    sides = sides_in(referral, organisation)
    check_transition(referral.status, wanted, sides, reason, outcome)
    previous, target = ReferralStatus(referral.status), ReferralStatus(wanted)
    shared, withheld = referral.shared, referral.withheld
    new_outcome = referral.outcome
    detail: dict[str, Any] = {}
    to_partner: list[Message] = []
    if shares_on(target):
        if sharing is None:
            raise ValueError("sending a referral needs the consent service's sharing decision")
        shared, withheld = sharing.shared, sharing.withheld
        detail = {"shared": sorted(shared), "withheld": withheld}
        to_partner.append(Message(partner.REFERRAL_REQUESTED, partner_reference(referral) | {
            "requested_by": referral.requested_by, "service": referral.service,
            "priority": referral.priority, "accept_by": referral.accept_by,
            "shared": {category: referral.share[category] for category in shared}}))
    elif target == S.COMPLETED:
        new_outcome = dict(outcome or {})
        detail = {"outcome": new_outcome}
    if previous in OPEN and target == S.CANCELLED:
        to_partner.append(Message(partner.REFERRAL_CANCELLED,
                                  partner_reference(referral) | {"cancelled_at": now}))
    if previous != S.DRAFT and target == S.ENTERED_IN_ERROR:
        to_partner.append(Message(partner.REFERRAL_ENTERED_IN_ERROR,
                                  partner_reference(referral) | {"marked_at": now}))
    told = Message(contracts.REFERRAL_STATUS_CHANGED, referral_reference(referral) | {
        "from_status": previous, "to_status": target, "changed_by": professional_id,
        "changed_by_organisation": organisation,
        "shared_categories": sorted(shared) if shares_on(target) else [],
        "withheld_categories": sorted(withheld) if shares_on(target) else []})
    events = [told]
    if shares_on(target) and shared:
        events.append(disclosure(referral, shared, now))
    entry = HistoryEntry(StepKind.STATUS, previous, target, professional_id, organisation, reason, detail)
    return StatusChange(previous, target, shared, withheld, new_outcome, entry, tuple(events),
                        tuple(to_partner))


def disclosure(referral: ReferralState, shared: Mapping[str, str], now: datetime) -> Message:
    """What the consent service logs of a send: each category given to the target, under its consent.

    It goes out with the send's own transaction, so only a send that committed is logged, once.
    """
    return Message(contracts.REFERRAL_DISCLOSED, {
        "referral_id": referral.id, "client_id": referral.client_id,
        "recipient_organisation": referral.target_organisation, "purpose": SHARE_PURPOSE.value,
        "consents": dict(shared), "disclosed_at": now})


# -- deadlines ---------------------------------------------------------------------------


# -- what needs the requester -------------------------------------------------------------

# A partner's answers the requester's key worker should see. Whether an answer was seen is not
# tracked, so one counts while it is recent.
ANSWERS = (S.ACCEPTED, S.REJECTED, S.COMPLETED, S.FAILED)
ANSWERED_RECENTLY = timedelta(days=7)


@dataclass(frozen=True)
class SentReferral:
    """A referral an organisation sent, as far as its attention needs: when it was last answered."""

    client_id: str
    status: str
    accept_by: datetime
    answered_at: datetime | None


@dataclass(frozen=True)
class Attention:
    """A client's referrals that need the requester: past the acceptance deadline, or recently answered."""

    client_id: str
    overdue: int = 0
    answered: int = 0


def attention(client_ids: Iterable[str], sent: Iterable[SentReferral], now: datetime) -> list[Attention]:
    """For each client, in the order asked, how many sent referrals wait past their deadline and how
    many were answered in the last ``ANSWERED_RECENTLY``."""
    overdue: dict[str, int] = {}
    answered: dict[str, int] = {}
    for referral in sent:
        if referral.status == S.REQUESTED and now >= referral.accept_by:
            overdue[referral.client_id] = overdue.get(referral.client_id, 0) + 1
        elif (referral.status in ANSWERS and referral.answered_at is not None
              and now - referral.answered_at <= ANSWERED_RECENTLY):
            answered[referral.client_id] = answered.get(referral.client_id, 0) + 1
    return [Attention(client_id, overdue.get(client_id, 0), answered.get(client_id, 0))
            for client_id in client_ids]


def is_overdue(status: str, now: datetime, accept_by: datetime, reminded: bool) -> bool:
    return status == S.REQUESTED and not reminded and now >= accept_by


def is_due_for_escalation(status: str, now: datetime, escalate_by: datetime, escalated: bool) -> bool:
    return status == S.REQUESTED and not escalated and now >= escalate_by


@dataclass(frozen=True)
class Notice:
    """A step tiimi itself adds to a referral's history, and the events that tell of it."""

    entry: HistoryEntry
    events: tuple[Message, ...] = ()
    partner_messages: tuple[Message, ...] = ()


def step_by_tiimi(referral: ReferralState, kind: StepKind,
                  detail: dict[str, Any] | None = None) -> HistoryEntry:
    """A step that is not a status change: made by tiimi itself."""
    return HistoryEntry(kind, referral.status, referral.status, TIIMI, None, None, detail or {})


@dataclass(frozen=True)
class Chase:
    """What the deadline sweep does to one referral: when it reminded and escalated, and the notices."""

    reminded_at: datetime | None
    escalated_at: datetime | None
    notices: tuple[Notice, ...]


def chase(referral: ReferralState, now: datetime, key_worker_id: str | None) -> Chase:
    """Remind the requester of a referral not accepted in time; then tell the key worker. Once each."""
    reminded_at, escalated_at = referral.reminded_at, referral.escalated_at
    notices = []
    if is_overdue(referral.status, now, referral.accept_by, reminded_at is not None):
        reminded_at = now
        overdue = Message(contracts.REFERRAL_OVERDUE,
                          referral_reference(referral) | {"accept_by": referral.accept_by})
        notices.append(Notice(step_by_tiimi(referral, StepKind.OVERDUE), (overdue,)))
    if is_due_for_escalation(referral.status, now, referral.escalate_by, escalated_at is not None):
        escalated_at = now
        escalated = Message(contracts.REFERRAL_ESCALATED, referral_reference(referral) | {
            "escalate_by": referral.escalate_by, "key_worker_id": key_worker_id})
        notices.append(Notice(step_by_tiimi(referral, StepKind.ESCALATED, {"key_worker_id": key_worker_id}),
                              (escalated,)))
    return Chase(reminded_at, escalated_at, tuple(notices))


# -- consent lost: tell partners to stop -------------------------------------------------


@dataclass(frozen=True)
class ConsentLoss:
    """Categories of a client that an organisation (None: every one) may no longer receive."""

    client_id: str
    organisation: str | None
    categories: frozenset[str]
    because: ConsentLost
    # The consent withdrawn or expired; None for a denial, which overrides every consent.
    consent_id: str | None = None

    def takes(self, category: str, consent_id: str) -> bool:
        """Whether this loss takes away a category given out under ``consent_id``.

        A withdrawn or expired consent takes only what rests on it (another consent may
        permit the same); a denial overrides any consent for the categories it names.
        """
        if category not in self.categories:
            return False
        return self.consent_id is None or self.consent_id == consent_id


def consent_loss(because: ConsentLost, data: Mapping[str, Any]) -> ConsentLoss | None:
    """What a withdrawn or expired consent, or a recorded denial, takes away from referrals.

    None when it takes nothing: a consent that never covered the purpose
    ``referral`` let nothing go out with a referral. A denial covers every purpose.
    """
    if because != ConsentLost.DENIED and SHARE_PURPOSE not in data["purposes"]:
        return None
    organisation = data.get("recipient_organisation", data.get("organisation"))
    consent_id = data.get("consent_id")
    return ConsentLoss(str(data["client_id"]), organisation, frozenset(data["categories"]), because,
                       None if consent_id is None else str(consent_id))


def categories_at_stake(referral: ReferralState, loss: ConsentLoss) -> list[str]:
    """The lost categories that were shared with this referral's target."""
    return sorted(loss.categories & set(referral.shared))


def resting_on(referral: ReferralState, loss: ConsentLoss, categories: Iterable[str]) -> list[str]:
    """Of the lost categories shared with a referral, those the loss takes (see ``ConsentLoss.takes``).

    For a send that committed after the loss handler asked the consent service: its
    check came before the loss, so what it shared under the lost consent is lost."""
    return [category for category in categories if loss.takes(category, referral.shared[category])]


def not_permitted_still(categories: list[str], decisions: list[dict[str, Any]] | None) -> list[str]:
    """The categories the consent service does not permit any more; no answer stops them all."""
    answers: list[dict[str, Any] | None] = list(decisions) if decisions is not None else [None] * len(
        categories)
    return [category for category, decision in zip(categories, answers, strict=True)
            if decision is None or decision["decision"] != Outcome.PERMIT]


@dataclass(frozen=True)
class Stop:
    """A partner told to stop processing categories shared with a referral."""

    shared: dict[str, Any]
    withheld: dict[str, Any]
    notice: Notice


def stop_processing(referral: ReferralState, categories: Iterable[str], because: ConsentLost,
                    now: datetime, key_worker_id: str | None) -> Stop | None:
    """Stop the partner processing ``categories`` of an open referral; None if nothing is left to stop."""
    stopping = [category for category in categories if category in referral.shared]
    if not stopping or referral.status not in OPEN:
        return None
    shared = {c: v for c, v in referral.shared.items() if c not in stopping}
    withheld = referral.withheld | {category: because.value for category in stopping}
    entry = step_by_tiimi(referral, StepKind.STOP_REQUESTED, {"categories": stopping, "because": because})
    to_partner = Message(partner.REFERRAL_STOP_PROCESSING, partner_reference(referral) | {
        "categories": stopping, "because": because, "at": now})
    told = Message(contracts.REFERRAL_STOP_REQUESTED, referral_reference(referral) | {
        "categories": stopping, "because": because, "key_worker_id": key_worker_id})
    return Stop(shared, withheld, Notice(entry, (told,), (to_partner,)))


# -- what events say of a referral -------------------------------------------------------


def referral_reference(referral: ReferralState) -> dict[str, Any]:
    """How tiimi's own events name a referral."""
    return {"referral_id": referral.id, "client_id": referral.client_id,
            "requesting_organisation": referral.requesting_organisation,
            "requested_by": referral.requested_by, "target_organisation": referral.target_organisation,
            "service": referral.service}


def partner_reference(referral: ReferralState) -> dict[str, Any]:
    """How the partner's messages name a referral: no professional, no service of the requester's."""
    return {"referral_id": referral.id, "client_id": referral.client_id,
            "requesting_organisation": referral.requesting_organisation,
            "target_organisation": referral.target_organisation}
