"""The notify service: who is told what, on which channel, and whether it arrived.

An event becomes notices (``rules``), each rendered in the recipient's
language with client details only where they may be shown, and stored as one
delivery per channel in the same transaction that claims the event: a
redelivered event finds its claim and adds nothing. The inbox delivery is done
when stored; the others wait for the ``deliver_due`` timer, which sends them
outside any transaction under a lease and records every attempt.
"""
from __future__ import annotations

import base64
import os
import uuid
from datetime import UTC, datetime, timedelta

from nameko.rpc import rpc
from sqlalchemy.exc import IntegrityError

from notify import render, rules, schemas
from notify.channels import DeliveryFailed
from notify.dependencies import Channels, ClientDetails
from notify.models import Attempt, Delivery, PartnerWebhook, Recipient
from notify.repository import NotifyUnitOfWork
from tiimi_shared import contracts
from tiimi_shared.clock import Clock, configured_timer
from tiimi_shared.consent_gate import ConsentGate
from tiimi_shared.correlation import Correlation
from tiimi_shared.database import Database
from tiimi_shared.errors import EXPECTED, Conflict, NotFound
from tiimi_shared.handlers import ReceivedEvent, event_handler
from tiimi_shared.logging import get_logger
from tiimi_shared.operations import Operations
from tiimi_shared.schemas import load

log = get_logger(__name__)

BATCH = 20
LEASE = timedelta(minutes=2)


class NotifyService:
    name = "notify"

    operations = Operations()
    db = Database(NotifyUnitOfWork, relay=False)
    clock = Clock()
    correlation_id = Correlation()
    consent = ConsentGate()
    client_details = ClientDetails()
    channels = Channels()

    @rpc
    def health(self) -> dict:
        return {"service": self.name, "status": "ok", **self.db.health()}

    # -- recipients and partners --------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def set_preferences(self, **preferences) -> dict:
        """A recipient's language, addresses and the channels they opted into (inbox always)."""
        command = load(schemas.SetPreferences, preferences)
        record = Recipient(id=command["recipient_id"], kind=command["kind"], language=command["language"],
                           email=command["email"], phone=command["phone"],
                           channels=sorted(set(command["channels"])), updated_at=self.clock())
        with self.db() as uow:
            uow.recipients.put(record)
            uow.commit()
        return schemas.PreferencesOut().dump(record)

    @rpc(expected_exceptions=EXPECTED)
    def get_preferences(self, **query) -> dict:
        recipient_id = load(schemas.RecipientQuery, query)["recipient_id"]
        with self.db() as uow:
            record = uow.recipients.get(recipient_id)
            if record is None:
                raise NotFound("recipient", recipient_id)
            return schemas.PreferencesOut().dump(record)

    @rpc(expected_exceptions=EXPECTED)
    def register_webhook(self, **registration) -> dict:
        """Set a partner's webhook target; a new partner gets its signing secret, shown this once."""
        command = load(schemas.RegisterWebhook, registration)
        url = rules.check_webhook_url(command["url"], allow_private=self.channels.webhooks.allow_private)
        with self.db() as uow:
            webhook = uow.webhooks.get(command["organisation"], for_update=True)
            secret = None
            if webhook is None:
                secret = _new_secret()
                uow.webhooks.add(PartnerWebhook(organisation=command["organisation"], url=url, secret=secret,
                                                updated_at=self.clock()))
            else:
                webhook.url, webhook.updated_at = url, self.clock()
            uow.commit()
        return {"organisation": command["organisation"], "url": url, "secret": secret}

    @rpc(expected_exceptions=EXPECTED)
    def rotate_webhook_secret(self, **rotation) -> dict:
        """A new signing secret; the old one keeps signing beside it for ``overlap_hours``."""
        command = load(schemas.RotateSecret, rotation)
        secret = _new_secret()
        until = datetime.now(UTC) + timedelta(hours=command["overlap_hours"])
        with self.db() as uow:
            webhook = uow.webhooks.get(command["organisation"], for_update=True)
            if webhook is None:
                raise NotFound("webhook of organisation", command["organisation"])
            webhook.previous_secret, webhook.previous_until = webhook.secret, until
            webhook.secret, webhook.updated_at = secret, self.clock()
            uow.commit()
        log.info("webhook secret rotated", organisation=command["organisation"])
        return {"organisation": command["organisation"], "secret": secret, "previous_valid_until": until}

    # -- the inbox ------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def list_inbox(self, **query) -> list[dict]:
        command = load(schemas.InboxQuery, query)
        with self.db() as uow:
            return schemas.InboxItemOut(many=True).dump(
                uow.deliveries.inbox(command["recipient_id"], command["unread_only"], command["limit"]))

    @rpc(expected_exceptions=EXPECTED)
    def mark_read(self, **query) -> dict:
        command = load(schemas.MarkRead, query)
        with self.db() as uow:
            item = uow.deliveries.get(command["item_id"], for_update=True)
            if item.channel != "inbox" or item.recipient_id != command["recipient_id"]:
                raise NotFound("inbox item", str(command["item_id"]))
            item.read_at = item.read_at or self.clock()
            uow.commit()
            return schemas.InboxItemOut().dump(item)

    # -- delivery tracking --------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def list_deliveries(self, **query) -> list[dict]:
        command = load(schemas.DeliveryQuery, query)
        with self.db() as uow:
            found = uow.deliveries.find(command["recipient_id"], command["event_id"], command["status"],
                                        command["limit"])
            return [schemas.DeliveryOut().dump(d) | {
                "history": schemas.AttemptOut(many=True).dump(uow.deliveries.attempts(d.id))} for d in found]

    @rpc(expected_exceptions=EXPECTED)
    def redeliver(self, **request) -> dict:
        """Try a dead delivery again, with a fresh round of attempts; its history stays."""
        command = load(schemas.Redeliver, request)
        now = self.clock()
        with self.db() as uow:
            delivery = uow.deliveries.get(command["delivery_id"], for_update=True)
            if delivery.status != "dead":
                raise Conflict(f"only a dead delivery is redelivered; this one is {delivery.status}",
                               current_state=delivery.status, allowed=[])
            uow.deliveries.record(Attempt(
                delivery_id=delivery.id, number=delivery.attempts, at=now, outcome="redelivery",
                error=f"requested by {command['requested_by']}"))
            delivery.status, delivery.attempts, delivery.next_attempt_at = "queued", 0, now
            uow.commit()
            log.info("dead delivery queued again", delivery_id=delivery.id)
            return schemas.DeliveryOut().dump(delivery)

    # -- events in --------------------------------------------------------------------

    @event_handler(contracts.MEMBER_ADDED)
    def on_member_added(self, event: ReceivedEvent) -> None:
        self._notify(event)

    @event_handler(contracts.MEMBER_SUSPENDED)
    def on_member_suspended(self, event: ReceivedEvent) -> None:
        self._notify(event)

    @event_handler(contracts.REFERRAL_STATUS_CHANGED)
    def on_referral_status_changed(self, event: ReceivedEvent) -> None:
        self._notify(event)

    @event_handler(contracts.REFERRAL_OVERDUE)
    def on_referral_overdue(self, event: ReceivedEvent) -> None:
        self._notify(event)

    @event_handler(contracts.REFERRAL_ESCALATED)
    def on_referral_escalated(self, event: ReceivedEvent) -> None:
        self._notify(event)

    @event_handler(contracts.REFERRAL_STOP_REQUESTED)
    def on_referral_stop_requested(self, event: ReceivedEvent) -> None:
        self._notify(event)

    # -- messages out -------------------------------------------------------------------

    @configured_timer("DELIVERY_INTERVAL", default=2.0)
    def deliver_due(self) -> int:
        """Send what is due; record each attempt; back off, and give up with a reason."""
        now = self.clock()
        with self.db() as uow:
            taken = []
            for delivery in uow.deliveries.due(now, BATCH):
                delivery.status, delivery.lease_until = "sending", now + LEASE
                taken.append(self._outgoing(uow, delivery))
            uow.commit()
        results = [(item["id"], self._send(item)) for item in taken]
        now = self.clock()
        with self.db() as uow:
            for delivery_id, error in results:
                delivery = uow.deliveries.get(delivery_id, for_update=True)
                delivery.attempts += 1
                delivery.lease_until = None
                if error is None:
                    delivery.status, delivery.sent_at, delivery.next_attempt_at = "sent", now, None
                elif self.channels.policy.gives_up_after(delivery.attempts):
                    delivery.status, delivery.next_attempt_at = "dead", None
                else:
                    delivery.status = "failed"
                    delivery.next_attempt_at = now + self.channels.policy.delay_after(delivery.attempts)
                delivery.last_error = error
                uow.deliveries.record(Attempt(delivery_id=delivery.id, number=delivery.attempts, at=now,
                                              outcome=delivery.status, error=error))
                if delivery.status == "dead":
                    log.error("delivery dead", delivery_id=delivery.id, channel=delivery.channel,
                              reason=error)
            uow.commit()
        return len(results)

    # -- helpers ----------------------------------------------------------------------------

    def _notify(self, event: ReceivedEvent) -> None:
        envelope, event_type, data = event.envelope, event.type, event.data
        consumer = event.consumer
        notices = rules.notices_for(event_type, data)
        with self.db() as uow:
            preferences = {n.recipient_id: _preferences_of(uow.recipients.get(n.recipient_id))
                           for n in notices}
            webhooks = {n.recipient_id for n in notices if uow.webhooks.get(n.recipient_id) is not None}
        drafts = []
        for notice in notices:
            client = self._client_if_allowed(notice, data["client_id"])
            language, email, phone, opted_in = preferences[notice.recipient_id]
            link = render.link_for(self.channels.public_url, notice)
            rendered = render.render(notice, language, link, client)
            for channel in rules.channels_for(notice, opted_in, notice.recipient_id in webhooks):
                # SMS is read on lock screens: it never carries client details.
                minimal = channel == "sms" and client is not None
                text = render.render(notice, language, link, None) if minimal else rendered
                drafts.append((notice, channel, text, link, {"email": email, "sms": phone}.get(channel)))
        now = self.clock()
        with self.db() as uow:
            if not uow.claim(consumer, envelope["id"]):
                return
            for notice, channel, rendered, link, address in drafts:
                uow.deliveries.add(Delivery(
                    id=str(uuid.uuid4()), event_id=envelope["id"], event_type=event_type,
                    recipient_id=notice.recipient_id, channel=channel, message=notice.message,
                    language=rendered.language, with_details=rendered.with_details, address=address,
                    subject=rendered.subject, body=rendered.body,
                    link=link, context=notice.context,
                    status="sent" if channel == "inbox" else "queued", attempts=0,
                    next_attempt_at=None if channel == "inbox" else now, created_at=now,
                    sent_at=now if channel == "inbox" else None))
            try:
                uow.commit()
            except IntegrityError:
                # Another delivery of the same event got here first: it did the work.
                log.info("event already notified", event_id=envelope["id"])
                return
        if drafts:
            log.info("notices queued", event_type=event_type, deliveries=len(drafts))

    def _client_if_allowed(self, notice: rules.Notice, client_id: str) -> dict | None:
        permitted = None
        if not notice.home and not notice.never_details and notice.organisation is not None:
            professional = notice.recipient_id if notice.recipient_kind == rules.PROFESSIONAL else None
            permitted = self.consent.permits_all(client_id, [{
                "organisation": notice.organisation, "professional": professional, "category": "basic",
                "purpose": notice.purpose}])
        if not rules.may_show_details(notice, permitted):
            return None
        return self.client_details(client_id)

    def _outgoing(self, uow, delivery: Delivery) -> dict:
        item = {"id": delivery.id, "channel": delivery.channel, "address": delivery.address,
                "subject": delivery.subject, "body": delivery.body, "language": delivery.language}
        if delivery.channel == "webhook":
            webhook = uow.webhooks.get(delivery.recipient_id)
            item["url"] = webhook.url if webhook else None
            item["secrets"] = _secrets_in_force(webhook) if webhook else []
            item["payload"] = {
                "id": delivery.id, "type": delivery.message, "event_id": delivery.event_id,
                "event_type": delivery.event_type, "created_at": delivery.created_at.isoformat(),
                "subject": delivery.subject, "text": delivery.body, "link": delivery.link,
                "with_client_details": delivery.with_details, **delivery.context}
        return item

    def _send(self, item: dict) -> str | None:
        """None if it went out, else the reason it did not."""
        try:
            if item["channel"] == "email":
                self.channels.email.send(item["address"], item["subject"], item["body"], item["id"],
                                         item["language"])
            elif item["channel"] == "sms":
                self.channels.sms.send(item["address"], item["body"], item["id"])
            elif item["channel"] == "webhook":
                if not item["url"]:
                    raise DeliveryFailed("webhook: the partner has no webhook registered")
                self.channels.webhooks.send(item["url"], item["payload"], item["id"], item["secrets"])
            else:
                raise DeliveryFailed(f"unknown channel {item['channel']}")
        except DeliveryFailed as failure:
            log.warning("delivery failed", delivery_id=item["id"], channel=item["channel"],
                        reason=failure.reason)
            return failure.reason
        except Exception as error:  # a bug must not leave the delivery taken forever
            log.exception("delivery raised", delivery_id=item["id"])
            return f"{item['channel']}: {type(error).__name__}"
        return None


def _preferences_of(recipient: Recipient | None) -> tuple[str, str | None, str | None, tuple[str, ...]]:
    if recipient is None:
        return "fi", None, None, ()
    return recipient.language, recipient.email, recipient.phone, tuple(recipient.channels)


def _new_secret() -> str:
    return "whsec_" + base64.b64encode(os.urandom(32)).decode()


def _secrets_in_force(webhook: PartnerWebhook) -> list[str]:
    secrets = [webhook.secret]
    if webhook.previous_secret and webhook.previous_until and webhook.previous_until > datetime.now(UTC):
        secrets.append(webhook.previous_secret)
    return secrets
