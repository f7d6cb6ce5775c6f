"""The HTTP API's bodies, as marshmallow schemas: they validate requests and make the OpenAPI document.

The services behind the gateway validate again, with their own rules; these
describe the shape of what the gateway accepts and names a bad field early.
"""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from tiimi_shared import vocabulary
from tiimi_shared.schemas import Strict, identifier, reason
from tiimi_shared.vocabulary import values

CATEGORIES = values(vocabulary.Category)
PURPOSES = values(vocabulary.Purpose)
KEY_WORKER_ROLES = tuple(str(role) for role in vocabulary.KEY_WORKER_ROLES)
# A team is proposed when made; from there it is only set active, suspended or closed.
SETTABLE_TEAM_STATUSES = tuple(str(status) for status in vocabulary.TeamStatus
                               if status is not vocabulary.TeamStatus.PROPOSED)


class Contact(Strict):
    email = fields.Email()
    phone = fields.String(validate=validate.Length(max=30))
    address = fields.String(validate=validate.Length(max=300))


class RegisterClient(Strict):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    personal_identity_code = fields.String(required=True, validate=validate.Length(max=20))
    preferred_language = fields.String(required=True, validate=validate.OneOf(values(vocabulary.Language)))
    municipality = fields.String(required=True, validate=validate.Regexp(r"^\d{3}$"))
    contact = fields.Nested(Contact)


class FindClient(Strict):
    personal_identity_code = fields.String(required=True, validate=validate.Length(max=20))


class GivenBy(Strict):
    kind = fields.String(required=True, validate=validate.OneOf(values(vocabulary.GivenBy)))
    relation = fields.String(validate=validate.OneOf(values(vocabulary.RepresentativeRelation)))


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
    method = fields.String(required=True, validate=validate.OneOf(values(vocabulary.ConsentMethod)))


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
    role = fields.String(required=True, validate=validate.OneOf(KEY_WORKER_ROLES))


class AddMember(Strict):
    kind = fields.String(required=True, validate=validate.OneOf(values(vocabulary.MemberKind)))
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
    status = fields.String(required=True, validate=validate.OneOf(SETTABLE_TEAM_STATUSES))
    reason = reason()


class CreateReferral(Strict):
    client_id = fields.UUID(required=True)
    target_organisation = identifier(required=True)
    service = fields.String(required=True, validate=validate.Length(min=1, max=60))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    priority = fields.String(validate=validate.OneOf(values(vocabulary.ReferralPriority)))
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
