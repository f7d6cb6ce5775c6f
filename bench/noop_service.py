"""A nameko service that does nothing: the baseline for an RPC and for a service's idle memory.

``python bench/noop_service.py <amqp uri>`` serves ``bench_noop.check``, which answers
``permit`` at once without reading anything, until SIGTERM. It imports nameko and
nothing of tiimi, so its figures are what nameko itself costs on this broker.
"""
import eventlet

eventlet.monkey_patch()

# isort: split
import signal  # noqa: E402  (after the patching)
import sys  # noqa: E402  (after the patching)
from typing import Any  # noqa: E402  (after the patching)

from nameko.rpc import rpc  # noqa: E402  (after the patching)
from nameko.runners import ServiceRunner  # noqa: E402  (after the patching)

NAME = "bench_noop"


class NoopService:
    name = NAME

    @rpc
    def check(self, **request: Any) -> dict[str, str]:
        return {"decision": "permit"}


def main(amqp_uri: str) -> int:
    runner = ServiceRunner({"AMQP_URI": amqp_uri})
    runner.add_service(NoopService)

    def _stop(_signum: int, _frame: Any) -> None:
        eventlet.spawn_n(runner.stop)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    runner.start()
    runner.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
