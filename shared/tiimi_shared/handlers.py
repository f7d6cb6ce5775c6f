"""Event handlers that do not lose a failed event.

nameko's own ``event_handler`` acks a message even when the handler raises,
so a failure would drop the event. Here a failed event is requeued once (a
passing fault, such as a lost database connection, gets a second chance);
if it fails again it is rejected, and RabbitMQ moves it through the
dead-letter exchange ``tiimi.dead-letter`` to the durable queue
``<handler queue>.dead``, where operations can look at it and replay it.
Handlers must be idempotent (see ``UnitOfWork.claim``): a retried event may
have done part of its work before it failed.
"""
from __future__ import annotations

from kombu import Connection, Exchange, Queue
from nameko.events import EventHandler

from tiimi_shared.logging import get_logger

DEAD_LETTER_EXCHANGE = "tiimi.dead-letter"

log = get_logger(__name__)


def dead_letter_queue_name(queue_name: str) -> str:
    return queue_name + ".dead"


class ReliableEventHandler(EventHandler):
    def setup(self) -> None:
        super().setup()
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
        dead_letters = Exchange(DEAD_LETTER_EXCHANGE, type="direct", durable=True)
        with Connection(self.container.config["AMQP_URI"]) as connection:
            channel = connection.default_channel
            Queue(dead_letter_queue_name(name), exchange=dead_letters, routing_key=name, durable=True,
                  queue_arguments={"x-queue-type": queue_type} if "x-queue-type" in arguments else None,
                  )(channel).declare()

    def handle_message_processed(self, message, result=None, exc_info=None) -> None:
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


event_handler = ReliableEventHandler.decorator
