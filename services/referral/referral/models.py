"""The referral service's own tables."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from tiimi_shared.database import UTCDateTime, kernel_tables, outbox_table
from tiimi_shared.sealed import SealedJSON, SealedText
from tiimi_shared.vocabulary import ReferralStatus


class Base(DeclarativeBase):
    pass


# The commands' stored answers hold what a referral says about the client: sealed too.
kernel_tables(Base.metadata, sealed_answers=True)
# Messages for partner organisations, relayed to the partner exchange. They carry the
# content shared with the partner, so they are sealed at rest like the referral's own.
PARTNER_OUTBOX = outbox_table(Base.metadata, "partner_outbox", sealed=True)


class Referral(Base):
    __tablename__ = "referrals"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    client_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    requesting_organisation: Mapped[str] = mapped_column(sa.String(64), index=True)
    requested_by: Mapped[str] = mapped_column(sa.String(64))
    target_organisation: Mapped[str] = mapped_column(sa.String(64), index=True)
    service: Mapped[str] = mapped_column(sa.String(60))
    priority: Mapped[str] = mapped_column(sa.String(10))
    # What the referral says about the client is sealed at rest (tiimi_shared.sealed), and
    # never searched in SQL: the note, the content to share, the outcome, the steps' reasons.
    # The requester's own note; it is not sent to the partner.
    reason: Mapped[str] = mapped_column(SealedText())
    # category -> content the requester wants to share; sent only where consent permits.
    share: Mapped[dict[str, Any]] = mapped_column(SealedJSON())
    # Set on sending: category -> consent id, and category -> reason code.
    shared: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    withheld: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    # No index of its own: every query by status also names a client or an organisation (each
    # indexed), and the deadline sweep reads its partial index below. A status index of all rows
    # only tempted PostgreSQL away from that one once rows grew wide (sealed content).
    status: Mapped[str] = mapped_column(sa.String(20))
    outcome: Mapped[dict[str, Any] | None] = mapped_column(SealedJSON())
    accept_by: Mapped[datetime] = mapped_column(UTCDateTime())
    escalate_by: Mapped[datetime] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


# The deadline sweep's list: referrals still waiting for an answer whose reminder or whose
# escalation has not been made yet, keyed by accept_by (escalate_by always comes after it,
# see ``rules.escalation_deadline``). Answered and escalated referrals are not in it, so the
# sweep reads only what is due or nearly so, however many referrals are kept. One index with
# an ordered key, not one per deadline: PostgreSQL took the status index over two such
# indexes, misjudging how many waiting referrals are past accept_by (it counts answered
# ones). The sweep's query uses this same condition (see ``Referrals.waiting_past``).
AWAITING_CHASE = sa.and_(Referral.status == ReferralStatus.REQUESTED.value,
                         sa.or_(Referral.reminded_at.is_(None), Referral.escalated_at.is_(None)))
sa.Index("ix_referrals_awaiting_chase", Referral.accept_by,
         postgresql_where=AWAITING_CHASE, sqlite_where=AWAITING_CHASE)


class Step(Base):
    """One step of a referral's history: a status change or a notice, with who, when, why."""

    __tablename__ = "referral_steps"

    position: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    referral_id: Mapped[str] = mapped_column(sa.ForeignKey("referrals.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))  # status, overdue, escalated, stop_requested
    from_status: Mapped[str | None] = mapped_column(sa.String(20))
    to_status: Mapped[str | None] = mapped_column(sa.String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    by: Mapped[str] = mapped_column(sa.String(64))
    by_organisation: Mapped[str | None] = mapped_column(sa.String(64))
    reason: Mapped[str | None] = mapped_column(SealedText())
    detail: Mapped[dict[str, Any]] = mapped_column(sa.JSON)


class KeyWorker(Base):
    """Who is each client's key worker, as the team service's events tell it."""

    __tablename__ = "key_workers"

    client_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    key_worker_id: Mapped[str] = mapped_column(sa.String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RecordedLoss(Base):
    """A consent loss the service has handled: a withdrawal, an expiry or a denial, in the order
    handled. A send whose consent check came before it withholds what it covers (see
    ``rules.withhold_lost``); otherwise a loss handled between a send's check and its commit
    would find no shared referral and tell no partner to stop."""

    __tablename__ = "consent_losses"

    position: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    client_id: Mapped[str] = mapped_column(sa.String(36))
    organisation: Mapped[str | None] = mapped_column(sa.String(64))  # None: every organisation
    consent_id: Mapped[str | None] = mapped_column(sa.String(36))    # None: a denial
    categories: Mapped[list[str]] = mapped_column(sa.JSON)
    because: Mapped[str] = mapped_column(sa.String(20))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


sa.Index("ix_consent_losses_client", RecordedLoss.client_id, RecordedLoss.position)
