"""The team service's own tables."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from tiimi_shared.database import UTCDateTime, kernel_tables


class Base(DeclarativeBase):
    pass


kernel_tables(Base.metadata)


class Client(Base):
    __tablename__ = "clients"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    # The personal identity code, encrypted; found through identity_lookup only.
    identity_ciphertext: Mapped[str] = mapped_column(sa.String(300))
    identity_lookup: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    preferred_language: Mapped[str] = mapped_column(sa.String(2))
    contact: Mapped[dict] = mapped_column(sa.JSON)
    municipality: Mapped[str] = mapped_column(sa.String(3))
    registered_by: Mapped[str] = mapped_column(sa.String(64))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime())
