"""Building blocks for the schemas at every service's edge."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from marshmallow import RAISE, Schema, fields, validate
from marshmallow import ValidationError as MarshmallowError

from tiimi_shared.contracts import IDENTIFIER
from tiimi_shared.errors import from_marshmallow


class Strict(Schema):
    """Refuses unknown fields, so a misspelt one is named instead of ignored."""

    class Meta:
        unknown = RAISE


def identifier(**kw: Any) -> fields.String:
    """An organisation's or a professional's opaque code."""
    return fields.String(validate=IDENTIFIER, **kw)


def reason(**kw: Any) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=1000), **kw)


def load(schema: type[Schema], payload: dict[str, Any]) -> Any:
    """The payload loaded by ``schema``, or our ValidationError naming each failing field.

    Typed ``Any`` on purpose: the caller knows what its schema holds (a use case
    may declare it as a TypedDict command), which marshmallow cannot say.
    """
    try:
        return schema().load(payload)
    except MarshmallowError as error:
        raise from_marshmallow(error) from None


def dump(schema: type[Schema], value: object) -> dict[str, Any]:
    """What ``schema`` makes of ``value``: an answer at the edge."""
    dumped: dict[str, Any] = schema().dump(value)
    return dumped


def dump_many(schema: type[Schema], values: Iterable[object]) -> list[dict[str, Any]]:
    return [dump(schema, value) for value in values]
