"""Start one service as its own process: ``python -m <service> run|migrate|rotate-keys``.

The same command runs a service under ``make run`` and in its container.
``run`` never loads Alembic: migrating is a process of its own (``migrate``, run
before the service by ``make run``, the compose file and the Kubernetes init
containers), and Alembic with its Mako templates would only sit idle in the
memory of every running service.

``rotate-keys`` seals every sealed column's value under the newest data key
(tiimi_shared.sealed), in short transactions while the service runs; with
``--check`` it only counts what is not yet under the newest key, and fails if
anything is. A service's tables are ``<package>.models.Base.metadata``, as its
migrations' ``env.py`` has them.
"""
from __future__ import annotations

import argparse
import gc
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tiimi_shared import config as tiimi_config
from tiimi_shared import logging as tiimi_logging
from tiimi_shared.broker import broker_problem, masked
from tiimi_shared.operations import Operations

if TYPE_CHECKING:
    import sqlalchemy as sa


def main(service_cls: type[Any], migrations_dir: Path | None, argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=service_cls.name)
    parser.add_argument("command", choices=("run", "migrate", "rotate-keys"))
    parser.add_argument("--batch-size", type=int, default=200,
                        help="rotate-keys: rows per transaction (default 200)")
    parser.add_argument("--pause", type=float, default=0.0,
                        help="rotate-keys: seconds to rest between batches (default 0)")
    parser.add_argument("--check", action="store_true",
                        help="rotate-keys: only count values not under the newest key; fail if any")
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

    metadata = _tables_of(service_cls) if migrations_dir is not None else None
    if args.command == "rotate-keys":
        return _rotate_keys(settings, metadata, args, log)

    from tiimi_shared import sealed

    if metadata is not None and sealed.sealed_tables(metadata):
        try:
            sealed.keyring()
        except sealed.DataKeysMissing as missing:
            print(f"{service_cls.name} seals personal data at rest: {missing}", file=sys.stderr)
            return 2

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


def _tables_of(service_cls: type[Any]) -> sa.MetaData | None:
    from tiimi_shared.tables import service_tables

    return service_tables(service_cls)


def _rotate_keys(settings: tiimi_config.Settings, metadata: sa.MetaData | None, args: argparse.Namespace,
                 log: Any) -> int:
    from tiimi_shared import sealed
    from tiimi_shared.database import make_engine

    if metadata is None or not sealed.sealed_tables(metadata):
        log.info("nothing to rotate: this service seals nothing")
        return 0
    try:
        ring = sealed.keyring()
    except sealed.DataKeysMissing as missing:
        print(str(missing), file=sys.stderr)
        return 2
    if args.batch_size < 1:
        print("--batch-size must be 1 or more", file=sys.stderr)
        return 2
    # The team's identity codes stored before the data keys open with its identity key.
    legacy_keys = [settings.identity_key] if settings.identity_key else []
    engine = make_engine(settings.database_url)
    try:
        if args.check:
            report = sealed.rotate(engine, metadata, ring, batch_size=args.batch_size, write=False,
                                   legacy_keys=legacy_keys)
        else:
            log.info("rotating keys", newest=ring.newest, columns=list(sealed.describe(metadata)),
                     database=masked(settings.database_url))
            passes = sealed.rotate_until_done(
                engine, metadata, ring, batch_size=args.batch_size, pause=args.pause, legacy_keys=legacy_keys,
                progress=lambda table, rows: log.debug("rotated a batch", table=table, rows=rows))
            # The last pass is the database as it is now; the values re-sealed are all passes' work.
            report = passes[-1]
    finally:
        engine.dispose()
    done = report.outside_newest == 0 and not report.unreadable
    summary = report.as_dict()
    if not args.check:
        summary |= {"passes": len(passes), "resealed": sum(one.resealed for one in passes)}
    log.info("keys checked" if args.check else "keys rotated", ok=done, **summary)
    if report.unreadable:
        # Which rows, never what they hold: a key is missing from TIIMI_DATA_KEYS.
        log.error("values that open with no configured key", rows=report.unreadable[:20])
    return 0 if done else 1
