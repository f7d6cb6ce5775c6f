"""What comes into and goes out of the notify service."""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from notify.rules import LANGUAGES, OPT_IN_CHANNELS, Channel, DeliveryStatus, RecipientKind
from tiimi_shared.schemas import Strict, identifier
from tiimi_shared.vocabulary import values


class SetPreferences(Strict):
    recipient_id = identifier(required=True)
    kind = fields.String(load_default=RecipientKind.PROFESSIONAL.value,
                         validate=validate.OneOf(values(RecipientKind)))
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    email = fields.Email(load_default=None)
    phone = fields.String(load_default=None, validate=validate.Regexp(
        r"^\+?[0-9 ()-]{5,20}$", error="not a phone number"))
    channels = fields.List(fields.String(validate=validate.OneOf([c.value for c in OPT_IN_CHANNELS])),
                           load_default=list)

    @validates_schema
    def _addresses_for_channels(self, data: dict[str, Any], **_: Any) -> None:
        errors = {}
        if Channel.EMAIL in data["channels"] and not data["email"]:
            errors["email"] = ["required to opt into e-mail"]
        if Channel.SMS in data["channels"] and not data["phone"]:
            errors["phone"] = ["required to opt into SMS"]
        if errors:
            raise ValidationError(errors)


class RecipientQuery(Strict):
    recipient_id = identifier(required=True)


class RegisterWebhook(Strict):
    organisation = identifier(required=True)
    url = fields.String(required=True, validate=validate.Length(max=2000))


class RotateSecret(Strict):
    organisation = identifier(required=True)
    # How long the old secret keeps signing beside the new one.
    overlap_hours = fields.Integer(load_default=24, validate=validate.Range(min=0, max=24 * 14))


class InboxQuery(Strict):
    recipient_id = identifier(required=True)
    unread_only = fields.Boolean(load_default=False)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class MarkRead(Strict):
    recipient_id = identifier(required=True)
    item_id = fields.UUID(required=True)


class DeliveryQuery(Strict):
    recipient_id = identifier(load_default=None)
    event_id = fields.UUID(load_default=None)
    status = fields.String(load_default=None, validate=validate.OneOf(values(DeliveryStatus)))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))

    @validates_schema
    def _something_to_look_for(self, data: dict[str, Any], **_: Any) -> None:
        if not any(data[k] is not None for k in ("recipient_id", "event_id", "status")):
            raise ValidationError(["give recipient_id, event_id or status"], "_schema")


class Redeliver(Strict):
    delivery_id = fields.UUID(required=True)
    requested_by = identifier(required=True)


class WebhookOut(Schema):
    organisation = fields.String()
    url = fields.String()
    secret = fields.String(allow_none=True)


class PreferencesOut(Schema):
    id = fields.String(data_key="recipient_id")
    kind = fields.String()
    language = fields.String()
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    channels = fields.List(fields.String())


class InboxItemOut(Schema):
    id = fields.String()
    message = fields.String()
    subject = fields.String()
    body = fields.String()
    link = fields.String()
    created_at = fields.AwareDateTime()
    read_at = fields.AwareDateTime(allow_none=True)


class AttemptOut(Schema):
    number = fields.Integer()
    at = fields.AwareDateTime()
    outcome = fields.String()
    error = fields.String(allow_none=True)


class DeliveryOut(Schema):
    """A delivery as operations see it: where it stands, not what it says or where it went."""

    id = fields.String()
    event_id = fields.String()
    event_type = fields.String()
    recipient_id = fields.String()
    channel = fields.String()
    message = fields.String()
    language = fields.String()
    with_details = fields.Boolean()
    status = fields.String()
    attempts = fields.Integer()
    next_attempt_at = fields.AwareDateTime(allow_none=True)
    last_error = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    sent_at = fields.AwareDateTime(allow_none=True)
