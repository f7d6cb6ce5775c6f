"""What comes into and goes out of the team service."""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate, validates_schema
from marshmallow import ValidationError as MarshmallowError

from tiimi_shared.schemas import Strict, identifier, reason
from tiimi_shared.vocabulary import CloseOneRelation, Language, MemberKind, Role, TeamStatus, values

# The statuses a team may be moved to; it starts proposed.
TEAM_STATUS_CHANGES = tuple(s for s in values(TeamStatus) if s != TeamStatus.PROPOSED)


class Contact(Strict):
    email = fields.Email(load_default=None)
    phone = fields.String(validate=validate.Regexp(r"^\+?[0-9 ()-]{5,20}$", error="not a phone number"),
                          load_default=None)
    address = fields.String(validate=validate.Length(max=300), load_default=None)


class RegisterClient(Strict):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    # Checked by team.identity, which never echoes the value in an error.
    personal_identity_code = fields.Raw(required=True)
    preferred_language = fields.String(required=True, validate=validate.OneOf(values(Language)))
    contact = fields.Nested(Contact, load_default=dict)
    # The municipality's three-digit code in Statistics Finland's classification (837 Tampere).
    municipality = fields.String(required=True, validate=validate.Regexp(
        r"^\d{3}$", error="a three-digit municipality code"))
    registered_by = identifier(required=True)


class FindClient(Strict):
    personal_identity_code = fields.Raw(required=True)


class ClientQuery(Strict):
    client_id = fields.UUID(required=True)


class RevealIdentityCode(ClientQuery):
    requested_by = identifier(required=True)
    reason = reason(required=True)


class IdentityCodeRevealOut(Schema):
    requested_by = fields.String()
    reason = fields.String()
    at = fields.AwareDateTime()


class ClientOut(Schema):
    """A client as answers show it: never the personal identity code."""

    id = fields.String()
    name = fields.String()
    preferred_language = fields.String()
    contact = fields.Dict()
    municipality = fields.String()
    registered_by = fields.String()
    registered_at = fields.AwareDateTime()


class Professional(Strict):
    professional_id = identifier(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    organisation = identifier(required=True)
    role = fields.String(required=True, validate=validate.OneOf(values(Role)))


class CreateTeam(Strict):
    client_id = fields.UUID(required=True)
    organisation = identifier(required=True)
    key_worker = fields.Nested(Professional, required=True)
    created_by = identifier(required=True)


class AddMember(Strict):
    team_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(values(MemberKind)))
    professional = fields.Nested(Professional, load_default=None)
    name = fields.String(validate=validate.Length(min=1, max=200), load_default=None)
    relation = fields.String(validate=validate.OneOf(values(CloseOneRelation)), load_default=None)
    contact = fields.Nested(Contact, load_default=dict)
    starts_on = fields.AwareDateTime(load_default=None)
    ends_on = fields.AwareDateTime(load_default=None)
    added_by = identifier(required=True)

    @validates_schema
    def _fits_its_kind(self, data: dict[str, Any], **_kwargs: Any) -> None:
        kind = data.get("kind")
        if kind == MemberKind.PROFESSIONAL and data.get("professional") is None:
            raise MarshmallowError({"professional": ["required for a professional member"]})
        if kind == MemberKind.CLOSE_ONE:
            missing = {f: ["required for a close one"] for f in ("name", "relation") if not data.get(f)}
            if missing:
                raise MarshmallowError(missing)
        if kind != MemberKind.PROFESSIONAL and data.get("professional") is not None:
            raise MarshmallowError({"professional": ["only for a professional member"]})
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] <= data["starts_on"]:
            raise MarshmallowError({"ends_on": ["must be after starts_on"]})


class RemoveMember(Strict):
    team_id = fields.UUID(required=True)
    member_id = fields.UUID(required=True)
    removed_by = identifier(required=True)
    reason = reason(required=True)


class HandOver(Strict):
    team_id = fields.UUID(required=True)
    to = fields.Nested(Professional, required=True)
    reason = reason(required=True)
    changed_by = identifier(required=True)


class ChangeTeamStatus(Strict):
    team_id = fields.UUID(required=True)
    status = fields.String(required=True, validate=validate.OneOf(TEAM_STATUS_CHANGES))
    reason = reason(load_default=None)
    changed_by = identifier(required=True)

    @validates_schema
    def _closing_needs_a_reason(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("status") == TeamStatus.CLOSED and not data.get("reason"):
            raise MarshmallowError({"reason": ["required to close a team"]})


class TeamQuery(Strict):
    team_id = fields.UUID(load_default=None)
    client_id = fields.UUID(load_default=None)

    @validates_schema
    def _team_or_client(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if (data.get("team_id") is None) == (data.get("client_id") is None):
            raise MarshmallowError({"team_id": ["give team_id or client_id, not both"]})


class ProfessionalQuery(Strict):
    professional_id = identifier(required=True)


class MemberOut(Schema):
    id = fields.String()
    kind = fields.String()
    professional_id = fields.String()
    name = fields.String()
    organisation = fields.String()
    role = fields.String()
    relation = fields.String()
    contact = fields.Dict()
    status = fields.String()
    starts_on = fields.AwareDateTime()
    ends_on = fields.AwareDateTime()


class KeyWorkerPeriodOut(Schema):
    professional_id = fields.String()
    member_id = fields.String()
    started_at = fields.AwareDateTime()
    ended_at = fields.AwareDateTime()
    handover_reason = fields.String()
    changed_by = fields.String()


class StatusChangeOut(Schema):
    status = fields.String()
    at = fields.AwareDateTime()
    by = fields.String()
    reason = fields.String()


class TeamOut(Schema):
    """A team with its members and both histories (a use_cases.TeamView)."""

    id = fields.String(attribute="team.id")
    client_id = fields.String(attribute="team.client_id")
    organisation = fields.String(attribute="team.organisation")
    status = fields.String(attribute="team.status")
    closed_reason = fields.String(attribute="team.closed_reason")
    key_worker = fields.Nested(KeyWorkerPeriodOut)
    key_worker_history = fields.Nested(KeyWorkerPeriodOut, many=True)
    status_history = fields.Nested(StatusChangeOut, many=True)
    members = fields.Nested(MemberOut, many=True)


class InvolvementOut(Schema):
    """A team a professional works in (a use_cases.Involvement)."""

    team_id = fields.String(attribute="team.id")
    client_id = fields.String(attribute="team.client_id")
    team_status = fields.String(attribute="team.status")
    as_ = fields.String(attribute="role", data_key="as")
    organisation = fields.String(attribute="team.organisation")
    client_name = fields.String()
    pending_members = fields.Integer()


class RevealedCodeOut(Schema):
    client_id = fields.String()
    personal_identity_code = fields.String()
