"""What operations staff see of a running service: health, readiness and Prometheus metrics.

``Operations()`` is a dependency provider every service declares. It
measures every worker (messages handled, failures, handling time, by
entrypoint) and, when ``OPS_ADDRESS`` is configured (``TIIMI_OPS_ADDRESS``;
containers use ``0.0.0.0:9000``), serves on that address:

- ``/health/live``: 200 while the process runs;
- ``/health/ready``: 200 only while the broker and the service's database
  answer, else 503; and 503 from the moment the service is asked to stop;
- ``/metrics``: the Prometheus text format.
"""
from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterable
from types import TracebackType
from typing import TYPE_CHECKING, Any
from wsgiref.types import StartResponse, WSGIEnvironment

import eventlet
import eventlet.wsgi
from nameko.containers import WorkerContext
from nameko.extensions import DependencyProvider
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

from tiimi_shared.broker import broker_problem

if TYPE_CHECKING:
    from tiimi_shared.database import Database

ExcInfo = tuple[type[BaseException], BaseException, TracebackType]

HANDLED = Counter("tiimi_messages_handled_total", "Messages handled (RPC calls, events, timers, requests)",
                  ["service", "entrypoint"])
FAILED = Counter("tiimi_message_failures_total", "Messages whose handling raised", ["service", "entrypoint"])
HANDLING = Histogram("tiimi_handling_seconds", "Time spent handling one message", ["service", "entrypoint"])
OUTBOX_BACKLOG = Gauge("tiimi_outbox_backlog", "Events committed and not yet published", ["service"])
CONSENT_DECISIONS = Counter("tiimi_consent_decisions_total", "Consent decisions by outcome and reason",
                            ["outcome", "reason"])


class Operations(DependencyProvider):
    def setup(self) -> None:
        self.address = self.container.config.get("OPS_ADDRESS")
        self.started: dict[WorkerContext, float] = {}
        self.stopping = False

    def start(self) -> None:
        if not self.address:
            return
        host, _, port = self.address.rpartition(":")
        listener = eventlet.listen((host or "0.0.0.0", int(port)))
        self.container.spawn_managed_thread(
            lambda: eventlet.wsgi.server(listener, self._app, log_output=False), identifier="operations")

    def begin_stopping(self) -> None:
        """Called on the first stop signal, before the container stops: readiness turns 503."""
        self.stopping = True

    def stop(self) -> None:
        # Readiness goes first, so a load balancer stops sending while workers finish.
        self.stopping = True

    def kill(self) -> None:
        self.stopping = True

    def worker_setup(self, worker_ctx: WorkerContext) -> None:
        self.started[worker_ctx] = time.monotonic()

    def worker_result(self, worker_ctx: WorkerContext, result: Any = None,
                      exc_info: ExcInfo | None = None) -> None:
        labels = (self.container.service_name, worker_ctx.entrypoint.method_name)
        HANDLED.labels(*labels).inc()
        if exc_info is not None:
            FAILED.labels(*labels).inc()
        began = self.started.pop(worker_ctx, None)
        if began is not None:
            HANDLING.labels(*labels).observe(time.monotonic() - began)

    # -- the HTTP side ------------------------------------------------------------

    def _database(self) -> Database | None:
        # A service with a database imported the module to declare it; one without
        # (the gateway) must not load it, and SQLAlchemy with it, to answer readiness.
        module = sys.modules.get("tiimi_shared.database")
        if module is None:
            return None
        return next((e for e in self.container.dependencies if isinstance(e, module.Database)), None)

    def ready(self) -> tuple[bool, dict[str, str | bool]]:
        checks: dict[str, str | bool] = {}
        if self.stopping:
            return False, {"stopping": True}
        unreachable = broker_problem(self.container.config["AMQP_URI"], timeout=2)
        checks["broker"] = "unreachable" if unreachable else "ok"
        database = self._database()
        if database is not None:
            try:
                health = database.health()
                checks["database"] = "ok"
                OUTBOX_BACKLOG.labels(self.container.service_name).set(health["outbox_backlog"])
            except Exception as error:
                checks["database"] = type(error).__name__
        return all(value == "ok" for value in checks.values()), checks

    def _app(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/health/live":
            return _reply(start_response, 200, {"status": "ok", "service": self.container.service_name})
        if path == "/health/ready":
            ready, checks = self.ready()
            return _reply(start_response, 200 if ready else 503,
                          {"status": "ok" if ready else "unavailable", **checks})
        if path == "/metrics":
            self.ready()  # refreshes the outbox backlog
            start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST)])
            return [generate_latest()]
        return _reply(start_response, 404, {"status": "not found"})


def _reply(start_response: StartResponse, status: int, body: dict[str, Any]) -> list[bytes]:
    reason = {200: "OK", 404: "Not Found", 503: "Service Unavailable"}[status]
    start_response(f"{status} {reason}", [("Content-Type", "application/json")])
    return [json.dumps(body).encode()]
