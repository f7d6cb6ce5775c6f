"""The correlation id that follows one request across RPC calls and events.

nameko copies everything in a worker's ``context_data`` into the headers of
the RPC calls and events that worker makes, and back into ``context_data`` on
the receiving side, so storing the id there is enough to carry it along.
Events published by the outbox relay carry it in the same header.
"""
from __future__ import annotations

import uuid

from nameko.containers import WorkerContext
from nameko.extensions import DependencyProvider

from tiimi_shared import logging as tiimi_logging

KEY = "correlation_id"
HEADER = "nameko." + KEY


def ensure(worker_ctx: WorkerContext) -> str:
    """The worker's correlation id, made here if the request brought none."""
    correlation_id: str | None = worker_ctx.data.get(KEY)
    if not correlation_id:
        correlation_id = str(uuid.uuid4())
        worker_ctx.data[KEY] = correlation_id
    return correlation_id


class Correlation(DependencyProvider):
    """Binds the correlation id to every log line a worker writes."""

    def get_dependency(self, worker_ctx: WorkerContext) -> str:
        return ensure(worker_ctx)

    def worker_setup(self, worker_ctx: WorkerContext) -> None:
        tiimi_logging.bind_correlation_id(ensure(worker_ctx))

    def worker_teardown(self, worker_ctx: WorkerContext) -> None:
        tiimi_logging.clear_context()
