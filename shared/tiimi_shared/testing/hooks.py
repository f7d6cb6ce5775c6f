"""Driving an event handler from a test as the broker would, without the broker's delivery."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from nameko.testing.services import entrypoint_hook

from tiimi_shared.handlers import ReceivedEvent, ReliableEventHandler, consumer_key


@contextmanager
def event_hook(container: Any, method: str) -> Iterator[Callable[[dict[str, Any]], Any]]:
    """``with event_hook(container, "on_team_created") as handle: handle(envelope)``.

    The envelope is checked against the handler's declared event type and
    handed over with the handler's consumer key, exactly as the kernel's
    ``event_handler`` does for a delivered message.
    """
    subscribed = next((e for e in container.entrypoints
                       if isinstance(e, ReliableEventHandler) and e.method_name == method), None)
    if subscribed is None:
        raise LookupError(f"{container.service_name} has no event handler {method}")
    with entrypoint_hook(container, method) as hook:
        def handle(envelope: dict[str, Any]) -> Any:
            received = ReceivedEvent(subscribed.event.validate(envelope),
                                     consumer_key(container.service_name, method))
            return hook(received)

        yield handle
