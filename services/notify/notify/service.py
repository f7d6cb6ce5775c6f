"""The notify service: who is told what, on which channel, and whether it arrived.

An event becomes notices, each rendered in the recipient's language with
client details only where they may be shown, and stored as one delivery per
channel in the same transaction that claims the event: a redelivered event
finds its claim and adds nothing. The inbox delivery is done when stored; the
others wait for the ``deliver_due`` timer, which sends them outside any
transaction under a lease and records every attempt. The decisions are in
``rules``, the stories in ``use_cases``; this module loads, calls and answers.
"""
from __future__ import annotations

from typing import Any

from notify import schemas, use_cases
from notify.dependencies import Channels, ClientDetails
from notify.repository import NotifyUnitOfWork
from tiimi_shared import contracts
from tiimi_shared.clock import Clock, configured_timer
from tiimi_shared.consent_gate import ConsentGate
from tiimi_shared.correlation import Correlation
from tiimi_shared.database import Database
from tiimi_shared.entrypoints import rpc
from tiimi_shared.errors import EXPECTED
from tiimi_shared.handlers import ReceivedEvent, event_handler
from tiimi_shared.idempotency import command
from tiimi_shared.operations import Operations
from tiimi_shared.schemas import dump, dump_many, load


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
    def health(self) -> dict[str, Any]:
        return {"service": self.name, "status": "ok", **self.db.health()}

    # -- recipients and partners --------------------------------------------------

    @command(expected_exceptions=EXPECTED)
    def set_preferences(self, **preferences: Any) -> dict[str, Any]:
        """A recipient's language, addresses and the channels they opted into (inbox always)."""
        command = load(schemas.SetPreferences, preferences)
        recipient = use_cases.set_preferences(self.db, command, now=self.clock())
        return dump(schemas.PreferencesOut, recipient)

    @rpc(expected_exceptions=EXPECTED)
    def get_preferences(self, **query: Any) -> dict[str, Any]:
        command = load(schemas.RecipientQuery, query)
        return dump(schemas.PreferencesOut, use_cases.get_preferences(self.db, command))

    # A signing secret is never kept in the table of answers: a repeat is answered without it.
    @command(expected_exceptions=EXPECTED, kept=lambda registered: registered | {"secret": None})
    def register_webhook(self, **registration: Any) -> dict[str, Any]:
        """Set a partner's webhook target; a new partner gets its signing secret, shown this once."""
        command = load(schemas.RegisterWebhook, registration)
        registered = use_cases.register_webhook(self.db, command, now=self.clock(),
                                                allow_private=self.channels.allow_private_webhooks)
        return dump(schemas.WebhookOut, registered)

    @command(expected_exceptions=EXPECTED, kept=lambda rotated: rotated | {"secret": None})
    def rotate_webhook_secret(self, **rotation: Any) -> dict[str, Any]:
        """A new signing secret; the old one keeps signing beside it for ``overlap_hours``."""
        command = load(schemas.RotateSecret, rotation)
        rotated = use_cases.rotate_webhook_secret(self.db, command, now=self.clock())
        return {"organisation": rotated.organisation, "secret": rotated.secret,
                "previous_valid_until": rotated.previous_valid_until}

    # -- the inbox ------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def list_inbox(self, **query: Any) -> list[dict[str, Any]]:
        command = load(schemas.InboxQuery, query)
        return dump_many(schemas.InboxItemOut, use_cases.list_inbox(self.db, command))

    @command(expected_exceptions=EXPECTED)
    def mark_read(self, **query: Any) -> dict[str, Any]:
        command = load(schemas.MarkRead, query)
        return dump(schemas.InboxItemOut, use_cases.mark_read(self.db, command, now=self.clock()))

    # -- delivery tracking --------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def list_deliveries(self, **query: Any) -> list[dict[str, Any]]:
        command = load(schemas.DeliveryQuery, query)
        return [dump(schemas.DeliveryOut, delivery)
                | {"history": dump_many(schemas.AttemptOut, attempts)}
                for delivery, attempts in use_cases.list_deliveries(self.db, command)]

    @command(expected_exceptions=EXPECTED)
    def redeliver(self, **request: Any) -> dict[str, Any]:
        """Try a dead delivery again, with a fresh round of attempts; its history stays."""
        command = load(schemas.Redeliver, request)
        return dump(schemas.DeliveryOut, use_cases.redeliver(self.db, command, now=self.clock()))

    # -- events in --------------------------------------------------------------------

    @event_handler(contracts.MEMBER_ADDED)
    def on_member_added(self, event: ReceivedEvent) -> None:
        self._notify_recipients(event)

    @event_handler(contracts.MEMBER_SUSPENDED)
    def on_member_suspended(self, event: ReceivedEvent) -> None:
        self._notify_recipients(event)

    @event_handler(contracts.REFERRAL_STATUS_CHANGED)
    def on_referral_status_changed(self, event: ReceivedEvent) -> None:
        self._notify_recipients(event)

    @event_handler(contracts.REFERRAL_OVERDUE)
    def on_referral_overdue(self, event: ReceivedEvent) -> None:
        self._notify_recipients(event)

    @event_handler(contracts.REFERRAL_ESCALATED)
    def on_referral_escalated(self, event: ReceivedEvent) -> None:
        self._notify_recipients(event)

    @event_handler(contracts.REFERRAL_STOP_REQUESTED)
    def on_referral_stop_requested(self, event: ReceivedEvent) -> None:
        self._notify_recipients(event)

    @event_handler(contracts.STATUTORY_DISCLOSURE_RECORDED)
    def on_statutory_disclosure_recorded(self, event: ReceivedEvent) -> None:
        self._notify_recipients(event)

    @event_handler(contracts.EMERGENCY_ACCESS_OPENED)
    def on_emergency_access_opened(self, event: ReceivedEvent) -> None:
        self._notify_recipients(event)

    def _notify_recipients(self, event: ReceivedEvent) -> None:
        use_cases.notify_recipients(self.db, event, now=self.clock(), gate=self.consent,
                                    client_details=self.client_details, public_url=self.channels.public_url)

    # -- messages out -------------------------------------------------------------------

    @configured_timer("DELIVERY_INTERVAL", default=2.0)
    def deliver_due(self) -> int:
        """Send what is due; record each attempt; back off, and give up with a reason."""
        return use_cases.deliver_due(self.db, clock=self.clock, sender=self.channels.sender,
                                     policy=self.channels.policy)
