"""An example partner organisation: receives its referral messages and answers them.

Plain kombu, no tiimi code: this is what a partner writes on its own side.

    .venv/bin/python examples/partner.py --organisation 0123456-7
    .venv/bin/python examples/partner.py --organisation 0123456-7 --answer

It reads the partner's own durable queue ``partner.<organisation>`` (bound to
the topic exchange ``tiimi.partners`` with ``<organisation>.#``, where a ``.``
in the organisation is written ``%2E``), prints each message, and with
``--answer`` accepts, starts and completes each referral it is sent, over the
referral service's RPC (nameko's AMQP request/reply, spoken here by hand).
``--json`` prints one JSON line per message instead, for scripts. With a
broker user that may only read its queue (as in production), add
``--passive``: the queue then must exist (tiimi or operations create it).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import uuid

from kombu import Connection, Consumer, Exchange, Producer, Queue

PARTNER_EXCHANGE = "tiimi.partners"
RPC_EXCHANGE = "nameko-rpc"


def partner_queue(organisation: str) -> Queue:
    word = organisation.replace(".", "%2E")
    return Queue(f"partner.{organisation}", Exchange(PARTNER_EXCHANGE, type="topic", durable=True),
                 routing_key=f"{word}.#", durable=True, auto_delete=False)


class ReferralService:
    """Calls the referral service over AMQP the way nameko expects: JSON request, reply queue."""

    def __init__(self, connection: Connection, timeout: float = 20.0):
        self.connection = connection
        self.timeout = timeout
        self.exchange = Exchange(RPC_EXCHANGE, type="topic", durable=True)
        self.reply_to = f"partner-rpc-reply-{uuid.uuid4()}"
        self.replies = Queue(self.reply_to, self.exchange, routing_key=self.reply_to,
                             exclusive=True, auto_delete=True)
        self.answers: dict[str, dict] = {}

    def call(self, method: str, **kwargs) -> dict:
        correlation_id = str(uuid.uuid4())
        with Consumer(self.connection, [self.replies], callbacks=[self._on_reply], accept=["json"]):
            Producer(self.connection).publish(
                {"args": [], "kwargs": kwargs}, exchange=self.exchange, routing_key=f"referral.{method}",
                reply_to=self.reply_to, correlation_id=correlation_id, serializer="json",
                declare=[self.exchange])
            while correlation_id not in self.answers:
                self.connection.drain_events(timeout=self.timeout)
        reply = self.answers.pop(correlation_id)
        if reply.get("error"):
            raise RuntimeError(f"{reply['error']['exc_type']}: {reply['error']['value']}")
        return reply["result"]

    def _on_reply(self, body, message) -> None:
        self.answers[message.properties.get("correlation_id")] = body
        message.ack()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisation", required=True, help="this partner's organisation identifier")
    parser.add_argument("--professional", default="partner-desk-1",
                        help="who answers, as the partner's professional identifier")
    parser.add_argument("--amqp-uri", default=os.environ.get("TIIMI_AMQP_URI",
                                                             "amqp://guest:guest@127.0.0.1:5672/"))
    parser.add_argument("--answer", action="store_true", help="accept, start and complete each referral")
    parser.add_argument("--json", action="store_true", help="print one JSON line per message")
    parser.add_argument("--passive", action="store_true",
                        help="do not declare the queue: for a broker user that may only read it")
    parser.add_argument("--idle-exit", type=float, default=None,
                        help="exit after this many seconds without a message (default: run until Ctrl-C)")
    args = parser.parse_args(argv)
    seen: set[str] = set()

    def say(kind: str, **fields) -> None:
        if args.json:
            print(json.dumps({"kind": kind, **fields}), flush=True)
        else:
            print(kind, " ".join(f"{k}={v}" for k, v in fields.items()), flush=True)

    with Connection(args.amqp_uri) as connection, Connection(args.amqp_uri) as rpc_connection:
        referral = ReferralService(rpc_connection)
        me = {"organisation": args.organisation, "professional_id": args.professional}

        def on_message(body, message) -> None:
            if body["id"] in seen:  # delivery is at least once
                message.ack()
                return
            seen.add(body["id"])
            say("message", type=body["type"], routing_key=message.delivery_info["routing_key"],
                envelope=body)
            data = body["data"]
            if args.answer and body["type"] == "referral_requested":
                for status, extra in (("accepted", {}), ("in_progress", {}), ("completed", {
                        "outcome": {"code": "service_provided", "summary": "first meeting held"}})):
                    try:
                        result = referral.call("change_status", referral_id=data["referral_id"],
                                               status=status, by=me, **extra)
                    except (RuntimeError, TimeoutError) as error:
                        # One referral that cannot be answered must not stop the partner.
                        say("answer_failed", referral_id=data["referral_id"], error=str(error))
                        break
                    say("answered", referral_id=data["referral_id"], status=result["status"])
            message.ack()

        queue = partner_queue(args.organisation)
        with Consumer(connection, [queue], callbacks=[on_message], accept=["json"],
                      auto_declare=not args.passive):
            say("listening", queue=queue.name, organisation=args.organisation)
            try:
                while True:
                    try:
                        connection.drain_events(timeout=args.idle_exit or 1.0)
                    except TimeoutError:
                        if args.idle_exit is not None:
                            return 0
            except KeyboardInterrupt:
                return 0


if __name__ == "__main__":
    sys.exit(main())
