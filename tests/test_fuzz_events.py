"""Malformed and oversized messages on every event queue of every service.

Each bad message is published straight onto one handler's queue (the default exchange routes by
queue name), as a confused or hostile publisher on the broker could: not JSON, bytes that are not
even UTF-8, JSON of the wrong shape, an envelope of an unknown version, a 10 MB body, a content type
the services do not speak (pickle among them). Each must be dead-lettered with the reason, and must
change no row; then a good event on the same queue must still be handled, so a bad message never
stops the service (a crash loop would leave the good one unhandled).
"""
from __future__ import annotations

import inspect
import json
import pickle
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from kombu import Connection, Exchange, Producer, Queue
from marshmallow import Schema, fields, validate
from marshmallow import ValidationError as MarshmallowError
from nameko.standalone.rpc import ClusterRpcProxy

import consent
import notify
import referral
import team
from consent.service import ConsentService
from notify.service import NotifyService
from referral.service import ReferralService
from team.service import TeamService
from tiimi_shared import contracts, deadletters
from tiimi_shared.handlers import DEAD_LETTER_EXCHANGE, ReliableEventHandler, dead_letter_queue_name

pytestmark = pytest.mark.integration

SERVICES = {ConsentService: consent, TeamService: team, ReferralService: referral, NotifyService: notify}
DEFINITIONS = Path(__file__).parents[1] / "deploy" / "rabbitmq" / "definitions.json"
TEN_MB = 10 * 1024 * 1024


def handlers() -> list[tuple[type, str, ReliableEventHandler]]:
    """(service class, method, handler) for every event handler, found on the classes themselves."""
    found = []
    for service_cls in SERVICES:
        for method_name, method in inspect.getmembers(service_cls, inspect.isfunction):
            for entrypoint in getattr(method, "nameko_entrypoints", ()):
                if isinstance(entrypoint, ReliableEventHandler):
                    found.append((service_cls, method_name, entrypoint))
    return found


def queue_name(service_cls: type, method: str, handler: ReliableEventHandler) -> str:
    return f"evt-{handler.event.source}-{handler.event.name}--{service_cls.name}.{method}"  # type: ignore[attr-defined]


# Strings a field may want; the first one it loads is taken.
_STRINGS = ("org-1", "housing_guidance", "837", "+358 40 123 4567", "someone@example.org")


def example(field: fields.Field) -> Any:
    """A value ``field`` loads, as it travels in JSON."""
    if isinstance(field, fields.Nested):
        schema = field.schema
        return {name: example(inner) for name, inner in schema.fields.items() if not inner.dump_only}
    if isinstance(field, fields.List):  # every choice, so that the event concerns its consumer
        inner = field.inner
        choices = [v.choices for v in inner.validators if isinstance(v, validate.OneOf)]
        return list(choices[0]) if choices else [example(inner)]
    if isinstance(field, fields.UUID):
        return str(uuid.uuid4())
    if isinstance(field, fields.DateTime):
        return datetime.now(UTC).isoformat()
    if isinstance(field, fields.Boolean):
        return False
    if isinstance(field, fields.Integer):
        return 1
    if isinstance(field, fields.Dict):
        if field.key_field is None or field.value_field is None:
            return {}
        return {example(field.key_field): example(field.value_field)}
    choices = [v.choices for v in field.validators if isinstance(v, validate.OneOf)]
    for candidate in list(choices[0])[:1] if choices else _STRINGS:
        try:
            field.deserialize(candidate)
            return candidate
        except MarshmallowError:
            continue
    raise LookupError(f"no example for {field!r}: add one to _STRINGS")


def good_envelope(handler: ReliableEventHandler, known: dict[str, str] | None = None) -> dict[str, Any]:
    """An envelope its handler takes; ``known`` names real rows (a consent a disclosure rests on)."""
    event = handler.event
    payload: Schema = event.payload()
    data = {name: example(field) for name, field in payload.fields.items()}
    for name, value in (known or {}).items():
        if name in data:
            data[name] = value
    if known and isinstance(data.get("consents"), dict):
        data["consents"] = {category: known["consent_id"] for category in data["consents"]}
    return {"id": str(uuid.uuid4()), "type": event.name, "version": event.version,
            "occurred_at": datetime.now(UTC).isoformat(), "source": event.source, "correlation_id": None,
            "data": data}


TRAP = Path(tempfile.gettempdir()) / f"tiimi-unpickled-{uuid.uuid4().hex}"


class Trap:
    """A pickle that, if anything unpickles it, leaves a file behind."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (open, (str(TRAP), "w"))


def bad_messages(handler: ReliableEventHandler) -> list[tuple[str, bytes, str | None]]:
    """(what is wrong, body, content type): each one a consumer must refuse."""
    good = good_envelope(handler)
    wrong_version = good | {"id": str(uuid.uuid4()), "version": 99}
    wrong_payload = good | {"id": str(uuid.uuid4()), "data": {"unexpected": [{"deeply": [[[1]]]}]}}
    oversized = good | {"id": str(uuid.uuid4()), "data": good["data"] | {"padding": "x" * TEN_MB}}
    return [
        ("not JSON", b"{this is not json", "application/json"),
        ("not UTF-8", b"\xff\xfe\xfa", "application/json"),
        ("JSON, not an object", b"[1, 2, 3]", "application/json"),
        ("JSON null", b"null", "application/json"),
        ("an object, not an envelope", json.dumps({"id": "x", "data": "y"}).encode(), "application/json"),
        ("an envelope of another event type", json.dumps(good | {"id": str(uuid.uuid4()),
                                                                 "type": "no_such_event"}).encode(),
         "application/json"),
        ("an unknown version", json.dumps(wrong_version).encode(), "application/json"),
        ("a payload of the wrong shape", json.dumps(wrong_payload).encode(), "application/json"),
        ("a 10 MB body", json.dumps(oversized).encode(), "application/json"),
        ("a content type not spoken", json.dumps(good | {"id": str(uuid.uuid4())}).encode(), "text/plain"),
        ("pickle", pickle.dumps(Trap()), "application/x-python-serialize"),
        ("no content type", json.dumps(good | {"id": str(uuid.uuid4())}).encode(), None),
    ]


def row_counts(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return {table: connection.execute(sa.text(f'SELECT count(*) FROM "{table}"')).scalar_one()
                    for table in sa.inspect(connection).get_table_names() if table != "alembic_version"}
    finally:
        engine.dispose()


def publish(amqp_uri: str, queue: str, body: bytes, content_type: str | None) -> None:
    with Connection(amqp_uri) as connection:
        producer = Producer(connection.default_channel)
        producer.publish(body, exchange="", routing_key=queue, content_type=content_type,
                         content_encoding="binary" if content_type != "application/json" else "utf-8",
                         delivery_mode=2, message_id=str(uuid.uuid4()))


def dead_letter_count(amqp_uri: str, queue: str) -> int:
    with Connection(amqp_uri) as connection:
        declared = connection.default_channel.queue_declare(dead_letter_queue_name(queue), passive=True)
        return int(declared.message_count)


def take_dead_letters(amqp_uri: str, queue: str) -> list[Any]:
    with Connection(amqp_uri) as connection:
        dead = Queue(dead_letter_queue_name(queue), exchange=Exchange(DEAD_LETTER_EXCHANGE, type="direct"),
                     routing_key=queue, durable=True)(connection.default_channel)
        taken = []
        while (message := dead.get(no_ack=True)) is not None:
            taken.append(message)
        return taken


def wait_for(check: Any, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := check()) and time.monotonic() < deadline:
        time.sleep(0.2)
    return value


def test_every_event_queue_of_the_broker_definitions_is_fuzzed():
    """Every handler queue deploy/rabbitmq declares is one these tests reach, and no other."""
    declared = {q["name"] for q in json.loads(DEFINITIONS.read_text())["queues"]
                if not q["name"].endswith(".dead")}
    assert {queue_name(*found) for found in handlers()} == declared


@pytest.fixture
def started(system, tmp_path, rabbit_config):
    system()
    return {cls: f"sqlite:///{tmp_path / package.__name__}.db" for cls, package in SERVICES.items()}


@pytest.fixture
def known(started, rabbit_config):
    """A consent on record, for the events that must name one."""
    client_id = str(uuid.uuid4())
    with ClusterRpcProxy(rabbit_config, timeout=20) as rpc:
        granted = rpc.consent.grant(
            client_id=client_id, given_by={"kind": "client"}, recipient_organisation="org-1",
            categories=list(contracts.CATEGORIES), purposes=list(contracts.PURPOSES), method="written",
            recorded_by="sw-1")
    return {"client_id": client_id, "consent_id": granted["id"], "recipient_organisation": "org-1"}


@pytest.mark.timeout(600)
def test_bad_messages_on_every_event_queue_are_dead_lettered_with_no_effect_and_the_next_good_one_is_handled(
        started, known, rabbit_config):
    amqp_uri = rabbit_config["AMQP_URI"]
    failures: list[str] = []
    for service_cls, method, handler in handlers():
        queue = queue_name(service_cls, method, handler)
        url = started[service_cls]
        before = row_counts(url)
        bad = bad_messages(handler)
        for _what, body, content_type in bad:
            publish(amqp_uri, queue, body, content_type)
        wait_for(lambda q=queue, n=len(bad): dead_letter_count(amqp_uri, q) >= n)
        # The operators' tool shows each one, whatever its body, and unpickles nothing.
        shown = deadletters.browse(amqp_uri, dead_letter_queue_name(queue))
        if len(shown) != len(bad) or TRAP.exists():
            failures.append(f"{queue}: deadletters shows {len(shown)} of {len(bad)}; "
                            f"unpickled: {TRAP.exists()}")
        dead = take_dead_letters(amqp_uri, queue)
        if len(dead) != len(bad):
            failures.append(f"{queue}: {len(dead)} of {len(bad)} bad messages dead-lettered")
        for letter in dead:
            death = ((letter.headers or {}).get("x-death") or [{}])[0]
            if (death.get("queue"), death.get("reason")) != (queue, "rejected"):
                failures.append(f"{queue}: a dead letter that does not say where and why it died: {death}")
        after = row_counts(url)
        if after != before:
            failures.append(f"{queue}: bad messages changed rows: {before} -> {after}")
        good = good_envelope(handler, known)
        publish(amqp_uri, queue, json.dumps(good).encode(), "application/json")
        consumer = f"{service_cls.name}.{method}"  # type: ignore[attr-defined]
        if not wait_for(lambda u=url, c=consumer, g=good: _processed(u, c, g["id"])):
            failures.append(f"{queue}: the good event after the bad ones was not handled")
    assert not failures, "\n".join(failures)


def _processed(url: str, consumer: str, event_id: str) -> bool:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(
                "SELECT count(*) FROM processed_events WHERE consumer = :c AND event_id = :e"),
                {"c": consumer, "e": event_id}).scalar_one() == 1
    finally:
        engine.dispose()
