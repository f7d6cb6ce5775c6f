"""Event handlers that do not lose a failed event, and that cannot forget to claim.

``@event_handler(contracts.CONSENT_GRANTED)`` subscribes a method to one
declared event type. The handler receives a :class:`ReceivedEvent`: the
envelope, validated against the type's payload schema on receipt, and the
consumer key ``<service>.<method>`` under which the kernel records that it
was processed. Handlers apply their effect through
:func:`tiimi_shared.consuming.consume`, which claims the event in the same
transaction as the effect, so a redelivered event has no second effect and
asks no other service again.

nameko's own ``event_handler`` acks a message even when the handler raises,
so a failure would drop the event. Here a handler that fails because the
database or the broker is away (a dead pooled connection, PostgreSQL
restarting: see ``is_transient``) is run again after a growing wait,
``TRANSIENT_BACKOFF``, about a minute in all, while the message stays
unacknowledged; if the fault has not passed by then the message goes back to
its queue and starts over. Such an event is never dead-lettered: nothing is
wrong with it. Any other failure is requeued once; if it fails again it is
rejected, and RabbitMQ moves it through the
dead-letter exchange ``tiimi.dead-letter`` to the durable queue
``<handler queue>.dead``, where operations can look at it and replay it. An
envelope that does not match its declared schema is dead-lettered at once:
trying again cannot help it. So is a message that cannot even be decoded (not
JSON, not UTF-8, a content type the services do not accept, pickle among them):
kombu would raise it out of the consumer and leave it unacknowledged, holding a
prefetch slot for good.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import amqp.exceptions
import eventlet
import kombu.exceptions
import sqlalchemy.exc
from kombu.connection import Connection
from kombu.entity import Exchange, Queue
from nameko.events import EventHandler
from nameko.exceptions import ContainerBeingKilled
from nameko.messaging import QueueConsumer

from tiimi_shared.errors import ValidationError
from tiimi_shared.events import EventType
from tiimi_shared.logging import get_logger

DEAD_LETTER_EXCHANGE = "tiimi.dead-letter"

log = get_logger(__name__)

# Seconds to wait before each new run of a handler that failed on a passing fault (about a
# minute in all); after the last the message goes back to its queue and starts over.
TRANSIENT_BACKOFF = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0)

# The database or the broker away: the event is not at fault, and a later run can succeed.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    sqlalchemy.exc.OperationalError,  # connection lost or refused, server restarting, SQLite busy
    sqlalchemy.exc.InterfaceError,  # a connection already closed
    sqlalchemy.exc.DisconnectionError,
    sqlalchemy.exc.TimeoutError,  # no pooled connection came free in time
    kombu.exceptions.OperationalError,
    amqp.exceptions.ConnectionError,
    ConnectionError,  # the socket's own: refused, reset, broken pipe
)


def is_transient(error: BaseException | None) -> bool:
    """Whether ``error``, or an error it was explicitly raised from, is the database or broker away."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, TRANSIENT_ERRORS):
            return True
        if isinstance(error, sqlalchemy.exc.DBAPIError) and error.connection_invalidated:
            return True
        error = error.__cause__
    return False


def dead_letter_queue_name(queue_name: str) -> str:
    return queue_name + ".dead"


def consumer_key(service: str, method: str) -> str:
    """Under which name a handler's processed events are recorded: one rule for every service."""
    return f"{service}.{method}"


@dataclass(frozen=True)
class ReceivedEvent:
    """An event as a handler receives it: the validated envelope and who is consuming it."""

    envelope: dict[str, Any]
    consumer: str

    @property
    def id(self) -> str:
        return str(self.envelope["id"])

    @property
    def type(self) -> str:
        return str(self.envelope["type"])

    @property
    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = self.envelope["data"]
        return data


class RefusingQueueConsumer(QueueConsumer):
    """nameko's consumer of the event queues, except that an undecodable message is dead-lettered."""

    def get_consumers(self, consumer_cls: Any, channel: Any) -> Any:
        consumers = super().get_consumers(consumer_cls, channel)
        for provider, consumer in self._consumers.items():
            consumer.on_decode_error = partial(_refuse_undecodable, provider.queue.name)
        return consumers

    def unregister_provider(self, provider: Any) -> None:
        # Stopped before its consumers are ready (a stop soon after start: the RPC consumer,
        # a separate one, may already answer), nameko's consumer marks "last provider gone"
        # at every handler's unregistering, and the second mark raises, so the service
        # never stops. Marked once, the stop goes on as nameko meant it to.
        if not self._consumers_ready.ready():
            if not self._last_provider_unregistered.ready():
                self._last_provider_unregistered.send()
            return
        super().unregister_provider(provider)


def _refuse_undecodable(queue: str, message: Any, error: Exception) -> None:
    # The body is not logged: whatever it is, it may hold personal data.
    log.error("event cannot be decoded; dead-lettered", queue=queue, error=type(error).__name__,
              content_type=message.content_type, message_id=message.properties.get("message_id"))
    if message.channel.connection:
        message.reject(requeue=False)


class ReliableEventHandler(EventHandler):
    queue: Queue
    queue_consumer = RefusingQueueConsumer()

    def __init__(self, event: EventType, **kwargs: Any):
        self.event = event
        super().__init__(event.source, event.name, **kwargs)

    def setup(self) -> None:
        super().setup()
        self._stopping = False
        name = self.queue.name
        arguments = {"x-dead-letter-exchange": DEAD_LETTER_EXCHANGE, "x-dead-letter-routing-key": name}
        # On a clustered broker (QUEUE_TYPE=quorum) the queues are replicated Raft queues.
        queue_type = self.container.config.get("QUEUE_TYPE")
        if queue_type and queue_type != "classic":
            arguments["x-queue-type"] = queue_type
        self.queue = Queue(
            name, exchange=self.queue.exchange, routing_key=self.event_type, durable=True,
            auto_delete=False, queue_arguments=arguments,
        )
        dead_letters = Exchange(
            DEAD_LETTER_EXCHANGE, type="direct", durable=True)
        with Connection(self.container.config["AMQP_URI"]) as connection:
            channel = connection.default_channel
            Queue(
                dead_letter_queue_name(name), exchange=dead_letters, routing_key=name, durable=True,
                queue_arguments={"x-queue-type": queue_type} if "x-queue-type" in arguments else None,
            )(channel).declare()

    @property
    def consumer(self) -> str:
        return consumer_key(self.container.service_name, self.method_name)

    def handle_message(self, body: Any, message: Any) -> None:
        try:
            envelope = self.event.validate(body)
        except ValidationError as error:
            log.error("event does not match its declared schema; dead-lettered", queue=self.queue.name,
                      event_type=self.event.name, fields=sorted(error.errors))
            if message.channel.connection:
                message.reject(requeue=False)
            return
        self._run(ReceivedEvent(envelope, self.consumer), message, attempt=0)

    def stop(self) -> None:
        self._stopping = True  # a run waiting out a fault is not started again
        super().stop()

    def _run(self, received: ReceivedEvent, message: Any, attempt: int) -> None:
        handle_result = partial(self.handle_result, message, received=received, attempt=attempt)
        try:
            self.container.spawn_worker(self, (received,), {},
                                        context_data=self.unpack_message_headers(message),
                                        handle_result=handle_result)
        except ContainerBeingKilled:
            self.queue_consumer.requeue_message(message)

    def handle_result(self, message: Any, worker_ctx: Any, result: Any = None, exc_info: Any = None, *,
                      received: ReceivedEvent | None = None, attempt: int = 0) -> tuple[Any, Any]:
        if exc_info is not None and received is not None and is_transient(exc_info[1]):
            self._run_again_later(received, message, attempt, exc_info[0].__name__)
        else:
            self.handle_message_processed(message, result, exc_info)
        return result, exc_info

    def _run_again_later(self, received: ReceivedEvent, message: Any, attempt: int, error: str) -> None:
        """A passing fault: run the handler again after the next wait, or put the event back."""
        if attempt >= len(TRANSIENT_BACKOFF) or self._stopping:
            log.warning("event handler still failing on a passing fault; event back to its queue",
                        queue=self.queue.name, error=error, attempts=attempt + 1)
            self.queue_consumer.requeue_message(message)
            return
        delay = TRANSIENT_BACKOFF[attempt]
        log.warning("event handler failed on a passing fault; will run it again", queue=self.queue.name,
                    error=error, attempt=attempt + 1, retry_in_seconds=delay)
        again = partial(self._wait_and_run, received, message, attempt + 1, delay)
        self.container.spawn_managed_thread(again, identifier=f"retry:{self.queue.name}")

    def _wait_and_run(self, received: ReceivedEvent, message: Any, attempt: int, delay: float) -> None:
        # A managed thread that raised would kill the container: nothing may escape here.
        try:
            eventlet.sleep(delay)
            if not message.channel.connection:
                return  # the connection went meanwhile: the broker has put the event back itself
            if self._stopping:
                self.queue_consumer.requeue_message(message)
                return
            self._run(received, message, attempt)
        except Exception as failure:
            log.error("event could not be run again; back to its queue", queue=self.queue.name,
                      error=type(failure).__name__)
            try:
                self.queue_consumer.requeue_message(message)
            except Exception:
                pass  # the connection is going: the broker puts the event back itself

    def handle_message_processed(self, message: Any, result: Any = None, exc_info: Any = None) -> None:
        if exc_info is None:
            self.queue_consumer.ack_message(message)
            return
        if not message.delivery_info.get("redelivered"):
            log.warning("event handler failed; retrying once", queue=self.queue.name,
                        error=exc_info[0].__name__)
            self.queue_consumer.requeue_message(message)
            return
        log.error("event handler failed twice; dead-lettered", queue=self.queue.name,
                  dead_letter_queue=dead_letter_queue_name(self.queue.name),
                  error=exc_info[0].__name__)
        if message.channel.connection:
            message.reject(requeue=False)


def event_handler(event: EventType, **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Subscribe a service method to one declared event type."""
    decorator: Callable[[Callable[..., Any]], Callable[..., Any]] = ReliableEventHandler.decorator(
        event, **kwargs)
    return decorator
