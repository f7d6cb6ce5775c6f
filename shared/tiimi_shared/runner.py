"""Start one service as its own process: ``python -m <service> run|migrate``.

The same command runs a service under ``make run`` and in its container.
"""
from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from kombu import Connection

from tiimi_shared import config as tiimi_config
from tiimi_shared import logging as tiimi_logging
from tiimi_shared import migrations

START_RABBITMQ = (
    "start it with `rabbitmq-server -detached` (Debian package rabbitmq-server) "
    "or `docker run -d --name rabbitmq -p 5672:5672 -p 15672:15672 rabbitmq:3-management`"
)


def masked(uri: str) -> str:
    """A URL fit for a log line or a message: the password hidden."""
    parts = urlsplit(uri)
    if parts.password:
        netloc = parts.netloc.replace(":" + parts.password + "@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return uri


def broker_problem(amqp_uri: str, timeout: float = 3.0) -> str | None:
    """None if the broker answers, else one line saying what to do."""
    try:
        with Connection(amqp_uri, connect_timeout=timeout) as connection:
            connection.ensure_connection(max_retries=1)
    except Exception as error:
        return (f"tiimi: RabbitMQ is not reachable at {masked(amqp_uri)} "
                f"({type(error).__name__}); {START_RABBITMQ}")
    return None


def main(service_cls: type, migrations_dir: Path | None, argv: list[str] | None = None) -> int:
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

    def _stop(signum, _frame):
        log.info("stopping", signal=signal.Signals(signum).name)
        from tiimi_shared.operations import SHUTTING_DOWN

        SHUTTING_DOWN["now"] = True  # readiness answers 503 from here on
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
    return 0
