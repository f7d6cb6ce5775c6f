"""In-memory repositories and unit of work for notify's use-case tests: no database, no broker."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from notify import rules
from notify.models import Attempt, Delivery, PartnerWebhook, Recipient
from notify.ports import DeliveryFailed, Outgoing
from tiimi_shared.errors import NotFound
from tiimi_shared.testing.fakes import InMemoryUnitOfWork


class FakeRecipients:
    def __init__(self) -> None:
        self.stored: dict[str, Recipient] = {}

    def get(self, recipient_id: str) -> Recipient | None:
        return self.stored.get(recipient_id)

    def put(self, recipient: Recipient) -> None:
        self.stored[recipient.id] = recipient


class FakeWebhooks:
    def __init__(self) -> None:
        self.stored: dict[str, PartnerWebhook] = {}

    def get(self, organisation: str, *, for_update: bool = False) -> PartnerWebhook | None:
        return self.stored.get(organisation)

    def add(self, webhook: PartnerWebhook) -> None:
        self.stored[webhook.organisation] = webhook


class FakeDeliveries:
    def __init__(self) -> None:
        self.stored: dict[str, Delivery] = {}
        self.history: list[Attempt] = []

    def add(self, delivery: Delivery) -> None:
        # The database's unique constraint: one delivery per event, recipient, channel and message.
        key = (delivery.event_id, delivery.recipient_id, delivery.channel, delivery.message)
        if any((d.event_id, d.recipient_id, d.channel, d.message) == key for d in self.stored.values()):
            raise AssertionError(f"a second delivery for {key}")
        self.stored[delivery.id] = delivery

    def get(self, delivery_id: str, *, for_update: bool = False) -> Delivery:
        try:
            return self.stored[str(delivery_id)]
        except KeyError:
            raise NotFound("delivery", str(delivery_id)) from None

    def due(self, now: datetime, limit: int) -> list[Delivery]:
        due = [d for d in self.stored.values() if rules.is_due(d.state(), now)]
        due.sort(key=lambda d: (d.next_attempt_at or datetime.max.replace(tzinfo=now.tzinfo), d.id))
        return due[:limit]

    def inbox(self, recipient_id: str, unread_only: bool, limit: int) -> list[Delivery]:
        items = [d for d in self.stored.values() if d.recipient_id == recipient_id
                 and d.channel == rules.Channel.INBOX and not (unread_only and d.read_at is not None)]
        items.sort(key=lambda d: d.id)
        items.sort(key=lambda d: d.created_at, reverse=True)
        return items[:limit]

    def find(self, recipient_id: str | None, event_id: str | None, status: str | None,
             limit: int) -> list[Delivery]:
        found = [d for d in self.stored.values()
                 if (recipient_id is None or d.recipient_id == recipient_id)
                 and (event_id is None or d.event_id == str(event_id))
                 and (status is None or d.status == status)]
        return sorted(found, key=lambda d: (d.created_at, d.id))[:limit]

    def record(self, attempt: Attempt) -> None:
        attempt.position = len(self.history) + 1
        self.history.append(attempt)

    def attempts(self, delivery_id: str) -> list[Attempt]:
        return [a for a in self.history if a.delivery_id == delivery_id]

    # -- what tests ask ------------------------------------------------------------------

    def on(self, channel: str) -> list[Delivery]:
        return [d for d in self.stored.values() if d.channel == channel]


class FakeNotifyUnitOfWork(InMemoryUnitOfWork):
    def __init__(self, **kwargs: Any):
        super().__init__(source="notify", **kwargs)
        self.recipients = FakeRecipients()
        self.webhooks = FakeWebhooks()
        self.deliveries = FakeDeliveries()

    def __enter__(self) -> FakeNotifyUnitOfWork:
        super().__enter__()
        return self


class FakeSender:
    """The channels: records what it sent; fails with the reasons a test queues, in order."""

    def __init__(self, *failures: str | Exception | None):
        self.failures = list(failures)
        self.sent: list[Outgoing] = []
        self.tried: list[Outgoing] = []

    def send(self, message: Outgoing) -> None:
        self.tried.append(message)
        failure = self.failures.pop(0) if self.failures else None
        if isinstance(failure, Exception):
            raise failure
        if failure is not None:
            raise DeliveryFailed(failure)
        self.sent.append(message)


class FakeClientDetails:
    """The team service's answer about a client; remembers who was asked about."""

    def __init__(self, name: str | None = "Maija Meikäläinen"):
        self.name = name
        self.asked: list[str] = []

    def __call__(self, client_id: str) -> dict[str, Any] | None:
        self.asked.append(client_id)
        return None if self.name is None else {"name": self.name}
