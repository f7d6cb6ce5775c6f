"""Start one service as its own process: ``python -m <service> run|migrate``.

The same command runs a service under ``make run`` and in its container.
``run`` never loads Alembic: migrating is a process of its own (``migrate``, run
before the service by ``make run``, the compose file and the Kubernetes init
containers), and Alembic with its Mako templates would only sit idle in the
memory of every running service.
"""
from __future__ import annotations

import argparse
import gc
import signal
import sys
from pathlib import Path
from typing import Any

from tiimi_shared import config as tiimi_config
from tiimi_shared import logging as tiimi_logging
from tiimi_shared.broker import broker_problem, masked
from tiimi_shared.operations import Operations


def main(service_cls: type[Any], migrations_dir: Path | None, argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=service_cls.name)
    parser.add_argument("command", choices=("run", "migrate"))
    args = parser.parse_args(argv)
    settings = tiimi_config.load(service_cls.name)
    tiimi_logging.configure(settings.service, settings.log_level)
    log = tiimi_logging.get_logger("tiimi.runner")

    if args.command == "migrate":
        if migrations_dir is None:
            log.info("nothing to migrate: this service keeps no database yet")
            return 0
        from tiimi_shared import migrations

        migrations.upgrade(migrations_dir, settings.database_url)
        log.info("migrated", database=masked(settings.database_url))
        return 0

    problem = broker_problem(settings.amqp_uri)
    if problem:
        print(problem, file=sys.stderr)
        return 2

    from nameko.runners import ServiceRunner

    runner = ServiceRunner(settings.nameko_config())
    runner.add_service(service_cls)

    stopping = False

    def _stop(signum: int, _frame: object) -> None:
        # A terminal's Ctrl-C reaches every process of the group, and a supervisor
        # may forward a SIGTERM as well: only the first signal starts the stop.
        nonlocal stopping
        if stopping:
            log.info("already stopping", signal=signal.Signals(signum).name)
            return
        stopping = True
        log.info("stopping", signal=signal.Signals(signum).name)
        for container in runner.containers:
            for extension in container.dependencies:
                if isinstance(extension, Operations):
                    extension.begin_stopping()  # readiness answers 503 from here on
        # stop() lets running workers finish; it must not run inside the handler.
        import eventlet

        eventlet.spawn_n(runner.stop)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    runner.start()
    log.info("started", amqp=masked(settings.amqp_uri),
             database=masked(settings.database_url) if migrations_dir else None)
    runner.wait()
    log.info("stopped")
    # Everything left is freed by the process's exit; a last full collection of a
    # service's heap would only add seconds to every stop.
    gc.freeze()
    return 0
