"""What comes into and goes out of the referral service."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from marshmallow import Schema, ValidationError, fields, validate, validates

from referral import rules
from referral.rules import OUTCOMES, PRIORITIES, SERVICES
from tiimi_shared.contracts import CATEGORIES, REFERRAL_STATUSES
from tiimi_shared.logging import has_identity_code
from tiimi_shared.schemas import Strict, identifier, reason

if TYPE_CHECKING:
    from referral.use_cases import ReferralView, Seen

MAX_SHARE_BYTES = 64 * 1024


class Actor(Strict):
    """Who acts: a professional of an organisation."""

    organisation = identifier(required=True)
    professional_id = identifier(required=True)


class CreateReferral(Strict):
    client_id = fields.UUID(required=True)
    requesting_organisation = identifier(required=True)
    requested_by = identifier(required=True)
    target_organisation = identifier(required=True)
    service = fields.String(required=True, validate=validate.OneOf(SERVICES))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    priority = fields.String(load_default="routine", validate=validate.OneOf(PRIORITIES))
    # category -> what the requester wants to share of it; sent only where consent permits.
    share = fields.Dict(keys=fields.String(validate=validate.OneOf(CATEGORIES)), values=fields.Dict(),
                        required=True, validate=validate.Length(min=1))
    accept_by = fields.AwareDateTime(required=True)
    escalate_by = fields.AwareDateTime(load_default=None)

    @validates("share")
    def _share_is_fit_to_send(self, value: dict[str, Any], **_: Any) -> None:
        if len(json.dumps(value, default=str)) > MAX_SHARE_BYTES:
            raise ValidationError(f"at most {MAX_SHARE_BYTES // 1024} KiB of shared data")
        # The personal identity code never leaves the team service.
        for category, content in value.items():
            if has_identity_code(json.dumps(content, default=str)):
                raise ValidationError(f"{category}: holds a personal identity code, which is never shared")


class Outcome(Strict):
    code = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    summary = fields.String(load_default=None, validate=validate.Length(max=2000))


class ChangeStatus(Strict):
    referral_id = fields.UUID(required=True)
    status = fields.String(required=True, validate=validate.OneOf(REFERRAL_STATUSES))
    by = fields.Nested(Actor, required=True)
    reason = reason(load_default=None)
    outcome = fields.Nested(Outcome, load_default=None)


class ReferralQuery(Strict):
    referral_id = fields.UUID(required=True)
    organisation = identifier(required=True)


class ClientReferrals(Strict):
    client_id = fields.UUID(required=True)
    organisation = identifier(required=True)


class AttentionQuery(Strict):
    client_ids = fields.List(fields.UUID(), required=True, validate=validate.Length(max=1000))
    organisation = identifier(required=True)


class AttentionOut(Schema):
    """A client's referrals that need the organisation that sent them (a rules.Attention)."""

    client_id = fields.String()
    overdue_referrals = fields.Integer(attribute="overdue")
    answered_referrals = fields.Integer(attribute="answered")


class OpenReferrals(Strict):
    organisation = identifier(required=True)
    direction = fields.String(load_default="both", validate=validate.OneOf(("incoming", "outgoing", "both")))


class StepOut(Schema):
    kind = fields.String()
    from_status = fields.String()
    to_status = fields.String()
    at = fields.AwareDateTime()
    by = fields.String()
    by_organisation = fields.String()
    reason = fields.String()
    detail = fields.Dict()


class ReferralOut(Schema):
    id = fields.String()
    client_id = fields.String()
    requesting_organisation = fields.String()
    requested_by = fields.String()
    target_organisation = fields.String()
    service = fields.String()
    priority = fields.String()
    status = fields.String()
    outcome = fields.Dict(allow_none=True)
    accept_by = fields.AwareDateTime()
    escalate_by = fields.AwareDateTime()
    reminded_at = fields.AwareDateTime(allow_none=True)
    escalated_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime()


def summary(seen: Seen) -> dict[str, Any]:
    """A referral without its content or history, with the asker's sides and next moves."""
    answer: dict[str, Any] = ReferralOut().dump(seen.referral)
    return answer | {"as": sorted(side.value for side in seen.sides),
                     "allowed_next": [status.value for status in
                                      rules.allowed_next(seen.referral.status, seen.sides)]}


def view(view: ReferralView) -> dict[str, Any]:
    """A referral with its history, holding only what the asking side may see."""
    history: list[dict[str, Any]] = StepOut(many=True).dump(view.history)
    return rules.disclosed(view.referral, view.sides, view.organisation, summary(view), history)
