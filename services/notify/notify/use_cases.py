"""The notify service's use cases: one function per RPC, timer and event, on a unit of work and ports.

Each takes the unit-of-work factory, the command as its schema loaded it, and
what it needs of the world (the time, the consent gate, the client's details,
the channels) as arguments, so that its tests need no broker, no database and
no mail server.
"""
from __future__ import annotations

import base64
import os
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from notify import render, rules
from notify.models import Attempt, Delivery, PartnerWebhook, Recipient
from notify.ports import (
    ClientDetails,
    ConsentGate,
    DeliveryFailed,
    NotifyUnitOfWork,
    Outgoing,
    Sender,
    StoredConcurrently,
)
from tiimi_shared.consuming import consume
from tiimi_shared.errors import NotFound
from tiimi_shared.handlers import ReceivedEvent
from tiimi_shared.logging import get_logger

log = get_logger(__name__)

UnitOfWorkFactory = Callable[[], NotifyUnitOfWork]

# How many deliveries one round of the timer takes, and how long a sender holds them.
BATCH = 20
LEASE = timedelta(minutes=2)


def new_webhook_secret() -> str:
    return "whsec_" + base64.b64encode(os.urandom(32)).decode()


# -- recipients and partners ----------------------------------------------------------


def set_preferences(unit_of_work: UnitOfWorkFactory, command: dict[str, Any], *, now: datetime) -> Recipient:
    """A recipient's language, addresses and the channels they opted into (the inbox always)."""
    recipient = Recipient(id=command["recipient_id"], kind=command["kind"], language=command["language"],
                          email=command["email"], phone=command["phone"],
                          channels=rules.opted_in(command["channels"]), updated_at=now)
    with unit_of_work() as uow:
        uow.recipients.put(recipient)
        uow.commit()
    return recipient


def get_preferences(unit_of_work: UnitOfWorkFactory, command: dict[str, Any]) -> Recipient:
    with unit_of_work() as uow:
        recipient = uow.recipients.get(command["recipient_id"])
    if recipient is None:
        raise NotFound("recipient", command["recipient_id"])
    return recipient


@dataclass(frozen=True)
class WebhookRegistered:
    organisation: str
    url: str
    secret: str | None  # a new partner's signing secret, shown this once; None for a changed URL


def register_webhook(unit_of_work: UnitOfWorkFactory, command: dict[str, Any], *, now: datetime,
                     allow_private: bool,
                     new_secret: Callable[[], str] = new_webhook_secret) -> WebhookRegistered:
    """Set a partner's webhook target; a new partner gets its signing secret."""
    organisation = command["organisation"]
    url = rules.check_webhook_url(command["url"], allow_private=allow_private)
    secret = None
    with unit_of_work() as uow:
        webhook = uow.webhooks.get(organisation, for_update=True)
        if webhook is None:
            secret = new_secret()
            uow.webhooks.add(PartnerWebhook(organisation=organisation, url=url, secret=secret,
                                            updated_at=now))
        else:
            webhook.url, webhook.updated_at = url, now
        uow.commit()
    return WebhookRegistered(organisation, url, secret)


@dataclass(frozen=True)
class SecretRotated:
    organisation: str
    secret: str
    previous_valid_until: datetime | None


def rotate_webhook_secret(unit_of_work: UnitOfWorkFactory, command: dict[str, Any], *, now: datetime,
                          new_secret: Callable[[], str] = new_webhook_secret) -> SecretRotated:
    """A new signing secret; the old one keeps signing beside it for ``overlap_hours``."""
    organisation = command["organisation"]
    with unit_of_work() as uow:
        webhook = uow.webhooks.get(organisation, for_update=True)
        if webhook is None:
            raise NotFound("webhook of organisation", organisation)
        rotated = rules.rotate(webhook.signing_secrets(), new_secret(), now,
                               timedelta(hours=command["overlap_hours"]))
        webhook.apply(rotated)
        webhook.updated_at = now
        uow.commit()
    log.info("webhook secret rotated", organisation=organisation)
    return SecretRotated(organisation, rotated.secret, rotated.previous_until)


# -- the inbox ----------------------------------------------------------------------------


def list_inbox(unit_of_work: UnitOfWorkFactory, command: dict[str, Any]) -> list[Delivery]:
    with unit_of_work() as uow:
        return uow.deliveries.inbox(command["recipient_id"], command["unread_only"], command["limit"])


def mark_read(unit_of_work: UnitOfWorkFactory, command: dict[str, Any], *, now: datetime) -> Delivery:
    """The recipient read an inbox item; the first reading is the one remembered."""
    with unit_of_work() as uow:
        item = uow.deliveries.get(str(command["item_id"]), for_update=True)
        item.read_at = rules.read_inbox_item(item_id=str(command["item_id"]), channel=item.channel,
                                             owner=item.recipient_id, reader=command["recipient_id"],
                                             read_at=item.read_at, now=now)
        uow.commit()
    return item


# -- delivery tracking ---------------------------------------------------------------------


def list_deliveries(unit_of_work: UnitOfWorkFactory,
                    command: dict[str, Any]) -> list[tuple[Delivery, list[Attempt]]]:
    """Deliveries as operations see them, each with its history."""
    with unit_of_work() as uow:
        found = uow.deliveries.find(command["recipient_id"], _text(command["event_id"]), command["status"],
                                    command["limit"])
        return [(delivery, uow.deliveries.attempts(delivery.id)) for delivery in found]


def redeliver(unit_of_work: UnitOfWorkFactory, command: dict[str, Any], *, now: datetime) -> Delivery:
    """Try a dead delivery again, with a fresh round of attempts; its history stays."""
    with unit_of_work() as uow:
        delivery = uow.deliveries.get(str(command["delivery_id"]), for_update=True)
        step = rules.redeliver(delivery.state(), now)
        uow.deliveries.record(Attempt(delivery_id=delivery.id, number=step.number, at=now,
                                      outcome=step.outcome.value,
                                      error=f"requested by {command['requested_by']}"))
        delivery.apply(step.state)
        uow.commit()
    log.info("dead delivery queued again", delivery_id=delivery.id)
    return delivery


# -- events in --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Addressee:
    """What notify knows of a notice's recipient before it asks anyone anything."""

    notice: rules.Notice
    preferences: rules.Preferences
    has_webhook: bool


@dataclass(frozen=True)
class Draft:
    """A notice's recipient and the client details they may be shown (None: none at all)."""

    addressee: Addressee
    client: dict[str, Any] | None


def notify_recipients(unit_of_work: UnitOfWorkFactory, event: ReceivedEvent, *, now: datetime,
                      gate: ConsentGate, client_details: ClientDetails, public_url: str) -> int:
    """Turn an event into deliveries, once: the notices it causes, on each recipient's channels.

    Reads each recipient's preferences, asks consent (outside any transaction)
    whether client details may be shown, then claims the event and stores the
    deliveries together. A redelivered event asks nobody and stores nothing.
    Returns how many deliveries were stored.
    """
    notices = rules.notices_for(event.type, event.data)

    def read(uow: NotifyUnitOfWork) -> list[Addressee]:
        return [_addressee(uow, notice) for notice in notices]

    def ask(addressees: list[Addressee]) -> list[Draft]:
        return [Draft(addressee, _client_if_allowed(addressee.notice, gate, client_details))
                for addressee in addressees]

    def apply(uow: NotifyUnitOfWork, drafts: list[Draft] | None) -> int:
        stored = 0
        for draft in drafts or []:
            for delivery in _deliveries(event, draft, public_url, now):
                uow.deliveries.add(delivery)
                stored += 1
        return stored

    try:
        stored = consume(unit_of_work, event, read=read, ask=ask, apply=apply)
    except StoredConcurrently:
        # Another delivery of the same event got here first: it did the work.
        log.info("event already notified", event_id=event.id)
        return 0
    if stored:
        log.info("notices queued", event_type=event.type, deliveries=stored)
    return stored or 0


def _addressee(uow: NotifyUnitOfWork, notice: rules.Notice) -> Addressee:
    recipient = uow.recipients.get(notice.recipient_id)
    preferences = recipient.preferences() if recipient is not None else rules.Preferences()
    return Addressee(notice, preferences, uow.webhooks.get(notice.recipient_id) is not None)


def _client_if_allowed(notice: rules.Notice, gate: ConsentGate,
                       client_details: ClientDetails) -> dict[str, Any] | None:
    request = rules.consent_request(notice)
    permitted = gate.permits_all(notice.client_id, [request]) if request is not None else None
    if not rules.may_show_details(notice, permitted):
        return None
    return client_details(notice.client_id)


def _deliveries(event: ReceivedEvent, draft: Draft, public_url: str, now: datetime) -> Iterable[Delivery]:
    notice, preferences = draft.addressee.notice, draft.addressee.preferences
    link = render.link_for(public_url, notice)
    for channel in rules.channels_for(notice, preferences.opted_in, draft.addressee.has_webhook):
        shown = draft.client if rules.carries_details(channel, draft.client is not None) else None
        rendered = render.render(notice, preferences.language, link, shown)
        delivery = Delivery(
            id=str(uuid.uuid4()), event_id=event.id, event_type=event.type, recipient_id=notice.recipient_id,
            channel=channel.value, message=notice.message.value, language=rendered.language,
            with_details=rendered.with_details, address=preferences.address_for(channel),
            subject=rendered.subject, body=rendered.body, link=link, context=notice.context, created_at=now)
        delivery.apply(rules.new_delivery(channel, now))
        yield delivery


# -- messages out ------------------------------------------------------------------------------


def deliver_due(unit_of_work: UnitOfWorkFactory, *, clock: Callable[[], datetime], sender: Sender,
                policy: rules.RetryPolicy, batch: int = BATCH, lease: timedelta = LEASE) -> int:
    """Send what is due; record each attempt; back off, and give up with a reason.

    The deliveries are taken under a lease in one transaction, sent with none
    open, and their outcomes recorded in another. It reads the clock twice:
    an outcome is as of when the sending ended. Returns how many were tried.
    """
    now = clock()
    with unit_of_work() as uow:
        taken = []
        for delivery in uow.deliveries.due(now, batch):
            delivery.apply(rules.take(delivery.state(), now, lease))
            taken.append(_outgoing(uow, delivery, now))
        uow.commit()
    outcomes = [(message.delivery_id, _attempt(sender, message)) for message in taken]
    now = clock()
    with unit_of_work() as uow:
        for delivery_id, error in outcomes:
            delivery = uow.deliveries.get(delivery_id, for_update=True)
            step = rules.after_attempt(delivery.state(), error, now, policy)
            delivery.apply(step.state)
            uow.deliveries.record(Attempt(delivery_id=delivery.id, number=step.number, at=now,
                                          outcome=step.outcome.value, error=error))
            if step.outcome == rules.AttemptOutcome.DEAD:
                log.error("delivery dead", delivery_id=delivery.id, channel=delivery.channel, reason=error)
        uow.commit()
    return len(outcomes)


def _outgoing(uow: NotifyUnitOfWork, delivery: Delivery, now: datetime) -> Outgoing:
    message = Outgoing(delivery.id, delivery.channel, delivery.address, delivery.subject, delivery.body,
                       delivery.language)
    if delivery.channel != rules.Channel.WEBHOOK:
        return message
    webhook = uow.webhooks.get(delivery.recipient_id)
    payload = {
        "id": delivery.id, "type": delivery.message, "event_id": delivery.event_id,
        "event_type": delivery.event_type, "created_at": delivery.created_at.isoformat(),
        "subject": delivery.subject, "text": delivery.body, "link": delivery.link,
        "with_client_details": delivery.with_details, **delivery.context}
    if webhook is None:
        return replace(message, payload=payload)  # with no url the sender refuses it
    return replace(message, url=webhook.url, payload=payload,
                   secrets=tuple(rules.secrets_in_force(webhook.signing_secrets(), now)))


def _attempt(sender: Sender, message: Outgoing) -> str | None:
    """None if the message went out, else the reason it did not."""
    try:
        sender.send(message)
    except DeliveryFailed as failure:
        log.warning("delivery failed", delivery_id=message.delivery_id, channel=message.channel,
                    reason=failure.reason)
        return failure.reason
    except Exception as error:  # a bug must not leave the delivery taken forever
        log.exception("delivery raised", delivery_id=message.delivery_id)
        return f"{message.channel}: {type(error).__name__}"
    return None


def _text(value: object) -> str | None:
    return None if value is None else str(value)
