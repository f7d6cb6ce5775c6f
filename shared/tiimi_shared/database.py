"""Database access for nameko services on SQLAlchemy 2.

``Database`` is a nameko dependency provider. It owns the engine of its
service, hands each worker a unit-of-work factory, and runs the outbox relay.
SQLite and PostgreSQL are chosen by URL. PostgreSQL goes through pg8000, a
pure-Python driver whose socket eventlet makes green, so a slow query in one
worker does not stop the others. SQLite's driver is C and its busy-wait would
block the hub, so on SQLite units of work take turns behind a green lock.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import eventlet.semaphore
import sqlalchemy as sa
from nameko.extensions import DependencyProvider
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session, sessionmaker

from tiimi_shared import contracts, correlation
from tiimi_shared.config import database_url
from tiimi_shared.events import EventRegistry


class UTCDateTime(sa.types.TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on SQLite as on PostgreSQL."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; tiimi stores aware times only")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def outbox_table(metadata: sa.MetaData, name: str = "outbox") -> sa.Table:
    """An outbox table: the kernel's own, or another a service relays elsewhere."""
    return sa.Table(
        name, metadata,
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("event_type", sa.String(100), nullable=False),
        sa.Column("envelope", sa.JSON, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=True, index=True),
        sa.Column("attempts", sa.Integer, nullable=False, default=0),
        sa.Column("last_error", sa.String(500), nullable=True),
        extend_existing=True,
    )


def kernel_tables(metadata: sa.MetaData) -> tuple[sa.Table, sa.Table]:
    """The outbox and processed-event tables, added to a service's metadata."""
    outbox = outbox_table(metadata)
    processed = sa.Table(
        "processed_events", metadata,
        sa.Column("consumer", sa.String(200), primary_key=True),
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("processed_at", UTCDateTime(), nullable=False),
        extend_existing=True,
    )
    return outbox, processed


_KERNEL = sa.MetaData()
OUTBOX, PROCESSED_EVENTS = kernel_tables(_KERNEL)


def utcnow() -> datetime:
    return datetime.now(UTC)


def make_engine(url: str) -> sa.Engine:
    url = database_url(url)
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @sa_event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


class Outbox:
    """Events written in the same transaction as the change that causes them."""

    def __init__(self, session: Session, registry: EventRegistry, source: str,
                 correlation_id: str | None, table: sa.Table = OUTBOX):
        self._session = session
        self._table = table
        self._registry = registry
        self._source = source
        self._correlation_id = correlation_id
        self.added: list[dict] = []

    def add(self, name: str, data: dict) -> dict:
        envelope = self._registry.make(
            name, data, source=self._source, correlation_id=self._correlation_id)
        self._session.execute(self._table.insert().values(
            event_id=envelope["id"], event_type=name, envelope=envelope,
            created_at=utcnow(), attempts=0,
        ))
        self.added.append(envelope)
        return envelope


@dataclass(frozen=True)
class ExtraOutbox:
    """A further outbox whose relay publishes somewhere other than the service's events.

    ``route(envelope, config)`` answers where an envelope goes (see
    ``tiimi_shared.outbox.Route``). The unit of work offers it as ``attribute``.
    """

    attribute: str
    table: sa.Table
    registry: EventRegistry
    route: Callable[[dict, dict], Any]


class UnitOfWork:
    """One use case, one transaction: state changes and their events commit together.

    Leaving the block without ``commit()`` rolls everything back, events included.
    Services subclass it to add their repositories in ``__enter__``.
    """

    def __init__(self, sessions: sessionmaker, *, source: str, registry: EventRegistry,
                 correlation_id: str | None = None, lock: Any = None,
                 on_commit: Callable[[], None] | None = None, extra_outboxes: tuple = ()):
        self._sessions = sessions
        self._extra_outboxes = extra_outboxes
        self._source = source
        self._registry = registry
        self.correlation_id = correlation_id
        self._lock = lock
        self._on_commit = on_commit
        self.session: Session

    def __enter__(self):
        if self._lock is not None:
            self._lock.acquire()
        self.session = self._sessions()
        self.outbox = Outbox(self.session, self._registry, self._source, self.correlation_id)
        self._outboxes = [self.outbox]
        for extra in self._extra_outboxes:
            outbox = Outbox(self.session, extra.registry, self._source, self.correlation_id, extra.table)
            setattr(self, extra.attribute, outbox)
            self._outboxes.append(outbox)
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            # close() rolls back whatever was not committed; unlike rollback() it
            # leaves loaded objects readable after the block.
            self.session.close()
        finally:
            if self._lock is not None:
                self._lock.release()

    def commit(self) -> None:
        self.session.commit()
        if any(outbox.added for outbox in self._outboxes) and self._on_commit is not None:
            self._on_commit()
        for outbox in self._outboxes:
            outbox.added = []

    def rollback(self) -> None:
        self.session.rollback()
        for outbox in self._outboxes:
            outbox.added = []

    def claim(self, consumer: str, event_id: str) -> bool:
        """Record that ``consumer`` handles ``event_id``; False if it already has.

        The record commits with the handler's effect, so a redelivered event
        finds it and has no second effect. Two deliveries racing each other
        collide on the primary key and one of them rolls back.
        """
        seen = self.session.execute(
            sa.select(PROCESSED_EVENTS.c.event_id).where(
                PROCESSED_EVENTS.c.consumer == consumer,
                PROCESSED_EVENTS.c.event_id == str(event_id),
            )
        ).first()
        if seen is not None:
            return False
        self.session.execute(PROCESSED_EVENTS.insert().values(
            consumer=consumer, event_id=str(event_id), processed_at=utcnow()))
        return True


class Database(DependencyProvider):
    """The service's database, its units of work, and its outbox relay."""

    def __init__(self, unit_of_work: type[UnitOfWork] = UnitOfWork,
                 registry: EventRegistry = contracts.registry, relay: bool = True,
                 extra_outboxes: tuple[ExtraOutbox, ...] = ()):
        self.unit_of_work_class = unit_of_work
        self.registry = registry
        self.run_relay = relay
        self.extra_outboxes = extra_outboxes
        self.relays = []

    def setup(self) -> None:
        config = self.container.config
        self.engine = make_engine(config["DATABASE_URL"])
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.lock = eventlet.semaphore.Semaphore(1) if self.engine.dialect.name == "sqlite" else None
        if self.run_relay:
            from tiimi_shared.outbox import OutboxRelay

            interval = float(config.get("OUTBOX_INTERVAL", 0.5))
            self.relays = [OutboxRelay(self.new_unit_of_work, amqp_uri=config["AMQP_URI"], config=config,
                                       interval=interval)]
            self.relays += [OutboxRelay(self.new_unit_of_work, amqp_uri=config["AMQP_URI"], config=config,
                                        interval=interval, table=extra.table, route=extra.route)
                            for extra in self.extra_outboxes]

    def start(self) -> None:
        for relay in self.relays:
            self.container.spawn_managed_thread(relay.run, identifier=f"relay:{relay.table.name}")

    def stop(self) -> None:
        # Entrypoints have stopped and workers have finished: publish what they wrote.
        for relay in self.relays:
            relay.stop()
        self.engine.dispose()

    def kill(self) -> None:
        for relay in self.relays:
            relay.stop(flush=False)
        self.engine.dispose()

    def _wake_relays(self) -> None:
        for relay in self.relays:
            relay.wake()

    def new_unit_of_work(self, correlation_id: str | None = None) -> UnitOfWork:
        return self.unit_of_work_class(
            self.sessions, source=self.container.service_name, registry=self.registry,
            correlation_id=correlation_id, lock=self.lock,
            on_commit=self._wake_relays if self.relays else None,
            extra_outboxes=self.extra_outboxes,
        )

    def get_dependency(self, worker_ctx) -> WorkerDatabase:
        return WorkerDatabase(self, worker_ctx)

    def health(self) -> dict:
        tables = [OUTBOX] + [extra.table for extra in self.extra_outboxes]
        with self.new_unit_of_work() as uow:
            backlog = sum(uow.session.execute(
                sa.select(sa.func.count()).select_from(table).where(table.c.published_at.is_(None))
            ).scalar_one() for table in tables)
        return {"database": "ok", "outbox_backlog": backlog}


class WorkerDatabase:
    """What a worker sees: call it for a unit of work carrying the worker's correlation id."""

    def __init__(self, database: Database, worker_ctx):
        self._database = database
        self._worker_ctx = worker_ctx

    def __call__(self) -> UnitOfWork:
        return self._database.new_unit_of_work(correlation.ensure(self._worker_ctx))

    def health(self) -> dict:
        return self._database.health()

