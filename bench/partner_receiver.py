"""The partner's side of the referral figure: consume ``partner.<organisation>`` and note each arrival.

``python bench/partner_receiver.py <amqp uri> <organisation> <out file>`` declares the
partner's queue as a partner does (examples/partner.py), then writes one line
``<referral_id> <type> <unix time of receipt>`` per message to the out file until
SIGTERM. Plain kombu, no tiimi code, in a process of its own; the benchmark compares
each receipt with the wall-clock time it started sending that referral (one machine,
one clock).
"""
import signal
import sys
import time
from typing import Any

from kombu import Connection, Consumer, Exchange, Queue


def main(amqp_uri: str, organisation: str, out_path: str) -> int:
    stopping = False

    def _stop(_signum: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    word = organisation.replace(".", "%2E")
    queue = Queue(f"partner.{organisation}", Exchange("tiimi.partners", type="topic", durable=True),
                  routing_key=f"{word}.#", durable=True, auto_delete=False)
    with open(out_path, "a", buffering=1) as out, Connection(amqp_uri) as connection:
        def on_message(body: dict, message: Any) -> None:
            at = time.time()
            out.write(f"{body['data'].get('referral_id')} {body.get('type')} {at:.6f}\n")
            message.ack()

        with Consumer(connection, [queue], callbacks=[on_message], accept=["json"], prefetch_count=100):
            out.write("ready - 0\n")
            while not stopping:
                try:
                    connection.drain_events(timeout=0.5)
                except TimeoutError:
                    continue
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
