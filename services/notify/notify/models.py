"""The notify service's own tables."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from notify import rules
from tiimi_shared.database import UTCDateTime, kernel_tables
from tiimi_shared.sealed import SealedText
from tiimi_shared.tables import fixed


class Base(DeclarativeBase):
    pass


# The commands' stored answers may hold contact details: sealed too.
kernel_tables(Base.metadata, sealed_answers=True)


class Recipient(Base):
    """A professional's or a partner organisation's language, addresses and chosen channels."""

    __tablename__ = "recipients"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    language: Mapped[str] = mapped_column(sa.String(2))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    phone: Mapped[str | None] = mapped_column(sa.String(30))
    channels: Mapped[list[str]] = mapped_column(sa.JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    def preferences(self) -> rules.Preferences:
        return rules.Preferences(self.language, self.email, self.phone, tuple(self.channels))


class PartnerWebhook(Base):
    """A partner organisation's webhook target and its signing secrets."""

    __tablename__ = "webhooks"

    organisation: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    url: Mapped[str] = mapped_column(sa.String(2000))
    # Both secrets are sealed at rest under the data keys (tiimi_shared.sealed).
    secret: Mapped[str] = mapped_column(SealedText())
    # Still signs, beside the new one, until previous_until: rotation without downtime.
    previous_secret: Mapped[str | None] = mapped_column(SealedText())
    previous_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    def signing_secrets(self) -> rules.SigningSecrets:
        return rules.SigningSecrets(self.secret, self.previous_secret, self.previous_until)

    def apply(self, secrets: rules.SigningSecrets) -> None:
        self.secret, self.previous_secret, self.previous_until = (
            secrets.secret, secrets.previous_secret, secrets.previous_until)


class Delivery(Base):
    """One message to one recipient on one channel, and where its delivery stands."""

    __tablename__ = "deliveries"
    __table_args__ = (sa.UniqueConstraint("event_id", "recipient_id", "channel", "message",
                                          name="one_delivery_per_event_recipient_channel"),)

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    event_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    event_type: Mapped[str] = mapped_column(sa.String(100))
    recipient_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    channel: Mapped[str] = mapped_column(sa.String(10))
    message: Mapped[str] = mapped_column(sa.String(40))
    language: Mapped[str] = mapped_column(sa.String(2))
    with_details: Mapped[bool] = mapped_column(sa.Boolean)
    address: Mapped[str | None] = mapped_column(sa.String(2000))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    link: Mapped[str] = mapped_column(sa.String(500))
    context: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    status: Mapped[str] = mapped_column(sa.String(10), index=True)
    attempts: Mapped[int] = mapped_column(sa.Integer)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # ix_deliveries_waiting
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the inbox channel only

    def state(self) -> rules.DeliveryState:
        return rules.DeliveryState(rules.DeliveryStatus(self.status), self.attempts, self.next_attempt_at,
                                   self.lease_until, self.sent_at, self.last_error)

    def apply(self, state: rules.DeliveryState) -> None:
        self.status = state.status.value
        self.attempts, self.next_attempt_at, self.lease_until = (
            state.attempts, state.next_attempt_at, state.lease_until)
        self.sent_at, self.last_error = state.sent_at, state.last_error


# The delivery sweep's two lists: deliveries waiting for their next attempt, and deliveries
# a sender has claimed (their lease runs out if it stops). Sent and dead deliveries, nearly
# all of them in time, are in neither index, so the sweep reads only what is due however many
# deliveries are kept. Its query is the OR of these two conditions, each with its time
# (see ``Deliveries.due``). The statuses are written into the SQL (``fixed``): SQLite does
# not match a partial index through bound values in an IN list.
WAITING_FOR_ATTEMPT = Delivery.status.in_([fixed(status.value) for status in rules.WAITING])
CLAIMED = Delivery.status == rules.DeliveryStatus.SENDING.value
sa.Index("ix_deliveries_waiting", Delivery.next_attempt_at,
         postgresql_where=WAITING_FOR_ATTEMPT, sqlite_where=WAITING_FOR_ATTEMPT)
sa.Index("ix_deliveries_claimed", Delivery.lease_until, postgresql_where=CLAIMED, sqlite_where=CLAIMED)


class Attempt(Base):
    """One line of a delivery's history: an attempt and its outcome, or a request to try again."""

    __tablename__ = "delivery_attempts"

    position: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    delivery_id: Mapped[str] = mapped_column(sa.ForeignKey("deliveries.id"), index=True)
    number: Mapped[int] = mapped_column(sa.Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    outcome: Mapped[str] = mapped_column(sa.String(10))  # a rules.AttemptOutcome
    error: Mapped[str | None] = mapped_column(sa.String(500))
