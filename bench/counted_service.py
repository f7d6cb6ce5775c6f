"""Run a tiimi service as ``python -m <service> run`` does, counting its SQL statements.

``python bench/counted_service.py consent`` installs one SQLAlchemy listener on every
engine (a counter, nothing else) and then runs the service's own ``__main__``. On
SIGUSR1 it writes ``<dumps> <statements>`` to ``TIIMI_BENCH_SQL_COUNT_FILE``, so the
benchmark can read how many statements the service sent while it made a number of
calls. A statement sent with many parameter rows (``executemany``) counts once.
"""
import tiimi_shared.green  # noqa: F401  (first: patches sockets and threads)

# isort: split
import os
import runpy
import signal
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

statements = 0
dumps = 0


def _count(*_args: Any, **_kwargs: Any) -> None:
    global statements
    statements += 1


def _dump(_signum: int, _frame: Any) -> None:
    global dumps
    dumps += 1
    Path(os.environ["TIIMI_BENCH_SQL_COUNT_FILE"]).write_text(f"{dumps} {statements}\n")


if __name__ == "__main__":
    service = sys.argv[1]
    event.listen(Engine, "before_cursor_execute", _count)
    signal.signal(signal.SIGUSR1, _dump)
    sys.argv = [service, "run"]
    runpy.run_module(service, run_name="__main__", alter_sys=True)
