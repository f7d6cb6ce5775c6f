"""A partner organisation under chaos: reads its queue, writes down every delivery, answers over HTTP.

    python bench/chaos/partner.py --amqp-uri URI --organisation ORG --record FILE --gateway URL \
        --answers accept,start,complete

Like examples/partner.py it reads ``partner.<organisation>`` with plain kombu, but it keeps
every delivery as it came (one JSON line each, with the broker's ``redelivered`` flag and
the envelope), without deduplicating, so the checker can count repeats; it reconnects
when the broker goes away; and it answers through the gateway's partner API, as a
partner's staff would, with an ``Idempotency-Key`` per answer that a retry repeats.
The token comes from the environment (CHAOS_PARTNER_TOKEN).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid
from typing import Any

import requests
from kombu.connection import Connection
from kombu.entity import Exchange, Queue
from kombu.messaging import Consumer

OUTCOME = {"outcome": {"code": "service_provided", "summary": "first meeting held"}}


def partner_queue(organisation: str) -> Queue:
    word = organisation.replace(".", "%2E")
    return Queue(
        f"partner.{organisation}",
        Exchange("tiimi.partners", type="topic", durable=True),
        routing_key=f"{word}.#",
        durable=True,
        auto_delete=False,
    )


def answer(
    session: requests.Session, gateway: str, token: str, referral_id: str, step: str, deadline: float = 120.0
) -> int:
    """POST one answer until the gateway gives a final status; the same key on every try."""
    key = str(uuid.uuid5(uuid.NAMESPACE_URL, f"partner-answer/{referral_id}/{step}"))
    body = OUTCOME if step == "complete" else {}
    until = time.monotonic() + deadline
    while True:
        try:
            response = session.post(
                f"{gateway}/partner/referrals/{referral_id}/{step}",
                json=body,
                timeout=15,
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key},
            )
            if response.status_code < 500 and response.status_code != 429:
                return response.status_code
        except requests.RequestException:
            pass
        if time.monotonic() > until:
            return 0
        time.sleep(1.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--amqp-uri", required=True)
    parser.add_argument("--organisation", required=True)
    parser.add_argument("--record", required=True)
    parser.add_argument("--gateway", required=True)
    parser.add_argument("--answers", default="", help="comma-separated steps for each referral_requested")
    parser.add_argument("--no-declare", action="store_true",
                        help="read the queue as it is (a partner's own broker user may only read it)")
    args = parser.parse_args(argv)
    queue = Queue(f"partner.{args.organisation}", no_declare=True) if args.no_declare \
        else partner_queue(args.organisation)
    # No heartbeats: answering a referral may take long while the gateway's services restart, and a
    # dropped connection shows anyway on the next read.
    token = os.environ["CHAOS_PARTNER_TOKEN"]
    steps = [step for step in args.answers.split(",") if step]
    session = requests.Session()
    record = open(args.record, "a", buffering=1)

    def on_message(body: dict[str, Any], message: Any) -> None:
        record.write(
            json.dumps(
                {
                    "at": time.time(),
                    "organisation": args.organisation,
                    "message_id": message.properties.get("message_id"),
                    "redelivered": bool(message.delivery_info.get("redelivered")),
                    "routing_key": message.delivery_info.get("routing_key"),
                    "envelope": body,
                }
            )
            + "\n"
        )
        if body.get("type") == "referral_requested":
            for step in steps:
                status = answer(session, args.gateway, token, body["data"]["referral_id"], step)
                record.write(
                    json.dumps(
                        {
                            "at": time.time(),
                            "answered": step,
                            "status": status,
                            "referral_id": body["data"]["referral_id"],
                        }
                    )
                    + "\n"
                )
        message.ack()

    while True:
        try:
            with Connection(args.amqp_uri, connect_timeout=5, heartbeat=0) as connection:
                connection.ensure_connection(max_retries=1)
                with Consumer(
                    connection,
                    [queue],
                    callbacks=[on_message],
                    accept=["json"],
                    prefetch_count=10,
                ):
                    print(json.dumps({"listening": args.organisation}), flush=True)
                    while True:
                        try:
                            connection.drain_events(timeout=2)
                        except TimeoutError:
                            pass
        except KeyboardInterrupt:
            return 0
        except Exception as error:  # the broker went away: come back when it does
            print(json.dumps({"reconnecting": type(error).__name__}), flush=True)
            time.sleep(1.0)


if __name__ == "__main__":
    sys.exit(main())
