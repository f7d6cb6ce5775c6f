"""Calling another service with a limit on the wait: nameko's own proxies wait without end."""
from __future__ import annotations

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
