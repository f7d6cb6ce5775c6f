"""Who is told what, what they may see, how a delivery moves, where a webhook may go.

Pure functions: no I/O, no nameko, no SQLAlchemy.

A notice names a recipient, the kind of message, and how its content is
gated: a recipient of the organisation that holds the client's data (the
team's, or the requesting organisation of a referral) is *home* and may see
the client's name; anyone else only if consent permits ``basic`` for their
organisation and the purpose of the context. Otherwise the message carries no
client data at all, only that there is something new and a link.

A delivery is one message on one channel. The inbox delivery is done when it
is stored; the others move ``queued -> sending -> sent``, or after a failed
attempt ``failed`` (tried again after a backoff) and, when the tries run out,
``dead``, from where only a person's request sends it again.
"""
from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from tiimi_shared import contracts
from tiimi_shared.errors import Conflict, NotFound, ValidationError
from tiimi_shared.vocabulary import (
    Category,
    InboxMessage,
    Language,
    MemberKind,
    MemberStatus,
    Purpose,
    ReferralStatus,
    values,
)

LANGUAGES = values(Language)
DEFAULT_LANGUAGE: str = Language.FI.value


class Channel(StrEnum):
    INBOX = "inbox"
    EMAIL = "email"
    SMS = "sms"
    WEBHOOK = "webhook"


# The channels a recipient may opt into; the inbox is always on, webhooks are per partner.
OPT_IN_CHANNELS = (Channel.EMAIL, Channel.SMS)


class RecipientKind(StrEnum):
    PROFESSIONAL = "professional"
    ORGANISATION = "organisation"


Message = InboxMessage


class DeliveryStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    DEAD = "dead"


class AttemptOutcome(StrEnum):
    """What one line of a delivery's history says happened."""

    SENT = "sent"
    FAILED = "failed"
    DEAD = "dead"
    REDELIVERY = "redelivery"  # a person asked for a dead delivery to be tried again


# The statuses a partner's answer can move a referral to; the requester hears of each.
REFERRAL_ANSWERS = frozenset({
    ReferralStatus.ACCEPTED, ReferralStatus.REJECTED, ReferralStatus.IN_PROGRESS, ReferralStatus.ON_HOLD,
    ReferralStatus.COMPLETED, ReferralStatus.FAILED})
# The statuses that take a sent referral back from the partner, who must then stop.
REFERRAL_WITHDRAWALS = frozenset({ReferralStatus.CANCELLED, ReferralStatus.ENTERED_IN_ERROR})


@dataclass(frozen=True)
class Notice:
    recipient_id: str
    recipient_kind: RecipientKind
    message: Message             # template name
    client_id: str
    home: bool                   # of the organisation that holds the client's data
    organisation: str | None     # the recipient's organisation, for the consent check
    purpose: Purpose
    # Client details never, whatever consent says (a stop notice after a withdrawal).
    never_details: bool = False
    context: dict[str, Any] = field(default_factory=dict)


# -- who is told what -------------------------------------------------------------


def notices_for(event_type: str, data: dict[str, Any]) -> list[Notice]:
    """The notices one event causes; an event nobody needs to hear about gives none."""
    notices = _NOTICES_BY_EVENT_TYPE.get(event_type)
    return notices(data) if notices else []


def _member_added(data: dict[str, Any]) -> list[Notice]:
    if data["kind"] != MemberKind.PROFESSIONAL or data["professional_id"] == data["key_worker_id"]:
        return []  # close ones are not reached through tiimi; the key worker made the team
    return [Notice(data["professional_id"], RecipientKind.PROFESSIONAL, Message.MEMBER_ADDED,
                   data["client_id"], home=data["organisation"] == data["team_organisation"],
                   organisation=data["organisation"],
                   purpose=Purpose.TEAM_COORDINATION,
                   context={"team_id": data["team_id"],
                            "pending": data.get("status") == MemberStatus.PENDING_CONSENT})]


def _member_suspended(data: dict[str, Any]) -> list[Notice]:
    return [Notice(data["key_worker_id"], RecipientKind.PROFESSIONAL, Message.MEMBER_SUSPENDED,
                   data["client_id"], home=True, organisation=data["team_organisation"],
                   purpose=Purpose.TEAM_COORDINATION,
                   context={"team_id": data["team_id"], "member_organisation": data["organisation"],
                            "because": data["because"]})]


def _referral_context(data: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"referral_id": data["referral_id"], "service": data["service"],
            "requesting_organisation": data["requesting_organisation"],
            "target_organisation": data["target_organisation"]} | extra


def _to_requester(data: dict[str, Any], message: Message, **extra: Any) -> Notice:
    return Notice(data["requested_by"], RecipientKind.PROFESSIONAL, message, data["client_id"], home=True,
                  organisation=data["requesting_organisation"], purpose=Purpose.REFERRAL,
                  context=_referral_context(data, **extra))


def _to_target(data: dict[str, Any], message: Message, *, never_details: bool = False,
               **extra: Any) -> Notice:
    return Notice(data["target_organisation"], RecipientKind.ORGANISATION, message, data["client_id"],
                  home=False, organisation=data["target_organisation"], purpose=Purpose.REFERRAL,
                  never_details=never_details, context=_referral_context(data, **extra))


def _to_key_worker(data: dict[str, Any], message: Message, **extra: Any) -> Notice:
    return Notice(data["key_worker_id"], RecipientKind.PROFESSIONAL, message, data["client_id"], home=True,
                  organisation=None, purpose=Purpose.REFERRAL, context=_referral_context(data, **extra))


def _referral_status_changed(data: dict[str, Any]) -> list[Notice]:
    to_status = data["to_status"]
    if to_status == ReferralStatus.REQUESTED:
        return [_to_target(data, Message.REFERRAL_RECEIVED)]
    if to_status in REFERRAL_ANSWERS:
        return [_to_requester(data, Message.REFERRAL_ANSWERED, status=to_status)]
    if to_status in REFERRAL_WITHDRAWALS and data["from_status"] != ReferralStatus.DRAFT:
        return [_to_target(data, Message.REFERRAL_WITHDRAWN, never_details=True, status=to_status)]
    return []  # a draft withdrawn: the partner never saw it


def _referral_overdue(data: dict[str, Any]) -> list[Notice]:
    return [_to_requester(data, Message.REFERRAL_OVERDUE)]


def _referral_escalated(data: dict[str, Any]) -> list[Notice]:
    if data["key_worker_id"] is None:
        return []
    return [_to_key_worker(data, Message.REFERRAL_ESCALATED)]


def _referral_stop_requested(data: dict[str, Any]) -> list[Notice]:
    why = {"categories": data["categories"], "because": data["because"]}
    notices = [_to_target(data, Message.REFERRAL_STOP, never_details=True, **why)]
    if data["key_worker_id"] is not None:
        notices.append(_to_key_worker(data, Message.CONSENT_LOST, **why))
    return notices


def _statutory_disclosure(data: dict[str, Any]) -> list[Notice]:
    """The key worker is told at once of data given out without consent: to whom, what, under which
    statute, and whether against the client's denial; the justification stays in the log."""
    if data["key_worker_id"] is None:
        return []
    return [Notice(data["key_worker_id"], RecipientKind.PROFESSIONAL, Message.STATUTORY_DISCLOSURE,
                   data["client_id"], home=True, organisation=None, purpose=Purpose.TEAM_COORDINATION,
                   context={"legal_basis": data["legal_basis"], "statute": data["statute"],
                            "recipient_organisation": data["recipient_organisation"],
                            "recipient_kind": data["recipient_kind"], "categories": list(data["categories"]),
                            "against_denial": data["against_denial"]})]


def _emergency_access(data: dict[str, Any]) -> list[Notice]:
    """The key worker is told at once that someone outside the team opened the client's data, why and
    until when (the explanation in words stays in consent)."""
    if data["key_worker_id"] is None:
        return []
    ends_at = str(data["ends_at"])[:16].replace("T", " ")  # to the minute, in UTC as sent
    return [Notice(data["key_worker_id"], RecipientKind.PROFESSIONAL, Message.EMERGENCY_ACCESS,
                   data["client_id"], home=True, organisation=None, purpose=Purpose.TEAM_COORDINATION,
                   context={"access_id": data["access_id"], "professional": data["professional"],
                            "organisation": data["organisation"], "reason": data["reason"],
                            "ends_at": ends_at})]


_NOTICES_BY_EVENT_TYPE: dict[str, Callable[[dict[str, Any]], list[Notice]]] = {
    contracts.MEMBER_ADDED.name: _member_added,
    contracts.MEMBER_SUSPENDED.name: _member_suspended,
    contracts.REFERRAL_STATUS_CHANGED.name: _referral_status_changed,
    contracts.REFERRAL_OVERDUE.name: _referral_overdue,
    contracts.REFERRAL_ESCALATED.name: _referral_escalated,
    contracts.REFERRAL_STOP_REQUESTED.name: _referral_stop_requested,
    contracts.STATUTORY_DISCLOSURE_RECORDED.name: _statutory_disclosure,
    contracts.EMERGENCY_ACCESS_OPENED.name: _emergency_access,
}
# The event types that can cause a notice (the service subscribes to each).
NOTIFIED_EVENT_TYPES = tuple(_NOTICES_BY_EVENT_TYPE)


# -- what a recipient may see --------------------------------------------------------


def consent_request(notice: Notice) -> dict[str, str | None] | None:
    """What to ask consent before showing this recipient client details; None if there is nothing to ask.

    At home the answer is yes, for a notice that never carries details it is no,
    and a recipient with no organisation cannot be named in a consent.
    """
    if notice.home or notice.never_details or notice.organisation is None:
        return None
    professional = notice.recipient_id if notice.recipient_kind == RecipientKind.PROFESSIONAL else None
    return {"organisation": notice.organisation, "professional": professional,
            "category": str(Category.BASIC), "purpose": str(notice.purpose)}


def may_show_details(notice: Notice, consent_permits: bool | None) -> bool:
    """Client details only at home, or where consent permits them; None (no answer) is no."""
    if notice.never_details:
        return False
    return notice.home or consent_permits is True


def carries_details(channel: Channel | str, details_allowed: bool) -> bool:
    """SMS is read on lock screens: it never carries client details, whoever receives it."""
    return details_allowed and channel != Channel.SMS


@dataclass(frozen=True)
class Preferences:
    """How a recipient wants to be reached; a recipient who never said is told in Finnish, in the inbox."""

    language: str = DEFAULT_LANGUAGE
    email: str | None = None
    phone: str | None = None
    opted_in: tuple[str, ...] = ()

    def address_for(self, channel: Channel | str) -> str | None:
        """Where a message on ``channel`` goes; None where the channel needs no address of the recipient's."""
        if channel == Channel.EMAIL:
            return self.email
        if channel == Channel.SMS:
            return self.phone
        return None


def opted_in(channels: Iterable[str]) -> list[str]:
    """The channels a recipient chose, each once, in a stable order."""
    return sorted(set(channels))


def channels_for(notice: Notice, opted_in: Iterable[str], has_webhook: bool) -> list[Channel]:
    """The channels a notice goes out on: the inbox always, the rest as the recipient opted in."""
    chosen_by_recipient = set(opted_in)
    chosen = [Channel.INBOX] + [channel for channel in OPT_IN_CHANNELS if channel in chosen_by_recipient]
    if notice.recipient_kind == RecipientKind.ORGANISATION and has_webhook:
        chosen.append(Channel.WEBHOOK)
    return chosen


def read_inbox_item(*, item_id: str, channel: str, owner: str, reader: str, read_at: datetime | None,
                    now: datetime) -> datetime:
    """When the item counts as read; only its own recipient reads an inbox item, others do not find it."""
    if channel != Channel.INBOX or owner != reader:
        raise NotFound("inbox item", item_id)
    return read_at or now


# -- a delivery's life -------------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6
    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(hours=1)

    def delay_after(self, attempts: int) -> timedelta:
        """Exponential backoff after the ``attempts``-th failure, never above the cap."""
        delay: timedelta = min(self.base * (2 ** (attempts - 1)), self.cap)
        return delay

    def gives_up_after(self, attempts: int) -> bool:
        return attempts >= self.max_attempts


@dataclass(frozen=True)
class DeliveryState:
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    lease_until: datetime | None = None
    sent_at: datetime | None = None
    last_error: str | None = None


@dataclass(frozen=True)
class Attempted:
    """A delivery's new state and the line its history gets for the step."""

    state: DeliveryState
    number: int
    outcome: AttemptOutcome


def new_delivery(channel: Channel | str, now: datetime) -> DeliveryState:
    """The inbox is delivered by being stored; every other channel waits, due at once."""
    if channel == Channel.INBOX:
        return DeliveryState(DeliveryStatus.SENT, attempts=0, next_attempt_at=None, sent_at=now)
    return DeliveryState(DeliveryStatus.QUEUED, attempts=0, next_attempt_at=now)


# Waiting for their next attempt.
WAITING = (DeliveryStatus.QUEUED, DeliveryStatus.FAILED)


def is_due(state: DeliveryState, now: datetime) -> bool:
    """Waiting and due, or taken by a sender whose lease ran out (it crashed)."""
    if state.status in WAITING:
        return state.next_attempt_at is not None and state.next_attempt_at <= now
    if state.status == DeliveryStatus.SENDING:
        return state.lease_until is not None and state.lease_until <= now
    return False


def take(state: DeliveryState, now: datetime, lease: timedelta) -> DeliveryState:
    """A sender takes a due delivery; until the lease ends no other sender takes it."""
    if not is_due(state, now):
        raise Conflict(f"only a due delivery is sent; this one is {state.status}",
                       current_state=state.status, allowed=list(WAITING))
    return replace(state, status=DeliveryStatus.SENDING, lease_until=now + lease)


def after_attempt(state: DeliveryState, error: str | None, now: datetime, policy: RetryPolicy) -> Attempted:
    """Sent, or failed and due again after a backoff, or dead once the policy gives up.

    ``error`` is None when the message went out, else the reason it did not.
    """
    attempts = state.attempts + 1
    state = replace(state, attempts=attempts, lease_until=None, last_error=error)
    if error is None:
        state = replace(state, status=DeliveryStatus.SENT, sent_at=now, next_attempt_at=None)
    elif policy.gives_up_after(attempts):
        state = replace(state, status=DeliveryStatus.DEAD, next_attempt_at=None)
    else:
        state = replace(state, status=DeliveryStatus.FAILED,
                        next_attempt_at=now + policy.delay_after(attempts))
    return Attempted(state, attempts, AttemptOutcome(state.status.value))


def redeliver(state: DeliveryState, now: datetime) -> Attempted:
    """Only a dead delivery is tried again: a fresh round of attempts, due at once; its history stays."""
    if state.status != DeliveryStatus.DEAD:
        raise Conflict(f"only a dead delivery is redelivered; this one is {state.status}",
                       current_state=state.status, allowed=[])
    return Attempted(replace(state, status=DeliveryStatus.QUEUED, attempts=0, next_attempt_at=now),
                     state.attempts, AttemptOutcome.REDELIVERY)


# -- webhooks -------------------------------------------------------------------------


@dataclass(frozen=True)
class SigningSecrets:
    secret: str
    previous_secret: str | None = None
    previous_until: datetime | None = None  # the previous secret signs beside the new one until then


def rotate(secrets: SigningSecrets, new_secret: str, now: datetime, overlap: timedelta) -> SigningSecrets:
    """The new secret signs from now on; the current one beside it for ``overlap``."""
    return SigningSecrets(new_secret, previous_secret=secrets.secret, previous_until=now + overlap)


def secrets_in_force(secrets: SigningSecrets, now: datetime) -> list[str]:
    """The secrets that sign a message sent now: during a rotation, the old one too."""
    signing = [secrets.secret]
    if secrets.previous_secret and secrets.previous_until and secrets.previous_until > now:
        signing.append(secrets.previous_secret)
    return signing


def check_webhook_url(url: str, *, allow_private: bool) -> str:
    """An https URL with a host (http too where private targets are allowed, for tests)."""
    parts = urlsplit(url)
    schemes = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in schemes or not parts.hostname:
        raise ValidationError({"url": ["a webhook target must be an https URL"]})
    if parts.username or parts.password:
        raise ValidationError({"url": ["credentials do not belong in a webhook URL"]})
    if not allow_private:
        try:
            address = ipaddress.ip_address(parts.hostname)
        except ValueError:
            return url  # a name: its addresses are checked when it is called
        if not is_public(address):
            raise ValidationError({"url": ["a webhook target may not be a private or loopback address"]})
    return url


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return not (address.is_private or address.is_loopback or address.is_link_local or address.is_multicast
                or address.is_reserved or address.is_unspecified)
