"""Building blocks for the schemas at every service's edge."""
from __future__ import annotations

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


def load(schema: type[Schema], payload: dict[str, Any]) -> dict[str, Any]:
    """The payload loaded by ``schema``, or our ValidationError naming each failing field."""
    try:
        loaded: dict[str, Any] = schema().load(payload)
        return loaded
    except MarshmallowError as error:
        raise from_marshmallow(error) from None
