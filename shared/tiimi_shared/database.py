"""Database access for nameko services on SQLAlchemy 2.

``Database`` is a nameko dependency provider. It owns the engine of its
service, hands each worker a unit-of-work factory, and runs the outbox relay.
SQLite and PostgreSQL are chosen by URL. PostgreSQL goes through psycopg2 with
eventlet's wait callback (psycogreen's, shipped in eventlet): libpq runs
non-blocking and every wait for the server yields to the eventlet hub, so a
slow query in one worker does not stop the others. SQLite's driver is C and its
busy-wait would block the hub, so on SQLite units of work take turns behind a
green lock.

It also keeps the kernel's ``command_keys`` table from growing without limit: a
managed thread deletes the keys older than ``TIIMI_COMMAND_KEY_DAYS`` (see
``sweep_command_keys``).
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any, Self, cast

import eventlet.semaphore
import sqlalchemy as sa
from nameko.containers import WorkerContext
from nameko.extensions import DependencyProvider
from sqlalchemy import event as sa_event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from tiimi_shared import contracts, correlation
from tiimi_shared.clock import configured_source, wall_clock
from tiimi_shared.config import DEFAULT_COMMAND_KEY_SWEEP_INTERVAL, command_key_days, database_url
from tiimi_shared.events import EventRegistry
from tiimi_shared.logging import get_logger
from tiimi_shared.outbox import ExtraOutbox, Outbox, OutboxRelay
from tiimi_shared.tables import (
    COMMAND_KEYS,
    OUTBOX,
    PROCESSED_EVENTS,
    UTCDateTime,
    kernel_tables,
    outbox_table,
    service_tables,
)

# Re-exported: services' models and migrations take their column type and kernel tables from here.
__all__ = ["COMMAND_KEYS", "OUTBOX", "PROCESSED_EVENTS", "Database", "ExtraOutbox", "Held", "UTCDateTime",
           "UnitOfWork", "kernel_tables", "make_engine", "outbox_table", "sweep_command_keys"]

log = get_logger(__name__)

# Command keys deleted per transaction by the sweep: short enough that no writer waits long.
KEY_SWEEP_BATCH = 500
# Seconds from start to the first sweep: a service restarted more often than the interval still sweeps.
FIRST_KEY_SWEEP = 60.0


def make_engine(url: str) -> sa.Engine:
    """The service's engine. Its errors never carry a statement's parameters: an error is logged
    (nameko logs a failed worker's exception), and the parameters are the client's data."""
    url = database_url(url)
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False},
                                  hide_parameters=True)

        @sa_event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    if url.startswith("postgresql+psycopg2"):
        _green_psycopg2()
    return sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10, hide_parameters=True)


def _green_psycopg2() -> None:
    """Make every psycopg2 connection of this process wait through the eventlet hub.

    ``eventlet.monkey_patch()`` does this too when psycopg2 is importable; done here as
    well, a process that patched selectively still never blocks its hub on a query.
    """
    from eventlet.support.psycopg2_patcher import make_psycopg_green

    make_psycopg_green()


class Held:
    """A command's transaction, held open from its worker's first commit until its answer is recorded.

    While a worker carries out a command (``tiimi_shared.idempotency``), the first
    unit of work that commits only flushes and stays open, with its session and, on
    SQLite, the green lock; later units of work of the worker join its session, and
    their commits flush too. The command's wrapper then either ``finish``es (records
    its key and answer in the same session and commits it all at once) or
    ``abandon``s (rolls it all back). A unit of work that never commits is not held:
    it closes as usual, so a worker holds nothing while it asks another service
    between a read and its write.
    """

    def __init__(self) -> None:
        self.unit: UnitOfWork | None = None
        # Whether anything held put events in an outbox: the relay is woken once it is committed.
        self.events_added = False

    @property
    def changed(self) -> bool:
        """Whether a unit of work has committed (flushed) into the held transaction."""
        return self.unit is not None

    def finish(self, record: sa.Insert) -> None:
        """Commit what was held, together with ``record`` (the command's key and answer).

        An IntegrityError (another delivery of the same command committed first) rolls it
        all back and is raised; in every case the session and the lock are let go.
        """
        unit = self._take()
        if unit is None:
            return
        try:
            unit.session.execute(record)
            unit.session.commit()
        finally:
            unit.release()
        if self.events_added:
            unit.committed()

    def abandon(self) -> None:
        """Roll back everything held; nothing the command did remains."""
        unit = self._take()
        if unit is not None:
            unit.release()

    def _take(self) -> UnitOfWork | None:
        unit, self.unit = self.unit, None
        return unit


class UnitOfWork:
    """One use case, one transaction: state changes and their events commit together.

    Leaving the block without ``commit()`` rolls everything back, events included.
    Services subclass it to add their repositories in ``__enter__``. Inside a command
    (``held`` given), commits are held: see ``Held``.
    """

    def __init__(self, sessions: sessionmaker[Session], *, source: str, registry: EventRegistry,
                 correlation_id: str | None = None, lock: Any = None,
                 on_commit: Callable[[], None] | None = None, extra_outboxes: tuple[ExtraOutbox, ...] = (),
                 now: Callable[[], datetime] | None = None, held: Held | None = None):
        self._sessions = sessions
        self._held = held
        self._now = now
        self._extra_outboxes = extra_outboxes
        self._source = source
        self._registry = registry
        self.correlation_id = correlation_id
        self._lock = lock
        self._on_commit = on_commit
        self.session: Session

    def __enter__(self) -> Self:
        holder = self._held.unit if self._held is not None else None
        if holder is not None:
            # The worker's command already holds a transaction (and the lock): join it.
            self.session = holder.session
        else:
            if self._lock is not None:
                self._lock.acquire()
            self.session = self._sessions()
        self.outbox = Outbox(self.session, self._registry, self._source, self.correlation_id, now=self._now)
        self._outboxes = [self.outbox]
        for extra in self._extra_outboxes:
            outbox = Outbox(self.session, extra.registry, self._source, self.correlation_id, extra.table,
                            now=self._now)
            setattr(self, extra.attribute, outbox)
            self._outboxes.append(outbox)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._is_held():
            return  # the command's wrapper commits or rolls back the held transaction
        self.release()

    def release(self) -> None:
        """Close the session and let the lock go."""
        try:
            # close() rolls back whatever was not committed; unlike rollback() it
            # leaves loaded objects readable after the block.
            self.session.close()
        finally:
            if self._lock is not None:
                self._lock.release()

    def commit(self) -> None:
        if self._held is not None:
            # Inside a command: flushed now, committed with the command's answer.
            self.session.flush()
            if self._held.unit is None:
                self._held.unit = self
            self._held.events_added |= any(outbox.added for outbox in self._outboxes)
        else:
            self.session.commit()
            if any(outbox.added for outbox in self._outboxes):
                self.committed()
        for outbox in self._outboxes:
            outbox.added = []

    def committed(self) -> None:
        """Events were committed: wake the relay."""
        if self._on_commit is not None:
            self._on_commit()

    def _is_held(self) -> bool:
        holder = self._held.unit if self._held is not None else None
        return holder is not None and holder.session is self.session

    def rollback(self) -> None:
        # Inside a command whose transaction is held, this rolls back all the command did so far.
        self.session.rollback()
        for outbox in self._outboxes:
            outbox.added = []

    def processed(self, consumer: str, event_id: str) -> bool:
        """Whether ``consumer`` has already handled ``event_id`` (and committed its effect)."""
        return self.session.execute(
            sa.select(PROCESSED_EVENTS.c.event_id).where(
                PROCESSED_EVENTS.c.consumer == consumer,
                PROCESSED_EVENTS.c.event_id == str(event_id),
            )
        ).first() is not None

    def claim(self, consumer: str, event_id: str) -> bool:
        """Record that ``consumer`` handles ``event_id``; False if it already has.

        The record commits with the handler's effect, so a redelivered event
        finds it and has no second effect. Two deliveries racing each other
        (a copy redelivered after a lost connection while the first still
        runs) meet on the primary key: the second waits for the first's
        transaction and, once that commits, inserts nothing and is told False,
        as for any event already handled, instead of failing on the key.
        """
        if self.processed(consumer, event_id):
            return False
        row = {"consumer": consumer, "event_id": str(event_id), "processed_at": wall_clock()}
        dialect = self.session.get_bind().dialect.name
        insert: Any
        if dialect == "postgresql":
            insert = postgresql_insert(PROCESSED_EVENTS).values(row).on_conflict_do_nothing()
        elif dialect == "sqlite":
            insert = sqlite_insert(PROCESSED_EVENTS).values(row).on_conflict_do_nothing()
        else:
            insert = PROCESSED_EVENTS.insert().values(row)
        inserted = cast("sa.CursorResult[Any]", self.session.execute(insert))
        return inserted.rowcount == 1


class Database(DependencyProvider):
    """The service's database, its units of work, and its outbox relay."""

    def __init__(self, unit_of_work: type[UnitOfWork] = UnitOfWork,
                 registry: EventRegistry = contracts.registry, relay: bool = True,
                 extra_outboxes: tuple[ExtraOutbox, ...] = (), command_keys: sa.Table | None = None):
        """``command_keys``: the table commands keep their answers in; by default the one the
        service's models register (``kernel_tables(..., sealed_answers=True)`` where the service
        seals personal data, so that rotate-keys, which reads the same models, covers it too), else
        the kernel's own."""
        self.unit_of_work_class = unit_of_work
        self.registry = registry
        self.run_relay = relay
        self.extra_outboxes = extra_outboxes
        self.relays: list[OutboxRelay] = []
        self.command_keys = command_keys if command_keys is not None else COMMAND_KEYS
        self._named_command_keys = command_keys is not None
        self._sweep_stopping = threading.Event()
        self._sweep_stopped = threading.Event()
        self._sweep_stopped.set()  # until the sweep starts there is no loop to wait for

    def setup(self) -> None:
        config = self.container.config
        self.engine = make_engine(config["DATABASE_URL"])
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.lock = eventlet.semaphore.Semaphore(1) if self.engine.dialect.name == "sqlite" else None
        self.now = configured_source(config).now
        if not self._named_command_keys:
            metadata = service_tables(self.container.service_cls)
            if metadata is not None and "command_keys" in metadata.tables:
                self.command_keys = metadata.tables["command_keys"]
        self.key_window = timedelta(days=command_key_days(config))
        self.key_sweep_interval = float(config.get("COMMAND_KEY_SWEEP_INTERVAL")
                                        or DEFAULT_COMMAND_KEY_SWEEP_INTERVAL)
        if self.run_relay:
            interval = float(config.get("OUTBOX_INTERVAL", 0.5))
            self.relays = [OutboxRelay(self.new_unit_of_work, amqp_uri=config["AMQP_URI"], config=config,
                                       interval=interval)]
            self.relays += [OutboxRelay(self.new_unit_of_work, amqp_uri=config["AMQP_URI"], config=config,
                                        interval=interval, table=extra.table, route=extra.route)
                            for extra in self.extra_outboxes]

    def start(self) -> None:
        for relay in self.relays:
            self.container.spawn_managed_thread(relay.run, identifier=f"relay:{relay.table.name}")
        self._sweep_stopping.clear()
        self._sweep_stopped.clear()
        self.container.spawn_managed_thread(self._sweep_keys, identifier="sweep:command_keys")

    def stop(self) -> None:
        # Entrypoints have stopped and workers have finished: publish what they wrote.
        self._stop_sweep()
        for relay in self.relays:
            relay.stop()
        self.engine.dispose()

    def kill(self) -> None:
        self._stop_sweep(wait=0)
        for relay in self.relays:
            relay.stop(flush=False)
        self.engine.dispose()

    def sweep_command_keys(self, now: datetime, batch_size: int = KEY_SWEEP_BATCH) -> int:
        """Delete the command keys recorded before ``now`` less the window; how many went."""
        return sweep_command_keys(self.new_unit_of_work, self.command_keys, now - self.key_window,
                                  batch_size=batch_size)

    def _sweep_keys(self) -> None:
        delay = min(self.key_sweep_interval, FIRST_KEY_SWEEP)
        try:
            while not self._sweep_stopping.wait(delay):
                delay = self.key_sweep_interval
                try:
                    deleted = self.sweep_command_keys(wall_clock())
                except Exception as error:  # the database is away: the next sweep catches up
                    log.warning("command key sweep failed; will retry", error=type(error).__name__,
                                retry_in_seconds=delay)
                    continue
                if deleted:
                    log.info("command keys past their window deleted", deleted=deleted,
                             days=self.key_window / timedelta(days=1))
        finally:
            self._sweep_stopped.set()

    def _stop_sweep(self, wait: float = 10) -> None:
        self._sweep_stopping.set()
        self._sweep_stopped.wait(wait)

    def _wake_relays(self) -> None:
        for relay in self.relays:
            relay.wake()

    def new_unit_of_work(self, correlation_id: str | None = None, held: Held | None = None) -> UnitOfWork:
        return self.unit_of_work_class(
            self.sessions, source=self.container.service_name, registry=self.registry,
            correlation_id=correlation_id, lock=self.lock,
            on_commit=self._wake_relays if self.relays else None,
            extra_outboxes=self.extra_outboxes, now=self.now, held=held,
        )

    def get_dependency(self, worker_ctx: WorkerContext) -> WorkerDatabase:
        return WorkerDatabase(self, worker_ctx)

    def health(self) -> dict[str, Any]:
        tables = [OUTBOX] + [extra.table for extra in self.extra_outboxes]
        with self.new_unit_of_work() as uow:
            backlog = sum(uow.session.execute(
                sa.select(sa.func.count()).select_from(table).where(table.c.published_at.is_(None))
            ).scalar_one() for table in tables)
        return {"database": "ok", "outbox_backlog": backlog}


def sweep_command_keys(units: Callable[[], UnitOfWork], table: sa.Table, cutoff: datetime, *,
                       batch_size: int = KEY_SWEEP_BATCH) -> int:
    """Delete the rows of ``table`` (command keys) recorded before ``cutoff``; how many went.

    Oldest first, about ``batch_size`` rows per short transaction: each batch finds the
    time of its newest key and deletes the range up to it, both read through the index
    on ``recorded_at`` (a range, not a list of keys, which PostgreSQL would plan as one
    probe per key). Replicas sweeping at once are safe: one that finds its range already
    deleted, or being deleted, by another deletes nothing more. A request repeated after
    its key went is no longer known, and is carried out as new.
    """
    age = table.c.recorded_at
    deleted = 0
    while True:
        with units() as uow:
            edge = uow.session.execute(
                sa.select(age).where(age < cutoff).order_by(age).offset(batch_size - 1).limit(1)).scalar()
            # Fewer than a batch left before the cutoff: they all go.
            within = age <= edge if edge is not None else age < cutoff
            gone = cast("sa.CursorResult[Any]", uow.session.execute(table.delete().where(within)))
            uow.commit()
        deleted += gone.rowcount
        if edge is None:
            return deleted
        eventlet.sleep(0)  # workers go first between batches


class WorkerDatabase:
    """What a worker sees: call it for a unit of work carrying the worker's correlation id."""

    def __init__(self, database: Database, worker_ctx: WorkerContext):
        self._database = database
        self._worker_ctx = worker_ctx
        self._held: Held | None = None

    @property
    def worker_ctx(self) -> WorkerContext:
        return self._worker_ctx

    def __call__(self) -> UnitOfWork:
        return self._database.new_unit_of_work(correlation.ensure(self._worker_ctx), held=self._held)

    @contextmanager
    def command(self) -> Iterator[Held]:
        """Hold the worker's commits in one transaction until the command ends (see ``Held``).

        Whatever is still held when the block ends (the caller neither finished nor
        abandoned it) is rolled back.
        """
        held = self._held = Held()
        try:
            yield held
        finally:
            self._held = None
            held.abandon()

    @property
    def command_keys(self) -> sa.Table:
        """The table this service keeps its commands' keys and answers in (sealed or not)."""
        return self._database.command_keys

    def recorded(self, operation: str, key: str) -> sa.Row[Any] | None:
        """The committed row of command ``operation`` with ``key``, if there is one."""
        table = self.command_keys
        with self._database.new_unit_of_work(correlation.ensure(self._worker_ctx)) as uow:
            return uow.session.execute(
                sa.select(table.c.fingerprint, table.c.answer).where(
                    table.c.operation == operation, table.c.key == key)
            ).first()

    def health(self) -> dict[str, Any]:
        return self._database.health()

