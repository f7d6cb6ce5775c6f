"""The kernel's own tables and the column type every service uses for time.

Kept apart from ``database`` and ``outbox`` so both can use them without
importing each other.
"""
from __future__ import annotations

import importlib
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from tiimi_shared.sealed import SealedJSON


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite as on PostgreSQL."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; tiimi stores aware times only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def fixed(value: str) -> sa.BindParameter[str]:
    """A value written into the SQL itself rather than bound.

    A partial index serves a query only where the planner can see that the query's
    condition implies the index's. SQLite cannot see it through bound values in an
    ``IN`` list, so a condition shared by an index and its query uses these.
    """
    return sa.literal(value, literal_execute=True)


def unpublished(table: sa.Table) -> sa.ColumnElement[bool]:
    """The outbox rows the relay still has to publish: its index and its query both use this."""
    return table.c.published_at.is_(None)


def pending_index_name(name: str) -> str:
    """The name of an outbox's index of unpublished rows (``outbox``: ``ix_outbox_pending``)."""
    return f"ix_{name}_pending"


def outbox_table(metadata: sa.MetaData, name: str = "outbox", *, sealed: bool = False) -> sa.Table:
    """An outbox table: the kernel's own, or another a service relays elsewhere.

    Published rows stay (they are the record of what went out), so the table only
    grows; the relay reads it through a partial index of the unpublished rows in
    order, which stays as small as the backlog however many rows are kept.
    ``sealed``: the envelopes carry personal data (referral's messages to partners,
    with what consent let it share), so they are sealed at rest (tiimi_shared.sealed).
    """
    table = sa.Table(
        name, metadata,
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("event_type", sa.String(100), nullable=False),
        sa.Column("envelope", SealedJSON() if sealed else sa.JSON, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False, default=0),
        sa.Column("last_error", sa.String(500), nullable=True),
        extend_existing=True,
    )
    if not any(index.name == pending_index_name(name) for index in table.indexes):
        pending = unpublished(table)
        sa.Index(pending_index_name(name), table.c.position,
                 postgresql_where=pending, sqlite_where=pending)
    return table


COMMAND_KEYS_AGE_INDEX = "ix_command_keys_recorded_at"


def command_keys_table(metadata: sa.MetaData, *, sealed: bool = False) -> sa.Table:
    """The answers of commands already carried out, by operation and idempotency key.

    A command's row commits in the same transaction as its effect, with its answer,
    so a repeat of the request (the caller's retry, or the broker's redelivery
    after the service died) finds it and is given the first answer, changing
    nothing. ``fingerprint`` is a hash of the request's arguments: the same key with
    other arguments is refused. Rows older than the retention window are deleted by
    the ``Database`` dependency's sweep, which reads them through the index on
    ``recorded_at``. ``sealed``: the answers may hold personal data (names, what a
    referral says), so they are sealed at rest (tiimi_shared.sealed).
    """
    table = sa.Table(
        "command_keys", metadata,
        sa.Column("operation", sa.String(100), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("answer", SealedJSON() if sealed else sa.JSON, nullable=True),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        extend_existing=True,
    )
    if not any(index.name == COMMAND_KEYS_AGE_INDEX for index in table.indexes):
        sa.Index(COMMAND_KEYS_AGE_INDEX, table.c.recorded_at)
    return table


def kernel_tables(metadata: sa.MetaData, *, sealed_answers: bool = False) -> tuple[sa.Table, sa.Table]:
    """The outbox, processed-event and command-key tables, added to a service's metadata.

    ``sealed_answers``: the service seals personal data at rest, and its commands'
    stored answers with it (``command_keys_table(sealed=True)``).
    """
    command_keys_table(metadata, sealed=sealed_answers)
    outbox = outbox_table(metadata)
    processed = sa.Table(
        "processed_events", metadata,
        sa.Column("consumer", sa.String(200), primary_key=True),
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("processed_at", UTCDateTime(), nullable=False),
        extend_existing=True,
    )
    return outbox, processed


def service_tables(service_cls: type[Any]) -> sa.MetaData | None:
    """A service's tables: ``<package>.models.Base.metadata``, as its migrations' ``env.py`` has them.

    None for a service that keeps no models (the gateway, a test's own service class).
    """
    package = service_cls.__module__.partition(".")[0]
    try:
        models = importlib.import_module(f"{package}.models")
    except ModuleNotFoundError as missing:
        if missing.name not in (package, f"{package}.models"):
            raise  # the models are there but import something that is not
        return None
    metadata: sa.MetaData | None = getattr(getattr(models, "Base", None), "metadata", None)
    return metadata


_KERNEL = sa.MetaData()
OUTBOX, PROCESSED_EVENTS = kernel_tables(_KERNEL)
COMMAND_KEYS = _KERNEL.tables["command_keys"]
