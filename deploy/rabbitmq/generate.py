"""Write deploy/rabbitmq/definitions.json from the services' own event handlers.

    .venv/bin/python deploy/rabbitmq/generate.py

The broker then holds every service's event queue (and its dead-letter
queue) from its first boot, so an event published before a service has ever
started waits for it instead of being dropped. Queue names, bindings and
arguments are the ones the services declare themselves; a test checks the
file is current and that a service starts against it.

It also holds the broker's users (see docs/runbook.md, "Broker users"): each
service connects as its own user, whose permissions cover only the exchanges
and queues it declares, consumes and publishes, and whose topic permissions
let it publish on ``nameko-rpc`` only the RPCs it calls (read off its code by
``tiimi_shared.catalogue.rpc_calls``) and replies; each partner organisation's
user may read its own queue and nothing else. Run as above, the file is for
local compose: its passwords are ``<user>-local-only``. For a real broker:

    TIIMI_BROKER_PARTNERS=0123456-7,1.2.246.10.1 TIIMI_BROKER_PASSWORD_CONSENT=... \
        .venv/bin/python deploy/rabbitmq/generate.py --from-environment --output /secure/definitions.json
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import tiimi_shared.green  # noqa: F401  (the services import eventlet-patched modules)

# isort: split
from consent.service import ConsentService
from gateway.service import GatewayService
from notify.service import NotifyService
from referral import partner
from referral.service import ReferralService
from team.service import TeamService
from tiimi_shared.catalogue import rpc_calls, subscriptions
from tiimi_shared.handlers import DEAD_LETTER_EXCHANGE, dead_letter_queue_name

SERVICES = (ConsentService, TeamService, ReferralService, NotifyService, GatewayService)
VHOST = "/"
# The operators' user (management UI, dead letters, loading definitions): no service uses it.
OPERATOR = "tiimi"
# The example partner organisation (examples/, the demo seed): local compose only.
LOCAL_PARTNERS = ("0123456-7",)
RPC_EXCHANGE = "nameko-rpc"
# nameko 2.14 names a caller's reply queue rpc.reply-<caller>-<uuid4>, bound with the uuid
# alone, and a reply is published to nameko-rpc with that uuid as its routing key.
UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def handlers() -> Iterator[tuple[str, str, str, str]]:
    """(service, method, source, event type) of every reliable event handler."""
    for subscription in subscriptions(SERVICES):
        yield subscription.service, subscription.method, subscription.event.source, subscription.event.name


def exchange(name: str, kind: str) -> dict[str, Any]:
    return {"name": name, "vhost": VHOST, "type": kind, "durable": True, "auto_delete": False,
            "internal": False, "arguments": {}}


def queue(name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "vhost": VHOST, "durable": True, "auto_delete": False, "arguments": arguments}


def binding(source: str, destination: str, routing_key: str) -> dict[str, Any]:
    return {"source": source, "vhost": VHOST, "destination": destination, "destination_type": "queue",
            "routing_key": routing_key, "arguments": {}}


def definitions(partners: Iterable[str] = LOCAL_PARTNERS,
                passwords: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The broker's definitions; ``passwords`` by user name (default: local compose's)."""
    partners = tuple(partners)
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
        "users": users(partners, passwords),
        "vhosts": [{"name": VHOST}],
        "permissions": permissions(partners),
        "topic_permissions": topic_permissions(partners),
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


def render(partners: Iterable[str] = LOCAL_PARTNERS, passwords: Mapping[str, str] | None = None) -> str:
    return json.dumps(definitions(partners, passwords), indent=2) + "\n"


# -- who may do what on the broker ------------------------------------------------------


class Access:
    """One user's rights: regex alternatives for configure, write and read (vhost permissions), and
    for publishing (write) and binding (read) on topic exchanges (topic permissions)."""

    def __init__(self) -> None:
        self.configure: set[str] = set()
        self.write: set[str] = set()
        self.read: set[str] = set()
        self.topics: dict[str, tuple[set[str], set[str]]] = {}

    def topic(self, exchange: str, *, write: Iterable[str] = (), read: Iterable[str] = ()) -> None:
        publish, bind = self.topics.setdefault(exchange, (set(), set()))
        publish.update(write)
        bind.update(read)


def anchored(alternatives: Iterable[str]) -> str:
    """A regex matching exactly the alternatives (``^$``, matching no resource, if none)."""
    found = sorted(set(alternatives))
    return "^(" + "|".join(found) + ")$" if found else "^$"


def exact(name: str) -> str:
    """``name`` as a regex matching itself (only the characters special to a regex are escaped)."""
    return re.sub(r"([.^$*+?()\[\]{}|\\])", r"\\\1", name)


def service_access(service: Any) -> Access:
    """What ``service`` declares, consumes and publishes, as it does it (see tiimi_shared)."""
    access = Access()
    name = service.name
    everything = access.configure, access.write, access.read
    rpc = exact(RPC_EXCHANGE)
    # Its RPC entrypoints: queue rpc-<name> bound to nameko-rpc with <name>.*; replies go to nameko-rpc.
    for rights in everything:
        rights.update({rpc, exact(f"rpc-{name}")})
    access.topic(RPC_EXCHANGE, read=[exact(f"{name}.*")], write=[UUID])
    # The services it calls: its own reply queue, and only the requests its code makes.
    calls = rpc_calls(service, SERVICES)
    if calls:
        for rights in everything:
            rights.add(exact(f"rpc.reply-{name}-") + UUID)
        access.topic(RPC_EXCHANGE, read=[UUID],
                     write=[exact(f"{target}.{method}") for target, methods in calls.items()
                            for method in methods])
    # Its reliable event handlers: the source's exchange, its queue with a dead-letter queue beside it.
    for handler_service, method, source, event_type in handlers():
        if handler_service != name:
            continue
        queue_name = f"evt-{source}-{event_type}--{name}.{method}"
        access.configure.update({exact(f"{source}.events"), exact(queue_name), exact(DEAD_LETTER_EXCHANGE),
                                 exact(dead_letter_queue_name(queue_name))})
        # A queue declared with a dead-letter exchange needs write on that exchange and read on itself.
        access.write.update({exact(queue_name), exact(DEAD_LETTER_EXCHANGE),
                             exact(dead_letter_queue_name(queue_name))})
        access.read.update({exact(queue_name), exact(f"{source}.events"), exact(DEAD_LETTER_EXCHANGE)})
    database = vars(service).get("db")
    if database is None or not database.run_relay:
        return access  # it publishes no events
    # Its outbox: its own events exchange, only the event types it is the source of.
    published = sorted(event.name for event in database.registry if event.source == name)
    if published:
        access.configure.add(exact(f"{name}.events"))
        access.write.add(exact(f"{name}.events"))
        access.topic(f"{name}.events", write=[exact(event) for event in published])
    # The partner stream (referral's partner outbox): declares each partner's queue and publishes to it.
    if any(outbox.registry is partner.registry for outbox in database.extra_outboxes):
        queues = exact(partner.queue_name("")) + ".+"
        access.configure.update({exact(partner.EXCHANGE), queues})
        access.write.update({exact(partner.EXCHANGE), queues})
        access.read.add(exact(partner.EXCHANGE))
        word = "[^.]+"  # one organisation, its own dots written %2E
        access.topic(partner.EXCHANGE, read=[word + exact(".#")],
                     write=[word + exact("." + event.name) for event in partner.registry])
    return access


def partner_user(organisation: str) -> str:
    return f"partner-{organisation}"


def partner_access(organisation: str) -> Access:
    """A partner organisation reads its own queue (declared by tiimi) and does nothing else."""
    access = Access()
    access.read.add(exact(partner.queue_name(organisation)))
    # Belt and braces: were its vhost rights ever widened, the RPC door stays closed to it.
    access.topic(RPC_EXCHANGE)
    return access


def accesses(partners: Iterable[str]) -> dict[str, Access]:
    found = {service.name: service_access(service) for service in SERVICES}
    found.update({partner_user(organisation): partner_access(organisation) for organisation in partners})
    return found


def user_names(partners: Iterable[str]) -> list[str]:
    return [OPERATOR, *(service.name for service in SERVICES), *map(partner_user, partners)]


def users(partners: Iterable[str], passwords: Mapping[str, str] | None) -> list[dict[str, Any]]:
    names = user_names(partners)
    return [{"name": name, "password_hash": password_hash(name, passwords),
             "hashing_algorithm": "rabbit_password_hashing_sha256",
             "tags": ["administrator"] if name == OPERATOR else []}
            for name in names]


def permissions(partners: Iterable[str]) -> list[dict[str, Any]]:
    operator = {"user": OPERATOR, "vhost": VHOST, "configure": ".*", "write": ".*", "read": ".*"}
    return [operator] + [{"user": user, "vhost": VHOST, "configure": anchored(access.configure),
                          "write": anchored(access.write), "read": anchored(access.read)}
                         for user, access in accesses(partners).items()]


def topic_permissions(partners: Iterable[str]) -> list[dict[str, Any]]:
    return [{"user": user, "vhost": VHOST, "exchange": exchange, "write": anchored(publish),
             "read": anchored(bind)}
            for user, access in accesses(partners).items()
            for exchange, (publish, bind) in sorted(access.topics.items())]


def password_hash(user: str, passwords: Mapping[str, str] | None) -> str:
    """RabbitMQ's rabbit_password_hashing_sha256: base64(salt + sha256(salt + password)), 4-byte salt.

    Local compose's passwords are ``<user>-local-only``, salted from the user's name so that the
    file stays the same from one run to the next; given passwords get a random salt.
    """
    if passwords is None:
        password, salt = f"{user}-local-only", hashlib.sha256(f"tiimi:{user}".encode()).digest()[:4]
    else:
        password, salt = passwords[user], os.urandom(4)
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode()).digest()).decode()


def password_variable(user: str) -> str:
    return "TIIMI_BROKER_PASSWORD_" + re.sub("[^A-Z0-9]", "_", user.upper())


def from_environment(environ: Mapping[str, str]) -> tuple[list[str], dict[str, str]]:
    """Partners (``TIIMI_BROKER_PARTNERS``, comma-separated) and every user's password from ``environ``."""
    partners = [p.strip() for p in environ.get("TIIMI_BROKER_PARTNERS", "").split(",") if p.strip()]
    names = user_names(partners)
    missing = [password_variable(name) for name in names if not environ.get(password_variable(name))]
    if missing:
        raise SystemExit("generate.py: set " + ", ".join(missing))
    return partners, {name: environ[password_variable(name)] for name in names}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--from-environment", action="store_true",
                        help="partners and passwords from TIIMI_BROKER_PARTNERS and "
                             "TIIMI_BROKER_PASSWORD_<USER>")
    parser.add_argument("--output", type=Path, default=Path(__file__).with_name("definitions.json"))
    args = parser.parse_args(argv)
    if args.from_environment:
        partners, passwords = from_environment(os.environ)
        args.output.write_text(render(partners, passwords))
    else:
        args.output.write_text(render())
    print(f"wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
