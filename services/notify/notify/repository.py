"""The notify service's unit of work and its repositories, on SQLAlchemy."""
from __future__ import annotations

from datetime import datetime
from typing import Self

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from notify.models import CLAIMED, WAITING_FOR_ATTEMPT, Attempt, Delivery, PartnerWebhook, Recipient
from notify.ports import StoredConcurrently
from notify.rules import Channel
from tiimi_shared.database import UnitOfWork
from tiimi_shared.errors import NotFound


class Recipients:
    def __init__(self, session: Session):
        self.session = session

    def get(self, recipient_id: str) -> Recipient | None:
        return self.session.get(Recipient, recipient_id)

    def put(self, recipient: Recipient) -> None:
        self.session.merge(recipient)


class Webhooks:
    def __init__(self, session: Session):
        self.session = session

    def get(self, organisation: str, *, for_update: bool = False) -> PartnerWebhook | None:
        query = sa.select(PartnerWebhook).where(PartnerWebhook.organisation == organisation)
        if for_update:
            query = query.with_for_update()
        return self.session.scalars(query).first()

    def add(self, webhook: PartnerWebhook) -> None:
        self.session.add(webhook)


class Deliveries:
    def __init__(self, session: Session):
        self.session = session

    def add(self, delivery: Delivery) -> None:
        self.session.add(delivery)

    def get(self, delivery_id: str, *, for_update: bool = False) -> Delivery:
        query = sa.select(Delivery).where(Delivery.id == str(delivery_id))
        if for_update:
            query = query.with_for_update()
        delivery = self.session.scalars(query).first()
        if delivery is None:
            raise NotFound("delivery", str(delivery_id))
        return delivery

    def due(self, now: datetime, limit: int) -> list[Delivery]:
        """As ``rules.is_due`` decides, oldest first; rows another sender has locked are skipped."""
        # Each arm is its partial index's condition and key (ix_deliveries_waiting, _claimed).
        return list(self.session.scalars(sa.select(Delivery).where(sa.or_(
            sa.and_(WAITING_FOR_ATTEMPT, Delivery.next_attempt_at <= now),
            sa.and_(CLAIMED, Delivery.lease_until <= now),
        )).order_by(Delivery.next_attempt_at, Delivery.id).limit(limit).with_for_update(skip_locked=True)))

    def inbox(self, recipient_id: str, unread_only: bool, limit: int) -> list[Delivery]:
        query = sa.select(Delivery).where(Delivery.recipient_id == recipient_id,
                                          Delivery.channel == Channel.INBOX.value)
        if unread_only:
            query = query.where(Delivery.read_at.is_(None))
        query = query.order_by(Delivery.created_at.desc(), Delivery.id).limit(limit)
        return list(self.session.scalars(query))

    def find(self, recipient_id: str | None, event_id: str | None, status: str | None,
             limit: int) -> list[Delivery]:
        query = sa.select(Delivery)
        if recipient_id is not None:
            query = query.where(Delivery.recipient_id == recipient_id)
        if event_id is not None:
            query = query.where(Delivery.event_id == str(event_id))
        if status is not None:
            query = query.where(Delivery.status == status)
        return list(self.session.scalars(query.order_by(Delivery.created_at, Delivery.id).limit(limit)))

    def record(self, attempt: Attempt) -> None:
        self.session.add(attempt)

    def attempts(self, delivery_id: str) -> list[Attempt]:
        return list(self.session.scalars(sa.select(Attempt).where(Attempt.delivery_id == delivery_id)
                                         .order_by(Attempt.position)))


class NotifyUnitOfWork(UnitOfWork):
    recipients: Recipients
    webhooks: Webhooks
    deliveries: Deliveries

    def __enter__(self) -> Self:
        super().__enter__()
        self.recipients = Recipients(self.session)
        self.webhooks = Webhooks(self.session)
        self.deliveries = Deliveries(self.session)
        return self

    def commit(self) -> None:
        try:
            super().commit()
        except IntegrityError as error:
            # Two deliveries of one event racing: the loser finds the winner's rows.
            raise StoredConcurrently(str(error.orig)) from error
