"""Write deploy/rabbitmq/definitions.json from the services' own event handlers.

    .venv/bin/python deploy/rabbitmq/generate.py

The broker then holds every service's event queue (and its dead-letter
queue) from its first boot, so an event published before a service has ever
started waits for it instead of being dropped. Queue names, bindings and
arguments are the ones the services declare themselves; a test checks the
file is current and that a service starts against it.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import tiimi_shared.green  # noqa: F401  (the services import eventlet-patched modules)

# isort: split
from consent.service import ConsentService
from gateway.service import GatewayService
from notify.service import NotifyService
from referral.service import ReferralService
from team.service import TeamService
from tiimi_shared.catalogue import subscriptions
from tiimi_shared.handlers import DEAD_LETTER_EXCHANGE, dead_letter_queue_name

SERVICES = (ConsentService, TeamService, ReferralService, NotifyService, GatewayService)
VHOST = "/"
# Local compose only: the password is "tiimi-local-only" (salted SHA-256, RabbitMQ's own scheme).
LOCAL_USER = {"name": "tiimi", "password_hash": "30MHO+8KzKfMuG1t+hlk+fsatNjvUIP9fKr4DMWyAtYTZXHV",
              "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": ["administrator"]}


def handlers():
    """(service, method, source, event type) of every reliable event handler."""
    for subscription in subscriptions(SERVICES):
        yield subscription.service, subscription.method, subscription.event.source, subscription.event.name


def exchange(name: str, kind: str) -> dict:
    return {"name": name, "vhost": VHOST, "type": kind, "durable": True, "auto_delete": False,
            "internal": False, "arguments": {}}


def queue(name: str, arguments: dict) -> dict:
    return {"name": name, "vhost": VHOST, "durable": True, "auto_delete": False, "arguments": arguments}


def binding(source: str, destination: str, routing_key: str) -> dict:
    return {"source": source, "vhost": VHOST, "destination": destination, "destination_type": "queue",
            "routing_key": routing_key, "arguments": {}}


def definitions() -> dict:
    sources = sorted({source for _, _, source, _ in handlers()} | {"consent", "team", "referral"})
    queues, bindings = [], []
    for service, method, source, event_type in handlers():
        name = f"evt-{source}-{event_type}--{service}.{method}"
        queues.append(queue(name, {"x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
                                   "x-dead-letter-routing-key": name}))
        queues.append(queue(dead_letter_queue_name(name), {}))
        bindings.append(binding(f"{source}.events", name, event_type))
        bindings.append(binding(DEAD_LETTER_EXCHANGE, dead_letter_queue_name(name), name))
    return {
        "users": [LOCAL_USER],
        "vhosts": [{"name": VHOST}],
        "permissions": [{"user": "tiimi", "vhost": VHOST, "configure": ".*", "write": ".*", "read": ".*"}],
        "exchanges": [exchange(f"{source}.events", "topic") for source in sources]
        + [exchange("tiimi.partners", "topic"), exchange(DEAD_LETTER_EXCHANGE, "direct")],
        "queues": queues,
        "bindings": bindings,
        # A partner that never reads cannot fill the broker: a full queue refuses
        # new messages, and the referral service's outbox keeps them and retries.
        "policies": [{"vhost": VHOST, "name": "partner-queues-bounded", "pattern": "^partner\\.",
                      "apply-to": "queues", "priority": 0,
                      "definition": {"max-length": 100000, "overflow": "reject-publish"}}],
    }


def render() -> str:
    return json.dumps(definitions(), indent=2) + "\n"


if __name__ == "__main__":
    target = Path(__file__).with_name("definitions.json")
    target.write_text(render())
    print(f"wrote {target}", file=sys.stderr)
