"""What comes into and goes out of the team service."""
from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from tiimi_shared.contracts import IDENTIFIER

LANGUAGES = ("fi", "sv", "en")


class Strict(Schema):
    class Meta:
        unknown = RAISE


class Contact(Strict):
    email = fields.Email(load_default=None)
    phone = fields.String(validate=validate.Regexp(r"^\+?[0-9 ()-]{5,20}$", error="not a phone number"),
                          load_default=None)
    address = fields.String(validate=validate.Length(max=300), load_default=None)


class RegisterClient(Strict):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    # Checked by team.identity, which never echoes the value in an error.
    personal_identity_code = fields.Raw(required=True)
    preferred_language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    contact = fields.Nested(Contact, load_default=dict)
    # The municipality's three-digit code in Statistics Finland's classification (837 Tampere).
    municipality = fields.String(required=True, validate=validate.Regexp(
        r"^\d{3}$", error="a three-digit municipality code"))
    registered_by = fields.String(required=True, validate=IDENTIFIER)


class FindClient(Strict):
    personal_identity_code = fields.Raw(required=True)


class ClientQuery(Strict):
    client_id = fields.UUID(required=True)


class RevealIdentityCode(ClientQuery):
    requested_by = fields.String(required=True, validate=IDENTIFIER)


class ClientOut(Schema):
    """A client as answers show it: never the personal identity code."""

    id = fields.String()
    name = fields.String()
    preferred_language = fields.String()
    contact = fields.Dict()
    municipality = fields.String()
    registered_by = fields.String()
    registered_at = fields.AwareDateTime()
