"""Dead letters: list them, show one, replay it, discard it.

    python -m tiimi_shared.deadletters list
    python -m tiimi_shared.deadletters show <dead-letter queue> [--limit 20]
    python -m tiimi_shared.deadletters replay <dead-letter queue> <message id> | --all
    python -m tiimi_shared.deadletters discard <dead-letter queue> <message id>

A message that failed twice in a service's event handler lies in
``<handler queue>.dead`` (see ``handlers.py``). Replaying puts it back on the
queue it died in, and only there (not through the exchange, which would
hand it to every other consumer again); discarding removes it for good. The
message id is the event envelope's ``id``. Reads ``TIIMI_AMQP_URI`` and, to
list queues, the management API at ``TIIMI_RABBIT_API``
(``http://guest:guest@127.0.0.1:15672``).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import requests
from kombu.connection import Connection
from kombu.message import Message

from tiimi_shared.config import DEFAULT_AMQP_URI

SUFFIX = ".dead"


@dataclass
class DeadLetter:
    id: str
    type: str | None
    died_in: str | None
    reason: str | None
    deaths: int
    body: dict[str, Any]

    def line(self) -> str:
        return f"{self.id}  {self.type or '-'}  from {self.died_in or '?'}  ({self.reason}, {self.deaths}x)"


def _vhost(amqp_uri: str) -> str:
    path = urlsplit(amqp_uri).path
    return unquote(path[1:]) if len(path) > 1 else "/"


def list_queues(amqp_uri: str, api: str) -> list[tuple[str, int]]:
    parts = urlsplit(api)
    base = f"{parts.scheme}://{parts.hostname}:{parts.port or 15672}"
    response = requests.get(f"{base}/api/queues/{quote(_vhost(amqp_uri), safe='')}",
                            auth=(parts.username or "guest", parts.password or "guest"), timeout=10)
    response.raise_for_status()
    names = sorted(q["name"] for q in response.json() if q["name"].endswith(SUFFIX))
    # The management API's counts lag by seconds; the broker's own answer does not.
    with Connection(amqp_uri) as connection:
        channel = connection.default_channel
        return [(name, channel.queue_declare(name, passive=True).message_count) for name in names]


def _read(message: Message) -> DeadLetter:
    body = _envelope(message.body)
    deaths = (message.headers or {}).get("x-death") or [{}]
    return DeadLetter(id=str(body.get("id") or message.properties.get("message_id")), type=body.get("type"),
                      died_in=deaths[0].get("queue"), reason=deaths[0].get("reason"),
                      deaths=int(deaths[0].get("count", 1)), body=body)


def _envelope(raw: bytes | str) -> dict[str, Any]:
    """The dead letter's envelope, if its body is a JSON object; else nothing (a body that was never
    decodable is why it died). Never kombu's ``payload``, which would unpickle a pickle."""
    try:
        body = json.loads(raw)
    except ValueError:  # not JSON, not UTF-8
        return {}
    return body if isinstance(body, dict) else {}


def browse(amqp_uri: str, queue: str, limit: int = 1000) -> list[DeadLetter]:
    """The first ``limit`` dead letters, left where they are."""
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        seen: list[DeadLetter] = []
        try:
            while len(seen) < limit and (message := channel.basic_get(queue, no_ack=False)) is not None:
                seen.append(_read(_as_kombu(channel, message)))
        finally:
            channel.close()  # everything taken goes back, in order
    return seen


def _as_kombu(channel: Any, raw: Any) -> Message:
    message: Message = channel.message_to_python(raw)
    return message


def _take(amqp_uri: str, queue: str, message_id: str | None,
          act: Callable[[Any, Message, DeadLetter], None]) -> int:
    """Find the dead letter(s) and act on each; the rest stay. Returns how many were acted on."""
    done = 0
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as connection:
        channel = connection.channel()
        try:
            while (raw := channel.basic_get(queue, no_ack=False)) is not None:
                message = _as_kombu(channel, raw)
                letter = _read(message)
                if message_id is None or letter.id == message_id:
                    act(channel, message, letter)
                    message.ack()
                    done += 1
                    if message_id is not None:
                        break
        finally:
            channel.close()
    return done


def replay(amqp_uri: str, queue: str, message_id: str | None) -> int:
    def put_back(channel: Any, message: Message, letter: DeadLetter) -> None:
        if not letter.died_in:
            raise ValueError(f"{letter.id}: no x-death header says where it came from")
        headers = {k: v for k, v in (message.headers or {}).items() if k != "x-death"}
        channel.basic_publish(channel.prepare_message(message.body, priority=0,
                                                      content_type=message.content_type,
                                                      content_encoding=message.content_encoding,
                                                      headers=headers,
                                                      properties={"message_id": letter.id,
                                                                  "delivery_mode": 2}),
                              exchange="", routing_key=letter.died_in)

    return _take(amqp_uri, queue, message_id, put_back)


def discard(amqp_uri: str, queue: str, message_id: str) -> int:
    return _take(amqp_uri, queue, message_id, lambda channel, message, letter: None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tiimi_shared.deadletters",
                                     description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="dead-letter queues and how many each holds")
    show = commands.add_parser("show", help="the dead letters of one queue")
    show.add_argument("queue")
    show.add_argument("--limit", type=int, default=20)
    show.add_argument("--body", action="store_true", help="print each envelope too")
    again = commands.add_parser("replay", help="put a dead letter back on the queue it died in")
    again.add_argument("queue")
    which = again.add_mutually_exclusive_group(required=True)
    which.add_argument("id", nargs="?")
    which.add_argument("--all", action="store_true")
    drop = commands.add_parser("discard", help="remove a dead letter for good")
    drop.add_argument("queue")
    drop.add_argument("id")
    args = parser.parse_args(argv)
    amqp_uri = os.environ.get("TIIMI_AMQP_URI", DEFAULT_AMQP_URI)
    if args.command != "list" and not args.queue.endswith(SUFFIX):
        print(f"{args.queue} is not a dead-letter queue (they end in {SUFFIX})", file=sys.stderr)
        return 2
    if args.command == "list":
        api = os.environ.get("TIIMI_RABBIT_API", "http://guest:guest@127.0.0.1:15672")
        for name, count in list_queues(amqp_uri, api):
            print(f"{count:>6}  {name}")
    elif args.command == "show":
        for letter in browse(amqp_uri, args.queue, args.limit):
            print(letter.line())
            if args.body:
                print("        " + json.dumps(letter.body, ensure_ascii=False))
    elif args.command == "replay":
        count = replay(amqp_uri, args.queue, None if args.all else args.id)
        print(f"replayed {count}")
        return 0 if count or args.all else 1
    else:
        count = discard(amqp_uri, args.queue, args.id)
        print(f"discarded {count}")
        return 0 if count else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
