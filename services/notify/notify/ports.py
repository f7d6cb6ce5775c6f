"""What the use cases need of the world; the SQL, channel and RPC adapters and the fakes provide it."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, Self

from notify.models import Attempt, Delivery, PartnerWebhook, Recipient


class DeliveryFailed(Exception):
    """A message did not go out; ``reason`` is short and names no content and no address."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason[:500]


class StoredConcurrently(Exception):
    """Another transaction stored the same rows first (the same event, delivered twice at once)."""


class Recipients(Protocol):
    def get(self, recipient_id: str) -> Recipient | None: ...
    def put(self, recipient: Recipient) -> None: ...


class Webhooks(Protocol):
    def get(self, organisation: str, *, for_update: bool = False) -> PartnerWebhook | None: ...
    def add(self, webhook: PartnerWebhook) -> None: ...


class Deliveries(Protocol):
    def add(self, delivery: Delivery) -> None: ...
    def get(self, delivery_id: str, *, for_update: bool = False) -> Delivery: ...
    def due(self, now: datetime, limit: int) -> list[Delivery]: ...
    def inbox(self, recipient_id: str, unread_only: bool, limit: int) -> list[Delivery]: ...
    def find(self, recipient_id: str | None, event_id: str | None, status: str | None,
             limit: int) -> list[Delivery]: ...
    def record(self, attempt: Attempt) -> None: ...
    def attempts(self, delivery_id: str) -> list[Attempt]: ...


class NotifyUnitOfWork(Protocol):
    """One transaction over notify's repositories; ``commit`` raises ``StoredConcurrently`` on a lost race."""

    @property
    def recipients(self) -> Recipients: ...
    @property
    def webhooks(self) -> Webhooks: ...
    @property
    def deliveries(self) -> Deliveries: ...

    def __enter__(self) -> Self: ...
    def __exit__(self, *exc_info: object) -> None: ...
    def commit(self) -> None: ...
    def processed(self, consumer: str, event_id: str) -> bool: ...
    def claim(self, consumer: str, event_id: str) -> bool: ...


@dataclass(frozen=True)
class Outgoing:
    """A delivery as a channel sends it: taken from the database, sent outside any transaction."""

    delivery_id: str
    channel: str
    address: str | None
    subject: str
    body: str
    language: str
    # Webhooks only: where to, signed with which secrets, and what the partner receives.
    url: str | None = None
    secrets: tuple[str, ...] = ()
    payload: dict[str, Any] = field(default_factory=dict)


class Sender(Protocol):
    def send(self, message: Outgoing) -> None:
        """Returns when the message went out; raises ``DeliveryFailed`` with the reason when not."""


class ConsentGate(Protocol):
    def permits_all(self, client_id: str, requests: list[dict[str, Any]]) -> bool | None:
        """True if every request is permitted, False if any is denied, None if consent did not answer."""


class ClientDetails(Protocol):
    def __call__(self, client_id: str) -> dict[str, Any] | None:
        """The client's details a message may show; None if they could not be had."""
