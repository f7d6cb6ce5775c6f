"""The event envelope and the one registry of every event type.

An event is published as its envelope::

    {"id", "type", "version", "occurred_at", "source", "correlation_id", "data"}

``data`` is validated against the payload schema registered for
(type, version) when the event is made, so an event whose payload does not
match its schema is never written to an outbox, let alone published. Payloads
carry identifiers, never personal data.
"""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from marshmallow import RAISE, Schema, fields, validate
from marshmallow import ValidationError as MarshmallowError

from tiimi_shared.clock import wall_clock
from tiimi_shared.errors import ValidationError, from_marshmallow


class EnvelopeSchema(Schema):
    class Meta:
        unknown = RAISE

    id = fields.UUID(required=True)
    type = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]*$"))
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    occurred_at = fields.AwareDateTime(required=True)
    source = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]*$"))
    correlation_id = fields.String(required=True, allow_none=True)
    data = fields.Dict(required=True)


@dataclass(frozen=True)
class EventType:
    """One declared event: who publishes it, its name and version, its payload schema.

    Publishers write it with ``uow.outbox.add(EVENT, data)``; consumers subscribe
    with ``@event_handler(EVENT)``. Both name the same object, so a typo is an
    ``AttributeError`` at import, not an event nobody hears.
    """

    name: str
    version: int
    source: str
    payload: type[Schema]

    def validate(self, envelope: dict[str, Any]) -> dict[str, Any]:
        """Check an envelope of this type as a consumer receives it; raises ValidationError."""
        try:
            EnvelopeSchema().load(envelope)
            if (envelope["type"], envelope["version"], envelope["source"]) != (
                    self.name, self.version, self.source):
                raise ValidationError({"type": [
                    f"expected {self.source}.{self.name} v{self.version}, got "
                    f"{envelope['source']}.{envelope['type']} v{envelope['version']}"]})
            self.payload().load(envelope["data"])
        except MarshmallowError as error:
            raise from_marshmallow(error) from None
        return envelope


class EventRegistry:
    """Every event type with its payload schema, declared once."""

    def __init__(self) -> None:
        self._types: dict[tuple[str, int], EventType] = {}

    def register(self, source: str, name: str, payload: type[Schema], version: int = 1) -> EventType:
        key = (name, version)
        if key in self._types:
            raise ValueError(f"event type {name} v{version} is declared twice")
        self._types[key] = EventType(name, version, source, payload)
        return self._types[key]

    def get(self, name: str, version: int = 1) -> EventType:
        try:
            return self._types[(name, version)]
        except KeyError:
            raise ValidationError({"type": [f"unknown event type {name} v{version}"]}) from None

    def __iter__(self) -> Iterator[EventType]:
        return iter(self._types.values())

    def make(self, name: str, data: dict[str, Any], *, source: str, correlation_id: str | None = None,
             version: int = 1, occurred_at: datetime | None = None) -> dict[str, Any]:
        """Build a validated envelope; raises ValidationError naming the bad field."""
        event_type = self.get(name, version)
        if event_type.source != source:
            raise ValidationError({"source": [f"{name} is published by {event_type.source}, not {source}"]})
        try:
            payload = event_type.payload().dump(event_type.payload().load(_plain(data)))
        except MarshmallowError as error:
            raise from_marshmallow(error) from None
        return {
            "id": str(uuid.uuid4()),
            "type": name,
            "version": version,
            "occurred_at": (occurred_at or wall_clock()).isoformat(),
            "source": source,
            "correlation_id": correlation_id,
            "data": payload,
        }

    def validate(self, envelope: dict[str, Any]) -> dict[str, Any]:
        """Check an envelope and its payload as a consumer receives it."""
        try:
            EnvelopeSchema().load(envelope)
            event_type = self.get(envelope["type"], envelope["version"])
            event_type.payload().load(envelope["data"])
        except MarshmallowError as error:
            raise from_marshmallow(error) from None
        return envelope


def _plain(value: Any) -> Any:
    """Python values as they travel in JSON, so the payload is checked as a consumer reads it."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def payload_schema(**declared: Any) -> type[Schema]:
    """A strict payload schema: unknown fields are refused."""
    meta = type("Meta", (), {"unknown": RAISE})
    return type("Payload", (Schema,), {"Meta": meta, **declared})
