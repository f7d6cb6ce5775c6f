"""The referral service's unit of work and its repositories."""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from referral import partner
from referral.models import AWAITING_CHASE, PARTNER_OUTBOX, KeyWorker, RecordedLoss, Referral, Step
from referral.rules import ANSWERS, OPEN, ConsentLoss
from tiimi_shared.database import ExtraOutbox, UnitOfWork
from tiimi_shared.errors import NotFound
from tiimi_shared.outbox import Outbox
from tiimi_shared.vocabulary import ConsentLost, ReferralStatus

_OPEN = [status.value for status in OPEN]
_ANSWERS = [status.value for status in ANSWERS]
_WAITING_OR_ANSWERED = [ReferralStatus.REQUESTED.value, *_ANSWERS]
PARTNER_STREAM = ExtraOutbox("partner_outbox", PARTNER_OUTBOX, partner.registry, partner.route)


class Referrals:
    def __init__(self, session: Session):
        self.session = session

    def add(self, referral: Referral) -> None:
        """Store a new referral now, so that the steps recorded next may refer to it."""
        self.session.add(referral)
        self.session.flush()

    def get(self, referral_id: str, *, for_update: bool = False) -> Referral:
        query = sa.select(Referral).where(Referral.id == str(referral_id))
        if for_update:
            query = query.with_for_update()
        referral = self.session.scalars(query).first()
        if referral is None:
            raise NotFound("referral", str(referral_id))
        return referral

    def of_client(self, client_id: str, organisation: str) -> list[Referral]:
        """The client's referrals that ``organisation`` sent or received."""
        return list(self.session.scalars(sa.select(Referral).where(
            Referral.client_id == str(client_id),
            sa.or_(Referral.requesting_organisation == organisation,
                   Referral.target_organisation == organisation),
        ).order_by(Referral.created_at, Referral.id)))

    def open_of(self, organisation: str, direction: str) -> list[Referral]:
        sides = {"incoming": [Referral.target_organisation == organisation],
                 "outgoing": [Referral.requesting_organisation == organisation]}
        wanted = sides.get(direction) or sides["incoming"] + sides["outgoing"]
        return list(self.session.scalars(sa.select(Referral).where(
            Referral.status.in_(_OPEN), sa.or_(*wanted)).order_by(Referral.accept_by, Referral.id)))

    def waiting_past(self, now: datetime) -> list[Referral]:
        """Sent and not yet accepted, with a deadline passed and not yet acted on."""
        # Through ix_referrals_awaiting_chase: its condition, then its key. A referral past
        # escalate_by is past accept_by too (escalate_by comes after), so none is left out.
        return list(self.session.scalars(sa.select(Referral).where(
            AWAITING_CHASE, Referral.accept_by <= now,
            sa.or_(sa.and_(Referral.reminded_at.is_(None), Referral.accept_by <= now),
                   sa.and_(Referral.escalated_at.is_(None), Referral.escalate_by <= now)),
        ).order_by(Referral.accept_by, Referral.id).with_for_update(skip_locked=True)))

    def open_to(self, client_id: str, organisation: str | None) -> list[Referral]:
        """Open referrals of a client to an organisation (None: to any)."""
        query = sa.select(Referral).where(Referral.client_id == str(client_id), Referral.status.in_(_OPEN))
        if organisation is not None:
            query = query.where(Referral.target_organisation == organisation)
        return list(self.session.scalars(query.order_by(Referral.id)))

    def sent_for(self, client_ids: Iterable[str], organisation: str) -> list[Referral]:
        """The referrals ``organisation`` sent about these clients that wait for or have an answer."""
        return list(self.session.scalars(sa.select(Referral).where(
            Referral.client_id.in_([str(i) for i in client_ids]),
            Referral.requesting_organisation == organisation,
            Referral.status.in_(_WAITING_OR_ANSWERED)).order_by(Referral.created_at, Referral.id)))

    def answered_at(self, referral_ids: Iterable[str]) -> dict[str, datetime]:
        """When each referral was last answered (moved to an answer's status), in one query."""
        rows = self.session.execute(sa.select(Step.referral_id, sa.func.max(Step.at)).where(
            Step.referral_id.in_(list(referral_ids)), Step.kind == "status",
            Step.to_status.in_(_ANSWERS)).group_by(Step.referral_id)).tuples()
        return {referral_id: at for referral_id, at in rows}

    def record(self, step: Step) -> None:
        self.session.add(step)

    def history(self, referral_id: str) -> list[Step]:
        return list(self.session.scalars(sa.select(Step).where(Step.referral_id == referral_id)
                                         .order_by(Step.position)))


class KeyWorkers:
    def __init__(self, session: Session):
        self.session = session

    def of(self, client_id: str) -> str | None:
        row = self.session.get(KeyWorker, str(client_id))
        return row.key_worker_id if row else None

    def set(self, client_id: str, key_worker_id: str, at: datetime) -> None:
        """Record the key worker as of ``at``; an older event arriving late changes nothing."""
        row = self.session.get(KeyWorker, str(client_id))
        if row is None:
            self.session.add(KeyWorker(client_id=str(client_id), key_worker_id=key_worker_id, updated_at=at))
        elif row.updated_at <= at:
            row.key_worker_id, row.updated_at = key_worker_id, at


class ConsentLosses:
    """The consent losses handled, and the per-client lock that orders them with sends."""

    def __init__(self, session: Session):
        self.session = session

    def lock(self, client_id: str) -> None:
        """Hold the client's lock until the transaction ends: a send's write and a loss handler's
        then take turns. SQLite needs none: the kernel runs its units of work one at a time."""
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(sa.select(sa.func.pg_advisory_xact_lock(client_lock_key(client_id))))

    def last(self, client_id: str) -> int:
        """The position of the client's latest loss handled; 0 if none."""
        position = self.session.scalar(sa.select(sa.func.max(RecordedLoss.position))
                                       .where(RecordedLoss.client_id == str(client_id)))
        return int(position or 0)

    def record(self, loss: ConsentLoss, at: datetime) -> None:
        self.session.add(RecordedLoss(client_id=loss.client_id, organisation=loss.organisation,
                                      consent_id=loss.consent_id, categories=sorted(loss.categories),
                                      because=loss.because.value, recorded_at=at))
        self.session.flush()

    def since(self, client_id: str, position: int) -> list[ConsentLoss]:
        """The client's losses handled after ``position``, in order."""
        rows = self.session.scalars(sa.select(RecordedLoss).where(
            RecordedLoss.client_id == str(client_id), RecordedLoss.position > position)
            .order_by(RecordedLoss.position))
        return [ConsentLoss(row.client_id, row.organisation, frozenset(row.categories),
                            ConsentLost(row.because), row.consent_id) for row in rows]


def client_lock_key(client_id: str) -> int:
    """The client's advisory lock: a signed 64-bit number from its id, as PostgreSQL takes it."""
    digest = hashlib.blake2b(f"referral.client:{client_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class ReferralUnitOfWork(UnitOfWork):
    referrals: Referrals
    key_workers: KeyWorkers
    consent_losses: ConsentLosses
    partner_outbox: Outbox  # set by the kernel from PARTNER_STREAM

    def __enter__(self) -> ReferralUnitOfWork:
        super().__enter__()
        self.referrals = Referrals(self.session)
        self.key_workers = KeyWorkers(self.session)
        self.consent_losses = ConsentLosses(self.session)
        return self
