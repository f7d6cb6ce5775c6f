"""Calling another service with a limit on the wait: nameko's own proxies wait without end."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import eventlet
from nameko.exceptions import RpcTimeout


def call(proxy: Any, method: str, timeout: float, /, **kwargs: Any) -> Any:
    """``method`` on a nameko service proxy; RpcTimeout if no answer comes within ``timeout`` seconds."""
    reply = getattr(proxy, method).call_async(**kwargs)
    try:
        with eventlet.Timeout(timeout):
            return reply.result()
    except eventlet.Timeout:
        raise RpcTimeout(method) from None


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Calls that do not depend on each other, each in a green thread of its own; their answers in order.

    Every call ends (each waits a limited time) before the first failure, if any, is raised.
    """
    threads = [eventlet.spawn(one) for one in calls]
    answers: list[Any] = []
    failure: BaseException | None = None
    for thread in threads:
        try:
            answers.append(thread.wait())
        except Exception as error:  # noqa: BLE001 - kept, raised once all have ended
            failure = failure or error
    if failure is not None:
        raise failure
    return answers
