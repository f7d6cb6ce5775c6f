"""The team service's own tables."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from tiimi_shared.database import UTCDateTime, kernel_tables
from tiimi_shared.sealed import SealedJSON, SealedText, sealed_by_hand


class Base(DeclarativeBase):
    pass


# The commands' stored answers hold names and contact details: sealed like the rest.
kernel_tables(Base.metadata, sealed_answers=True)


class Client(Base):
    __tablename__ = "clients"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    # The personal identity code, sealed by team.identity (opened only when revealed, on
    # record); found through identity_lookup only.
    identity_ciphertext: Mapped[str] = mapped_column(sa.String(300), info=sealed_by_hand())
    identity_lookup: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # Sealed at rest under the data keys (tiimi_shared.sealed): never searched in SQL.
    name: Mapped[str] = mapped_column(SealedText())
    preferred_language: Mapped[str] = mapped_column(sa.String(2))
    contact: Mapped[dict[str, Any]] = mapped_column(SealedJSON())
    municipality: Mapped[str] = mapped_column(sa.String(3))
    registered_by: Mapped[str] = mapped_column(sa.String(64))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime())


class IdentityCodeReveal(Base):
    """Who was shown a client's personal identity code, when and why: kept for audit."""

    __tablename__ = "identity_code_reveals"

    position: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    client_id: Mapped[str] = mapped_column(sa.ForeignKey("clients.id"), index=True)
    requested_by: Mapped[str] = mapped_column(sa.String(64))
    reason: Mapped[str] = mapped_column(sa.String(1000))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    client_id: Mapped[str] = mapped_column(sa.ForeignKey("clients.id"), unique=True)
    organisation: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[str] = mapped_column(sa.String(20))
    created_by: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_reason: Mapped[str | None] = mapped_column(sa.String(1000))


class TeamStatusChange(Base):
    __tablename__ = "team_status_history"

    position: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(sa.ForeignKey("teams.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    by: Mapped[str] = mapped_column(sa.String(64))
    reason: Mapped[str | None] = mapped_column(sa.String(1000))


class KeyWorkerPeriod(Base):
    """Who was key worker when; exactly one period of a team is open."""

    __tablename__ = "key_worker_periods"

    position: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(sa.ForeignKey("teams.id"), index=True)
    member_id: Mapped[str] = mapped_column(sa.ForeignKey("members.id"))
    professional_id: Mapped[str] = mapped_column(sa.String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    handover_reason: Mapped[str | None] = mapped_column(sa.String(1000))
    changed_by: Mapped[str] = mapped_column(sa.String(64))


class Member(Base):
    __tablename__ = "members"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    team_id: Mapped[str] = mapped_column(sa.ForeignKey("teams.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))  # professional, close_one, client
    professional_id: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    # A close one's or the client's name and contact: sealed at rest like the client's.
    name: Mapped[str | None] = mapped_column(SealedText())
    organisation: Mapped[str | None] = mapped_column(sa.String(64))
    role: Mapped[str | None] = mapped_column(sa.String(40))
    relation: Mapped[str | None] = mapped_column(sa.String(40))
    contact: Mapped[dict[str, Any]] = mapped_column(SealedJSON())
    status: Mapped[str] = mapped_column(sa.String(20))
    starts_on: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_on: Mapped[datetime | None] = mapped_column(UTCDateTime())
    added_by: Mapped[str] = mapped_column(sa.String(64))
