"""The RPC entrypoint every service declares its RPCs with: nameko's, outliving a reply it cannot send.

nameko answers a request by publishing the reply and then acknowledging the request.
If the broker is gone when the reply goes out (a restart, a dropped connection that
cannot be made again within the publisher's retries), the publish raises inside the
worker's result handling, and nameko takes any error there for a bug: the container
kills itself and the service exits.

Here that error is logged (the method and the error's type: no arguments, no answer)
and the request is handed back to the broker unacknowledged, and the service keeps
running. When the broker's connection is gone the broker has the request back
already; when it is still there the request is rejected back onto its queue. Either
way the request is delivered again: a read is answered afresh, and a command
(``tiimi_shared.idempotency``) finds its key, kept by a redelivery through the
request's correlation id, and answers as it did the first time.

Use ``rpc`` from here instead of ``nameko.rpc.rpc``. All RPCs of a service share one
consumer of its queue, so this entrypoint's consumer stands in for nameko's (same
sharing key): a service that mixes both still has one consumer, and the entrypoint's
own result handling is guarded whichever consumer it got.
"""
from __future__ import annotations

from typing import Any

import amqp.exceptions
import kombu.exceptions
from nameko import rpc as nameko_rpc

from tiimi_shared.logging import get_logger

log = get_logger(__name__)

# What a publish or an acknowledgement raises when the broker is unreachable or the
# connection or channel is gone: kombu's wrapper, py-amqp's own, and the socket's.
BROKER_GONE: tuple[type[Exception], ...] = (
    kombu.exceptions.OperationalError, amqp.exceptions.AMQPError, OSError)


def _not_answered(consumer: nameko_rpc.RpcConsumer, message: Any, error: Exception) -> None:
    """Log a reply that could not be sent and give the request back to the broker."""
    routing_key = message.delivery_info.get("routing_key") if message.delivery_info else None
    log.warning("RPC reply not sent; the request is left to the broker to deliver again",
                method=routing_key, error=type(error).__name__)
    try:
        # nameko's requeue skips a message whose connection is gone (the broker has it back).
        consumer.requeue_message(message)
    except BROKER_GONE:
        pass  # the channel died in between: the broker has it back all the same


class RpcConsumer(nameko_rpc.RpcConsumer):
    """nameko's consumer of a service's RPC queue, surviving a reply it cannot publish."""

    @property
    def sharing_key(self) -> Any:
        return nameko_rpc.RpcConsumer  # one consumer per service, whichever entrypoint made it

    def handle_result(self, message: Any, result: Any, exc_info: Any) -> tuple[Any, Any]:
        try:
            answered: tuple[Any, Any] = super().handle_result(message, result, exc_info)
        except BROKER_GONE as error:
            _not_answered(self, message, error)
            return result, exc_info
        return answered


class Rpc(nameko_rpc.Rpc):
    """nameko's RPC entrypoint whose failed reply leaves the request to be delivered again."""

    rpc_consumer = RpcConsumer()

    def handle_result(self, message: Any, worker_ctx: Any, result: Any, exc_info: Any) -> tuple[Any, Any]:
        try:
            answered: tuple[Any, Any] = super().handle_result(message, worker_ctx, result, exc_info)
        except BROKER_GONE as error:  # the consumer is nameko's own (a service mixing both)
            _not_answered(self.rpc_consumer, message, error)
            return result, exc_info
        return answered


rpc = Rpc.decorator
