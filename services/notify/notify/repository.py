"""The notify service's unit of work and its repositories."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from notify.models import Attempt, Delivery, PartnerWebhook, Recipient
from tiimi_shared.database import UnitOfWork
from tiimi_shared.errors import NotFound


class Recipients:
    def __init__(self, session):
        self.session = session

    def get(self, recipient_id: str) -> Recipient | None:
        return self.session.get(Recipient, recipient_id)

    def put(self, recipient: Recipient) -> None:
        self.session.merge(recipient)


class Webhooks:
    def __init__(self, session):
        self.session = session

    def get(self, organisation: str, *, for_update: bool = False) -> PartnerWebhook | None:
        query = sa.select(PartnerWebhook).where(PartnerWebhook.organisation == organisation)
        if for_update:
            query = query.with_for_update()
        return self.session.scalars(query).first()

    def add(self, webhook: PartnerWebhook) -> None:
        self.session.add(webhook)


class Deliveries:
    def __init__(self, session):
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
        """Waiting and due, or taken by a sender whose lease ran out (it crashed)."""
        return list(self.session.scalars(sa.select(Delivery).where(sa.or_(
            sa.and_(Delivery.status.in_(("queued", "failed")), Delivery.next_attempt_at <= now),
            sa.and_(Delivery.status == "sending", Delivery.lease_until <= now),
        )).order_by(Delivery.next_attempt_at, Delivery.id).limit(limit).with_for_update(skip_locked=True)))

    def inbox(self, recipient_id: str, unread_only: bool, limit: int) -> list[Delivery]:
        query = sa.select(Delivery).where(Delivery.recipient_id == recipient_id, Delivery.channel == "inbox")
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
    def __enter__(self):
        super().__enter__()
        self.recipients = Recipients(self.session)
        self.webhooks = Webhooks(self.session)
        self.deliveries = Deliveries(self.session)
        return self
