"""Every event type in tiimi, with its payload schema.

This is the contract between services: a publisher may only emit what is
declared here, and a consumer may rely on it. Payloads hold identifiers and
codes, never names, contact details or personal identity codes.
"""
from __future__ import annotations

from marshmallow import fields, validate

from tiimi_shared.events import EventRegistry, payload_schema

# Vocabulary every service uses when it speaks of consent.
CATEGORIES = ("basic", "team", "assessment", "care_plan", "health", "employment", "financial")
PURPOSES = ("team_coordination", "referral", "service_need_assessment")

# Organisation and professional identifiers are opaque codes (for example a
# business ID or an OID), never names.
IDENTIFIER = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$", error="not a valid identifier")

registry = EventRegistry()


def _organisation(**kw):
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
        given_by=fields.String(required=True, validate=validate.OneOf(("client", "legal_representative"))),
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

# -- team -------------------------------------------------------------------

CLIENT_REGISTERED = registry.register(
    "team", "client_registered",
    payload_schema(
        client_id=fields.UUID(required=True),
        registered_by=fields.String(required=True, validate=IDENTIFIER),
    ),
)
