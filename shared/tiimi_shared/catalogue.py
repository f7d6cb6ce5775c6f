"""Who publishes and who consumes each event: read off the code, never written by hand.

The kernel does not import services; the callers (``deploy/rabbitmq/generate.py``,
``docs/events.py`` and the catalogue test) pass the service classes in.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from marshmallow import fields, validate

from tiimi_shared.events import EventRegistry, EventType
from tiimi_shared.handlers import ReliableEventHandler


@dataclass(frozen=True)
class Subscription:
    service: str
    method: str
    event: EventType

    @property
    def consumer(self) -> str:
        return f"{self.service}.{self.method}"


def subscriptions(services: Iterable[type[Any]]) -> Iterator[Subscription]:
    """Every reliable event handler of the given service classes, in a stable order."""
    for service in services:
        for method in sorted(vars(service)):
            for entrypoint in getattr(getattr(service, method), "nameko_entrypoints", ()):
                if isinstance(entrypoint, ReliableEventHandler):
                    yield Subscription(service.name, method, entrypoint.event)


def describe_field(field: fields.Field) -> str:
    """A payload field in a few words: its type, whether it may be null, its allowed values."""
    if isinstance(field, fields.List):
        kind = f"list of {describe_field(field.inner)}"
    else:
        kind = {fields.UUID: "uuid", fields.AwareDateTime: "date-time", fields.Integer: "integer",
                fields.Dict: "object", fields.Boolean: "boolean"}.get(type(field), "string")
    validators = field.validators if isinstance(field.validators, list) else [field.validate]
    for validator in validators:
        if isinstance(validator, validate.OneOf):
            kind += " (" + " \\| ".join(str(choice) for choice in validator.choices) + ")"
    if field.allow_none:
        kind += " or null"
    return kind


def render_markdown(internal: EventRegistry, partner: EventRegistry, services: Iterable[type[Any]],
                    for_outside: dict[str, str]) -> str:
    found = list(subscriptions(services))
    lines = [
        "# Events",
        "",
        "Generated from the code by `.venv/bin/python docs/events.py`; a test fails when it is stale.",
        "Every event is declared once in `tiimi_shared.contracts` (internal) or",
        "`referral.partner` (the partner stream) with its payload schema. Payloads carry",
        "identifiers and codes, never personal data. Envelope: `id`, `type`, `version`,",
        "`occurred_at`, `source`, `correlation_id`, `data`.",
        "",
    ]
    for title, registry in (("Between tiimi's services", internal), ("To partner organisations", partner)):
        lines += [f"## {title}", ""]
        for event in registry:
            consumers = [s.consumer for s in found if s.event is event]
            lines += [f"### `{event.name}` (v{event.version})", "",
                      f"- publisher: {event.source}"]
            if consumers:
                lines.append("- consumers: " + ", ".join(f"`{c}`" for c in consumers))
            elif registry is partner:
                lines.append("- consumers: the target organisation, from its queue `partner.<organisation>`"
                             " (see docs/asyncapi.yaml)")
            else:
                lines.append(f"- consumers: none in tiimi; {for_outside.get(event.name, 'UNDOCUMENTED')}")
            lines += ["", "| field | type | required |", "|---|---|---|"]
            for name, field in event.payload._declared_fields.items():
                lines.append(f"| `{name}` | {describe_field(field)} | {'yes' if field.required else 'no'} |")
            lines.append("")
    return "\n".join(lines)
