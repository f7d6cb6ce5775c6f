"""The transactional outbox: events written with the change that causes them, then relayed.

``Outbox.add`` writes an event to an outbox table in the unit of work's own
transaction, with the change that causes it. The relay reads unpublished rows in order, publishes each to its
source's nameko event exchange (routing key = event type, so ordinary
``@event_handler`` consumers receive it), waits for the broker's confirm, and
only then marks the row published. If the broker is down the rows stay and go
out on a later run, so nothing is lost and nothing is published for a change
that rolled back. A crash between confirm and mark publishes a row again:
delivery is at least once, which is why every consumer is idempotent.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from kombu.connection import Connection
from kombu.messaging import Producer
from nameko.standalone.events import get_event_exchange
from sqlalchemy.orm import Session

from tiimi_shared.clock import wall_clock
from tiimi_shared.correlation import HEADER as CORRELATION_HEADER
from tiimi_shared.events import EventRegistry, EventType
from tiimi_shared.logging import get_logger
from tiimi_shared.tables import OUTBOX, unpublished

log = get_logger(__name__)

BATCH = 200
MAX_BACKOFF = 30.0


@dataclass(frozen=True)
class Route:
    """Where one envelope is published, and what to declare first so it is not dropped."""

    exchange: Any
    routing_key: str
    declare: tuple[Any, ...] = ()  # kombu exchanges and queues


class Outbox:
    """Events written in the same transaction as the change that causes them."""

    def __init__(self, session: Session, registry: EventRegistry, source: str,
                 correlation_id: str | None, table: sa.Table = OUTBOX,
                 now: Callable[[], datetime] | None = None):
        self._session = session
        self._table = table
        self._registry = registry
        self._source = source
        self._correlation_id = correlation_id
        self._now = now or wall_clock
        self.added: list[dict[str, Any]] = []

    def add(self, event: EventType | str, data: dict[str, Any]) -> dict[str, Any]:
        """Write ``event`` with ``data``; refuses a payload that does not match its schema."""
        name = event.name if isinstance(event, EventType) else event
        envelope = self._registry.make(
            name, data, source=self._source, correlation_id=self._correlation_id, occurred_at=self._now())
        self._session.execute(self._table.insert().values(
            event_id=envelope["id"], event_type=name, envelope=envelope,
            created_at=wall_clock(), attempts=0,
        ))
        self.added.append(envelope)
        return envelope


@dataclass(frozen=True)
class ExtraOutbox:
    """A further outbox whose relay publishes somewhere other than the service's events.

    ``route(envelope, config)`` answers where an envelope goes (see ``Route``).
    The unit of work offers it as ``attribute``.
    """

    attribute: str
    table: sa.Table
    registry: EventRegistry
    route: Callable[[dict[str, Any], dict[str, Any]], Route]


def event_route(envelope: dict[str, Any], config: dict[str, Any]) -> Route:
    """The default: the source's nameko event exchange, routing key = event type."""
    exchange = get_event_exchange(envelope["source"], config)
    return Route(exchange, envelope["type"], (exchange,))


class OutboxRelay:
    def __init__(self, unit_of_work: Callable[[], Any], *, amqp_uri: str, config: dict[str, Any],
                 interval: float = 0.5, table: sa.Table = OUTBOX,
                 route: Callable[[dict[str, Any], dict[str, Any]], Route] = event_route):
        self._unit_of_work = unit_of_work
        self.table = table
        self._route = route
        self._amqp_uri = amqp_uri
        self._config = config
        self._interval = interval
        self._wakeup = threading.Event()
        self._stopping = threading.Event()
        self._stopped = threading.Event()
        self._stopped.set()  # until run() starts there is no loop to wait for
        self._connection: Connection | None = None

    def wake(self) -> None:
        self._wakeup.set()

    def run(self) -> None:
        delay = self._interval
        self._stopped.clear()
        try:
            while not self._stopping.is_set():
                self._wakeup.wait(delay)
                self._wakeup.clear()
                if self._stopping.is_set():
                    break
                try:
                    self.publish_pending()
                    delay = self._interval
                except Exception as error:  # the broker or database is away: try later
                    self._close()
                    delay = min(max(delay * 2, self._interval), MAX_BACKOFF)
                    log.warning("outbox relay could not publish; will retry",
                                error=type(error).__name__, retry_in_seconds=delay)
        finally:
            self._stopped.set()

    def stop(self, flush: bool = True) -> None:
        self._stopping.set()
        self._wakeup.set()
        self._stopped.wait(10)
        if flush:
            try:
                self.publish_pending()
            except Exception as error:
                log.warning("outbox left unpublished events at stop; they go out at next start",
                            error=type(error).__name__)
        self._close()

    def _producer(self) -> Producer:
        if self._connection is None:
            connection = Connection(
                self._amqp_uri, connect_timeout=3,
                transport_options={"confirm_publish": True},
            )
            connection.ensure_connection(max_retries=1)
            self._connection = connection
        return Producer(self._connection.default_channel)

    def _close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:  # already gone with the broker
                pass
            self._connection = None

    def publish_pending(self) -> int:
        """Publish what is committed and not yet published; returns how many went out."""
        published = 0
        table = self.table
        # The same condition as the outbox's partial index, so both reads go through it
        # and cost what the backlog costs, not what the whole table does.
        waiting = unpublished(table)
        while True:
            with self._unit_of_work() as uow:
                pending = uow.session.execute(
                    sa.select(table.c.position).where(waiting).limit(1)
                ).first()
            if pending is None:
                return published
            # Connect before taking rows: on SQLite a unit of work holds the
            # service's write lock, which must not wait on a broker that is away.
            producer = self._producer()
            with self._unit_of_work() as uow:
                rows = uow.session.execute(
                    sa.select(table.c.position, table.c.envelope)
                    .where(waiting)
                    .order_by(table.c.position)
                    .limit(BATCH)
                    # Two replicas of a service never take the same rows.
                    .with_for_update(skip_locked=True)
                ).all()
                if not rows:
                    return published
                for position, envelope in rows:
                    self._publish(producer, envelope)
                    uow.session.execute(
                        table.update().where(table.c.position == position)
                        .values(published_at=wall_clock(), attempts=table.c.attempts + 1)
                    )
                    published += 1
                uow.session.commit()
            if len(rows) < BATCH:
                return published

    def _publish(self, producer: Producer, envelope: dict[str, Any]) -> None:
        route = self._route(envelope, self._config)
        headers: dict[str, str] = {}
        if envelope.get("correlation_id"):
            headers[CORRELATION_HEADER] = envelope["correlation_id"]
        producer.publish(
            envelope,
            exchange=route.exchange,
            routing_key=route.routing_key,
            serializer="json",
            headers=headers,
            delivery_mode=2,
            declare=list(route.declare),
            retry=False,
            message_id=envelope["id"],
        )
