"""The HTTP API's bodies, as marshmallow schemas: they validate requests and make the OpenAPI document.

The services behind the gateway validate again, with their own rules; these
describe the shape of what the gateway accepts and names a bad field early.
"""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from tiimi_shared.contracts import CATEGORIES, PURPOSES
from tiimi_shared.schemas import Strict, identifier, reason

LANGUAGES = ("fi", "sv", "en")
ANSWERS = {"accept": "accepted", "reject": "rejected", "start": "in_progress", "hold": "on_hold",
           "resume": "in_progress", "complete": "completed", "fail": "failed"}


class Contact(Strict):
    email = fields.Email()
    phone = fields.String(validate=validate.Length(max=30))
    address = fields.String(validate=validate.Length(max=300))


class RegisterClient(Strict):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    personal_identity_code = fields.String(required=True, validate=validate.Length(max=20))
    preferred_language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    municipality = fields.String(required=True, validate=validate.Regexp(r"^\d{3}$"))
    contact = fields.Nested(Contact)


class FindClient(Strict):
    personal_identity_code = fields.String(required=True, validate=validate.Length(max=20))


class GivenBy(Strict):
    kind = fields.String(required=True, validate=validate.OneOf(("client", "legal_representative")))
    relation = fields.String(validate=validate.OneOf(("guardian", "trustee", "continuing_power_of_attorney")))


class Grant(Strict):
    given_by = fields.Nested(GivenBy, required=True)
    recipient_organisation = identifier(required=True)
    professionals = fields.List(identifier())
    categories = fields.List(fields.String(validate=validate.OneOf(CATEGORIES)), required=True,
                             validate=validate.Length(min=1))
    purposes = fields.List(fields.String(validate=validate.OneOf(PURPOSES)), required=True,
                           validate=validate.Length(min=1))
    valid_from = fields.AwareDateTime()
    valid_until = fields.AwareDateTime()
    method = fields.String(required=True, validate=validate.OneOf(("written", "oral", "electronic")))


class Because(Strict):
    reason = reason(required=True)


class Deny(Strict):
    organisation = identifier(allow_none=True)
    categories = fields.List(fields.String(validate=validate.OneOf(CATEGORIES)), required=True,
                             validate=validate.Length(min=1))


class Professional(Strict):
    professional_id = identifier(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    organisation = identifier(required=True)
    role = fields.String(required=True, validate=validate.Length(min=1, max=40))


class CreateTeam(Strict):
    client_id = fields.UUID(required=True)
    # The caller becomes the key worker; these describe them.
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    role = fields.String(required=True, validate=validate.OneOf(("social_worker", "social_counsellor")))


class AddMember(Strict):
    kind = fields.String(required=True, validate=validate.OneOf(("professional", "close_one", "client")))
    professional = fields.Nested(Professional)
    name = fields.String(validate=validate.Length(min=1, max=200))
    relation = fields.String(validate=validate.Length(min=1, max=40))
    contact = fields.Nested(Contact)
    starts_on = fields.AwareDateTime()
    ends_on = fields.AwareDateTime()


class HandOver(Strict):
    to = fields.Nested(Professional, required=True)
    reason = reason(required=True)


class TeamStatus(Strict):
    status = fields.String(required=True, validate=validate.OneOf(("active", "suspended", "closed")))
    reason = reason()


class CreateReferral(Strict):
    client_id = fields.UUID(required=True)
    target_organisation = identifier(required=True)
    service = fields.String(required=True, validate=validate.Length(min=1, max=60))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    priority = fields.String(validate=validate.OneOf(("routine", "urgent", "asap", "stat")))
    share = fields.Dict(keys=fields.String(validate=validate.OneOf(CATEGORIES)), values=fields.Dict(),
                        required=True)
    accept_by = fields.AwareDateTime(required=True)
    escalate_by = fields.AwareDateTime()


class Outcome(Strict):
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    summary = fields.String(validate=validate.Length(max=2000))


class Answer(Strict):
    reason = reason()
    outcome = fields.Nested(Outcome)


class Empty(Strict):
    pass


# -- answers (documentation only: the services shape them) ---------------------


class Problem(Schema):
    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    errors = fields.Dict()
    current_state = fields.String(allow_none=True)
    allowed = fields.List(fields.String())


class Thing(Schema):
    """An answer from the service behind the route (see the README for its fields)."""

    id = fields.String()


class Health(Schema):
    status = fields.String()
    broker = fields.String()
