"""Building blocks for the schemas at every service's edge."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from marshmallow import RAISE, Schema, fields, pre_load, validate, validates_schema
from marshmallow import ValidationError as MarshmallowError

from tiimi_shared.contracts import IDENTIFIER
from tiimi_shared.errors import from_marshmallow

# Every time is kept and computed with in UTC; these bound what a command may name.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(3000, 1, 1, tzinfo=UTC)


class Strict(Schema):
    """Refuses unknown fields, so a misspelt one is named instead of ignored.

    Refuses times far off too: one the calendar cannot hold in UTC (9999-12-31T23:59-12:00)
    or that a deadline added to it would carry past the calendar's end would otherwise fail
    deep inside a use case, as an internal error, instead of being named here.
    """

    class Meta:
        unknown = RAISE

    @pre_load
    def _no_nul_characters(self, data: Any, **_kwargs: Any) -> Any:
        # No text column takes a NUL on PostgreSQL (an internal error there), and no one means one.
        if isinstance(data, dict):
            holding = sorted(str(key) for key, value in data.items() if _holds_nul(key) or _holds_nul(value))
            if holding:
                raise MarshmallowError({key: ["must not contain the NUL character"] for key in holding})
        return data

    @validates_schema
    def _times_within_reach(self, data: dict[str, Any], **_kwargs: Any) -> None:
        far = {field.data_key or name: [f"must be between {EARLIEST.year} and {LATEST.year - 1}"]
               for name, field in self.load_fields.items()
               if isinstance(field, fields.DateTime)
               and isinstance(value := data.get(field.attribute or name), datetime)
               and not _within_reach(value)}
        if far:
            raise MarshmallowError(far)


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return any(_holds_nul(item) for item in value)
    return False


def _within_reach(moment: datetime) -> bool:
    try:
        in_utc = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    except OverflowError:
        return False
    return EARLIEST <= in_utc < LATEST


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
