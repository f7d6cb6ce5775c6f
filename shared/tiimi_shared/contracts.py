"""Every event type in tiimi, with its payload schema.

This is the contract between services: a publisher may only emit what is
declared here, and a consumer may rely on it. Payloads hold identifiers and
codes, never names, contact details or personal identity codes.
"""
from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from tiimi_shared.events import EventRegistry, payload_schema
from tiimi_shared.vocabulary import (
    Category,
    ConsentLost,
    EmergencyReason,
    GivenBy,
    MemberKind,
    MemberStatus,
    Purpose,
    RecipientKind,
    ReferralStatus,
    values,
)

# The codes of the shared vocabulary, for validators (see tiimi_shared.vocabulary).
CATEGORIES = values(Category)
PURPOSES = values(Purpose)

# Organisation and professional identifiers are opaque codes (for example a
# business ID or an OID), never names.
IDENTIFIER = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$", error="not a valid identifier")

registry = EventRegistry()

# Events no tiimi service consumes, and why each is published all the same.
# A test fails on an event that has no consumer and is not listed here.
FOR_OUTSIDE: dict[str, str] = {
    "client_registered": "the audit trail of who registered whom, for the county's own systems",
    "member_activated": "the audit trail; for the county's reporting (notify tells no one yet)",
    "member_removed": "the audit trail; for the county's reporting",
    "team_closed": "the audit trail; for the county's reporting and archive",
    "referral_created": "the audit trail of drafts; partners hear of a referral only when it is sent",
}


def _organisation(**kw: Any) -> fields.String:
    return fields.String(validate=IDENTIFIER, **kw)


_consent_common = dict(
    consent_id=fields.UUID(required=True),
    client_id=fields.UUID(required=True),
    recipient_organisation=_organisation(required=True),
    professionals=fields.List(fields.String(validate=IDENTIFIER), required=True),
    categories=fields.List(fields.String(validate=validate.OneOf(CATEGORIES)), required=True),
    purposes=fields.List(fields.String(validate=validate.OneOf(PURPOSES)), required=True),
)

CONSENT_GRANTED = registry.register(
    "consent", "consent_granted",
    payload_schema(
        **_consent_common,
        given_by=fields.String(required=True, validate=validate.OneOf(values(GivenBy))),
        valid_from=fields.AwareDateTime(required=True),
        valid_until=fields.AwareDateTime(required=True, allow_none=True),
        recorded_by=fields.String(required=True, validate=IDENTIFIER),
    ),
)
CONSENT_WITHDRAWN = registry.register(
    "consent", "consent_withdrawn",
    payload_schema(
        **_consent_common,
        withdrawn_at=fields.AwareDateTime(required=True),
        withdrawn_by=fields.String(required=True, validate=IDENTIFIER),
    ),
)
CONSENT_EXPIRED = registry.register(
    "consent", "consent_expired",
    payload_schema(**_consent_common, expired_at=fields.AwareDateTime(required=True)),
)
_denial_common = dict(
    denial_id=fields.UUID(required=True),
    client_id=fields.UUID(required=True),
    # None: the denial covers every organisation.
    organisation=_organisation(required=True, allow_none=True),
    categories=fields.List(fields.String(validate=validate.OneOf(CATEGORIES)), required=True),
)
DENIAL_RECORDED = registry.register(
    "consent", "denial_recorded",
    payload_schema(**_denial_common, recorded_by=fields.String(required=True, validate=IDENTIFIER)),
)
DENIAL_LIFTED = registry.register(
    "consent", "denial_lifted",
    payload_schema(**_denial_common, lifted_by=fields.String(required=True, validate=IDENTIFIER)),
)
# Data was given out without consent, on a statutory basis (even against a denial): the key
# worker is told at once. Codes only: the justification, which is words about the client,
# stays in the consent service's disclosure log.
STATUTORY_DISCLOSURE_RECORDED = registry.register(
    "consent", "statutory_disclosure_recorded",
    payload_schema(
        client_id=fields.UUID(required=True),
        recipient_organisation=_organisation(required=True),
        recipient_kind=fields.String(required=True, validate=validate.OneOf(values(RecipientKind))),
        categories=fields.List(fields.String(validate=validate.OneOf(CATEGORIES)), required=True,
                               validate=validate.Length(min=1)),
        legal_basis=fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]{0,63}$")),
        statute=fields.String(required=True, validate=validate.Length(min=1, max=100)),
        # The log entries, one a category; a denial the disclosure went against, if any.
        entry_ids=fields.List(fields.UUID(), required=True, validate=validate.Length(min=1)),
        against_denial=fields.Boolean(required=True),
        organisation=_organisation(required=True),
        recorded_by=fields.String(required=True, validate=IDENTIFIER),
        # None when the caller knew of no team for the client.
        key_worker_id=fields.String(required=True, allow_none=True, validate=IDENTIFIER),
        disclosed_at=fields.AwareDateTime(required=True),
    ),
)
# A professional outside the client's team opened the client's data for a limited window, with a
# reason (break the glass): the key worker is told at once. The explanation in words stays in consent.
EMERGENCY_ACCESS_OPENED = registry.register(
    "consent", "emergency_access_opened",
    payload_schema(
        access_id=fields.UUID(required=True),
        client_id=fields.UUID(required=True),
        professional=fields.String(required=True, validate=IDENTIFIER),
        organisation=_organisation(required=True),
        reason=fields.String(required=True, validate=validate.OneOf(values(EmergencyReason))),
        opened_at=fields.AwareDateTime(required=True),
        ends_at=fields.AwareDateTime(required=True),
        key_worker_id=fields.String(required=True, allow_none=True, validate=IDENTIFIER),
    ),
)

# -- team -------------------------------------------------------------------

CLIENT_REGISTERED = registry.register(
    "team", "client_registered",
    payload_schema(
        client_id=fields.UUID(required=True),
        registered_by=fields.String(required=True, validate=IDENTIFIER),
    ),
)

MEMBER_KINDS = values(MemberKind)
MEMBER_STATUSES = values(MemberStatus)

_team_ref = dict(
    team_id=fields.UUID(required=True),
    client_id=fields.UUID(required=True),
)
_member_ref = dict(
    **_team_ref,
    member_id=fields.UUID(required=True),
    kind=fields.String(required=True, validate=validate.OneOf(MEMBER_KINDS)),
    # Professionals only: close ones and the client have neither.
    professional_id=fields.String(required=True, allow_none=True, validate=IDENTIFIER),
    organisation=_organisation(required=True, allow_none=True),
    # Told when a member changes, so notify can reach the key worker.
    key_worker_id=fields.String(required=True, validate=IDENTIFIER),
    # The team's own organisation, which holds the client's data.
    team_organisation=_organisation(required=True),
)

TEAM_CREATED = registry.register(
    "team", "team_created",
    payload_schema(**_team_ref, organisation=_organisation(required=True),
                   key_worker_id=fields.String(required=True, validate=IDENTIFIER),
                   created_by=fields.String(required=True, validate=IDENTIFIER)),
)
MEMBER_ADDED = registry.register(
    "team", "member_added",
    payload_schema(**_member_ref,
                   status=fields.String(required=True, validate=validate.OneOf(MEMBER_STATUSES))),
)
MEMBER_ACTIVATED = registry.register("team", "member_activated", payload_schema(**_member_ref))
MEMBER_SUSPENDED = registry.register(
    "team", "member_suspended",
    payload_schema(**_member_ref, because=fields.String(
        required=True, validate=validate.OneOf(values(ConsentLost)))),
)
MEMBER_REMOVED = registry.register("team", "member_removed", payload_schema(**_member_ref))
KEY_WORKER_CHANGED = registry.register(
    "team", "key_worker_changed",
    payload_schema(**_team_ref, previous_key_worker_id=fields.String(required=True, validate=IDENTIFIER),
                   key_worker_id=fields.String(required=True, validate=IDENTIFIER),
                   changed_by=fields.String(required=True, validate=IDENTIFIER)),
)
TEAM_CLOSED = registry.register(
    "team", "team_closed",
    payload_schema(**_team_ref, closed_by=fields.String(required=True, validate=IDENTIFIER)),
)

# -- referral ---------------------------------------------------------------
# Internal events only: what partners receive is declared by the referral
# service itself (its partner stream, described in docs/asyncapi.yaml).

REFERRAL_STATUSES = values(ReferralStatus)
STOP_BECAUSE = values(ConsentLost)

_referral_ref = dict(
    referral_id=fields.UUID(required=True),
    client_id=fields.UUID(required=True),
    requesting_organisation=_organisation(required=True),
    requested_by=fields.String(required=True, validate=IDENTIFIER),
    target_organisation=_organisation(required=True),
    service=fields.String(required=True, validate=validate.Regexp(r"^[a-z_]{1,60}$")),
)

REFERRAL_CREATED = registry.register(
    "referral", "referral_created",
    payload_schema(**_referral_ref, priority=fields.String(required=True)),
)
REFERRAL_STATUS_CHANGED = registry.register(
    "referral", "referral_status_changed",
    payload_schema(
        **_referral_ref,
        from_status=fields.String(required=True, validate=validate.OneOf(REFERRAL_STATUSES)),
        to_status=fields.String(required=True, validate=validate.OneOf(REFERRAL_STATUSES)),
        changed_by=fields.String(required=True, validate=IDENTIFIER),
        changed_by_organisation=_organisation(required=True),
        # Sending only: the category codes shared and withheld (never their content).
        shared_categories=fields.List(fields.String(validate=validate.OneOf(CATEGORIES)), required=True),
        withheld_categories=fields.List(fields.String(validate=validate.OneOf(CATEGORIES)), required=True),
    ),
)
REFERRAL_OVERDUE = registry.register(
    "referral", "referral_overdue",
    payload_schema(**_referral_ref, accept_by=fields.AwareDateTime(required=True)),
)
REFERRAL_ESCALATED = registry.register(
    "referral", "referral_escalated",
    payload_schema(**_referral_ref, escalate_by=fields.AwareDateTime(required=True),
                   # None when the referral service has not heard of the client's team.
                   key_worker_id=fields.String(required=True, allow_none=True, validate=IDENTIFIER)),
)
REFERRAL_STOP_REQUESTED = registry.register(
    "referral", "referral_stop_requested",
    payload_schema(**_referral_ref,
                   categories=fields.List(fields.String(validate=validate.OneOf(CATEGORIES)), required=True),
                   because=fields.String(required=True, validate=validate.OneOf(STOP_BECAUSE)),
                   key_worker_id=fields.String(required=True, allow_none=True, validate=IDENTIFIER)),
)
# Sending a referral gave the target organisation these categories, each under the consent
# named. Published from the send's own transaction, so it is told only of a send that
# committed, and once; the consent service logs each category as disclosed on receipt.
REFERRAL_DISCLOSED = registry.register(
    "referral", "referral_disclosed",
    payload_schema(
        referral_id=fields.UUID(required=True),
        client_id=fields.UUID(required=True),
        recipient_organisation=_organisation(required=True),
        purpose=fields.String(required=True, validate=validate.OneOf(PURPOSES)),
        # category -> the consent the disclosure rests on (never the content).
        consents=fields.Dict(keys=fields.String(validate=validate.OneOf(CATEGORIES)),
                             values=fields.UUID(), required=True, validate=validate.Length(min=1)),
        disclosed_at=fields.AwareDateTime(required=True),
    ),
)
