"""The consent service's own tables."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from consent.rules import ConsentStatus, ConsentTerms, DenialTerms, EmergencyWindow
from tiimi_shared.database import UTCDateTime, kernel_tables


class Base(DeclarativeBase):
    pass


kernel_tables(Base.metadata)


class Consent(Base):
    __tablename__ = "consents"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    client_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    given_by: Mapped[str] = mapped_column(sa.String(30))
    representative_relation: Mapped[str | None] = mapped_column(sa.String(40))
    organisation: Mapped[str] = mapped_column(sa.String(64))
    professionals: Mapped[list[str]] = mapped_column(sa.JSON)
    categories: Mapped[list[str]] = mapped_column(sa.JSON)
    purposes: Mapped[list[str]] = mapped_column(sa.JSON)
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime())
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    method: Mapped[str] = mapped_column(sa.String(20))
    recorded_by: Mapped[str] = mapped_column(sa.String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(sa.String(20), index=True)  # rules.ConsentStatus
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_by: Mapped[str | None] = mapped_column(sa.String(64))
    withdrawal_reason: Mapped[str | None] = mapped_column(sa.String(1000))
    expired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    history: Mapped[list[ConsentHistory]] = relationship(
        # Loaded only where an answer shows it (``selectinload``): a check never needs it.
        order_by="ConsentHistory.position")

    def terms(self) -> ConsentTerms:
        return ConsentTerms(
            id=self.id, organisation=self.organisation,
            categories=frozenset(self.categories), purposes=frozenset(self.purposes),
            valid_from=self.valid_from, valid_until=self.valid_until,
            professionals=frozenset(self.professionals), withdrawn_at=self.withdrawn_at,
        )

    def event_data(self) -> dict[str, Any]:
        return {
            "consent_id": self.id, "client_id": self.client_id,
            "recipient_organisation": self.organisation,
            "professionals": list(self.professionals), "categories": list(self.categories),
            "purposes": list(self.purposes),
        }


# The consents the expiry sweep watches: active ones that have an end. Expired, withdrawn
# and open-ended consents are not in its index, so the sweep reads only those whose end has
# come, however many consents are kept. The sweep's query uses this same condition.
ACTIVE_WITH_END = sa.and_(Consent.status == ConsentStatus.ACTIVE.value, Consent.valid_until.is_not(None))
sa.Index("ix_consents_due_to_expire", Consent.valid_until,
         postgresql_where=ACTIVE_WITH_END, sqlite_where=ACTIVE_WITH_END)


class ConsentHistory(Base):
    __tablename__ = "consent_history"

    position: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    consent_id: Mapped[str] = mapped_column(sa.ForeignKey("consents.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(20))  # rules.ConsentAction
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    by: Mapped[str | None] = mapped_column(sa.String(64))
    reason: Mapped[str | None] = mapped_column(sa.String(1000))


class Denial(Base):
    __tablename__ = "denials"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    client_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    organisation: Mapped[str | None] = mapped_column(sa.String(64))  # None: every organisation
    categories: Mapped[list[str]] = mapped_column(sa.JSON)
    reason: Mapped[str | None] = mapped_column(sa.String(1000))
    recorded_by: Mapped[str] = mapped_column(sa.String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lifted_by: Mapped[str | None] = mapped_column(sa.String(64))
    lift_reason: Mapped[str | None] = mapped_column(sa.String(1000))

    def terms(self) -> DenialTerms:
        return DenialTerms(id=self.id, organisation=self.organisation,
                           categories=frozenset(self.categories), lifted_at=self.lifted_at)

    def event_data(self) -> dict[str, Any]:
        return {"denial_id": self.id, "client_id": self.client_id,
                "organisation": self.organisation, "categories": list(self.categories)}


class EmergencyAccess(Base):
    """A professional outside the client's team opened the client's data for a window (break the glass).

    Reads within the window are logged in the disclosure log with reason emergency_access; the
    window ends by itself at ``ends_at``. The data protection officer marks it reviewed.
    """

    __tablename__ = "emergency_accesses"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    client_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    professional: Mapped[str] = mapped_column(sa.String(64))
    organisation: Mapped[str] = mapped_column(sa.String(64))
    reason: Mapped[str] = mapped_column(sa.String(40))  # vocabulary.EmergencyReason
    explanation: Mapped[str] = mapped_column(sa.String(2000))
    key_worker_id: Mapped[str | None] = mapped_column(sa.String(64))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    reviewed_by: Mapped[str | None] = mapped_column(sa.String(64))

    def terms(self) -> EmergencyWindow:
        return EmergencyWindow(id=self.id, client_id=self.client_id, professional=self.professional,
                               opened_at=self.opened_at, ends_at=self.ends_at)


# 64-bit on PostgreSQL; on SQLite an INTEGER primary key (64-bit there too) numbers rows itself.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class DisclosureEntry(Base):
    """One decision or disclosure; append-only.

    Written unchained (``seq``, ``prev_hash`` and ``hash`` null) in the transaction of the
    decision it records; the sequencer chains it after the entry before it, once.
    """

    __tablename__ = "disclosure_log"
    __table_args__ = (
        # The sequencer's work list: only the unchained entries, however long the log grows.
        sa.Index("ix_disclosure_log_unchained", "id",
                 postgresql_where=sa.text("seq IS NULL"), sqlite_where=sa.text("seq IS NULL")),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)  # insertion order
    seq: Mapped[int | None] = mapped_column(sa.BigInteger, unique=True)  # place in the chain
    entry_id: Mapped[str] = mapped_column(sa.String(36), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(20))  # rules.EntryKind
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    client_id: Mapped[str | None] = mapped_column(sa.String(36), index=True)
    organisation: Mapped[str | None] = mapped_column(sa.String(64))
    professional: Mapped[str | None] = mapped_column(sa.String(64))
    category: Mapped[str | None] = mapped_column(sa.String(30))
    purpose: Mapped[str | None] = mapped_column(sa.String(40))
    outcome: Mapped[str] = mapped_column(sa.String(10))  # vocabulary.Outcome
    reason: Mapped[str] = mapped_column(sa.String(40))
    consent_id: Mapped[str | None] = mapped_column(sa.String(36))
    denial_id: Mapped[str | None] = mapped_column(sa.String(36))
    correlation_id: Mapped[str | None] = mapped_column(sa.String(64))
    # Set only for a disclosure on a statutory basis (reason statutory_basis).
    legal_basis: Mapped[str | None] = mapped_column(sa.String(64))
    recipient_kind: Mapped[str | None] = mapped_column(sa.String(40))
    justification: Mapped[str | None] = mapped_column(sa.String(2000))
    prev_hash: Mapped[str | None] = mapped_column(sa.String(64))
    hash: Mapped[str | None] = mapped_column(sa.String(64))


DISCLOSURE_LOG: sa.Table = DisclosureEntry.__table__  # type: ignore[assignment]


class DisclosureHead(Base):
    """The last entry of the chain, so that removing the newest rows also shows.

    Only the sequencer takes it for update: a decision never touches it.
    """

    __tablename__ = "disclosure_log_head"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(sa.BigInteger)
    hash: Mapped[str] = mapped_column(sa.String(64))
